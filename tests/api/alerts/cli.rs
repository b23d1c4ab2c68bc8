use super::alerts_received;
use crate::batches::count;
use crate::cli::undersign;
use crate::helpers::spawn_app;

fn run(app: &crate::helpers::TestApp, args: &[&str]) -> (bool, String, String) {
    let output = undersign(app).args(args).output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[actix_web::test]
async fn supporters_import_and_alert_send_work_from_the_command_line() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let dir = tempfile_dir();
    let csv = dir.join("list.csv");
    std::fs::write(
        &csv,
        "\u{feff}email;name;country;consent_date\nana@example.org;Ana;AM;2026-11-01\nnope;Ben;AM;2026-11-01\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();

    let (ok, out, err) = run(&app, &["supporters", "import", csv, "--dry-run"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("valid: 1") && out.contains("invalid: 1") && out.contains("dry run"),
        "{out}"
    );
    assert!(err.contains("line 3: email"), "{err}");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM supporters"), 0);

    let (ok, out, _) = run(&app, &["supporters", "import", csv, "--source", "fair"]);
    assert!(ok && out.contains("added: 1"), "{out}");

    let file = dir.join("alert.md");
    std::fs::write(
        &file,
        "+++\nsubject = \"The vote is tomorrow\"\n+++\nPlease **sign** now.\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let (ok, out, err) = run(&app, &["alert", "send", &slug, file, "--dry-run"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("recipients: 1") && out.contains("dry run"),
        "{out}"
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM alerts"),
        0,
        "a dry run stores nothing"
    );

    let (ok, out, err) = run(&app, &["alert", "send", &slug, file, "--country", "XX"]);
    assert!(!ok && err.contains("country"), "{out} {err}");

    let (ok, out, err) = run(&app, &["alert", "send", &slug, file]);
    assert!(ok, "{err}");
    assert!(out.contains("1 messages queued"), "{out}");
    let (ok, list, _) = run(&app, &["alert", "list"]);
    assert!(
        ok && list.contains("sending") && list.contains("The vote is tomorrow"),
        "{list}"
    );
    let id = list
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let (ok, out, err) = run(&app, &["alert", "cancel", &id]);
    assert!(ok && out.contains("cancelled: 1"), "{out} {err}");
    let (ok, _, err) = run(&app, &["alert", "cancel", &id]);
    assert!(
        !ok && err.contains("cancelled"),
        "a second cancel says why it changes nothing: {err}"
    );
    app.make_outbox_due();
    app.drain().await;
    assert!(alerts_received(&app).is_empty());
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM audit_log WHERE via = 'command line' \
                     AND action IN ('import supporters', 'create alert', 'send alert', 'cancel alert')"),
        4
    );
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("undersign-alert-cli-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
