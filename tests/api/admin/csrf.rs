//! S1/S2: every state-changing admin route, taken from the app's own route table, refuses a
//! request without the session's form token or from another origin, and changes nothing.

use super::Admin;
use crate::helpers::{spawn_app, TestApp};
use actix_web::http::Method;
use undersign::organizers::Role;
use undersign::web::admin::route_table;

/// What is wrong with a request, who sends it, its fields, and its `Origin`.
type Attempt<'a> = (&'a str, &'a Admin, Vec<(&'a str, &'a str)>, Option<&'a str>);

/// A fingerprint of every table an admin action could change.
fn snapshot(app: &TestApp) -> Vec<i64> {
    [
        "campaigns",
        "asks",
        "targets",
        "organizers",
        "organizer_sessions",
        "audit_log",
        "setup_tokens",
        "organizer_invitations",
        "signatures",
        "supporters",
        "batches",
        "batch_targets",
        "outbox",
        "signature_confirm_tokens",
    ]
    .iter()
    .map(|t| app.table_fingerprint(t))
    .collect()
}

fn concrete(path: &str, slug: &str, token: &str, id: &str) -> String {
    format!("/admin{path}")
        .replace("{slug}", slug)
        .replace("{token}", token)
        .replace("{id}", id)
}

fn signature_id(app: &TestApp) -> String {
    use diesel::prelude::*;
    use undersign::db::schema::signatures;
    signatures::table
        .filter(signatures::state.eq("held"))
        .select(signatures::id)
        .first::<uuid::Uuid>(&mut app.conn())
        .unwrap()
        .to_string()
}

#[actix_web::test]
async fn every_admin_post_without_a_valid_token_or_from_another_origin_is_refused_and_changes_nothing(
) {
    let app = spawn_app().await;
    // Live, with confirmed signatures to deliver and a held one to release: every action
    // would change something if it got through.
    let slug = app.live_campaign().await;
    crate::batches::add_signatures(&app, &slug, 1, 2, true);
    app.post_form(
        &format!("/c/{slug}/sign"),
        &[
            ("name", "Held Signer"),
            ("email", "held@example.org"),
            ("country", "HR"),
            ("website", "http://spam.example"),
        ],
    )
    .await;
    let held = signature_id(&app);
    let admin = app.admin(Role::Owner).await;
    let other = app.admin(Role::Editor).await;
    let other_id = app.organizer_id("editor@rivercommons.example").to_string();
    let posts: Vec<String> = route_table()
        .into_iter()
        .filter(|r| r.method != Method::GET && r.method != Method::HEAD)
        .map(|r| concrete(r.path, &slug, &"t".repeat(43), &other_id).replace("{signature}", &held))
        .chain(["/admin/a-route-nobody-registered".to_string()])
        .collect();
    assert!(
        posts.len() >= 4,
        "the inventory lists the admin's actions: {posts:?}"
    );
    let before = snapshot(&app);

    for path in &posts {
        let attempts: Vec<Attempt> = vec![
            ("no token", &admin, vec![], None),
            (
                "another session's token",
                &admin,
                vec![("csrf_token", other.csrf_token.as_str())],
                None,
            ),
            ("a made-up token", &admin, vec![("csrf_token", "x")], None),
            (
                "another origin",
                &admin,
                vec![("csrf_token", admin.csrf_token.as_str())],
                Some("https://evil.test"),
            ),
        ];
        for (what, who, mut fields, origin) in attempts {
            fields.extend([
                ("title", "<script>pwned</script>"),
                ("letter", "Dear Minister,"),
            ]);
            let mut request = who
                .client
                .post(format!("{}{path}", who.address))
                .form(&fields);
            if let Some(origin) = origin {
                request = request.header("Origin", origin);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status().as_u16(), 403, "{path} with {what}");
        }
    }
    assert_eq!(snapshot(&app), before, "nothing changed");

    // Without any session a POST is refused the same way.
    for path in &posts {
        let response = app.post_form(path, &[("csrf_token", "x")]).await;
        assert_eq!(response.status().as_u16(), 403, "{path} without a session");
    }
    assert_eq!(snapshot(&app), before, "nothing changed");
}

#[actix_web::test]
async fn a_post_with_the_session_token_from_our_own_origin_is_accepted() {
    let app = spawn_app().await;
    let admin = app.admin(Role::Owner).await;
    let response = admin
        .client
        .post(format!("{}/admin/logout", admin.address))
        .header("Origin", &app.address)
        .form(&[("csrf_token", admin.csrf_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
}

#[actix_web::test]
async fn admin_pages_let_browsers_name_our_origin_when_their_forms_post_back() {
    // Under the public pages' `no-referrer` a browser posts `Origin: null`, which the guard
    // refuses: every admin form would fail in a real browser.
    let app = spawn_app().await;
    let admin = app.admin(Role::Owner).await;
    for path in ["/admin/login", "/admin"] {
        let response = admin.get(path).await;
        assert_eq!(
            response.headers()["referrer-policy"],
            "same-origin",
            "{path}"
        );
    }
    let response = admin
        .client
        .post(format!("{}/admin/logout", admin.address))
        .header("Origin", "null")
        .form(&[("csrf_token", admin.csrf_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        403,
        "an opaque origin is not ours"
    );
}
