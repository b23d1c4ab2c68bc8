//! The outbox's delivery guarantees, over real SMTP conversations.

use crate::helpers::{spawn_app, spawn_app_with, Options};
use std::collections::HashSet;
use std::time::Duration;
use undersign::mail::drain::{DrainError, SEND_CONNECTIONS};
use undersign::mail::outbox::MAX_ATTEMPTS;
use undersign::mail::MailKind;

/// Queues `n` confirmation e-mails by signing with `n` addresses.
async fn queue(app: &crate::helpers::TestApp, slug: &str, n: usize, domain: &str) {
    for i in 0..n {
        let response = app.sign(slug, "Ana", &format!("s{i}@{domain}")).await;
        assert_eq!(response.status().as_u16(), 303);
    }
}

#[actix_web::test]
async fn two_concurrent_drains_never_send_a_message_twice() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    queue(&app, &slug, 50, "example.org").await;

    let (a, b) = futures::join!(app.drain.run(None), app.drain.run(None));

    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 50);
    let mails = app.wait_for_mail(50, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 50);
    let ids: HashSet<_> = mails.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), 50, "no message id arrived twice");
    assert_eq!(app.outbox_count("sent"), 50);
}

#[actix_web::test]
async fn a_temporary_failure_is_retried_later_and_gives_up_as_failed_after_the_cap() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.smtp.fail_recipient("busy.example", 451);
    queue(&app, &slug, 1, "busy.example").await;

    let first = app.drain().await;
    assert_eq!(first.retrying, 1);
    assert_eq!(
        app.outbox_rows()
            .iter()
            .filter(|r| r.state == "pending"
                && r.attempts == 1
                && r.next_attempt_at > chrono::Utc::now() + chrono::Duration::seconds(20)
                && r.last_error.as_deref().is_some_and(|e| e.contains("451")))
            .count(),
        1,
        "the retry waits with backoff and remembers why"
    );
    assert_eq!(
        app.drain().await,
        Default::default(),
        "nothing is due before the backoff ends"
    );

    for _ in 1..MAX_ATTEMPTS {
        app.make_outbox_due();
        app.drain().await;
    }
    assert_eq!(app.outbox_count("failed"), 1);
    assert_eq!(
        app.suppression_count(),
        0,
        "a temporary failure does not suppress the address"
    );

    app.smtp.fail_recipient("busy.example", 250);
    app.make_outbox_due();
    assert_eq!(app.drain().await.sent, 0, "a failed message stays failed");
}

#[actix_web::test]
async fn a_temporary_failure_then_success_delivers_exactly_once() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.smtp.fail_next_data(1, 452);
    queue(&app, &slug, 1, "example.org").await;
    assert_eq!(app.drain().await.retrying, 1);
    app.make_outbox_due();
    assert_eq!(app.drain().await.sent, 1);
    assert_eq!(app.smtp.messages().len(), 1);
}

#[actix_web::test]
async fn a_permanent_failure_fails_at_once_and_suppresses_the_address() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.smtp.fail_recipient("gone.example", 550);
    queue(&app, &slug, 1, "gone.example").await;

    let report = app.drain().await;

    assert_eq!(report.failed, 1);
    assert_eq!(
        app.outbox_rows()
            .iter()
            .filter(|r| r.state == "failed"
                && r.attempts == 1
                && r.last_error.as_deref().is_some_and(|e| e.contains("550")))
            .count(),
        1
    );
    assert_eq!(app.suppression_count(), 1);
    assert_eq!(
        app.suppression_of("s0@gone.example").as_deref(),
        Some("bounced")
    );

    // A later message to the same address is never sent.
    app.smtp.fail_recipient("gone.example", 250);
    let other = app
        .import(
            &crate::helpers::RIVER_COMMONS.replace("stop-the-dam", "second"),
            true,
        )
        .await;
    app.sign(&other, "Ana", "s0@gone.example").await;
    assert_eq!(app.drain().await.failed, 1);
    assert!(app.smtp.messages().is_empty());
}

#[actix_web::test]
async fn an_authentication_failure_pauses_sending_without_burning_attempts() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    app.smtp.require_auth("undersign", "right password");
    queue(&app, &slug, 3, "example.org").await;

    let result = app.drain.run(None).await;

    assert!(
        matches!(result, Err(DrainError::AuthFailed(_))),
        "{result:?}"
    );
    assert_eq!(
        app.outbox_rows()
            .iter()
            .filter(|r| r.state == "pending" && r.attempts == 0 && r.lease_token.is_none())
            .count(),
        3
    );
    assert!(app.mail_paused());
    let metrics = app.metrics().await;
    assert!(metrics.contains("undersign_mail_paused 1"));
}

#[actix_web::test]
async fn a_row_claimed_by_a_worker_that_crashed_is_sent_once_its_lease_expires() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    queue(&app, &slug, 1, "example.org").await;
    // A worker claimed the row and died before sending.
    app.claim_outbox_as_dead_worker();
    assert_eq!(app.drain().await.sent, 0, "a live lease is respected");
    app.expire_leases();
    assert_eq!(app.drain().await.sent, 1);
    assert_eq!(app.smtp.messages().len(), 1);
}

#[actix_web::test]
async fn the_serve_worker_sends_the_confirmation_within_seconds() {
    let app = spawn_app_with(Options {
        run_worker: true,
        ..Options::default()
    })
    .await;
    let slug = app.live_campaign().await;

    app.sign(&slug, "Ana", "ana@example.org").await;

    let mails = app.wait_for_mail(1, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 1, "the confirmation left within 5 seconds");
}

#[actix_web::test]
async fn credentials_in_smtp_url_authenticate_and_a_wrong_password_pauses_sending() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.smtp.require_auth("undersign", "s3cret:pass");
    queue(&app, &slug, 2, "example.org").await;
    let drain_with = |password: &str| {
        let url = format!("smtp://undersign:{password}@127.0.0.1:{}", app.smtp.port());
        app.drain_with(app.mailer(&url))
    };

    let wrong = drain_with("nope").run(None).await;
    assert!(matches!(wrong, Err(DrainError::AuthFailed(_))), "{wrong:?}");
    let right = drain_with("s3cret%3Apass").run(None).await.unwrap();

    assert_eq!(right.sent, 2);
    assert_eq!(app.smtp.messages().len(), 2);
    assert!(!app.mail_paused(), "a good send lifts the pause");
}

#[actix_web::test]
async fn a_drain_reuses_its_smtp_connections() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    queue(&app, &slug, 40, "example.org").await;

    assert_eq!(app.drain().await.sent, 40);

    let connections = app.smtp.connections();
    assert!(
        connections <= SEND_CONNECTIONS,
        "40 messages over {connections} connections"
    );
}

/// Queues one stored message of `kind` to `to` directly, as a caller of `enqueue` would.
async fn enqueue(
    app: &crate::helpers::TestApp,
    kind: undersign::mail::MailKind,
    to: &str,
    message_id: Option<&str>,
) -> uuid::Uuid {
    use undersign::mail::{outbox, MailRefs, OutgoingEmail, StoredMessage};
    let email = OutgoingEmail {
        kind,
        campaign_id: None,
        refs: MailRefs::default(),
        params: serde_json::json!({}),
        to: to.to_string(),
        to_name: None,
        message_id: message_id.map(str::to_string),
        stored: Some(StoredMessage {
            subject: "Hello".into(),
            text: "Hello.\n".into(),
            html: None,
        }),
    };
    undersign::db::run(&app.pool, move |conn| {
        outbox::enqueue(conn, &email, "rivercommons.example")
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn behind_a_slow_relay_two_workers_with_short_leases_never_deliver_a_message_twice() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    queue(&app, &slug, 48, "example.org").await;
    // Each message takes longer than half a lease; all of them take several leases.
    app.smtp.set_accept_delay(Duration::from_millis(400));
    let lease = Duration::from_millis(600);
    let first = app.drain.clone().with_lease(lease);
    let second = app.drain.clone().with_lease(lease);

    let (a, b) = futures::join!(first.run(None), second.run(None));

    let (a, b) = (a.unwrap(), b.unwrap());
    let mails = app.smtp.messages();
    let ids: HashSet<_> = mails.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), 48, "every message arrived");
    assert_eq!(mails.len(), 48, "no message arrived twice");
    assert_eq!((a.sent + b.sent, a.lease_lost + b.lease_lost), (48, 0));
}

#[actix_web::test]
async fn a_worker_killed_mid_send_leaves_its_rows_for_one_short_lease_with_no_attempt_used() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    queue(&app, &slug, 3, "example.org").await;
    app.smtp.set_accept_delay(Duration::from_secs(30));

    // The drain claims and starts sending; then its process dies (nothing runs after it).
    let drain = app.drain.clone();
    let running = actix_web::rt::spawn(async move { drain.run(None).await });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while app.outbox_leased() < 3 {
        assert!(std::time::Instant::now() < deadline, "nothing was claimed");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    running.abort();

    let latest = chrono::Utc::now() + chrono::Duration::seconds(31);
    for row in app.outbox_rows() {
        assert_eq!(
            (row.state.as_str(), row.attempts),
            ("pending", 0),
            "no attempt used"
        );
        assert!(
            row.leased_until.unwrap() <= latest,
            "claimed rows wait at most one short lease: {row:?}"
        );
    }
}

#[actix_web::test]
async fn a_cancelled_message_is_never_sent() {
    let app = spawn_app().await;
    let keep = enqueue(&app, MailKind::Confirmation, "keep@example.org", None).await;
    let cancel = enqueue(&app, MailKind::Confirmation, "cancel@example.org", None).await;

    let cancelled = undersign::db::run(&app.pool, move |conn| {
        undersign::mail::outbox::cancel(conn, &[cancel])
    })
    .await
    .unwrap();
    let report = app.drain().await;

    assert_eq!((cancelled, report.sent), (1, 1));
    assert_eq!(app.smtp.messages()[0].rcpt_to, vec!["keep@example.org"]);
    let states: Vec<_> = app
        .outbox_rows()
        .into_iter()
        .map(|row| (row.id, row.state))
        .collect();
    assert!(
        states.contains(&(cancel, "cancelled".to_string())),
        "{states:?}"
    );
    assert!(states.contains(&(keep, "sent".to_string())), "{states:?}");
}

#[actix_web::test]
async fn the_message_id_a_caller_fixes_is_the_one_sent() {
    let app = spawn_app().await;
    enqueue(
        &app,
        MailKind::AlreadySigned,
        "ana@example.org",
        Some("<batch-7.target-2@rivercommons.example>"),
    )
    .await;

    app.drain().await;

    assert_eq!(
        app.smtp.messages()[0].message_id().as_deref(),
        Some("batch-7.target-2@rivercommons.example")
    );
}

#[actix_web::test]
async fn a_hard_bounce_is_stored_and_logged_without_the_address() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.smtp.fail_recipient("gone.example", 550);
    queue(&app, &slug, 1, "gone.example").await;

    app.drain().await;

    let error = app.outbox_rows()[0].last_error.clone().unwrap();
    assert!(
        error.contains("550") && error.contains("[address]"),
        "{error}"
    );
    assert!(!error.contains('@'), "{error}");
}

#[actix_web::test]
async fn a_batch_row_that_cannot_be_rendered_fails_at_once_and_suppresses_no_address() {
    let app = spawn_app().await;
    enqueue(
        &app,
        MailKind::PetitionBatch,
        "minister@energy.example",
        None,
    )
    .await;

    let report = app.drain().await;

    assert_eq!(report.failed, 1);
    assert!(app.smtp.messages().is_empty());
    let row = &app.outbox_rows()[0];
    assert_eq!(
        (row.kind.as_str(), row.state.as_str(), row.attempts),
        ("petition_batch", "failed", 1)
    );
    let error = row.last_error.as_deref().unwrap();
    assert!(
        error.contains("no renderer"),
        "failed without a retry, saying why: {error}"
    );
    assert_eq!(app.suppression_count(), 0);
}

#[actix_web::test]
async fn a_confirmation_queued_behind_three_thousand_bulk_messages_is_claimed_first() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    diesel::sql_query(
        "INSERT INTO outbox (id, kind, recipient, message_id, params, next_attempt_at) \
         SELECT gen_random_uuid(), 'test_copy', 'organizer@rivercommons.example', \
                '<copy.' || i || '@rivercommons.example>', '{}', \
                now() - interval '1 hour' + i * interval '1 millisecond' \
         FROM generate_series(1, 3000) i",
    )
    .execute(&mut app.conn())
    .unwrap();

    app.sign(&slug, "Ana", "ana@example.org").await;
    let claimed = app.claim(SEND_CONNECTIONS as i64).await;

    assert!(
        claimed.iter().any(|row| row.kind == MailKind::Confirmation),
        "the supporter's confirmation does not wait behind bulk mail: {:?}",
        claimed.iter().map(|r| r.kind).collect::<Vec<_>>()
    );
    undersign::db::run(&app.pool, |conn| {
        diesel::sql_query("DELETE FROM outbox").execute(conn)?;
        anyhow::Ok(())
    })
    .await
    .unwrap();
}

#[actix_web::test]
async fn results_the_database_could_not_take_during_an_outage_are_recorded_when_it_returns() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    for i in 0..8 {
        enqueue(
            &app,
            MailKind::Confirmation,
            &format!("ana{i}@example.org"),
            None,
        )
        .await;
    }
    // Every message is in flight when the database goes away, and accepted while it is away.
    app.smtp.set_accept_delay(Duration::from_millis(1200));
    let drain = app.drain.clone();
    let outage = async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        app.db.go_down();
        tokio::time::sleep(Duration::from_secs(3)).await;
        app.db.come_back();
    };

    let (_, ()) = futures::join!(drain.run(None), outage);

    assert_eq!(app.smtp.messages().len(), 8);
    assert_eq!(
        app.outbox_count("sent"),
        8,
        "the results kept through the outage were recorded once it ended"
    );
    diesel::sql_query("UPDATE outbox SET leased_until = now() - interval '1 second'")
        .execute(&mut app.conn())
        .unwrap();
    app.smtp.set_accept_delay(Duration::ZERO);
    let again = app.drain().await;
    assert_eq!(again.sent, 0, "nothing is sent a second time");
    assert_eq!(app.smtp.messages().len(), 8);
}

/// Runs a drain against a relay that takes `delay` to accept each message and kills it once
/// every queued row's send has begun: each message arrives once the relay's wait is over,
/// but its result is never recorded.
async fn kill_mid_send(app: &crate::helpers::TestApp, rows: i64, delay: Duration) {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Begun {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    app.smtp.set_accept_delay(delay);
    let before: i64 =
        diesel::sql_query("SELECT coalesce(sum(unrecorded_sends), 0)::bigint AS n FROM outbox")
            .get_result::<Begun>(&mut app.conn())
            .unwrap()
            .n;
    let drain = app.drain.clone();
    let running = actix_web::rt::spawn(async move { drain.run(None).await });
    let bodies = app.smtp.bodies_received();
    crate::helpers::eventually(
        "every send begins and its body reaches the relay",
        Duration::from_secs(10),
        || async {
            diesel::sql_query("SELECT coalesce(sum(unrecorded_sends), 0)::bigint AS n FROM outbox")
                .get_result::<Begun>(&mut app.conn())
                .unwrap()
                .n
                >= before + rows
                && app.smtp.bodies_received() >= bodies + rows as usize
        },
    )
    .await;
    running.abort();
    app.smtp.set_accept_delay(Duration::ZERO);
    actix_web::rt::time::sleep(delay + Duration::from_millis(300)).await;
    app.expire_leases();
}

#[actix_web::test]
async fn a_message_whose_result_was_lost_is_sent_once_more_but_never_a_third_time() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    queue(&app, &slug, 2, "example.org").await;

    kill_mid_send(&app, 2, Duration::from_millis(800)).await;
    kill_mid_send(&app, 2, Duration::from_millis(800)).await;
    let before: Vec<_> = app.smtp.messages().iter().map(|m| m.message_id()).collect();
    let report = app.drain().await;

    assert_eq!(report.sent, 2, "both count as sent");
    assert_eq!(app.outbox_count("sent"), 2);
    let after: Vec<_> = app.smtp.messages().iter().map(|m| m.message_id()).collect();
    assert_eq!(
        after, before,
        "after two sends whose results were lost, neither is sent a third time"
    );
    for id in &after {
        let copies = after.iter().filter(|other| *other == id).count();
        assert!(copies <= 2, "at most one extra copy of each: {after:?}");
    }
}

#[actix_web::test]
async fn a_message_whose_one_send_was_never_recorded_is_sent_again() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    queue(&app, &slug, 1, "example.org").await;
    kill_mid_send(&app, 1, Duration::from_millis(800)).await;

    assert_eq!(app.drain().await.sent, 1);
    assert_eq!(
        app.smtp.messages().len(),
        2,
        "whether or not the first arrived, it is tried once more: at least once"
    );
}

#[actix_web::test]
async fn a_drain_killed_before_the_relay_took_the_body_never_counts_the_send_and_the_message_still_goes(
) {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    queue(&app, &slug, 1, "example.org").await;

    // A relay slow to answer MAIL FROM: each drain is killed mid-conversation, long before
    // the body could have been transmitted. Three such kills would be one too many for a
    // cap that counted sends from their first command.
    app.smtp.set_reply_delay(Duration::from_millis(1500));
    for _ in 0..3 {
        let drain = app.drain.clone();
        let running = actix_web::rt::spawn(async move { drain.run(None).await });
        crate::helpers::eventually("the drain connects", Duration::from_secs(10), || async {
            app.smtp.connections() > 0
        })
        .await;
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
        running.abort();
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        app.expire_leases();
    }
    app.smtp.set_reply_delay(Duration::ZERO);

    assert_eq!(app.drain().await.sent, 1);
    assert_eq!(
        app.smtp.messages().len(),
        1,
        "a send that never reached the body is not a send: the message goes, once"
    );
}

#[actix_web::test]
async fn a_kind_no_handler_is_registered_for_waits_for_a_drain_that_sends_it() {
    use undersign::mail::kinds::{MailHandler, Stored};
    use undersign::mail::{MailKinds, RenderContext};
    let app = spawn_app().await;
    // An older release that knows only confirmations leaves the alert as it is (a newer
    // process beside it knows it), and sends what it knows.
    let alert = enqueue(&app, MailKind::Alert, "ana@example.org", None).await;
    enqueue(&app, MailKind::Confirmation, "ivo@example.org", None).await;
    let older = undersign::mail::drain::Drain::new(
        app.pool.clone(),
        app.mailer(&app.smtp.url()),
        RenderContext::new(&app.settings),
        MailKinds::new().register(MailKind::Confirmation, Stored),
    );

    let report = older.run(None).await.unwrap();

    assert_eq!((report.sent, report.failed), (1, 0));
    let rows = app.outbox_rows();
    let waiting = rows.iter().find(|row| row.id == alert).unwrap();
    assert_eq!(
        (waiting.state.as_str(), waiting.attempts),
        ("pending", 0),
        "never claimed, never tried"
    );

    // Registered from above, the same row goes out through the same drain.
    struct Alerts;
    impl MailHandler for Alerts {
        fn render(
            &self,
            conn: &mut diesel::PgConnection,
            row: &undersign::mail::outbox::Queued,
            ctx: &RenderContext,
        ) -> Result<undersign::mail::Composed, undersign::mail::render::RenderError> {
            let mut message = Stored.render(conn, row, ctx)?;
            message.subject = format!("Alert: {}", message.subject);
            Ok(message)
        }
    }
    let kinds = MailKinds::new().register(MailKind::Alert, Alerts);
    let drain = undersign::mail::drain::Drain::new(
        app.pool.clone(),
        app.mailer(&app.smtp.url()),
        RenderContext::new(&app.settings),
        kinds,
    );
    assert_eq!(drain.run(None).await.unwrap().sent, 1);
    let subjects: Vec<String> = app.smtp.messages().iter().map(|m| m.subject()).collect();
    assert!(
        subjects.contains(&"Alert: Hello".to_string()),
        "{subjects:?}"
    );
}
