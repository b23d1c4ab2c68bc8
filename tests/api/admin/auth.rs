//! Sign-in, sessions and the first-run setup link (S3–S6).

use super::{browser, csrf_token_in, PASSWORD};
use crate::helpers::{spawn_app, spawn_app_with, Options};
use undersign::organizers::Role;

#[actix_web::test]
async fn signing_in_sets_a_strict_httponly_session_cookie_and_a_new_session_id() {
    let app = spawn_app().await;
    app.organizer_account("ana@rivercommons.example", Role::Owner)
        .await;
    let (admin, response) = app.sign_in("ana@rivercommons.example", PASSWORD).await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/admin");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("undersign_session="))
        .expect("a session cookie");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie} has {part}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let first = cookie.split(';').next().unwrap().to_string();

    // Signing in again from a browser that holds a session replaces that session.
    let form = admin.get("/admin/login").await;
    assert_eq!(
        form.status().as_u16(),
        303,
        "a signed-in organizer is sent on"
    );
    let again = admin
        .post(
            "/admin/login",
            &[
                ("email", "ana@rivercommons.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status().as_u16(), 303);
    let second = again
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("undersign_session="))
        .unwrap();
    assert_ne!(first, second.split(';').next().unwrap());
    assert_eq!(app.session_count(), 1, "the old session is gone");
    let stale = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/admin", app.address))
        .header("Cookie", first.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status().as_u16(), 303, "the old id no longer works");
}

#[actix_web::test]
async fn over_https_the_session_cookie_is_secure_and_host_prefixed() {
    let app = spawn_app_with(Options {
        base_url: Some("https://act.example".into()),
        ..Options::default()
    })
    .await;
    app.organizer_account("ana@rivercommons.example", Role::Owner)
        .await;
    let client = browser();
    let form = client
        .get(format!("{}/admin/login", app.address))
        .send()
        .await
        .unwrap();
    let pre = form.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        pre.starts_with("__Host-undersign_form=") && pre.contains("Secure"),
        "{pre}"
    );
    let token = csrf_token_in(&form.text().await.unwrap());
    let pre_value = pre.split(';').next().unwrap().to_string();
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/admin/login", app.address))
        .header("Cookie", pre_value)
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "ana@rivercommons.example"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("__Host-undersign_session="))
        .expect("a __Host- session cookie");
    for part in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie} has {part}");
    }
}

#[actix_web::test]
async fn admin_pages_send_visitors_without_a_session_to_sign_in() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    for path in [
        "/admin".to_string(),
        "/admin/campaigns/new".into(),
        format!("/admin/campaigns/{slug}"),
        format!("/admin/campaigns/{slug}/edit"),
        format!("/admin/campaigns/{slug}/signatures.csv"),
        "/admin/no-such-page".into(),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status().as_u16(), 303, "{path}");
        let expected = match path.as_str() {
            "/admin" => "/admin/login".to_string(),
            _ => format!(
                "/admin/login?next={}",
                path.replace('/', "%2F")
                    .replace('-', "%2D")
                    .replace('.', "%2E")
            ),
        };
        assert_eq!(response.headers()["location"], expected.as_str(), "{path}");
    }
}

#[actix_web::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let admin = app.admin(Role::Editor).await;
    let cookie_jar_copy = admin.get("/admin").await;
    assert_eq!(cookie_jar_copy.status().as_u16(), 200);

    let response = admin.post("/admin/logout", &[]).await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.session_count(), 0);
    assert_eq!(admin.get("/admin").await.status().as_u16(), 303);
}

#[actix_web::test]
async fn a_session_ends_after_30_idle_minutes_or_12_hours() {
    let app = spawn_app().await;
    let admin = app.admin(Role::Editor).await;
    app.idle_sessions_for(29);
    assert_eq!(admin.get("/admin").await.status().as_u16(), 200);
    app.idle_sessions_for(31);
    assert_eq!(admin.get("/admin").await.status().as_u16(), 303);

    let busy = app.admin(Role::Viewer).await;
    app.age_sessions_by(12 * 60 + 1);
    assert_eq!(busy.get("/admin").await.status().as_u16(), 303);
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = spawn_app().await;
    app.organizer_account("ana@rivercommons.example", Role::Owner)
        .await;
    let (_, wrong) = app
        .sign_in("ana@rivercommons.example", "not the password")
        .await;
    let (_, unknown) = app.sign_in("nobody@rivercommons.example", PASSWORD).await;
    assert_eq!(wrong.status().as_u16(), 401);
    assert_eq!(unknown.status().as_u16(), 401);
    let (a, b) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(a.contains("The e-mail address or the password is not right."));
    assert_eq!(
        a.replace("ana@rivercommons.example", "X")
            .split("name=\"csrf_token\"")
            .next(),
        b.replace("nobody@rivercommons.example", "X")
            .split("name=\"csrf_token\"")
            .next()
    );
    assert_eq!(app.session_count(), 0);
}

#[actix_web::test]
async fn repeated_wrong_passwords_are_slowed_down_per_account_but_not_locked_for_good() {
    let app = spawn_app().await;
    app.organizer_account("ana@rivercommons.example", Role::Owner)
        .await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let (_, r) = app
            .sign_in("ana@rivercommons.example", "wrong password!")
            .await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(
        &statuses[..5],
        &[401; 5],
        "the first failures are only refused"
    );
    assert_eq!(
        statuses[6], 429,
        "then the account has to wait: {statuses:?}"
    );
    // Even the right password waits; an unknown address waits just the same.
    let (_, right) = app.sign_in("ana@rivercommons.example", PASSWORD).await;
    assert_eq!(right.status().as_u16(), 429);
    assert!(right.headers().contains_key("retry-after"));
    let blocked_until = app.longest_login_wait();
    assert!(
        (1..=15 * 60).contains(&blocked_until),
        "a wait, never a lock: {blocked_until}s"
    );

    // When the wait is over, the right password works and the failures are forgotten.
    app.end_login_waits();
    let (_, after) = app.sign_in("ana@rivercommons.example", PASSWORD).await;
    assert_eq!(after.status().as_u16(), 303);
}

#[actix_web::test]
async fn one_address_trying_many_accounts_is_slowed_down_too() {
    let app = spawn_app().await;
    let mut last = 0;
    for i in 0..undersign::organizers::throttle::FREE_NETWORK_FAILURES + 3 {
        let (_, r) = app
            .sign_in(&format!("guess{i}@rivercommons.example"), "wrong password!")
            .await;
        last = r.status().as_u16();
    }
    assert_eq!(last, 429, "the client address is throttled across accounts");
}

#[actix_web::test]
async fn stored_passwords_are_argon2id_with_owasp_parameters() {
    let app = spawn_app().await;
    app.organizer_account("ana@rivercommons.example", Role::Owner)
        .await;
    let hashes = app.password_hashes();
    assert!(hashes[0].starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
}

#[actix_web::test]
async fn the_setup_link_creates_the_first_owner_once() {
    let app = spawn_app().await;
    let token = undersign::db::run(&app.pool, |conn| {
        anyhow::Ok(undersign::organizers::setup::issue_if_needed(conn)?)
    })
    .await
    .unwrap()
    .expect("no organizer yet: a token");
    let client = browser();
    let url = format!("{}/admin/setup/{token}", app.address);
    let form = client.get(&url).send().await.unwrap();
    assert_eq!(form.status().as_u16(), 200);
    let csrf = csrf_token_in(&form.text().await.unwrap());

    let short = client
        .post(&url)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "ana@rivercommons.example"),
            ("password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status().as_u16(), 422);
    let page = short.text().await.unwrap();
    assert!(
        page.contains("at least 12 characters")
            && page.contains("value=\"ana@rivercommons.example\"")
    );

    let created = client
        .post(&url)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "ana@rivercommons.example"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 303);
    assert_eq!(app.owner_count(), 1);
    let home = client
        .get(format!("{}/admin", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status().as_u16(), 200, "the new owner is signed in");

    let again = browser().get(&url).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 404, "the link works once");
    let none = undersign::db::run(&app.pool, |conn| {
        anyhow::Ok(undersign::organizers::setup::issue_if_needed(conn)?)
    })
    .await
    .unwrap();
    assert!(none.is_none(), "no new link once an organizer exists");
}

#[actix_web::test]
async fn an_expired_setup_link_does_not_work() {
    let app = spawn_app().await;
    let token = undersign::db::run(&app.pool, |conn| {
        anyhow::Ok(undersign::organizers::setup::issue_if_needed(conn)?)
    })
    .await
    .unwrap()
    .unwrap();
    app.expire_setup_links();
    assert_eq!(
        app.get(&format!("/admin/setup/{token}"))
            .await
            .status()
            .as_u16(),
        404
    );
}

#[actix_web::test]
async fn a_password_of_only_spaces_or_with_a_line_break_is_refused_at_setup_with_a_message() {
    let app = spawn_app().await;
    let token = app.setup_token().await;
    let client = browser();
    let url = format!("{}/admin/setup/{token}", app.address);
    let form = client.get(&url).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_token_in(&form);
    let spaces = " ".repeat(12);
    for (password, message) in [
        (spaces.as_str(), "not only spaces"),
        ("a long enough\npassword", "control characters"),
    ] {
        let refused = client
            .post(&url)
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("email", "ana@rivercommons.example"),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status().as_u16(), 422, "{password:?}");
        assert!(
            refused.text().await.unwrap().contains(message),
            "{password:?}"
        );
    }
    assert_eq!(app.owner_count(), 0, "no account was made");
}

#[actix_web::test]
async fn a_change_after_the_session_expired_says_so_and_signing_in_again_returns_to_the_page() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let admin = app.admin(Role::Editor).await;
    app.idle_sessions_for(31);

    let edit = format!("/admin/campaigns/{slug}/edit");
    let refused = admin.post(&edit, &[("title", "A new title")]).await;
    assert_eq!(refused.status().as_u16(), 403);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Your session has ended") && page.contains("nothing was changed"));
    assert!(page.contains("admin.css"), "in the admin's layout");
    let link = format!(
        "/admin/login?next={}",
        edit.replace('/', "%2F").replace('-', "%2D")
    );
    assert!(page.contains(&format!("href=\"{link}\"")), "{page}");

    let form = admin.page(&link).await;
    assert!(
        form.contains(&format!("name=\"next\" value=\"{edit}\"")),
        "{form}"
    );
    let token = csrf_token_in(&form);
    let back = admin
        .post_raw(
            "/admin/login",
            &[
                ("csrf_token", token.as_str()),
                ("email", "editor@rivercommons.example"),
                ("password", PASSWORD),
                ("next", edit.as_str()),
            ],
        )
        .await;
    assert_eq!(back.status().as_u16(), 303);
    assert_eq!(
        back.headers()["location"],
        edit.as_str(),
        "back to the editor"
    );
}

#[actix_web::test]
async fn signing_in_never_returns_to_another_site() {
    let app = spawn_app().await;
    app.organizer_account("ana@rivercommons.example", Role::Owner)
        .await;
    for next in [
        "https://evil.example/admin",
        "//evil.example/admin",
        "/admin//evil.example",
        "/\\evil.example",
        "/c/stop-the-dam",
    ] {
        let client = browser();
        let form = client
            .get(format!("{}/admin/login", app.address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let response = client
            .post(format!("{}/admin/login", app.address))
            .form(&[
                ("csrf_token", csrf_token_in(&form).as_str()),
                ("email", "ana@rivercommons.example"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303, "{next}");
        assert_eq!(response.headers()["location"], "/admin", "{next}");
    }
}
