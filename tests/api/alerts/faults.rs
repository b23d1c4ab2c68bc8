//! The faults an alert must survive, with the real binary and SMTP server: senders killed at
//! random moments, and three senders sharing the installation's rate while one is killed.

use super::{alerts_received, csv_of, draft, import, send_now};
use crate::batches::count;
use crate::cli::undersign;
use crate::helpers::{fault_rng, TestApp};
use rand::Rng;
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use undersign::mail::drain::SEND_CONNECTIONS;

/// An alert queued to `n` imported supporters, `r0@…` to `r{n-1}@…`.
async fn alert_to(app: &TestApp, n: usize) -> Vec<String> {
    let addresses: Vec<String> = (0..n).map(|i| format!("r{i}@example.org")).collect();
    let refs: Vec<&str> = addresses.iter().map(String::as_str).collect();
    import(app, &csv_of(&refs), false).await;
    let id = draft(app, "", "The vote is on Tuesday").await;
    assert_eq!(send_now(app, id).await, n);
    addresses
}

/// Per recipient, the Message-IDs received and how many copies in all.
fn copies_by_recipient(app: &TestApp) -> BTreeMap<String, (Vec<String>, usize)> {
    let mut out: BTreeMap<String, (Vec<String>, usize)> = BTreeMap::new();
    for m in alerts_received(app) {
        let entry = out.entry(m.rcpt_to[0].clone()).or_default();
        let id = m.message_id().expect("a Message-ID");
        if !entry.0.contains(&id) {
            entry.0.push(id);
        }
        entry.1 += 1;
    }
    out
}

/// Sends what is left once every lease has lapsed, as the next cron runs would (the run after
/// the last message closes the alert).
fn finish(app: &TestApp) {
    for _ in 0..6 {
        app.expire_leases();
        let done = undersign(app).arg("deliver").output().unwrap();
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        if count(
            app,
            "SELECT count(*) AS n FROM outbox WHERE state = 'pending'",
        ) == 0
            && count(
                app,
                "SELECT count(*) AS n FROM alerts WHERE state = 'sending'",
            ) == 0
        {
            break;
        }
    }
}

/// `cmd` with its report on stdout left unread.
fn quiet(cmd: &mut Command) -> &mut Command {
    cmd.stdout(Stdio::null())
}

/// Kills `child` if it is still running; whether it was.
fn kill(child: &mut Child) -> bool {
    let running = child.try_wait().unwrap().is_none();
    child.kill().ok();
    child.wait().unwrap();
    running
}

#[actix_web::test]
async fn senders_killed_at_random_moments_lose_no_recipient_and_repeat_only_what_was_in_flight() {
    let app = crate::helpers::spawn_app().await;
    let addresses = alert_to(&app, 1_000).await;
    // About 270 messages a second from the two senders: each round finds them at work.
    app.smtp.set_reply_delay(Duration::from_millis(15));
    let mut rng = fault_rng("alert senders killed at random moments");
    let mut kills = 0;
    for _ in 0..6 {
        let mut senders: Vec<Child> = (0..2)
            .map(|_| quiet(undersign(&app).arg("deliver")).spawn().unwrap())
            .collect();
        // Each sender is killed after it has begun (its first messages are out, so the ones
        // a kill caught are not caught again first thing in the next round: a message caught
        // between the server's 354 and 250 twice in a row is counted as sent without a third
        // copy, the price of "at most 2 copies"), at a moment drawn from the test's seed.
        for sender in &mut senders {
            actix_web::rt::time::sleep(Duration::from_millis(rng.gen_range(150..600))).await;
            kills += usize::from(kill(sender));
        }
        app.expire_leases();
    }
    app.smtp.set_reply_delay(Duration::ZERO);
    finish(&app);

    let got = copies_by_recipient(&app);
    for address in &addresses {
        let (ids, _) = got
            .get(address)
            .unwrap_or_else(|| panic!("{address} got nothing"));
        assert_eq!(ids.len(), 1, "{address}: every copy under one Message-ID");
    }
    assert_eq!(got.len(), addresses.len(), "nobody else");
    assert!(
        kills >= 6,
        "most kills found their sender at work ({kills} of 12)"
    );
    // A kill repeats what it caught unrecorded: the messages on the wire and those the server
    // took whose results were still gathering to be recorded (a few dozen milliseconds' worth).
    let repeated: usize = got.values().map(|(_, copies)| copies - 1).sum();
    assert!(
        repeated <= kills * 2 * SEND_CONNECTIONS,
        "{repeated} copies repeated after {kills} kills of {SEND_CONNECTIONS} connections each"
    );
    assert!(
        got.values().all(|(_, copies)| *copies <= 2),
        "nobody has more than 2 copies"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM outbox WHERE lease_token IS NOT NULL"
        ),
        0,
        "no claim is left behind"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM alerts WHERE state = 'sent'"
        ),
        1,
        "the alert is marked sent"
    );
}

#[actix_web::test]
async fn three_sender_processes_keep_to_the_installations_rate_when_one_is_killed() {
    let app = crate::helpers::spawn_app().await;
    let rate = 40.0;
    let addresses = alert_to(&app, 280).await;
    let started = Instant::now();
    let mut senders: Vec<Child> = (0..3)
        .map(|_| {
            quiet(undersign(&app).arg("deliver"))
                .env("UNDERSIGN_MAIL_RATE", rate.to_string())
                .spawn()
                .unwrap()
        })
        .collect();
    actix_web::rt::time::sleep(Duration::from_millis(2_500)).await;
    assert!(
        kill(&mut senders[0]),
        "the first sender was still at work when killed"
    );
    for sender in &mut senders[1..] {
        let done = sender.wait().unwrap();
        assert!(done.success(), "the others finish");
    }

    // What the three and then the two sent, second by second after the first full bucket.
    let mut times: Vec<f64> = alerts_received(&app)
        .iter()
        .map(|m| m.received_at.duration_since(started).as_secs_f64())
        .collect();
    times.sort_by(f64::total_cmp);
    let (first, last) = (times[0], times[times.len() - 1]);
    for window in 0..(last - first).floor() as usize {
        let from = first + window as f64;
        let within = times
            .iter()
            .filter(|&&t| t >= from && t < from + 1.0)
            .count() as f64;
        assert!(
            within <= rate * 2.0 + 1.0,
            "{within} messages in second {window}: more than the rate and one full bucket"
        );
    }
    let after_burst: Vec<f64> = times
        .iter()
        .copied()
        .filter(|&t| t >= first + 1.0)
        .collect();
    let span = after_burst[after_burst.len() - 1] - after_burst[0];
    let achieved = (after_burst.len() - 1) as f64 / span;
    assert!(
        (rate * 0.75..=rate * 1.05).contains(&achieved),
        "{achieved:.1} messages a second over {span:.1} s against a rate of {rate}"
    );

    finish(&app);
    let got = copies_by_recipient(&app);
    assert_eq!(
        got.len(),
        addresses.len(),
        "everyone, once the killed sender's lease lapsed"
    );
    let repeated: usize = got.values().map(|(_, copies)| copies - 1).sum();
    assert!(
        repeated <= SEND_CONNECTIONS,
        "{repeated} repeated after one kill"
    );
}
