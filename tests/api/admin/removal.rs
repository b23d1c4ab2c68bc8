//! Taking things out and bringing them back: invalidating a signature (and releasing it),
//! deleting a draft, the archived list and unarchiving, and the confirmation step before
//! closing or deleting.

use crate::batches::{add_signatures, count, deliver_now, one_target_by_hand};
use crate::helpers::{spawn_app, TestApp, RIVER_COMMONS};
use diesel::prelude::*;
use diesel::sql_types::Text;
use undersign::organizers::Role;

fn id_of(app: &TestApp, name: &str) -> String {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Text)]
        id: String,
    }
    diesel::sql_query("SELECT id::text AS id FROM signatures WHERE name = $1")
        .bind::<Text, _>(name)
        .get_result::<Id>(&mut app.conn())
        .unwrap()
        .id
}

/// The campaign's figures: counter, public count, awaiting a batch, hourly and country tallies.
async fn figures(app: &TestApp, slug: &str) -> [i64; 5] {
    let public = app
        .get(&format!("/api/v1/campaigns/{slug}"))
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap()["signatures"]
        .as_i64()
        .unwrap();
    [
        count(app, "SELECT signatures AS n FROM campaign_counters"),
        public,
        count(app, "SELECT count(*) AS n FROM batch_pending"),
        count(
            app,
            "SELECT coalesce(sum(signatures), 0)::bigint AS n FROM campaign_hourly",
        ),
        count(
            app,
            "SELECT coalesce(sum(signatures), 0)::bigint AS n FROM campaign_countries",
        ),
    ]
}

#[actix_web::test]
async fn an_invalidated_signature_stops_counting_everywhere_is_never_delivered_and_release_undoes_it(
) {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = one_target_by_hand(&app).await;
    add_signatures(&app, &slug, 1, 3, true);
    let editor = app.admin(Role::Editor).await;
    let viewer = app.admin(Role::Viewer).await;
    assert_eq!(figures(&app, &slug).await, [3; 5]);
    let id = id_of(&app, "Signer 2");
    let invalidate = format!("/admin/campaigns/{slug}/signatures/{id}/invalidate");
    let list = editor
        .page(&format!("/admin/campaigns/{slug}/signatures"))
        .await;
    assert!(list.contains(&format!("action=\"{invalidate}\"")));

    assert_eq!(viewer.post(&invalidate, &[]).await.status().as_u16(), 403);
    let response = editor.post(&invalidate, &[]).await;

    assert_eq!(response.status().as_u16(), 303);
    let back = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        back,
        format!("/admin/campaigns/{slug}/signatures?done=invalidated")
    );
    let list = editor.page(&back).await;
    assert!(list.contains("Invalidated: the signature no longer counts"));
    assert!(list.contains(">invalid</span>"));
    assert_eq!(
        figures(&app, &slug).await,
        [2; 5],
        "every figure drops by one"
    );
    assert!(editor
        .page(&format!("/admin/campaigns/{slug}"))
        .await
        .contains("<strong>2</strong> confirmed"));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_log WHERE action = 'invalidate'"
        ),
        1
    );
    assert_eq!(
        editor.post(&invalidate, &[]).await.status().as_u16(),
        409,
        "invalidated once"
    );

    let delivery = deliver_now(&app, &slug).await;
    assert_eq!(
        delivery.cut.map(|(_, n)| n),
        Some(2),
        "the batch leaves it out"
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) AS n FROM batch_signatures WHERE signature_id = '{id}'")
        ),
        0
    );

    let release = format!("/admin/campaigns/{slug}/signatures/{id}/release");
    let response = editor.post(&release, &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    let back = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        back,
        format!("/admin/campaigns/{slug}/signatures?done=restored")
    );
    assert!(editor.page(&back).await.contains("counts again"));
    let [counter, public, pending, hourly, countries] = figures(&app, &slug).await;
    assert_eq!(
        [counter, public, hourly, countries],
        [3; 4],
        "it counts again"
    );
    assert_eq!(pending, 1, "and goes out with the next batch");
    assert!(app.smtp.messages().is_empty(), "nobody was e-mailed");
}

#[actix_web::test]
async fn a_draft_without_signatures_is_deleted_after_a_confirmation_and_others_are_refused() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let editor = app.admin(Role::Editor).await;
    let viewer = app.admin(Role::Viewer).await;
    let dashboard = editor.page(&format!("/admin/campaigns/{slug}")).await;
    let ask = format!("/admin/campaigns/{slug}/confirm/delete");
    assert!(dashboard.contains(&format!("href=\"{ask}\"")));

    let confirm = editor.page(&ask).await;
    assert!(confirm.contains("deleted for good"));
    assert!(confirm.contains(&format!("action=\"/admin/campaigns/{slug}/delete\"")));
    assert!(confirm.contains("name=\"csrf_token\""));
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM campaigns"),
        1,
        "asking changes nothing"
    );
    let delete = format!("/admin/campaigns/{slug}/delete");
    assert_eq!(viewer.post(&delete, &[]).await.status().as_u16(), 403);
    assert_eq!(
        editor.post_raw(&delete, &[]).await.status().as_u16(),
        403,
        "CSRF"
    );

    let response = editor.post(&delete, &[]).await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/admin?deleted=draft");
    assert!(editor
        .page("/admin?deleted=draft")
        .await
        .contains("The draft was deleted."));
    assert_eq!(count(&app, "SELECT count(*) AS n FROM campaigns"), 0);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM targets"), 0);
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) AS n FROM audit_log WHERE action = 'delete' AND detail->>'slug' = '{slug}'")
        ),
        1
    );

    let live = app.live_campaign().await;
    let refused = editor
        .post(&format!("/admin/campaigns/{live}/delete"), &[])
        .await;
    assert_eq!(refused.status().as_u16(), 409);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("only drafts can be deleted"));
    diesel::sql_query("UPDATE campaigns SET status = 'draft'")
        .execute(&mut app.conn())
        .unwrap();
    add_signatures(&app, &live, 1, 1, false);
    let refused = editor
        .post(&format!("/admin/campaigns/{live}/delete"), &[])
        .await;
    assert_eq!(refused.status().as_u16(), 409);
    assert!(refused.text().await.unwrap().contains("it has signatures"));
    assert_eq!(count(&app, "SELECT count(*) AS n FROM campaigns"), 1);
}

#[actix_web::test]
async fn archived_campaigns_have_their_own_list_and_come_back_closed_when_unarchived() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let editor = app.admin(Role::Editor).await;
    editor
        .post(&format!("/admin/campaigns/{slug}/close"), &[])
        .await;
    editor
        .post(&format!("/admin/campaigns/{slug}/archive"), &[])
        .await;
    let dashboard = format!("/admin/campaigns/{slug}\"");

    let list = editor.page("/admin").await;
    assert!(!list.contains(&dashboard));
    assert!(list.contains("href=\"/admin?archived=yes\">Archived campaigns (1)"));
    let archived = editor.page("/admin?archived=yes").await;
    assert!(archived.contains(&dashboard), "the archived list shows it");
    let page = editor.page(&format!("/admin/campaigns/{slug}")).await;
    let unarchive = format!("/admin/campaigns/{slug}/unarchive");
    assert!(page.contains(&format!("action=\"{unarchive}\"")));

    let response = editor.post(&unarchive, &[]).await;

    assert_eq!(response.status().as_u16(), 303);
    assert!(
        editor.page("/admin").await.contains(&dashboard),
        "back in the list"
    );
    assert!(editor
        .page(&format!("/admin/campaigns/{slug}"))
        .await
        .contains("status-closed"));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_log WHERE action = 'unarchive'"
        ),
        1
    );
    assert_eq!(
        editor.post(&unarchive, &[]).await.status().as_u16(),
        409,
        "not archived now"
    );

    let draft = app
        .import(&RIVER_COMMONS.replace("stop-the-dam", "draft-dam"), false)
        .await;
    editor
        .post(&format!("/admin/campaigns/{draft}/archive"), &[])
        .await;
    editor
        .post(&format!("/admin/campaigns/{draft}/unarchive"), &[])
        .await;
    assert!(
        editor
            .page(&format!("/admin/campaigns/{draft}"))
            .await
            .contains("status-draft"),
        "a draft that was never launched comes back a draft"
    );
}

#[actix_web::test]
async fn closing_from_the_dashboard_asks_first_on_a_page_that_works_without_javascript() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let editor = app.admin(Role::Editor).await;

    let dashboard = editor.page(&format!("/admin/campaigns/{slug}")).await;
    assert!(
        !dashboard.contains(&format!("action=\"/admin/campaigns/{slug}/close\"")),
        "no one-click Close beside Export"
    );
    let ask = format!("/admin/campaigns/{slug}/confirm/close");
    assert!(dashboard.contains(&format!("href=\"{ask}\"")));
    let confirm = editor.page(&ask).await;
    assert!(confirm.contains("stops taking signatures"));
    assert!(confirm.contains(&format!("action=\"/admin/campaigns/{slug}/close\"")));
    assert!(confirm.contains(&format!("href=\"/admin/campaigns/{slug}\">Cancel")));
    assert_eq!(app.get(&format!("/c/{slug}")).await.status().as_u16(), 200);
    assert!(editor
        .page(&format!("/admin/campaigns/{slug}"))
        .await
        .contains("status-live"));
    assert_eq!(
        editor
            .get(&format!("/admin/campaigns/{slug}/confirm/launch"))
            .await
            .status()
            .as_u16(),
        404
    );
}
