//! The faults petition delivery must survive, with the real binary and SMTP server: runs that
//! overlap, `deliver` killed at random moments, and database connections dropped mid-send.

use crate::batches::{add_signatures, count, letter};
use crate::cli::undersign;
use crate::helpers::{eventually, fault_rng, spawn_app, TestApp};
use diesel::RunQueryDsl;
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Output;
use std::time::Duration;

const TARGETS: [(&str, &str); 3] = [
    ("Marta Kovač", "minister@energy.example"),
    ("Ivo Horvat", "ivo@parliament.example"),
    ("Ana Babić", "ana@fisheries.example"),
];

fn ok(output: Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Per target: for each distinct Message-ID received, the signer names its CSV carried; and
/// how many copies of each Message-ID arrived.
fn received(app: &TestApp) -> BTreeMap<String, (BTreeMap<String, Vec<String>>, usize)> {
    let mut out: BTreeMap<String, (BTreeMap<String, Vec<String>>, usize)> = BTreeMap::new();
    for m in app.smtp.messages() {
        let Some(csv) = crate::batch_delivery::csv_of(&m) else {
            continue;
        };
        let entry = out.entry(m.rcpt_to[0].clone()).or_default();
        let id = m.message_id().unwrap_or_default();
        let names = crate::batch_delivery::names_in(&csv);
        if let Some(earlier) = entry.0.get(&id) {
            assert_eq!(
                earlier, &names,
                "a resent Message-ID carries the same signers"
            );
            entry.1 += 1;
        }
        entry.0.insert(id, names);
    }
    out
}

/// Every target got every one of `n` signers exactly once across distinct messages.
fn assert_each_target_got_each_signer_once(app: &TestApp, n: usize) -> usize {
    let expected: BTreeSet<String> = (1..=n).map(|i| format!("Signer {i}")).collect();
    let got = received(app);
    let mut resent = 0;
    for (_, email) in TARGETS {
        let (by_id, copies) = got.get(email).cloned().unwrap_or_default();
        let names: Vec<String> = by_id.into_values().flatten().collect();
        let distinct: BTreeSet<String> = names.iter().cloned().collect();
        assert_eq!(names.len(), distinct.len(), "{email}: a signer twice");
        assert_eq!(distinct, expected, "{email}: every signer");
        resent += copies;
    }
    resent
}

#[actix_web::test]
async fn overlapping_deliver_runs_cut_one_batch_and_send_each_message_once() {
    let app = spawn_app().await;
    let slug = app.import(&letter("every 5", &TARGETS), true).await;
    add_signatures(&app, &slug, 1, 20, true);
    app.smtp.set_reply_delay(Duration::from_millis(100));

    // Two at the same moment, a third once the first is talking SMTP.
    let first = undersign(&app).arg("deliver").spawn().unwrap();
    let second = undersign(&app).arg("deliver").spawn().unwrap();
    eventually(
        "a deliver run connects",
        Duration::from_secs(20),
        || async { app.smtp.connections() > 0 },
    )
    .await;
    let third = undersign(&app).arg("deliver").spawn().unwrap();
    for child in [first, second, third] {
        ok(child.wait_with_output().unwrap());
    }

    assert_eq!(count(&app, "SELECT count(*) AS n FROM batches"), 1);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM batch_targets WHERE state = 'sent'"
        ),
        3
    );
    let mails = app.smtp.messages();
    assert_eq!(mails.len(), 3, "one message per target, none twice");
    assert_eq!(assert_each_target_got_each_signer_once(&app, 20), 0);
}

#[actix_web::test]
async fn deliver_killed_at_random_moments_still_gives_every_target_every_signature_once() {
    let app = spawn_app().await;
    let slug = app.import(&letter("manual", &TARGETS), true).await;
    app.smtp.set_reply_delay(Duration::from_millis(15));
    let mut rng = fault_rng("deliver killed at random moments");
    let rounds = 10;
    for round in 0..rounds {
        add_signatures(&app, &slug, round * 4 + 1, 4, true);
        ok(undersign(&app)
            .args(["campaign", "deliver-now", &slug])
            .output()
            .unwrap());
        let mut child = undersign(&app).arg("deliver").spawn().unwrap();
        actix_web::rt::time::sleep(Duration::from_millis(rng.gen_range(0..400))).await;
        child.kill().unwrap();
        child.wait().unwrap();
        app.expire_leases();
    }
    app.smtp.set_reply_delay(Duration::ZERO);
    for _ in 0..rounds {
        app.expire_leases();
        ok(undersign(&app).arg("deliver").output().unwrap());
        ok(undersign(&app)
            .args(["campaign", "deliver-now", &slug])
            .output()
            .unwrap());
        if count(
            &app,
            "SELECT count(*) AS n FROM batch_targets WHERE state <> 'sent'",
        ) == 0
            && count(
                &app,
                "SELECT count(*) AS n FROM outbox WHERE state = 'pending'",
            ) == 0
        {
            break;
        }
    }

    let resent = assert_each_target_got_each_signer_once(&app, rounds * 4);
    assert!(
        resent <= rounds,
        "{resent} messages resent after {rounds} kills"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM outbox WHERE lease_token IS NOT NULL"
        ),
        0,
        "no claim is left behind"
    );
}

#[actix_web::test]
async fn dropped_database_connections_mid_send_leave_nothing_stuck_and_the_next_run_finishes() {
    let app = spawn_app().await;
    let slug = app.import(&letter("manual", &TARGETS), true).await;
    add_signatures(&app, &slug, 1, 30, true);
    ok(undersign(&app)
        .args(["campaign", "deliver-now", &slug])
        .output()
        .unwrap());
    app.smtp.set_reply_delay(Duration::from_millis(150));
    let child = undersign(&app).arg("deliver").spawn().unwrap();
    eventually(
        "a deliver run connects",
        Duration::from_secs(20),
        || async { app.smtp.connections() > 0 },
    )
    .await;

    // As a restart of PostgreSQL would: every session of the database ends at once.
    diesel::sql_query(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .execute(&mut app.conn())
    .unwrap();
    let interrupted = child.wait_with_output().unwrap();
    app.smtp.set_reply_delay(Duration::ZERO);
    app.expire_leases();
    ok(undersign(&app).arg("deliver").output().unwrap());

    let _ = interrupted.status; // it may have failed cleanly or finished; either is fine
    assert_eq!(
        assert_each_target_got_each_signer_once(&app, 30),
        received_twice(&app)
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM batch_targets WHERE state = 'sent'"
        ),
        3
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM outbox WHERE lease_token IS NOT NULL"
        ),
        0
    );
}

/// Messages that arrived more than once (same Message-ID).
fn received_twice(app: &TestApp) -> usize {
    received(app).values().map(|(_, copies)| copies).sum()
}

#[actix_web::test]
async fn the_union_of_a_targets_csvs_is_exactly_its_confirmed_counted_signatures() {
    let app = spawn_app().await;
    let targets = [
        TARGETS[0],
        TARGETS[1],
        ("Gone Away", "official@bounce.example"),
    ];
    let slug = app.import(&letter("manual", &targets), true).await;
    app.smtp.fail_recipient("bounce.example", 550);
    let mut confirmed = 0;
    for round in 0..4 {
        let from = round * 30 + 1;
        add_signatures(&app, &slug, from, 20, true);
        add_signatures(&app, &slug, from + 20, 10, false);
        confirmed += 20;
        // Some are held and some a second, unconfirmed signature attempt would not add.
        diesel::sql_query(format!(
            "UPDATE signatures SET state = 'held' WHERE name IN ('Signer {from}', 'Signer {}')",
            from + 1
        ))
        .execute(&mut app.conn())
        .unwrap();
        confirmed -= 2;
        ok(undersign(&app)
            .args(["campaign", "deliver-now", &slug])
            .output()
            .unwrap());
        ok(undersign(&app).arg("deliver").output().unwrap());
    }

    let expected: BTreeSet<String> = {
        #[derive(diesel::QueryableByName)]
        struct Name {
            #[diesel(sql_type = diesel::sql_types::Text)]
            name: String,
        }
        diesel::sql_query(
            "SELECT name FROM signatures WHERE state = 'counted' AND confirmed_at IS NOT NULL",
        )
        .load::<Name>(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect()
    };
    assert_eq!(expected.len(), confirmed);
    let got = received(&app);
    for (_, email) in &targets[..2] {
        let names: Vec<String> = got[*email].0.values().flatten().cloned().collect();
        let union: BTreeSet<String> = names.iter().cloned().collect();
        assert_eq!(names.len(), union.len(), "{email}: nobody twice");
        assert_eq!(union, expected, "{email}");
    }
    assert!(!got.contains_key("official@bounce.example"));
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM targets WHERE failed_at IS NOT NULL"
        ),
        1
    );
}
