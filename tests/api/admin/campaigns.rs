//! The campaign list, the dashboard and the moves an editor makes, through HTTP.

use crate::helpers::{spawn_app, RIVER_COMMONS};
use undersign::organizers::Role;

#[actix_web::test]
async fn the_list_and_dashboard_show_the_campaign_with_its_counts_and_goal() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana", "ana@example.org").await;
    let mail = app.wait_for_mail(0, std::time::Duration::ZERO).await;
    assert!(mail.is_empty());
    app.drain().await;
    let confirmation = app.smtp.messages();
    app.confirm_from(&confirmation[0]).await;
    app.sign(&slug, "Bo", "bo@example.org").await;
    let viewer = app.admin(Role::Viewer).await;

    let list = viewer.get("/admin").await.text().await.unwrap();
    assert!(list.contains(&format!("href=\"/admin/campaigns/{slug}\"")));

    let response = viewer.get(&format!("/admin/campaigns/{slug}")).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let page = response.text().await.unwrap();
    for expected in [
        "<strong>1</strong> confirmed",
        "<strong>1</strong> waiting for confirmation",
        "<strong>0</strong> held for review",
        "Goal: 1 of 5,000 (under 1%)",
        "<svg class=\"chart\"",
        "<text class=\"axis-title\" x=\"0\" y=\"14\">Signatures</text>",
        "<td>Croatia</td><td>1</td>",
    ] {
        assert!(page.contains(expected), "the dashboard shows {expected:?}");
    }
    assert!(
        !page.contains("/launch\"") && !page.contains("/close\""),
        "a viewer gets no buttons"
    );
    assert_eq!(
        viewer
            .get("/admin/campaigns/no-such-campaign")
            .await
            .status()
            .as_u16(),
        404
    );
}

#[actix_web::test]
async fn an_editor_launches_once_however_often_the_button_is_pressed() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let editor = app.admin(Role::Editor).await;
    let launch = format!("/admin/campaigns/{slug}/launch");

    let first = editor.post(&launch, &[]).await;
    let second = editor.post(&launch, &[]).await;

    assert_eq!(first.status().as_u16(), 303);
    assert_eq!(second.status().as_u16(), 303, "a double click is harmless");
    assert_eq!(app.get(&format!("/c/{slug}")).await.status().as_u16(), 200);
    let page = editor
        .get(&format!("/admin/campaigns/{slug}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("status-live"));

    // A tab that still shows "Launch" after the campaign was closed gets 409, not a relaunch.
    assert_eq!(
        editor
            .post(&format!("/admin/campaigns/{slug}/close"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    let stale = editor.post(&launch, &[]).await;
    assert_eq!(stale.status().as_u16(), 409);
    assert!(stale.text().await.unwrap().contains("reopen"));
    assert_eq!(
        editor
            .post(&format!("/admin/campaigns/{slug}/reopen"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        editor
            .post(&format!("/admin/campaigns/{slug}/archive"), &[])
            .await
            .status()
            .as_u16(),
        409,
        "a live campaign is closed before it is archived"
    );
    editor
        .post(&format!("/admin/campaigns/{slug}/close"), &[])
        .await;
    assert_eq!(
        editor
            .post(&format!("/admin/campaigns/{slug}/archive"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    let list = editor.get("/admin").await.text().await.unwrap();
    assert!(
        !list.contains(&format!("/admin/campaigns/{slug}\"")),
        "archived campaigns leave the list"
    );
}

#[actix_web::test]
async fn a_viewer_may_not_launch_close_reopen_or_archive() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let viewer = app.admin(Role::Viewer).await;
    for action in ["launch", "close", "reopen", "archive"] {
        let response = viewer
            .post(&format!("/admin/campaigns/{slug}/{action}"), &[])
            .await;
        assert_eq!(response.status().as_u16(), 403, "{action}");
    }
    assert_eq!(
        app.get(&format!("/c/{slug}")).await.status().as_u16(),
        404,
        "the draft is still a draft"
    );
}

#[actix_web::test]
async fn what_organizers_and_supporters_typed_is_escaped_on_admin_pages() {
    let app = spawn_app().await;
    let letter = RIVER_COMMONS.replacen(
        "+++\n",
        "+++\ntitle = \"<script>alert(1)</script>\\\"><img src=x onerror=alert(2)>\"\n",
        1,
    );
    let slug = app.import(&letter, true).await;
    let owner = app.admin(Role::Owner).await;
    for path in ["/admin".to_string(), format!("/admin/campaigns/{slug}")] {
        let page = owner.get(&path).await.text().await.unwrap();
        assert!(!page.contains("<script>alert"), "{path}");
        assert!(!page.contains("<img src=x"), "{path}");
        assert!(page.contains("&#60;script&#62;alert(1)"), "{path}");
    }
}

#[actix_web::test]
async fn an_editor_exports_confirmed_signatures_as_defused_csv_and_the_export_is_recorded() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.post_form(
        &format!("/c/{slug}/sign"),
        &[
            ("name", "Ana"),
            ("email", "ana@example.org"),
            ("country", "HR"),
            ("comment", "=SUM(A1:A9)"),
        ],
    )
    .await;
    app.sign(&slug, "Bo Unconfirmed", "bo@example.org").await;
    app.drain().await;
    let first = app.smtp.messages();
    let ana = first
        .iter()
        .find(|m| m.rcpt_to.iter().any(|t| t.contains("ana@example.org")))
        .unwrap();
    app.confirm_from(ana).await;
    let editor = app.admin(Role::Editor).await;
    let viewer = app.admin(Role::Viewer).await;
    let path = format!("/admin/campaigns/{slug}/signatures.csv");

    assert_eq!(viewer.get(&path).await.status().as_u16(), 403);
    let response = editor.get(&path).await;

    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "the header and the one confirmed signature: {csv}"
    );
    assert!(lines[1].contains(",'=SUM(A1:A9),"), "{}", lines[1]);
    assert!(!csv.contains("bo@example.org"));
    assert_eq!(app.export_audit_rows(), vec![1]);
}

#[actix_web::test]
async fn launching_without_a_target_tells_the_organizer_to_add_one_in_the_editor() {
    let app = spawn_app().await;
    let slug = app
        .import(
            "+++\nslug = \"no-targets\"\n+++\nDear Minister,\n\nPlease act.\n",
            false,
        )
        .await;
    let editor = app.admin(Role::Editor).await;

    let refused = editor
        .post(&format!("/admin/campaigns/{slug}/launch"), &[])
        .await;

    assert_eq!(refused.status().as_u16(), 409);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Add a target with their e-mail address in the campaign&#39;s editor"),
        "{page}"
    );
    assert!(
        !page.contains("[[targets]]"),
        "no letter-file words in the admin: {page}"
    );
}

#[actix_web::test]
async fn asks_are_edited_in_text_areas_and_the_editor_says_scheduled_messages_go_once_a_day() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let editor = app.admin(Role::Editor).await;

    let page = editor.page(&format!("/admin/campaigns/{slug}/edit")).await;

    assert!(
        page.contains("<textarea id=\"ask-1-text\" name=\"ask-1-text\""),
        "{page}"
    );
    assert!(page.contains("at most once a day per target"), "{page}");
}
