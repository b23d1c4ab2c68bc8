//! The organizer's previews: the action page as supporters see it, each target's next
//! message, and a test copy to oneself that changes no batch.

use super::editor::{form_of, with};
use crate::batches::add_signatures;
use crate::helpers::{spawn_app, RIVER_COMMONS};
use undersign::organizers::Role;

#[actix_web::test]
async fn a_draft_is_previewed_as_supporters_will_see_it_under_a_banner_and_never_indexed() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let viewer = app.admin(Role::Viewer).await;
    assert_eq!(app.get(&format!("/c/{slug}")).await.status().as_u16(), 404);

    let response = viewer
        .get(&format!("/admin/campaigns/{slug}/preview"))
        .await;

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["x-robots-tag"], "noindex");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let page = response.text().await.unwrap();
    for expected in [
        "<strong>Preview</strong> — This draft is shown as it will look once launched.",
        "<meta name=\"robots\" content=\"noindex\">",
        "<h1>Regional leaders must halt the Varna Gorge dam",
        &format!("action=\"/c/{slug}/sign#sign\""),
        "<strong>Marta Kovač</strong>, Minister of Energy",
        &format!("href=\"/admin/campaigns/{slug}/preview/messages\""),
    ] {
        assert!(page.contains(expected), "the preview shows {expected:?}");
    }
}

#[actix_web::test]
async fn each_targets_next_message_is_shown_and_a_test_copy_reaches_the_organizer_without_cutting_a_batch(
) {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    add_signatures(&app, &slug, 1, 3, true);
    let editor = app.admin(Role::Editor).await;
    let c = app.stored_campaign(&slug);
    let form = with(form_of(&c), "target-2-name", "Ilir Deda");
    let form = with(form, "target-2-email", "governor@north.example");
    assert_eq!(editor.save(&slug, &form).await.status().as_u16(), 303);
    let tables = [
        "batches",
        "batch_targets",
        "batch_signatures",
        "batch_pending",
        "signatures",
    ];
    let before: Vec<i64> = tables.iter().map(|t| app.table_fingerprint(t)).collect();

    let page = editor
        .get(&format!("/admin/campaigns/{slug}/preview/messages"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("To: Marta Kovač, Minister of Energy &#60;minister@energy.example&#62;"));
    assert!(page.contains("To: Ilir Deda &#60;governor@north.example&#62;"));
    assert!(
        page.contains("— 3 signatures"),
        "the signatures not yet delivered are counted"
    );

    let sent = editor
        .post(&format!("/admin/campaigns/{slug}/preview/send-test"), &[])
        .await;
    assert_eq!(sent.status().as_u16(), 303);
    assert_eq!(
        sent.headers()["location"],
        format!("/admin/campaigns/{slug}/preview/messages?sent=2&skipped=0").as_str()
    );
    app.drain().await;

    let mail = app.smtp.messages();
    assert_eq!(mail.len(), 2, "one test copy per target");
    for m in &mail {
        assert!(m.subject().starts_with("[TEST]"), "{}", m.subject());
        assert_eq!(m.rcpt_to, vec!["editor@rivercommons.example"]);
    }
    let after: Vec<i64> = tables.iter().map(|t| app.table_fingerprint(t)).collect();
    assert_eq!(
        after, before,
        "no batch was cut and nothing was marked delivered"
    );
    let viewer = app.admin(Role::Viewer).await;
    let refused = viewer
        .post(&format!("/admin/campaigns/{slug}/preview/send-test"), &[])
        .await;
    assert_eq!(refused.status().as_u16(), 403);
}
