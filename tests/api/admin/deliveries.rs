//! The delivery log page, the dashboard's delivery summary and the deliver-now button, through
//! HTTP with the real SMTP server.

use crate::batches::{add_signatures, count, letter};
use crate::helpers::spawn_app;
use undersign::organizers::Role;

const TARGETS: [(&str, &str); 2] = [
    ("Marta Kovač", "minister@energy.example"),
    ("Ana <b>Babić</b>", "ana@gone.example"),
];

#[actix_web::test]
async fn deliver_now_queues_the_batch_and_the_log_shows_a_failed_target_with_its_reply() {
    let app = spawn_app().await;
    let slug = app.import(&letter("manual", &TARGETS), true).await;
    add_signatures(&app, &slug, 1, 3, true);
    app.smtp.fail_recipient("gone.example", 550);
    let viewer = app.admin(Role::Viewer).await;
    let editor = app.admin(Role::Editor).await;
    let deliver_now = format!("/admin/campaigns/{slug}/deliver-now");
    let batches = "SELECT count(*) AS n FROM batch_targets";

    let refused = viewer.post(&deliver_now, &[]).await;
    assert_eq!(refused.status().as_u16(), 403);
    assert_eq!(count(&app, batches), 0, "a viewer cuts nothing");
    let log = viewer
        .page(&format!("/admin/campaigns/{slug}/deliveries"))
        .await;
    assert!(log.contains("Nothing delivered yet."));
    assert!(!log.contains("/deliver-now\""), "a viewer gets no button");

    let response = editor.post(&deliver_now, &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/admin/campaigns/{slug}/deliveries?done=3.2.0").as_str(),
        "the log, told what was cut and queued"
    );
    assert_eq!(count(&app, batches), 2, "one message per target");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_log WHERE action = 'deliver-now'"
        ),
        1
    );
    app.drain().await;

    let log = viewer
        .page(&format!("/admin/campaigns/{slug}/deliveries"))
        .await;
    for expected in [
        "role=\"alert\"",
        "Ana &#60;b&#62;Babić&#60;/b&#62;",
        "<strong class=\"error\">failed</strong>",
        "550",
        "no such user",
        "#1–3 (3)",
    ] {
        assert!(log.contains(expected), "the log shows {expected:?}");
    }
    assert!(!log.contains("<b>Babić"), "target names are escaped");
    let message_id: String = {
        use diesel::prelude::*;
        use undersign::db::schema::batch_targets;
        batch_targets::table
            .filter(batch_targets::state.eq("sent"))
            .select(batch_targets::message_id)
            .first(&mut app.conn())
            .unwrap()
    };
    assert!(
        log.contains(&message_id.replace('<', "&#60;").replace('>', "&#62;")),
        "the Message-ID"
    );

    let dashboard = viewer.page(&format!("/admin/campaigns/{slug}")).await;
    assert!(dashboard.contains("role=\"alert\""), "failed loudly");
    assert!(dashboard.contains("no such user"));
    assert!(dashboard.contains("2 messages to targets: 1 sent"));
    assert!(dashboard.contains(&format!("href=\"/admin/campaigns/{slug}/deliveries\"")));
}

#[actix_web::test]
async fn deliver_now_on_a_draft_is_refused_and_cuts_nothing() {
    let app = spawn_app().await;
    let slug = app.import(&letter("manual", &TARGETS), false).await;
    let editor = app.admin(Role::Editor).await;

    let response = editor
        .post(&format!("/admin/campaigns/{slug}/deliver-now"), &[])
        .await;

    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM batches"), 0);
}
