//! "Forgot your password?": a reset link by e-mail, through HTTP and the real SMTP server.

use super::{browser, csrf_token_in, PASSWORD};
use crate::helpers::{spawn_app, TestApp, BASE_URL};
use diesel::prelude::*;
use std::time::Duration;
use undersign::organizers::Role;

const NEW_PASSWORD: &str = "a brand new long password";

/// Asks for a reset link for `email` from a fresh browser; returns the status and page.
async fn ask_for_link(app: &TestApp, email: &str) -> (u16, String) {
    let client = browser();
    let form = client
        .get(format!("{}/admin/password-reset", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(format!("{}/admin/password-reset", app.address))
        .form(&[
            ("csrf_token", csrf_token_in(&form).as_str()),
            ("email", email),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The reset link's path in the newest e-mail to `to`.
async fn link_sent_to(app: &TestApp, to: &str) -> String {
    app.drain().await;
    let mail = app.wait_for_mail(1, Duration::from_secs(5)).await;
    let link = mail
        .iter()
        .rev()
        .filter(|m| m.rcpt_to == [to])
        .find_map(|m| m.link_starting_with(&format!("{BASE_URL}/admin/password-reset/")))
        .expect("the e-mail carries a reset link");
    link.trim_start_matches(BASE_URL).to_string()
}

/// Opens the reset link in a fresh browser and posts `new` twice (or `confirm`).
async fn choose(app: &TestApp, path: &str, new: &str, confirm: &str) -> reqwest::Response {
    let client = browser();
    let form = client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status().as_u16(), 200, "the link opens its form");
    let token = csrf_token_in(&form.text().await.unwrap());
    client
        .post(format!("{}{path}", app.address))
        .form(&[
            ("csrf_token", token.as_str()),
            ("new", new),
            ("confirm", confirm),
        ])
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_forgotten_password_is_reset_by_an_emailed_link_that_works_once_and_signs_out_everywhere()
{
    let app = spawn_app().await;
    let signed_in = app.admin(Role::Editor).await;
    let email = "editor@rivercommons.example";

    let (status, page) = ask_for_link(&app, "Editor@RiverCommons.example").await;
    assert_eq!(status, 200);
    assert!(page.contains("we have sent it a link"), "{page}");
    let path = link_sent_to(&app, email).await;

    let mismatch = choose(&app, &path, NEW_PASSWORD, "something else entirely").await;
    assert_eq!(mismatch.status().as_u16(), 422);
    assert!(mismatch.text().await.unwrap().contains("not the same"));
    let done = choose(&app, &path, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status().as_u16(), 303);
    assert_eq!(
        done.headers()["location"].to_str().unwrap(),
        "/admin/login?reset=1"
    );

    assert_eq!(
        signed_in.get("/admin").await.status().as_u16(),
        303,
        "the session that was open is signed out"
    );
    let (_, old) = app.sign_in(email, PASSWORD).await;
    assert_eq!(
        old.status().as_u16(),
        401,
        "the old password no longer works"
    );
    let (_, new) = app.sign_in(email, NEW_PASSWORD).await;
    assert_eq!(new.status().as_u16(), 303, "the new one does");
    let again = browser()
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 404, "the link works once");

    let token = path.rsplit('/').next().unwrap().to_string();
    let stored: Vec<String> = undersign::db::schema::organizer_password_resets::table
        .select(undersign::db::schema::organizer_password_resets::token_hash)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token, "only the token's hash is stored");
    assert!(app
        .audit_actions()
        .ends_with(&["password reset requested".into(), "password reset".into()]));
}

#[actix_web::test]
async fn asking_for_a_reset_tells_nobody_whether_an_address_has_an_account() {
    let app = spawn_app().await;
    app.organizer_account("lena@example.org", Role::Viewer)
        .await;

    let (known_status, known) = ask_for_link(&app, "lena@example.org").await;
    let (unknown_status, unknown) = ask_for_link(&app, "nobody@example.org").await;
    let (odd_status, odd) = ask_for_link(&app, "not an address").await;

    assert_eq!((known_status, unknown_status, odd_status), (200, 200, 200));
    let strip_token = |page: &str| {
        page.replace(&csrf_token_in(page), "")
            .replace("lena@example.org", "ADDRESS")
            .replace("nobody@example.org", "ADDRESS")
            .replace("not an address", "ADDRESS")
    };
    assert_eq!(strip_token(&known), strip_token(&unknown));
    assert_eq!(strip_token(&known), strip_token(&odd));
    app.drain().await;
    let mail = app.smtp.messages();
    assert_eq!(mail.len(), 1, "only the account is sent a link");
    assert_eq!(mail[0].rcpt_to, ["lena@example.org"]);
}

#[actix_web::test]
async fn a_reset_link_stops_working_after_an_hour_or_when_a_newer_one_is_sent() {
    let app = spawn_app().await;
    app.organizer_account("lena@example.org", Role::Viewer)
        .await;
    ask_for_link(&app, "lena@example.org").await;
    let first = link_sent_to(&app, "lena@example.org").await;
    ask_for_link(&app, "lena@example.org").await;
    let second = link_sent_to(&app, "lena@example.org").await;
    assert_ne!(first, second);

    let opens = |path: String| {
        let address = app.address.clone();
        async move {
            browser()
                .get(format!("{address}{path}"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(opens(first).await, 404, "the newer link replaces the older");
    assert_eq!(opens(second.clone()).await, 200);
    diesel::sql_query(
        "UPDATE organizer_password_resets SET expires_at = now() - interval '1 second'",
    )
    .execute(&mut app.conn())
    .unwrap();
    assert_eq!(opens(second).await, 404, "an hour later it no longer works");
}

#[actix_web::test]
async fn an_account_is_sent_a_few_reset_links_an_hour_at_most() {
    let app = spawn_app().await;
    app.organizer_account("lena@example.org", Role::Viewer)
        .await;
    let limit = undersign::organizers::resets::MAILS_PER_ACCOUNT_PER_HOUR as usize;

    for _ in 0..limit + 3 {
        let (status, _) = ask_for_link(&app, "lena@example.org").await;
        assert_eq!(status, 200, "the same answer every time");
    }

    app.drain().await;
    assert_eq!(app.smtp.messages().len(), limit);
}

#[actix_web::test]
async fn a_reset_link_is_sent_before_a_large_queue_of_bulk_mail() {
    let app = spawn_app().await;
    app.organizer_account("lena@example.org", Role::Viewer)
        .await;
    diesel::sql_query(
        "INSERT INTO outbox (id, kind, recipient, message_id, params, next_attempt_at) \
         SELECT gen_random_uuid(), 'test_copy', 'organizer@rivercommons.example', \
                '<copy.' || i || '@rivercommons.example>', '{}', \
                now() - interval '1 hour' + i * interval '1 millisecond' \
         FROM generate_series(1, 2000) i",
    )
    .execute(&mut app.conn())
    .unwrap();

    ask_for_link(&app, "lena@example.org").await;

    let claimed = app.claim(4).await;
    assert!(
        claimed
            .iter()
            .any(|row| row.kind == undersign::mail::MailKind::PasswordReset),
        "the reset link does not wait behind bulk mail"
    );
    undersign::db::run(&app.pool, |conn| {
        diesel::sql_query("DELETE FROM outbox").execute(conn)?;
        anyhow::Ok(())
    })
    .await
    .unwrap();
}
