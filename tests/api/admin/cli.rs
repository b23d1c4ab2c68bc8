//! `undersign user add` and the first-run setup link that `serve` prints.

use super::csrf_token_in;
use crate::cli::undersign;
use crate::helpers::spawn_app;
use std::io::{BufRead, Write};
use std::process::Stdio;

#[actix_web::test]
async fn user_add_reads_the_password_from_stdin_and_the_account_can_sign_in() {
    let app = spawn_app().await;
    let mut child = undersign(&app)
        .args(["user", "add", "ana@rivercommons.example", "--role", "owner"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a password from stdin\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("created owner organizer"), "{stdout}");
    assert!(
        !stdout.contains("a password from stdin"),
        "a typed password is not echoed"
    );

    let (_, response) = app
        .sign_in("ana@rivercommons.example", "a password from stdin")
        .await;
    assert_eq!(response.status().as_u16(), 303);
}

#[actix_web::test]
async fn user_add_without_a_password_generates_one_and_prints_it_once() {
    let app = spawn_app().await;
    let output = undersign(&app)
        .args([
            "user",
            "add",
            "viewer@rivercommons.example",
            "--role",
            "viewer",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password "))
        .expect("the generated password is printed");
    let (_, response) = app.sign_in("viewer@rivercommons.example", password).await;
    assert_eq!(response.status().as_u16(), 303);

    let again = undersign(&app)
        .args(["user", "add", "Viewer@rivercommons.example"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!again.status.success(), "the address is taken");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[actix_web::test]
async fn serve_prints_a_setup_link_while_no_organizer_exists() {
    let app = spawn_app().await;
    let mut server = undersign(&app)
        .args(["serve", "--bind", "127.0.0.1:0", "--no-worker"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let serving = lines.next().unwrap().unwrap();
    let port: u16 = serving
        .rsplit("port ")
        .next()
        .and_then(|p| p.trim_end_matches(')').parse().ok())
        .unwrap();
    let _ = lines.next();
    let link = lines.next().unwrap().unwrap();
    let path = link
        .trim()
        .strip_prefix("https://act.example")
        .expect("the link is on the base URL")
        .to_string();
    assert!(path.starts_with("/admin/setup/"), "{link}");

    let form = reqwest::get(format!("http://127.0.0.1:{port}{path}"))
        .await
        .unwrap();
    assert_eq!(form.status().as_u16(), 200);
    assert!(!csrf_token_in(&form.text().await.unwrap()).is_empty());
    server.kill().unwrap();
    server.wait().unwrap();
}
