//! Clients that ask for a large CSV and then stop reading: officials' downloads at `/d/{token}`
//! and organizers' exports. They hold no database connection while they stall, a few at a
//! time are served and the rest asked to come back, and the site keeps answering.

use crate::admin::PASSWORD;
use crate::batches::{add_signatures, deliver_now, letter};
use crate::helpers::{spawn_app, TestApp, SECRET_KEY};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use undersign::organizers::Role;
use undersign::web::{DOWNLOADS_AT_ONCE, EXPORTS_AT_ONCE};

/// A campaign whose `n` confirmed signatures make a CSV of about 2 kB a row, far more than
/// the sockets between a stalled client and the server can buffer.
async fn large_campaign(app: &TestApp, n: usize) -> String {
    let slug = app
        .import(
            &letter("manual", &[("Marta Kovač", "minister@energy.example")]),
            true,
        )
        .await;
    add_signatures(app, &slug, 1, n, true);
    diesel::sql_query("UPDATE signatures SET comment = repeat('x', 2000)")
        .execute(&mut app.conn())
        .unwrap();
    slug
}

/// Sends `GET path` with a tiny receive window, reads the response head and stops reading;
/// returns the open connection and the head.
async fn stall(app: &TestApp, path: &str, cookie: Option<&str>) -> (TcpStream, String) {
    let port = app.address.rsplit(':').next().unwrap();
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket
        .connect(format!("127.0.0.1:{port}").parse().unwrap())
        .await
        .unwrap();
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut byte))
            .await
            .expect("the server answers")
            .unwrap();
        assert_eq!(read, 1, "the connection stays open until the head is read");
        head.push(byte[0]);
    }
    (stream, String::from_utf8_lossy(&head).into_owned())
}

fn status(head: &str) -> u16 {
    head.split(' ').nth(1).unwrap().parse().unwrap()
}

/// Waits until every pool connection is idle and no database session sits in an open
/// transaction; panics with what was still held after 10 s.
async fn wait_until_nothing_is_held(app: &TestApp) {
    #[derive(QueryableByName)]
    struct Held {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let started = Instant::now();
    loop {
        let pool = app.pool.state();
        let in_transaction = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND state = 'idle in transaction'",
        )
        .get_result::<Held>(&mut app.conn())
        .unwrap()
        .n;
        if pool.idle_connections == pool.connections && in_transaction == 0 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still held while the clients stall: {} of {} pool connections busy, \
             {in_transaction} sessions idle in a transaction",
            pool.connections - pool.idle_connections,
            pool.connections
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The site still answers pages, health checks and signatures.
async fn the_site_answers(app: &TestApp, slug: &str) {
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    assert_eq!(app.get(&format!("/c/{slug}")).await.status().as_u16(), 200);
    let signed = app.sign(slug, "Ana Horvat", "ana@example.org").await;
    assert!(
        signed.status().is_success() || signed.status().is_redirection(),
        "signing answered {}",
        signed.status()
    );
}

/// A full download once the stalled ones are gone (their slots free as their connections
/// close); retried for a few seconds.
async fn a_new_download_succeeds(app: &TestApp, path: &str, client: &reqwest::Client) {
    let started = Instant::now();
    loop {
        let response = client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        if response.status().as_u16() == 200 {
            let body = response.bytes().await.unwrap();
            assert!(
                body.len() > 16_000_000,
                "the whole CSV: {} bytes",
                body.len()
            );
            return;
        }
        assert_eq!(response.status().as_u16(), 503);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the slots of clients that left are still taken"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[actix_web::test]
async fn stalled_download_clients_hold_no_connection_and_the_ones_beyond_the_limit_are_asked_to_come_back(
) {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = large_campaign(&app, 8000).await;
    let id = deliver_now(&app, &slug).await.dispatched[0].batch_target_id;
    let token = undersign::batches::link::token(
        SECRET_KEY,
        id,
        chrono::Utc::now() + chrono::Duration::days(30),
    );
    let path = format!("/d/{token}");

    let mut stalled = Vec::new();
    for _ in 0..DOWNLOADS_AT_ONCE + 4 {
        stalled.push(stall(&app, &path, None).await);
    }

    let statuses: Vec<u16> = stalled.iter().map(|(_, head)| status(head)).collect();
    assert_eq!(
        statuses,
        [vec![200; DOWNLOADS_AT_ONCE], vec![503; 4]].concat(),
        "the first few are served, the rest asked to come back"
    );
    assert!(stalled[DOWNLOADS_AT_ONCE]
        .1
        .to_ascii_lowercase()
        .contains("retry-after:"));
    wait_until_nothing_is_held(&app).await;
    the_site_answers(&app, &slug).await;

    drop(stalled);
    a_new_download_succeeds(&app, &path, &app.client).await;
}

#[actix_web::test]
async fn stalled_exports_hold_no_connection_and_the_ones_beyond_the_limit_are_asked_to_come_back() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = large_campaign(&app, 8000).await;
    app.organizer_account("editor@rivercommons.example", Role::Editor)
        .await;
    let (editor, response) = app.sign_in("editor@rivercommons.example", PASSWORD).await;
    let cookie: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect();
    let cookie = cookie.join("; ");
    let path = format!("/admin/campaigns/{slug}/signatures.csv");

    let mut stalled = Vec::new();
    for _ in 0..EXPORTS_AT_ONCE + 1 {
        stalled.push(stall(&app, &path, Some(&cookie)).await);
    }

    let statuses: Vec<u16> = stalled.iter().map(|(_, head)| status(head)).collect();
    assert_eq!(statuses, [vec![200; EXPORTS_AT_ONCE], vec![503]].concat());
    wait_until_nothing_is_held(&app).await;
    the_site_answers(&app, &slug).await;

    drop(stalled);
    a_new_download_succeeds(&app, &path, &editor.client).await;
}
