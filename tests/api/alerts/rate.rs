use super::{alerts_received, draft, import, send_now};
use crate::helpers::spawn_app;
use std::time::{Duration, Instant};

#[actix_web::test]
async fn three_senders_together_keep_to_the_installations_rate() {
    let app = spawn_app().await;
    let addresses: Vec<String> = (0..90).map(|i| format!("r{i}@example.org")).collect();
    let refs: Vec<&str> = addresses.iter().map(String::as_str).collect();
    import(&app, &super::csv_of(&refs), false).await;
    let id = draft(&app, "", "Paced").await;
    assert_eq!(send_now(&app, id).await, 90);

    // A full bucket holds one second's worth (30); the other 60 take two seconds more.
    let rate = Some(30.0);
    let drains: Vec<_> = (0..3)
        .map(|_| app.drain_with(app.mailer(&app.smtp.url())).with_rate(rate))
        .collect();
    let started = Instant::now();
    let runs = drains.iter().map(|d| d.run(None));
    for report in futures_util::future::join_all(runs).await {
        report.expect("each drain works");
    }
    let took = started.elapsed();

    let mut to: Vec<String> = alerts_received(&app)
        .iter()
        .flat_map(|m| m.rcpt_to.clone())
        .collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 90, "everyone, once");
    assert_eq!(alerts_received(&app).len(), 90);
    assert!(
        took >= Duration::from_millis(1_700) && took <= Duration::from_millis(4_500),
        "90 messages at 30/s with a one-second burst took {took:?}"
    );
}

#[actix_web::test]
async fn a_provider_that_rate_limits_us_waits_while_mail_to_other_providers_keeps_its_pace() {
    let app = spawn_app().await;
    let slow: Vec<String> = (0..60).map(|i| format!("s{i}@slow.example")).collect();
    let fast: Vec<String> = (0..60).map(|i| format!("f{i}@fast.example")).collect();
    let mut everyone: Vec<&str> = Vec::new();
    for (s, f) in slow.iter().zip(&fast) {
        everyone.push(s);
        everyone.push(f);
    }
    import(&app, &super::csv_of(&everyone), false).await;
    let id = draft(&app, "", "Interleaved").await;
    assert_eq!(send_now(&app, id).await, 120);
    app.smtp.fail_recipient("@slow.example", 450);

    app.drain().await;
    let to: Vec<String> = alerts_received(&app)
        .iter()
        .flat_map(|m| m.rcpt_to.clone())
        .collect();
    assert_eq!(to.len(), 60, "every message to the other provider went");
    assert!(to.iter().all(|t| t.ends_with("@fast.example")));
    let tried = crate::batches::count(
        &app,
        "SELECT count(*) AS n FROM outbox WHERE recipient LIKE '%@slow.example' AND attempts > 0",
    );
    assert!(
        (1..=16).contains(&tried),
        "{tried} of 60 tried: once it said 4.7.0, the rest waited untried"
    );
    assert_eq!(
        crate::batches::count(
            &app,
            "SELECT count(*) AS n FROM outbox WHERE recipient LIKE '%@slow.example' AND state = 'pending'"
        ),
        60,
        "nothing given up: it is all still to go"
    );
    app.leaves_mail_unsent();
}
