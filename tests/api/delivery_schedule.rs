//! When scheduled petition messages go: the final batch at close goes the same day, cut
//! batches that wait say why and until when, `serve` alone runs the schedule, and a delivery
//! by hand that had to wait for an earlier message follows it at once.

use crate::batch_delivery::{csv_of, names_in};
use crate::batches::{add_signatures, count, deliver_now, letter, mark_all_sent};
use crate::cli::{text, undersign};
use crate::helpers::{spawn_app, spawn_app_with, Options, TestApp};
use diesel::RunQueryDsl;
use std::time::Duration;
use undersign::batches::{self, due::Wait};
use undersign::campaigns::lifecycle::{self, Move};
use undersign::db;
use undersign::organizers::Role;

const MARTA: (&str, &str) = ("Marta Kovač", "minister@energy.example");

/// A scheduled `deliver` pass as the cron job runs it: close, cut, queue.
async fn run_due(app: &TestApp) -> Vec<batches::CampaignDelivery> {
    db::run(&app.pool, |conn| {
        batches::run_due(conn, chrono::Utc::now(), "rivercommons.example", false)
    })
    .await
    .unwrap()
}

/// Every signer name the target at `email` has received in batch CSVs, in order.
fn names_received_by(app: &TestApp, email: &str) -> Vec<String> {
    app.smtp
        .messages()
        .iter()
        .filter(|m| m.rcpt_to == [email])
        .filter_map(csv_of)
        .flat_map(|csv| names_in(&csv))
        .collect()
}

async fn close(app: &TestApp, slug: &str) {
    let slug = slug.to_string();
    db::run(&app.pool, move |conn| {
        lifecycle::apply(
            conn,
            &slug,
            Move::Close,
            undersign::organizers::audit::Actor::CommandLine,
        )
    })
    .await
    .unwrap()
    .expect("the campaign closes");
}

#[actix_web::test]
async fn every_signer_reaches_the_target_the_same_day_when_an_every_3_campaign_closes() {
    let app = spawn_app().await;
    let slug = app.import(&letter("every 3", &[MARTA]), true).await;
    add_signatures(&app, &slug, 1, 4, true);
    run_due(&app).await;
    app.drain().await;
    assert_eq!(names_received_by(&app, MARTA.1).len(), 4);

    add_signatures(&app, &slug, 5, 6, true);
    run_due(&app).await;
    app.drain().await;
    assert_eq!(
        names_received_by(&app, MARTA.1).len(),
        4,
        "a second scheduled message the same day waits"
    );
    close(&app, &slug).await;
    run_due(&app).await;
    app.drain().await;

    let names = names_received_by(&app, MARTA.1);
    assert_eq!(names.len(), 10, "{names:?}");
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 10, "nobody twice: {names:?}");
}

#[actix_web::test]
async fn batches_held_by_the_daily_rule_are_in_the_delivery_log_with_why_and_when() {
    let app = spawn_app().await;
    let slug = app.import(&letter("every 2", &[MARTA]), true).await;
    add_signatures(&app, &slug, 1, 2, true);
    run_due(&app).await;
    app.drain().await;
    add_signatures(&app, &slug, 3, 3, true);
    let pass = run_due(&app).await;
    assert_eq!(pass[0].cut.map(|(_, n)| n), Some(3));
    assert_eq!(pass[0].waiting.len(), 1);
    assert!(matches!(pass[0].waiting[0].wait, Wait::OncePerDay { .. }));

    let output = undersign(&app)
        .args(["campaign", "deliveries", &slug])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let waiting = stdout
        .lines()
        .find(|l| l.contains("waits for signatures #3-5 (3)"))
        .unwrap_or_else(|| panic!("no waiting line in:\n{stdout}"));
    assert!(
        waiting.contains("at most once a day per target") && waiting.contains("goes 20"),
        "{waiting}"
    );

    let admin = app.admin(Role::Viewer).await;
    let page = admin
        .page(&format!("/admin/campaigns/{slug}/deliveries"))
        .await;
    let waiting = &page[page.find("<h2 id=\"waiting\">").expect("a Waiting section")..];
    assert!(waiting.contains("#3–5 (3)"), "{waiting}");
    assert!(
        waiting.contains("at most once a day per target"),
        "{waiting}"
    );
}

#[actix_web::test]
async fn serve_alone_closes_a_campaign_past_its_closing_time_and_delivers_what_is_due() {
    let app = spawn_app_with(Options {
        run_worker: true,
        due_every: Some(Duration::from_millis(200)),
        ..Options::default()
    })
    .await;
    let every_2 = app.import(&letter("every 2", &[MARTA]), true).await;
    add_signatures(&app, &every_2, 1, 4, true);
    let on_close = app
        .import(
            &letter("on close", &[("Ivo Horvat", "ivo@parliament.example")])
                .replace("slug = \"stop-the-dam\"", "slug = \"closing\""),
            true,
        )
        .await;
    add_signatures(&app, &on_close, 5, 3, true);
    diesel::sql_query(
        "UPDATE campaigns SET closes_at = now() - interval '1 minute' WHERE slug = 'closing'",
    )
    .execute(&mut app.conn())
    .unwrap();

    let mails = app.wait_for_mail(2, Duration::from_secs(20)).await;

    assert_eq!(
        mails.len(),
        2,
        "both targets are sent their batch without a cron job"
    );
    assert_eq!(names_received_by(&app, MARTA.1).len(), 4);
    assert_eq!(names_received_by(&app, "ivo@parliament.example").len(), 3);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM campaigns WHERE slug = 'closing' AND status = 'closed'"
        ),
        1
    );
}

#[actix_web::test]
async fn deliver_now_says_a_target_waits_for_its_earlier_message_and_sends_it_once_that_settles() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.import(&letter("every 2", &[MARTA]), true).await;
    add_signatures(&app, &slug, 1, 2, true);
    run_due(&app).await;
    add_signatures(&app, &slug, 3, 3, true);

    let by_hand = deliver_now(&app, &slug).await;

    assert_eq!(by_hand.cut.map(|(_, n)| n), Some(3));
    assert!(by_hand.dispatched.is_empty());
    assert_eq!(by_hand.waiting.len(), 1);
    assert_eq!(by_hand.waiting[0].wait, Wait::EarlierMessage);
    let said = batches::report::pass_lines(std::slice::from_ref(&by_hand), false).join("\n");
    assert!(
        said.contains("Marta Kovač waits for signatures #3-5 (3): waits for its earlier message"),
        "{said}"
    );

    mark_all_sent(&app);
    let next = run_due(&app).await;

    assert_eq!(next.len(), 1, "queued at the next pass, not a day later");
    assert_eq!(next[0].dispatched.len(), 1);
    assert_eq!(next[0].dispatched[0].signatures, 3);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM targets WHERE deliver_by_hand"
        ),
        0
    );
}

#[actix_web::test]
async fn with_nothing_pending_preview_test_send_and_deliver_now_say_nothing_new_and_send_nothing() {
    let app = spawn_app().await;
    let slug = app.import(&letter("manual", &[MARTA]), true).await;
    add_signatures(&app, &slug, 1, 3, true);
    deliver_now(&app, &slug).await;
    app.drain().await;
    let sent_before = app.smtp.messages().len();

    let output = undersign(&app)
        .args(["campaign", "deliver-now", &slug])
        .output()
        .unwrap();
    let (stdout, _) = text(&output);
    assert!(stdout.contains("nothing new to deliver"), "{stdout}");
    let output = undersign(&app)
        .args(["campaign", "preview", &slug])
        .output()
        .unwrap();
    let (stdout, _) = text(&output);
    assert!(
        stdout.contains("Marta Kovač: nothing new to deliver"),
        "{stdout}"
    );
    assert!(!stdout.contains("Signers"), "{stdout}");
    let output = undersign(&app)
        .args([
            "campaign",
            "preview",
            &slug,
            "--send-test-to",
            "me@rivercommons.example",
        ])
        .output()
        .unwrap();
    let (stdout, _) = text(&output);
    assert!(stdout.contains("no test copy was sent"), "{stdout}");

    let admin = app.admin(Role::Editor).await;
    let answer = admin
        .post(&format!("/admin/campaigns/{slug}/deliver-now"), &[])
        .await;
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    let page = admin.page(&location).await;
    assert!(page.contains("Nothing new to deliver"), "{page}");
    let answer = admin
        .post(&format!("/admin/campaigns/{slug}/preview/send-test"), &[])
        .await;
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    let page = admin.page(&location).await;
    assert!(
        page.contains("Nothing new to deliver, so no test copy was sent"),
        "{page}"
    );
    app.drain().await;
    assert_eq!(app.smtp.messages().len(), sent_before, "nothing was sent");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_log WHERE action = 'send-test'"
        ),
        0
    );
}

#[actix_web::test]
async fn deliver_now_in_the_admin_reports_what_it_cut_and_queued_and_a_test_send_is_audited() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.import(&letter("manual", &[MARTA]), true).await;
    add_signatures(&app, &slug, 1, 7, true);
    let admin = app.admin(Role::Editor).await;

    let answer = admin
        .post(&format!("/admin/campaigns/{slug}/preview/send-test"), &[])
        .await;
    assert_eq!(answer.status(), 303);
    let answer = admin
        .post(&format!("/admin/campaigns/{slug}/deliver-now"), &[])
        .await;
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    let page = admin.page(&location).await;

    assert!(
        page.contains("Cut a batch of 7 signatures. Queued a message to 1 target"),
        "{page}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_log WHERE action = 'send-test'"
        ),
        1
    );
}

#[actix_web::test]
async fn a_dry_run_reports_what_it_would_cut_and_never_that_it_cut() {
    let app = spawn_app().await;
    let slug = app.import(&letter("every 2", &[MARTA]), true).await;
    add_signatures(&app, &slug, 1, 2, true);

    let output = undersign(&app)
        .args(["deliver", "--dry-run"])
        .env("RUST_LOG", "info")
        .output()
        .unwrap();

    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("would cut a batch of 2"), "{stdout}");
    let logs = format!("{stdout}{stderr}");
    assert!(logs.contains("a batch would be cut"), "{logs}");
    assert!(
        !logs.contains("\"batch cut\"") && !logs.contains(" batch cut"),
        "{logs}"
    );
    assert_eq!(count(&app, "SELECT count(*) AS n FROM batches"), 0);
}

#[actix_web::test]
async fn a_campaign_whose_stored_schedule_cannot_be_read_is_skipped_never_treated_as_manual() {
    let app = spawn_app().await;
    let unreadable = app.import(&letter("every 1", &[MARTA]), true).await;
    let fine = app
        .import(
            &letter("every 1", &[("Ivo Horvat", "ivo@parliament.example")])
                .replace("stop-the-dam", "fine"),
            true,
        )
        .await;
    add_signatures(&app, &unreadable, 1, 2, true);
    add_signatures(&app, &fine, 3, 2, true);
    // As a newer release (or a hand in psql) might have written it.
    diesel::sql_query("UPDATE campaigns SET delivery = 'hourly' WHERE slug = $1")
        .bind::<diesel::sql_types::Text, _>(&unreadable)
        .execute(&mut app.conn())
        .unwrap();

    let output = undersign(&app).arg("deliver").output().unwrap();

    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("campaign skipped: its stored settings cannot be read")
            && stderr.contains("the stored delivery schedule \"hourly\" cannot be read"),
        "the skip is logged with the value that cannot be read: {stderr}"
    );
    assert!(
        stdout.contains("fine:"),
        "the other campaign still delivers: {stdout}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM batches b JOIN campaigns c ON c.id = b.campaign_id \
             WHERE c.slug = 'stop-the-dam'"
        ),
        0,
        "nothing is cut under a schedule nobody can read"
    );
    assert_eq!(names_received_by(&app, "ivo@parliament.example").len(), 2);
}
