//! Organizers who never open the web: launching, closing and reopening from the command line,
//! and `serve --bind` putting the address it listens on into e-mailed links.

use crate::cli::{text, undersign};
use crate::helpers::{eventually, spawn_app, RIVER_COMMONS};
use std::time::Duration;

/// Runs `undersign campaign <verb> <slug>`; returns success, stdout and stderr.
fn campaign(app: &crate::helpers::TestApp, verb: &str, slug: &str) -> (bool, String, String) {
    let output = undersign(app)
        .args(["campaign", verb, slug])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    (output.status.success(), stdout, stderr)
}

#[actix_web::test]
async fn launch_close_and_reopen_change_the_page_and_repeating_them_changes_nothing() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let page = || async { app.get(&format!("/c/{slug}")).await.text().await.unwrap() };
    let draft = app.get(&format!("/c/{slug}")).await;
    assert_eq!(draft.status().as_u16(), 404, "a draft is hidden");

    let (ok, out, err) = campaign(&app, "launch", &slug);
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!(
            "launched {slug}: it takes signatures at https://act.example/c/{slug}"
        )),
        "{out}"
    );
    let (ok, out, _) = campaign(&app, "launch", &slug);
    assert!(
        ok && out.contains(&format!("{slug} is already live; nothing changed")),
        "{out}"
    );
    // The page cache may show the draft for a moment; the form comes once it has expired.
    eventually(
        "the launched page shows the form",
        Duration::from_secs(5),
        || async { page().await.contains("<form method=\"post\"") },
    )
    .await;

    let (ok, out, err) = campaign(&app, "close", &slug);
    assert!(ok && out.contains(&format!("closed {slug}")), "{out}{err}");
    let (ok, out, _) = campaign(&app, "close", &slug);
    assert!(
        ok && out.contains("is already closed; nothing changed"),
        "{out}"
    );
    let (ok, _, err) = campaign(&app, "launch", &slug);
    assert!(
        !ok && err.contains("it is closed; to take signatures again, reopen it"),
        "{err}"
    );
    eventually(
        "the closed page says so",
        Duration::from_secs(5),
        || async { page().await.contains("This action has closed") },
    )
    .await;

    let (ok, out, err) = campaign(&app, "reopen", &slug);
    assert!(
        ok && out.contains(&format!("reopened {slug}")),
        "{out}{err}"
    );
    let (ok, out, _) = campaign(&app, "reopen", &slug);
    assert!(
        ok && out.contains("is already live; nothing changed"),
        "{out}"
    );
}

#[actix_web::test]
async fn a_campaign_without_a_target_address_is_not_launched_and_a_draft_is_not_closed() {
    let app = spawn_app().await;
    let letter = include_str!("../fixtures/letters/river-commons-dam.txt");
    let slug = app.import(letter, false).await;

    let (ok, _, err) = campaign(&app, "launch", &slug);
    assert!(!ok);
    assert!(err.contains("no target with an e-mail address"), "{err}");
    let (ok, _, err) = campaign(&app, "close", &slug);
    assert!(!ok && err.contains("never launched"), "{err}");
    let (ok, _, err) = campaign(&app, "reopen", "no-such-action");
    assert!(!ok && err.contains("no campaign with the slug"), "{err}");
    assert_eq!(
        app.get(&format!("/c/{slug}")).await.status().as_u16(),
        404,
        "the draft stays hidden"
    );
}

/// A child process stopped when the test ends, passed or not.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[actix_web::test]
async fn serve_bind_puts_the_address_it_listens_on_into_e_mailed_links() {
    use std::io::BufRead;
    let app = spawn_app().await;
    // serve is stopped as soon as the mail arrives, maybe before it recorded the send.
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let mut server = Stopped(
        undersign(&app)
            .env_remove("UNDERSIGN_BASE_URL")
            .env("UNDERSIGN_BIND", "127.0.0.1:1")
            .args(["serve", "--bind", &bind])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    std::io::BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.contains(&format!("serving on http://{bind}")),
        "{line}"
    );

    let signed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("http://{bind}/c/{slug}/sign"))
        .form(&[
            ("name", "Ana"),
            ("email", "ana@example.org"),
            ("country", "HR"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status().as_u16(), 303);
    let mail = app.wait_for_mail(1, Duration::from_secs(10)).await;
    drop(server);
    let link = mail
        .first()
        .expect("serve's worker sent the confirmation")
        .link_starting_with(&format!("http://{bind}/confirm/"));
    assert!(link.is_some(), "the link points at the address served");
}
