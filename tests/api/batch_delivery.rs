//! Petition batches over real SMTP: what arrives, what each SMTP reply does to a target, and
//! the faults delivery must survive (overlapping runs, kill -9, connections dropped).

use crate::batches::{add_signatures, count, deliver_now, letter};
use crate::helpers::{spawn_app, TestApp};
use crate::smtp_server::ReceivedMessage;
use std::collections::BTreeMap;
use std::time::Duration;

const TARGETS: [(&str, &str); 3] = [
    ("Marta Kovač", "minister@energy.example"),
    ("Ivo Horvat", "ivo@parliament.example"),
    ("Ana Babić", "ana@gone.example"),
];

/// The CSV attached to `m`, if any.
pub fn csv_of(m: &ReceivedMessage) -> Option<String> {
    m.attachments()
        .into_iter()
        .find(|(name, _)| name.ends_with(".csv"))
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
}

/// The signer names in a batch CSV, in order.
pub fn names_in(csv: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    reader
        .records()
        .map(|r| r.expect("a CSV record")[1].to_string())
        .collect()
}

/// Per recipient: every signer name in every batch CSV received (duplicates kept) and the
/// Message-IDs seen.
fn received(app: &TestApp) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut out: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for m in app.smtp.messages() {
        let Some(csv) = csv_of(&m) else { continue };
        let entry = out.entry(m.rcpt_to[0].clone()).or_default();
        entry.0.extend(names_in(&csv));
        entry.1.push(m.message_id().unwrap_or_default());
    }
    out
}

fn make_due(app: &TestApp) {
    use diesel::RunQueryDsl;
    diesel::sql_query(
        "UPDATE outbox SET next_attempt_at = now(), leased_until = NULL, lease_token = NULL \
         WHERE state = 'pending'",
    )
    .execute(&mut app.conn())
    .unwrap();
}

#[actix_web::test]
async fn each_target_receives_the_letter_threaded_with_a_csv_of_its_signers() {
    let app = spawn_app().await;
    let with_reply_to = letter("manual", &TARGETS[..2]).replacen(
        "+++\n",
        "+++\nreply_to = \"campaigns@rivercommons.example\"\n",
        1,
    );
    let slug = app.import(&with_reply_to, true).await;
    add_signatures(&app, &slug, 1, 3, true);
    let first = deliver_now(&app, &slug).await;
    app.drain().await;
    add_signatures(&app, &slug, 4, 2, true);
    deliver_now(&app, &slug).await;

    app.drain().await;

    let mails = app.wait_for_mail(4, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 4);
    let to_marta: Vec<&ReceivedMessage> = mails
        .iter()
        .filter(|m| m.rcpt_to == ["minister@energy.example"])
        .collect();
    let first_id = format!(
        "batch.{}@rivercommons.example",
        first.dispatched[0].batch_target_id
    );
    assert_eq!(to_marta[0].message_id().as_deref(), Some(first_id.as_str()));
    assert!(to_marta[1]
        .header("In-Reply-To")
        .unwrap()
        .contains(&first_id));
    assert!(to_marta[0]
        .header("Reply-To")
        .unwrap()
        .contains("campaigns@rivercommons.example"));
    assert!(to_marta[0]
        .header("From")
        .unwrap()
        .contains("actions@rivercommons.example"));
    assert!(
        to_marta[0].html_body().is_some(),
        "an HTML part beside the text"
    );
    assert_eq!(
        names_in(&csv_of(to_marta[1]).unwrap()),
        ["Signer 4", "Signer 5"]
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM batch_targets WHERE state = 'sent' AND sent_at IS NOT NULL"
        ),
        4
    );
}

#[actix_web::test]
async fn the_smtp_reply_decides_what_becomes_of_a_targets_message() {
    // (code, state of the batch message, whether the target is marked failed)
    let cases = [
        (421, "retrying", false),
        (450, "retrying", false),
        (451, "retrying", false),
        (452, "retrying", false),
        (550, "failed", true),
        (551, "failed", true),
        (553, "failed", true),
        (554, "failed", true),
    ];
    for (code, state, target_failed) in cases {
        let app = spawn_app().await;
        let slug = app.import(&letter("manual", &TARGETS), true).await;
        add_signatures(&app, &slug, 1, 2, true);
        app.smtp.fail_recipient("gone.example", code);
        deliver_now(&app, &slug).await;

        app.drain().await;

        assert_eq!(
            count(&app, &format!("SELECT count(*) AS n FROM batch_targets bt JOIN targets t ON t.id = bt.target_id WHERE t.email = 'ana@gone.example' AND bt.state = '{state}' AND bt.last_reply LIKE '%{code}%'")),
            1,
            "{code}"
        );
        assert_eq!(
            count(
                &app,
                "SELECT count(*) AS n FROM targets WHERE failed_at IS NOT NULL"
            ),
            i64::from(target_failed),
            "{code}"
        );
        assert_eq!(
            count(&app, "SELECT count(*) AS n FROM suppressions"),
            0,
            "{code}: an official's address is never suppressed"
        );
        let mut others: Vec<String> = app
            .wait_for_mail(2, Duration::from_secs(5))
            .await
            .iter()
            .map(|m| m.rcpt_to[0].clone())
            .collect();
        others.sort();
        assert_eq!(
            others,
            ["ivo@parliament.example", "minister@energy.example"],
            "{code}: the other targets still receive"
        );
        if !target_failed {
            app.smtp.fail_recipient("gone.example", 250);
            make_due(&app);
            // The next `deliver` run, a process of its own: this drain holds back a server
            // that said 4.7.x for a while (pacing), a new one knows nothing of it.
            app.drain_with(app.mailer(&app.smtp.url()))
                .run(None)
                .await
                .expect("the next run works");
            assert_eq!(
                app.smtp.messages().len(),
                3,
                "{code}: the retry arrives once"
            );
        }
    }
}

/// Two batches of two signatures each, sent while `gone.example` refuses with 550; returns the
/// campaign's slug and what the second batch queued.
async fn two_batches_with_one_target_refused(
    app: &TestApp,
) -> (String, undersign::batches::CampaignDelivery) {
    let slug = app.import(&letter("manual", &TARGETS), true).await;
    add_signatures(app, &slug, 1, 2, true);
    app.smtp.fail_recipient("gone.example", 550);
    deliver_now(app, &slug).await;
    app.drain().await;
    add_signatures(app, &slug, 3, 2, true);
    let second = deliver_now(app, &slug).await;
    app.drain().await;
    (slug, second)
}

#[actix_web::test]
async fn a_failed_target_is_skipped_by_later_batches_while_the_others_receive_them() {
    let app = spawn_app().await;

    let (_, second) = two_batches_with_one_target_refused(&app).await;

    let names: Vec<&str> = second
        .dispatched
        .iter()
        .map(|d| d.target_name.as_str())
        .collect();
    assert_eq!(names, ["Marta Kovač", "Ivo Horvat"]);
    let got = received(&app);
    assert_eq!(got["ivo@parliament.example"].0.len(), 4);
    assert!(!got.contains_key("ana@gone.example"));
}

#[actix_web::test]
async fn a_failed_target_retried_by_hand_receives_every_signature_it_missed_once() {
    let app = spawn_app().await;
    let (slug, _) = two_batches_with_one_target_refused(&app).await;
    app.smtp.fail_recipient("gone.example", 250);

    let retried = crate::cli::undersign(&app)
        .args(["campaign", "retry-target", &slug, "Ana@Gone.example"])
        .output()
        .unwrap();
    let delivered = crate::cli::undersign(&app).arg("deliver").output().unwrap();

    let (out, err) = crate::cli::text(&retried);
    assert!(retried.status.success(), "{err}");
    assert!(out.contains("Ana Babić receives again"), "{out}");
    assert!(
        out.contains("the 4 signature(s) they have not received"),
        "{out}"
    );
    assert!(
        delivered.status.success(),
        "{}",
        crate::cli::text(&delivered).1
    );
    let got = received(&app);
    assert_eq!(
        got["ana@gone.example"].0,
        ["Signer 1", "Signer 2", "Signer 3", "Signer 4"],
        "everything it missed, once"
    );
    assert_eq!(
        got["ivo@parliament.example"].0.len(),
        4,
        "the others get nothing again"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM targets WHERE failed_at IS NOT NULL"
        ),
        0
    );
}

#[actix_web::test]
async fn retrying_a_target_that_is_not_failed_or_not_there_changes_nothing_and_says_so() {
    let app = spawn_app().await;
    let slug = app.import(&letter("manual", &TARGETS), true).await;

    let fine = crate::cli::undersign(&app)
        .args(["campaign", "retry-target", &slug, "ivo@parliament.example"])
        .output()
        .unwrap();
    let unknown = crate::cli::undersign(&app)
        .args([
            "campaign",
            "retry-target",
            &slug,
            "nobody@parliament.example",
        ])
        .output()
        .unwrap();
    let no_campaign = crate::cli::undersign(&app)
        .args([
            "campaign",
            "retry-target",
            "no-such-campaign",
            "ivo@parliament.example",
        ])
        .output()
        .unwrap();

    assert!(fine.status.success());
    assert!(crate::cli::text(&fine)
        .0
        .contains("Ivo Horvat is not marked failed; nothing changed"));
    assert!(!unknown.status.success());
    assert!(crate::cli::text(&unknown)
        .1
        .contains("stop-the-dam has no target with the address nobody@parliament.example"));
    assert!(!no_campaign.status.success());
    assert!(crate::cli::text(&no_campaign)
        .1
        .contains("no campaign with the slug \"no-such-campaign\""));
}

#[actix_web::test]
async fn a_test_copy_goes_only_to_the_given_address_marked_test_and_changes_no_batch() {
    let app = spawn_app().await;
    let slug = app.import(&letter("manual", &TARGETS[..2]), true).await;
    add_signatures(&app, &slug, 1, 3, true);

    let output = crate::cli::undersign(&app)
        .args([
            "campaign",
            "preview",
            &slug,
            "--target",
            "IVO@parliament.example",
            "--send-test-to",
            "organizer@rivercommons.example",
        ])
        .output()
        .unwrap();

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mails = app.wait_for_mail(1, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_to, ["organizer@rivercommons.example"]);
    assert!(
        mails[0].subject().starts_with("[TEST] "),
        "{}",
        mails[0].subject()
    );
    assert!(mails[0]
        .text_body()
        .starts_with("[TEST] This is a test copy"));
    assert_eq!(names_in(&csv_of(&mails[0]).unwrap()).len(), 3);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM batches"), 0);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM batch_targets"), 0);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM batch_signatures"), 0);

    let printed = crate::cli::undersign(&app)
        .args(["campaign", "preview", &slug])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&printed.stdout).into_owned();
    assert!(
        printed.contains("To: Marta Kovač") && printed.contains("<minister@energy.example>"),
        "{printed}"
    );
    assert!(
        printed.contains("To: Ivo Horvat") && printed.contains("<ivo@parliament.example>"),
        "{printed}"
    );
    assert!(
        printed.contains("Attachment: stop-the-dam-signatures-1-3.csv"),
        "{printed}"
    );
}
