use super::{alerts_received, csv_of, draft, import, send_now};
use crate::batches::count;
use crate::helpers::{spawn_app, BASE_URL, SECRET_KEY};
use diesel::connection::SimpleConnection;
use std::time::Duration;
use undersign::alerts::{self, AlertState};
use undersign::db;

fn unsubscribe_path(app: &crate::helpers::TestApp, email: &str) -> String {
    let id: uuid::Uuid = {
        use diesel::prelude::*;
        use undersign::db::schema::supporters;
        supporters::table
            .filter(supporters::email_canonical.eq(email))
            .select(supporters::id)
            .first(&mut app.conn())
            .expect("the supporter")
    };
    undersign::urls::unsubscribe(&undersign::supporters::unsubscribe_token(SECRET_KEY, id))
}

async fn state_of(app: &crate::helpers::TestApp, id: undersign::db::types::AlertId) -> AlertState {
    db::run(&app.pool, move |conn| anyhow::Ok(alerts::find(conn, id)?))
        .await
        .unwrap()
        .expect("the alert")
        .state
}

#[actix_web::test]
async fn an_alert_reaches_every_subscribed_supporter_once_with_the_headers_inbox_providers_require()
{
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    import(
        &app,
        &csv_of(&["ana@example.org", "ben@example.org", "cem@example.org"]),
        false,
    )
    .await;
    app.sign_and_confirm(&slug, "Dara", "dara@example.org", true)
        .await;
    app.sign_and_confirm(&slug, "Emil", "emil@example.org", false)
        .await;
    app.post_form(
        &unsubscribe_path(&app, "ben@example.org"),
        &[("List-Unsubscribe", "One-Click")],
    )
    .await;
    {
        let mut conn = app.conn();
        undersign::mail::suppressions::add(
            &mut conn,
            SECRET_KEY,
            &[(
                "cem@example.org",
                undersign::mail::suppressions::Reason::Bounced,
                None,
            )],
        )
        .unwrap();
    }
    let before = app.smtp.messages().len();

    // Dara signed the linked action, so only a draft without it reaches her.
    let id = draft(&app, "", "The ministers meet tomorrow").await;
    assert_eq!(
        send_now(&app, id).await,
        2,
        "ana and dara: consented, subscribed, not suppressed"
    );
    app.drain().await;

    let received = alerts_received(&app);
    assert_eq!(app.smtp.messages().len() - before, 2);
    let mut to: Vec<String> = received.iter().flat_map(|m| m.rcpt_to.clone()).collect();
    to.sort();
    assert_eq!(to, ["ana@example.org", "dara@example.org"]);
    for m in &received {
        let unsubscribe = m.header("List-Unsubscribe").expect("List-Unsubscribe");
        assert!(
            unsubscribe.ends_with("?subject=unsubscribe>")
                && unsubscribe.contains(", <mailto:bounces+"),
            "the https link first, then the mailto: of the bounce address: {unsubscribe}"
        );
        let url = unsubscribe
            .split(", ")
            .next()
            .unwrap()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string();
        assert!(
            url.starts_with(&format!("{BASE_URL}/unsubscribe/")),
            "{unsubscribe}"
        );
        assert_eq!(
            m.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        assert!(m.header("List-Id").unwrap().contains("<alerts."));
        assert!(m.header("Date").is_some());
        let message_id = m.message_id().unwrap();
        assert!(
            message_id.starts_with(&format!("alert.{id}.")),
            "{message_id}"
        );
        assert!(
            m.text_body().contains(&url),
            "a visible link in the text part"
        );
        assert!(
            m.html_body().unwrap().contains(&url),
            "and in the HTML part"
        );
        assert!(!m.raw.contains("/confirm/"), "no other per-person link");
    }

    // One click from the mail client: no cookie, no CSRF token, no redirect.
    let url = received[0].header("List-Unsubscribe").unwrap();
    let path = url
        .split(", ")
        .next()
        .unwrap()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_start_matches(BASE_URL)
        .to_string();
    let clicked = app
        .post_form(&path, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(clicked.status().as_u16(), 200);

    app.drain().await;
    assert_eq!(alerts_received(&app).len(), 2, "nobody receives it twice");
    super::run_due(&app).await;
    assert_eq!(state_of(&app, id).await, AlertState::Sent);
}

#[actix_web::test]
async fn a_supporter_who_unsubscribes_after_the_fan_out_is_not_sent_to() {
    let app = spawn_app().await;
    let addresses: Vec<String> = (0..20).map(|i| format!("s{i}@example.org")).collect();
    let refs: Vec<&str> = addresses.iter().map(String::as_str).collect();
    import(&app, &csv_of(&refs), false).await;
    let id = draft(&app, "", "Tonight").await;
    assert_eq!(send_now(&app, id).await, 20);
    for address in &refs[..5] {
        let one_click = app
            .post_form(
                &unsubscribe_path(&app, address),
                &[("List-Unsubscribe", "One-Click")],
            )
            .await;
        assert_eq!(one_click.status().as_u16(), 200);
    }
    app.drain().await;

    let received: Vec<String> = alerts_received(&app)
        .iter()
        .flat_map(|m| m.rcpt_to.clone())
        .collect();
    assert_eq!(received.len(), 15);
    assert!(refs[..5].iter().all(|a| !received.iter().any(|r| r == a)));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM outbox WHERE kind = 'alert' AND state = 'cancelled' \
                     AND last_error LIKE '%unsubscribed%'"
        ),
        5,
        "withheld, saying why, and not failed"
    );
    assert_eq!(
        app.suppression_count(),
        5,
        "no bounce was recorded for them"
    );
}

#[actix_web::test]
async fn cancelling_mid_send_stops_every_message_not_yet_handed_over() {
    let app = spawn_app().await;
    let addresses: Vec<String> = (0..60).map(|i| format!("c{i}@example.org")).collect();
    let refs: Vec<&str> = addresses.iter().map(String::as_str).collect();
    import(&app, &csv_of(&refs), false).await;
    let id = draft(&app, "", "Slow news").await;
    send_now(&app, id).await;
    app.smtp.set_accept_delay(Duration::from_millis(150));

    let drain = app.drain.clone();
    let sending = tokio::spawn(async move { drain.run(None).await });
    crate::helpers::eventually("five messages arrive", Duration::from_secs(20), || {
        let n = alerts_received(&app).len();
        async move { n >= 5 }
    })
    .await;
    let cancelled = db::run(&app.pool, move |conn| {
        alerts::control::cancel(conn, undersign::organizers::audit::Actor::CommandLine, id)
    })
    .await
    .expect("cancelled");
    let at_cancel = alerts_received(&app).len();
    sending.await.unwrap().unwrap();

    let after = alerts_received(&app).len();
    assert!(after < 60, "the rest never left: {after}");
    assert!(
        after <= at_cancel + undersign::mail::drain::SEND_CONNECTIONS,
        "only messages already being handed over completed: {at_cancel} then {after}"
    );
    assert!(cancelled > 0);
    assert_eq!(state_of(&app, id).await, AlertState::Cancelled);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM outbox WHERE kind = 'alert' AND state = 'pending'"
        ),
        0
    );
}

#[actix_web::test]
async fn two_alerts_on_the_same_day_reach_disjoint_supporters() {
    let app = spawn_app().await;
    let first: Vec<String> = (0..10).map(|i| format!("a{i}@example.org")).collect();
    import(
        &app,
        &csv_of(&first.iter().map(String::as_str).collect::<Vec<_>>()),
        false,
    )
    .await;
    let one = draft(&app, "", "First").await;
    assert_eq!(send_now(&app, one).await, 10);
    app.drain().await;

    let later: Vec<String> = (0..7).map(|i| format!("b{i}@example.org")).collect();
    import(
        &app,
        &csv_of(&later.iter().map(String::as_str).collect::<Vec<_>>()),
        false,
    )
    .await;
    let two = draft(&app, "", "Second").await;
    let cap = app.settings.alert_cap;
    let reach = db::run(&app.pool, move |conn| {
        let alert = alerts::find(conn, two)?.unwrap();
        anyhow::Ok(alerts::audience::reach(
            conn,
            &alerts::audience::Spec::of(&alert),
            cap,
        )?)
    })
    .await
    .unwrap();
    assert_eq!(
        (reach.recipients, reach.over_cap),
        (7, 10),
        "the page says who is left out and why"
    );
    assert_eq!(send_now(&app, two).await, 7);
    app.drain().await;

    let mut seen = std::collections::HashMap::new();
    for m in alerts_received(&app) {
        for to in m.rcpt_to {
            *seen.entry(to).or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), 17);
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");
}

#[actix_web::test]
async fn a_refused_address_fails_alone_and_lands_on_the_do_not_mail_list() {
    let app = spawn_app().await;
    import(
        &app,
        &csv_of(&[
            "ok1@example.org",
            "gone@example.org",
            "ok2@example.org",
            "odd@example.org",
        ]),
        false,
    )
    .await;
    app.smtp.fail_recipient("gone@", 550);
    // A name no header may carry as it is, and an address that cannot be written at all.
    app.conn()
        .batch_execute(
            "UPDATE supporters SET name = E'Ana\\r\\nBcc: x@evil.example' WHERE email = 'ok1@example.org'; \
             UPDATE supporters SET email = 'not an address' WHERE email = 'odd@example.org';",
        )
        .unwrap();
    let id = draft(&app, "", "Tomorrow").await;
    assert_eq!(send_now(&app, id).await, 4);
    app.drain().await;

    let received = alerts_received(&app);
    let to: Vec<String> = received.iter().flat_map(|m| m.rcpt_to.clone()).collect();
    let rows: Vec<(String, String, Option<String>)> = {
        use diesel::prelude::*;
        use undersign::db::schema::outbox;
        outbox::table
            .select((outbox::recipient, outbox::state, outbox::last_error))
            .load(&mut app.conn())
            .unwrap()
    };
    assert_eq!(to.len(), 2, "{to:?} {rows:?}");
    assert!(received.iter().all(|m| m.header("Bcc").is_none()));
    assert_eq!(
        app.suppression_of("gone@example.org").as_deref(),
        Some("bounced")
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM outbox WHERE kind = 'alert' AND state = 'failed' AND attempts = 1"),
        2,
        "each failed alone, at its first attempt, without holding up the rest"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM supporters WHERE suppressed_reason = 'bounced'"
        ),
        1
    );
}

#[actix_web::test]
async fn a_test_copy_reaches_only_the_organizer_and_changes_nothing() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    import(&app, &csv_of(&["ana@example.org"]), false).await;
    let id = draft(&app, &slug, "Check me").await;
    db::run(&app.pool, move |conn| {
        alerts::control::send_test(
            conn,
            undersign::organizers::audit::Actor::CommandLine,
            id,
            "organizer@rivercommons.example",
            "undersign.test",
        )
    })
    .await
    .unwrap();
    app.drain().await;

    let received = alerts_received(&app);
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_to, ["organizer@rivercommons.example"]);
    assert!(received[0].subject().starts_with("[TEST] Check me"));
    assert!(received[0]
        .text_body()
        .contains("/c/stop-the-dam?source=a-"));
    assert_eq!(state_of(&app, id).await, AlertState::Draft);
}

#[actix_web::test]
async fn a_scheduled_alert_waits_for_its_time_and_counts_the_signatures_its_button_brings() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    import(&app, &csv_of(&["ana@example.org"]), false).await;
    let id = draft(&app, &slug, "At six").await;
    let at = chrono::Utc::now() + chrono::Duration::hours(2);
    let cap = app.settings.alert_cap;
    let sent = db::run(&app.pool, move |conn| {
        alerts::control::send(
            conn,
            undersign::organizers::audit::Actor::CommandLine,
            id,
            alerts::control::When::At(at),
            cap,
            "undersign.test",
        )
    })
    .await
    .unwrap();
    assert!(sent.scheduled && sent.queued == 0);
    super::run_due(&app).await;
    assert_eq!(
        state_of(&app, id).await,
        AlertState::Scheduled,
        "not before its time"
    );

    let later = at + chrono::Duration::minutes(1);
    let due = db::run(&app.pool, move |conn| {
        anyhow::Ok(alerts::due::run_due(conn, later, cap, "undersign.test")?)
    })
    .await
    .unwrap();
    assert_eq!((due.fanned_out, due.queued), (1, 1));
    app.make_outbox_due();
    app.drain().await;
    let received = alerts_received(&app);
    assert_eq!(received.len(), 1);

    // The button's link, the same for everyone, carries the alert into the signature.
    let button = received[0]
        .link_starting_with(&format!("{BASE_URL}/c/{slug}?source="))
        .expect("the button");
    let path = button.trim_start_matches(BASE_URL);
    let page = app.get(path).await.text().await.unwrap();
    let form = page
        .split('<')
        .find(|tag| tag.starts_with("form method=\"post\""))
        .expect("the sign form");
    let action = crate::helpers::html_attribute(form, "action").expect("its action");
    assert!(action.contains("?source=a-"), "{action}");
    let signed = app
        .post_form(
            action.trim_end_matches("#sign"),
            &[
                ("name", "Ben"),
                ("email", "ben@example.org"),
                ("country", "AM"),
            ],
        )
        .await;
    assert_eq!(signed.status().as_u16(), 303);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM signatures WHERE source LIKE 'a-%'"
        ),
        1
    );
    app.drain().await;
}

#[actix_web::test]
async fn two_alerts_fanned_out_at_the_same_moment_by_two_processes_still_reach_disjoint_supporters()
{
    let app = spawn_app().await;
    let everyone: Vec<String> = (0..12).map(|i| format!("c{i}@example.org")).collect();
    import(
        &app,
        &csv_of(&everyone.iter().map(String::as_str).collect::<Vec<_>>()),
        false,
    )
    .await;
    let cap = app.settings.alert_cap;
    let first_at = chrono::Utc::now() + chrono::Duration::hours(1);
    let second_at = first_at + chrono::Duration::hours(1);
    for (subject, at) in [("First", first_at), ("Second", second_at)] {
        let id = draft(&app, "", subject).await;
        db::run(&app.pool, move |conn| {
            alerts::control::send(
                conn,
                undersign::organizers::audit::Actor::CommandLine,
                id,
                alerts::control::When::At(at),
                cap,
                "undersign.test",
            )
        })
        .await
        .unwrap();
    }

    // One process fans the first out and has not committed when the other fans out the second.
    use diesel::Connection;
    let mut one = app.conn();
    let mut other = app.conn();
    let first = std::thread::spawn(move || {
        one.transaction(|conn| {
            let due = alerts::due::run_due(conn, first_at, cap, "undersign.test")?;
            std::thread::sleep(Duration::from_millis(600));
            diesel::QueryResult::Ok(due)
        })
        .expect("the first fan-out")
    });
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    let second = std::thread::spawn(move || {
        alerts::due::run_due(&mut other, second_at, cap, "undersign.test").expect("the second")
    });
    let (first, second) = (first.join().unwrap(), second.join().unwrap());
    assert_eq!(first.queued, 12);
    assert_eq!(
        second.queued, 0,
        "the second saw the first's rows and left everyone out"
    );

    app.make_outbox_due();
    app.drain().await;
    let mut seen = std::collections::HashMap::new();
    for m in alerts_received(&app) {
        *seen.entry(m.rcpt_to[0].clone()).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 12);
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");
}
