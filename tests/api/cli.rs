//! The `undersign` binary as an organizer and a cron job use it.

use crate::helpers::{eventually, spawn_app, TestApp};
use std::collections::HashSet;
use std::process::{Command, Output};
use std::time::Duration;

/// The binary with a clean environment pointed at `app`'s database and SMTP server.
pub fn undersign(app: &TestApp) -> Command {
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
        .env("UNDERSIGN_BOUNCE_ADDRESS", crate::helpers::BOUNCE_ADDRESS)
        .env("RUST_LOG", "warn");
    cmd
}

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/letters/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

pub fn text(output: &Output) -> (String, String) {
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
async fn campaign_import_of_a_draft_prints_a_preview_link_that_serve_opens() {
    let app = spawn_app().await;
    let output = undersign(&app)
        .args(["campaign", "import", &fixture("river-commons-dam.txt")])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let link = stdout
        .lines()
        .find_map(|line| line.strip_prefix("preview "))
        .unwrap_or_else(|| panic!("no preview line in {stdout}"))
        .to_string();
    assert!(link.starts_with("https://act.example/c/"), "{link}");

    let (mut server, base) = serve(&app, &[]);
    let preview = app
        .client
        .get(link.replace("https://act.example", &base))
        .send()
        .await
        .unwrap();
    let public = app
        .client
        .get(
            link.split('?')
                .next()
                .unwrap()
                .replace("https://act.example", &base),
        )
        .send()
        .await
        .unwrap();
    server.kill().unwrap();
    server.wait().unwrap();

    assert_eq!(preview.status().as_u16(), 200);
    assert_eq!(public.status().as_u16(), 404);
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
    assert_eq!(app.campaign_count(), 0);
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
    let mails = app.wait_for_mail(1, Duration::from_secs(5)).await;
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

    let mails = app.wait_for_mail(60, Duration::from_secs(10)).await;
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
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana", "ana@example.org").await;
    app.smtp.require_auth("undersign", "secret");

    let output = undersign(&app).arg("deliver").output().unwrap();

    assert_ne!(output.status.code(), Some(0));
    assert!(text(&output).1.contains("SMTP_URL"), "{}", text(&output).1);
    assert_eq!(
        app.outbox_rows()
            .iter()
            .filter(|r| r.state == "pending" && r.attempts == 0)
            .count(),
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
        vec!["campaign", "launch", "--help"],
        vec!["campaign", "close", "--help"],
        vec!["campaign", "reopen", "--help"],
        vec!["campaign", "deliver-now", "--help"],
        vec!["campaign", "deliveries", "--help"],
        vec!["campaign", "preview", "--help"],
        vec!["campaign", "retry-target", "--help"],
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

/// Starts `undersign serve` on a free port; returns the process and its base URL.
fn serve(app: &TestApp, extra_env: &[(&str, &str)]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut cmd = undersign(app);
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let port = line
        .rsplit("port ")
        .next()
        .and_then(|p| p.trim().trim_end_matches(')').parse::<u16>().ok())
        .unwrap_or_else(|| panic!("serve printed {line:?}"));
    (child, format!("http://127.0.0.1:{port}"))
}

#[actix_web::test]
async fn a_crash_in_the_middle_of_sending_loses_no_email() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana", "ana@example.org").await;
    app.smtp.set_reply_delay(Duration::from_secs(3));

    // serve's worker claims the message and starts talking SMTP; then the machine dies.
    let (mut server, _) = serve(&app, &[]);
    eventually(
        "the worker claims the message and connects",
        Duration::from_secs(10),
        || async { app.outbox_leased() > 0 && app.smtp.connections() > 0 },
    )
    .await;
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(app.smtp.messages().is_empty());
    assert_eq!(
        app.outbox_leased(),
        1,
        "the message is still queued, claimed by the dead worker"
    );

    // Its lease runs out and the next cron run sends it.
    app.smtp.set_reply_delay(Duration::ZERO);
    app.expire_leases();
    let output = undersign(&app).arg("deliver").output().unwrap();
    assert!(output.status.success(), "{}", text(&output).1);
    assert_eq!(app.wait_for_mail(1, Duration::from_secs(5)).await.len(), 1);
}

#[actix_web::test]
async fn the_service_log_holds_no_email_address_name_or_client_ip() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let (server, base) = serve(
        &app,
        &[
            ("RUST_LOG", "debug"),
            ("UNDERSIGN_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    );

    let response = app
        .client
        .post(format!("{base}/c/{slug}/sign"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Forwarded-For", "203.0.113.77")
        .body("name=Zaruhi+Manukyan&email=zaruhi.manukyan%40example.am&country=AM&postcode=0010")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let mail = app.wait_for_mail(1, Duration::from_secs(10)).await;
    assert_eq!(mail.len(), 1, "the worker sent the confirmation");
    let link = mail[0]
        .link_starting_with("https://act.example/confirm/")
        .unwrap();
    let confirm = link.replace("https://act.example", &base);
    app.client.get(&confirm).send().await.unwrap();
    app.client.post(&confirm).send().await.unwrap();
    // A polite stop, as a service manager would send it.
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    let output = server.wait_with_output().unwrap();

    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("signature received"),
        "the log records events: {log}"
    );
    let token = link.rsplit('/').next().unwrap();
    for secret in [
        "zaruhi",
        "Zaruhi",
        "Manukyan",
        "example.am",
        "203.0.113.77",
        "0010",
        token,
    ] {
        assert!(
            !log.contains(secret),
            "{secret:?} appears in the log:\n{log}"
        );
    }
}

#[actix_web::test]
async fn deliver_logs_each_send_that_failed_or_will_be_retried_without_an_address_or_name() {
    use crate::batches::{add_signatures, deliver_now, letter};
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app
        .import(
            &letter(
                "manual",
                &[
                    ("Marta Kovač", "minister@energy.example"),
                    ("Ana Babić", "ana@gone.example"),
                ],
            ),
            true,
        )
        .await;
    add_signatures(&app, &slug, 1, 2, true);
    deliver_now(&app, &slug).await;
    app.smtp.fail_recipient("gone.example", 550);
    app.smtp.fail_recipient("energy.example", 451);

    let output = undersign(&app).arg("deliver").output().unwrap();

    let (_, log) = text(&output);
    assert!(output.status.success(), "{log}");
    let ids: Vec<(uuid::Uuid, String)> = {
        use diesel::prelude::*;
        use undersign::db::schema::outbox;
        outbox::table
            .select((outbox::id, outbox::recipient))
            .load(&mut app.conn())
            .unwrap()
    };
    for (id, recipient) in &ids {
        let line = log
            .lines()
            .find(|line| line.contains(&id.to_string()))
            .unwrap_or_else(|| panic!("a line for the message to {recipient}: {log}"));
        let (code, words) = if recipient.ends_with("gone.example") {
            ("550", "given up")
        } else {
            ("451", "will retry")
        };
        for expected in ["petition_batch", code, words, "<[address]>"] {
            assert!(line.contains(expected), "{expected:?} in {line}");
        }
    }
    for secret in ["gone.example", "energy.example", "Kovač", "Babić", "Signer"] {
        assert!(!log.contains(secret), "the log holds no {secret:?}: {log}");
    }
}
