//! Organizers managed from `/admin/users` (owners only), invitations, and the audit log.

use super::{browser, csrf_token_in, Admin, PASSWORD};
use crate::helpers::{spawn_app, TestApp, BASE_URL};
use undersign::organizers::Role;

/// Invites `email` as `role` and returns the link's path, read from the page as an owner
/// would copy it.
async fn invite(owner: &Admin, email: &str, role: &str) -> String {
    let response = owner
        .post("/admin/users/invite", &[("email", email), ("role", role)])
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.unwrap();
    let start = page
        .find(&format!("{BASE_URL}/admin/users/accept/"))
        .expect("the page shows the invitation link once");
    let link = &page[start..][..page[start..].find('"').unwrap()];
    link.trim_start_matches(BASE_URL).to_string()
}

/// Opens an invitation in a fresh browser and posts `password`.
async fn join(app: &TestApp, path: &str, password: &str) -> (Admin, reqwest::Response) {
    let client = browser();
    let form = client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status().as_u16(), 200, "the invitation opens");
    let token = csrf_token_in(&form.text().await.unwrap());
    let response = client
        .post(format!("{}{path}", app.address))
        .form(&[("csrf_token", token.as_str()), ("password", password)])
        .send()
        .await
        .unwrap();
    let admin = Admin {
        client,
        address: app.address.clone(),
        csrf_token: String::new(),
    };
    (admin, response)
}

#[actix_web::test]
async fn an_invited_editor_joins_through_the_link_once_with_the_role_the_owner_chose() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let owner = app.admin(Role::Owner).await;
    let path = invite(&owner, "Lena@Example.org", "editor").await;
    let pending = owner.get("/admin/users").await.text().await.unwrap();
    assert!(
        pending.contains("<td>Lena@example.org</td>"),
        "listed as open"
    );
    assert!(
        !pending.contains("/admin/users/accept/"),
        "the link is not shown again"
    );

    let (_, short) = join(&app, &path, "too short").await;
    assert_eq!(short.status().as_u16(), 422);
    assert!(short
        .text()
        .await
        .unwrap()
        .contains("at least 12 characters"));

    let (joined, response) = join(&app, &path, PASSWORD).await;
    assert_eq!(response.status().as_u16(), 303, "signed in at once");
    assert_eq!(joined.get("/admin").await.status().as_u16(), 200);
    assert_eq!(
        joined.get("/admin/users").await.status().as_u16(),
        403,
        "an editor does not manage organizers"
    );
    assert_eq!(
        app.organizer_access("Lena@example.org"),
        ("editor".into(), true)
    );
    let (_, again) = app.sign_in("lena@example.org", PASSWORD).await;
    assert_eq!(again.status().as_u16(), 303, "the chosen password signs in");

    let reused = browser()
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status().as_u16(), 404, "the link works once");
    assert_eq!(app.audit_actions(), ["invite", "join"]);
}

#[actix_web::test]
async fn an_invitation_is_emailed_to_the_invitee_with_the_link_the_page_shows_once() {
    let app = spawn_app().await;
    let owner = app.admin(Role::Owner).await;

    let path = invite(&owner, "lena@example.org", "viewer").await;

    app.drain().await;
    let mail = app
        .wait_for_mail(1, std::time::Duration::from_secs(5))
        .await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].rcpt_to, ["lena@example.org"]);
    let emailed = mail[0]
        .link_starting_with(&format!("{BASE_URL}/admin/users/accept/"))
        .expect("the e-mail carries the link");
    assert_eq!(emailed.trim_start_matches(BASE_URL), path);
    assert!(mail[0].text_body().contains("as viewer"));
    let (_, joined) = join(&app, &path, PASSWORD).await;
    assert_eq!(joined.status().as_u16(), 303);
}

#[actix_web::test]
async fn an_address_that_has_an_account_is_not_invited_and_a_withdrawn_link_stops_working() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let owner = app.admin(Role::Owner).await;
    let response = owner
        .post(
            "/admin/users/invite",
            &[("email", "owner@rivercommons.example"), ("role", "viewer")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("already exists"));
    assert!(
        page.contains("value=\"owner@rivercommons.example\""),
        "the value is kept"
    );
    let bad = owner
        .post(
            "/admin/users/invite",
            &[("email", "not an address"), ("role", "viewer")],
        )
        .await;
    assert_eq!(bad.status().as_u16(), 422);

    let path = invite(&owner, "sam@example.org", "viewer").await;
    let users = owner.get("/admin/users").await.text().await.unwrap();
    let marker = "action=\"/admin/users/invitations/";
    let start = users.find(marker).unwrap() + marker.len();
    let id = &users[start..][..36];
    let withdrawn = owner
        .post(&format!("/admin/users/invitations/{id}/revoke"), &[])
        .await;
    assert_eq!(withdrawn.status().as_u16(), 303);
    let gone = browser()
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status().as_u16(), 404);
}

#[actix_web::test]
async fn editors_and_viewers_can_neither_see_nor_change_organizers() {
    let app = spawn_app().await;
    let _owner = app.admin(Role::Owner).await;
    let editor = app.admin(Role::Editor).await;
    let viewer = app.admin(Role::Viewer).await;
    let owner_id = app.organizer_id("owner@rivercommons.example").to_string();
    for who in [&editor, &viewer] {
        assert_eq!(who.get("/admin/users").await.status().as_u16(), 403);
        assert_eq!(who.get("/admin/audit").await.status().as_u16(), 403);
        let invite = who
            .post(
                "/admin/users/invite",
                &[("email", "x@example.org"), ("role", "owner")],
            )
            .await;
        assert_eq!(invite.status().as_u16(), 403);
        let promote = who
            .post(
                &format!("/admin/users/{owner_id}/role"),
                &[("role", "viewer")],
            )
            .await;
        assert_eq!(promote.status().as_u16(), 403);
        let remove = who
            .post(&format!("/admin/users/{owner_id}/remove"), &[])
            .await;
        assert_eq!(remove.status().as_u16(), 403);
    }
    assert_eq!(
        app.organizer_access("owner@rivercommons.example"),
        ("owner".into(), true)
    );
    assert!(app.audit_actions().is_empty(), "nothing happened");
}

#[actix_web::test]
async fn a_role_change_applies_to_open_sessions_and_removal_ends_them() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.import(crate::helpers::RIVER_COMMONS, false).await;
    let owner = app.admin(Role::Owner).await;
    let editor = app.admin(Role::Editor).await;
    let editor_id = app.organizer_id("editor@rivercommons.example").to_string();

    let changed = owner
        .post(
            &format!("/admin/users/{editor_id}/role"),
            &[("role", "viewer")],
        )
        .await;
    assert_eq!(changed.status().as_u16(), 303);
    let launch = editor
        .post(&format!("/admin/campaigns/{slug}/launch"), &[])
        .await;
    assert_eq!(launch.status().as_u16(), 403, "now a viewer, at once");

    let removed = owner
        .post(&format!("/admin/users/{editor_id}/remove"), &[])
        .await;
    assert_eq!(removed.status().as_u16(), 303);
    let after = editor.get("/admin").await;
    assert_eq!(after.status().as_u16(), 303, "signed out");
    assert_eq!(after.headers()["location"], "/admin/login");
    let (_, login) = app.sign_in("editor@rivercommons.example", PASSWORD).await;
    assert_ne!(login.status().as_u16(), 303, "cannot sign in again");

    // Invited back, they come back with the new role and password.
    let path = invite(&owner, "editor@rivercommons.example", "editor").await;
    let (back, response) = join(&app, &path, "another long password").await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(back.get("/admin").await.status().as_u16(), 200);
    assert_eq!(
        app.organizer_access("editor@rivercommons.example"),
        ("editor".into(), true)
    );
    assert_eq!(
        app.audit_actions(),
        ["create", "role", "remove", "invite", "join"],
        "the campaign the test imported is audited too"
    );
}

#[actix_web::test]
async fn an_owner_cannot_remove_or_demote_themselves() {
    let app = spawn_app().await;
    let owner = app.admin(Role::Owner).await;
    let own_id = app.organizer_id("owner@rivercommons.example").to_string();
    for (path, fields) in [
        (format!("/admin/users/{own_id}/remove"), vec![]),
        (
            format!("/admin/users/{own_id}/role"),
            vec![("role", "viewer")],
        ),
    ] {
        let response = owner.post(&path, &fields).await;
        assert_eq!(response.status().as_u16(), 409, "{path}");
        assert!(response.text().await.unwrap().contains("ask another owner"));
    }
    assert_eq!(
        app.organizer_access("owner@rivercommons.example"),
        ("owner".into(), true)
    );
}

#[actix_web::test]
async fn the_audit_log_shows_who_did_what_newest_first_escaped_and_paged() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let owner = app.admin(Role::Owner).await;
    let slug = app.import(crate::helpers::RIVER_COMMONS, false).await;
    owner
        .post(&format!("/admin/campaigns/{slug}/launch"), &[])
        .await;
    for i in 0..60 {
        owner
            .post(
                "/admin/users/invite",
                &[("email", &format!("p{i}@example.org")), ("role", "viewer")],
            )
            .await;
    }
    let first = owner.get("/admin/audit").await;
    assert_eq!(first.status().as_u16(), 200);
    let page = first.text().await.unwrap();
    assert_eq!(page.matches("<td>invite</td>").count(), 50, "fifty a page");
    assert!(page.contains("owner@rivercommons.example"));
    let marker = "href=\"/admin/audit?before=";
    let start = page.find(marker).expect("a link to older entries") + marker.len();
    let next = &page[start..][..36];
    let older = owner
        .get(&format!("/admin/audit?before={next}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(older.matches("<td>invite</td>").count(), 10);
    assert!(older.contains(&format!("href=\"/admin/campaigns/{slug}\"")));
    assert!(older.contains("<td>launch</td>"));
    assert!(
        !older.contains("?before="),
        "the last page links no further"
    );
    let bad = owner.get("/admin/audit?before=nonsense").await;
    assert_eq!(bad.status().as_u16(), 422);
}

#[actix_web::test]
async fn an_organizer_meets_refusals_in_the_admin_layout_with_a_way_back() {
    let app = spawn_app().await;
    let viewer = app.admin(Role::Viewer).await;
    let owner = app.admin(Role::Owner).await;
    for (response, status) in [
        (viewer.get("/admin/users").await, 403),
        (viewer.get("/admin/no-such-page").await, 404),
        (owner.get("/admin/audit?before=x").await, 422),
    ] {
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let page = response.text().await.unwrap();
        assert!(
            page.contains("Undersign admin"),
            "{status}: the admin's layout"
        );
        assert!(
            page.contains("href=\"/admin\">Back to the campaigns"),
            "{status}"
        );
        assert!(
            !page.contains("See all actions"),
            "{status}: not the supporters' page"
        );
    }
}

#[actix_web::test]
async fn inviting_an_address_again_says_plainly_that_the_earlier_link_no_longer_works() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let owner = app.admin(Role::Owner).await;
    let fields = [("email", "lena@example.org"), ("role", "editor")];
    owner.post("/admin/users/invite", &fields).await;
    // As a reload of the result page would send it again.
    let again = owner.post("/admin/users/invite", &fields).await;
    assert_eq!(again.status().as_u16(), 200);
    let page = again.text().await.unwrap();
    assert!(page.contains("The invitation was e-mailed to"), "{page}");
    assert!(
        page.contains("any earlier link for this address no longer works"),
        "{page}"
    );
}
