//! The `undersign` binary as an organizer and a cron job use it.

use crate::helpers::{spawn_app, TestApp};
use std::collections::HashSet;
use std::process::{Command, Output};
use std::time::Duration;

/// The binary with a clean environment pointed at `app`'s database and SMTP server.
fn undersign(app: &TestApp) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_undersign"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.db.url)
        .env("SMTP_URL", app.smtp.url())
        .env("UNDERSIGN_BASE_URL", "https://act.example")
        .env(
            "UNDERSIGN_SECRET_KEY",
            "a test secret key that is long enough",
        )
        .env(
            "UNDERSIGN_DATA_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/target/test-data"),
        )
        .env("RUST_LOG", "warn");
    cmd
}

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/letters/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[actix_web::test]
async fn campaign_import_prints_the_slug_and_url_and_the_action_page_shows_the_asks() {
    let app = spawn_app().await;

    let output = undersign(&app)
        .args([
            "campaign",
            "import",
            &fixture("river-commons-dam.txt"),
            "--launch",
        ])
        .output()
        .unwrap();

    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let slug = "regional-leaders-must-halt-the-varna-gorge-dam";
    assert!(stdout.contains(&format!("slug    {slug}")), "{stdout}");
    assert!(
        stdout.contains(&format!("url     https://act.example/c/{slug}")),
        "{stdout}"
    );
    assert!(stdout.contains("asks    4"), "{stdout}");
    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    assert!(page.contains("Commission an independent review of the downstream fisheries impact"));

    let list = undersign(&app).args(["campaign", "list"]).output().unwrap();
    assert!(text(&list).0.contains(slug));
}

#[actix_web::test]
async fn campaign_import_refuses_a_bad_letter_file_with_a_message_and_stores_nothing() {
    let app = spawn_app().await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/target/test-data/bad-goal.md");
    std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/target/test-data")).unwrap();
    std::fs::write(
        path,
        "+++\ngoal = 0\n+++\nDear Minister,\n\nPlease act.\n\nSincerely,\nAna\n",
    )
    .unwrap();

    let output = undersign(&app)
        .args(["campaign", "import", path])
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output).1.contains("goal"), "{}", text(&output).1);
    assert_eq!(app.count("SELECT count(*) AS n FROM campaigns"), 0);
}

#[actix_web::test]
async fn deliver_sends_what_is_due_over_smtp_and_exits_zero() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana Petrović", "ana@example.org").await;

    let dry = undersign(&app)
        .args(["deliver", "--dry-run"])
        .output()
        .unwrap();
    assert!(dry.status.success());
    assert!(text(&dry).0.contains("1 e-mail(s) due"), "{}", text(&dry).0);
    assert!(app.smtp.messages().is_empty(), "a dry run sends nothing");

    let output = undersign(&app)
        .args(["deliver", "--max-seconds", "30"])
        .output()
        .unwrap();

    assert!(output.status.success(), "{}", text(&output).1);
    assert!(text(&output).0.contains("sent 1"), "{}", text(&output).0);
    let mails = app.smtp.wait_for_messages(1, Duration::from_secs(5));
    assert_eq!(mails.len(), 1);
    assert!(mails[0].subject().contains("Please confirm your signature"));
}

#[actix_web::test]
async fn two_deliver_processes_at_once_never_send_a_message_twice() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    for i in 0..60 {
        app.sign(&slug, "Ana", &format!("s{i}@example.org")).await;
    }

    let first = undersign(&app).arg("deliver").spawn().unwrap();
    let second = undersign(&app).arg("deliver").spawn().unwrap();
    assert!(first.wait_with_output().unwrap().status.success());
    assert!(second.wait_with_output().unwrap().status.success());

    let mails = app.smtp.wait_for_messages(60, Duration::from_secs(10));
    assert_eq!(mails.len(), 60);
    let ids: HashSet<_> = mails.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), 60, "every message arrived exactly once");
}

#[actix_web::test]
async fn deliver_exits_non_zero_with_the_reason_when_the_database_is_unreachable() {
    let app = spawn_app().await;
    let output = undersign(&app)
        .env(
            "DATABASE_URL",
            "postgresql://postgres@/nowhere?host=/nonexistent-socket-dir",
        )
        .arg("deliver")
        .output()
        .unwrap();
    assert_ne!(output.status.code(), Some(0));
    assert!(
        text(&output).1.contains("PostgreSQL"),
        "{}",
        text(&output).1
    );
}

#[actix_web::test]
async fn deliver_exits_non_zero_and_says_so_when_smtp_refuses_the_credentials() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana", "ana@example.org").await;
    app.smtp.require_auth("undersign", "secret");

    let output = undersign(&app).arg("deliver").output().unwrap();

    assert_ne!(output.status.code(), Some(0));
    assert!(text(&output).1.contains("SMTP_URL"), "{}", text(&output).1);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM outbox WHERE state = 'pending' AND attempts = 0"),
        1
    );
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["deliver", "--help"],
        vec!["migrate", "--help"],
        vec!["campaign", "--help"],
        vec!["campaign", "import", "--help"],
        vec!["campaign", "list", "--help"],
        vec!["campaign", "export", "--help"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_undersign"))
            .args(&args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Usage:"),
            "{args:?}"
        );
    }
}
