//! The password asked for again before the dangerous things, when it was last given more than
//! ten minutes ago: nothing is done until it is, and then the organizer comes back.

use super::PASSWORD;
use crate::batches::count;
use crate::helpers::{spawn_app, TestApp};
use diesel::RunQueryDsl;
use undersign::organizers::Role;

/// As if every session's password was last given eleven minutes ago.
fn confirmed_long_ago(app: &TestApp) {
    diesel::sql_query("UPDATE organizer_sessions SET confirmed_at = now() - interval '11 minutes'")
        .execute(&mut app.conn())
        .unwrap();
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

#[actix_web::test]
async fn an_export_after_ten_minutes_asks_for_the_password_and_then_goes_ahead() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let editor = app.admin(Role::Editor).await;
    let csv = format!("/admin/campaigns/{slug}/signatures.csv");
    assert_eq!(
        editor.get(&csv).await.status().as_u16(),
        200,
        "just signed in: no question"
    );

    confirmed_long_ago(&app);
    let asked = editor.get(&csv).await;
    assert_eq!(asked.status().as_u16(), 303);
    let to = location(&asked);
    assert!(
        to.starts_with("/admin/confirm?next=%2Fadmin%2Fcampaigns%2F"),
        "{to}"
    );
    let page = editor.page(&to).await;
    assert!(
        page.contains("Confirm your password") && page.contains("name=\"next\""),
        "{page}"
    );

    let wrong = editor
        .post("/admin/confirm", &[("password", "not it"), ("next", &csv)])
        .await;
    assert_eq!(wrong.status().as_u16(), 401);
    assert_eq!(editor.get(&csv).await.status().as_u16(), 303, "still asked");
    let right = editor
        .post("/admin/confirm", &[("password", PASSWORD), ("next", &csv)])
        .await;
    assert_eq!(right.status().as_u16(), 303);
    assert_eq!(location(&right), csv, "back to where it was");
    assert_eq!(editor.get(&csv).await.status().as_u16(), 200);

    let elsewhere = editor
        .post(
            "/admin/confirm",
            &[("password", PASSWORD), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(location(&elsewhere), "/admin", "never sent to another site");
}

#[actix_web::test]
async fn an_erasure_and_a_role_change_wait_for_the_password_and_change_nothing_meanwhile() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign_and_confirm(&slug, "Aram Petrosyan", "aram@example.org", true)
        .await;
    let supporter: uuid::Uuid = {
        use diesel::prelude::*;
        use undersign::db::schema::supporters;
        supporters::table
            .filter(supporters::email_canonical.eq("aram@example.org"))
            .select(supporters::id)
            .first(&mut app.conn())
            .unwrap()
    };
    app.organizer_account("viewer@rivercommons.example", Role::Viewer)
        .await;
    let owner = app.admin(Role::Owner).await;
    confirmed_long_ago(&app);

    let erase = owner
        .post(
            &format!("/admin/supporters/{supporter}/erase"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(erase.status().as_u16(), 303);
    assert!(location(&erase).starts_with("/admin/confirm?next="));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM supporters WHERE email = 'aram@example.org'"
        ),
        1
    );

    let users = owner.page("/admin/users").await;
    let viewer_form = users
        .split("action=\"")
        .find(|part| part.contains("/role\""))
        .map(|part| part.split('"').next().unwrap().to_string())
        .expect("a role form");
    let changed = owner.post(&viewer_form, &[("role", "owner")]).await;
    assert_eq!(changed.status().as_u16(), 303);
    assert!(location(&changed).starts_with("/admin/confirm?next=%2Fadmin%2Fusers"));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM organizers WHERE role = 'owner'"
        ),
        1,
        "no new owner"
    );
}

#[actix_web::test]
async fn an_organizer_sees_where_they_are_signed_in_and_signs_out_another_browser() {
    let app = spawn_app().await;
    let here = app.admin(Role::Owner).await;
    let (there, signed) = app.sign_in("owner@rivercommons.example", PASSWORD).await;
    assert_eq!(signed.status().as_u16(), 303);
    assert_eq!(there.get("/admin").await.status().as_u16(), 200);

    let account = here.page("/admin/account").await;
    assert_eq!(account.matches("<td>this one</td>").count(), 1, "{account}");
    let end = account
        .split("action=\"")
        .find(|part| part.contains("/end\""))
        .map(|part| part.split('"').next().unwrap().to_string())
        .expect("a way to end the other session");
    assert_eq!(here.post(&end, &[]).await.status().as_u16(), 303);
    assert_eq!(
        there.get("/admin").await.status().as_u16(),
        303,
        "signed out there"
    );
    assert_eq!(
        here.get("/admin").await.status().as_u16(),
        200,
        "still signed in here"
    );

    // Nobody ends a session of someone else's.
    app.organizer_account("ed@rivercommons.example", Role::Editor)
        .await;
    let (ed, _) = app.sign_in("ed@rivercommons.example", PASSWORD).await;
    let mine = here.page("/admin/account").await;
    assert_eq!(mine.matches("/end\"").count(), 0);
    let eds = ed.page("/admin/account").await;
    assert!(eds.contains("<td>this one</td>"));
    assert_eq!(ed.post(&end, &[]).await.status().as_u16(), 404);
}
