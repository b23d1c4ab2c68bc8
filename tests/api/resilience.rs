//! The service under stress it does not control: PostgreSQL down, every connection busy,
//! clients that send their bodies a byte at a time.

use crate::helpers::{spawn_app, spawn_app_with, Options, TestApp};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Asserts that `response` is a 503 asking the client to come back, answered within `limit`.
fn assert_retry_later(what: &str, response: &reqwest::Response, took: Duration, limit: Duration) {
    assert_eq!(response.status().as_u16(), 503, "{what}");
    assert!(
        response.headers().contains_key("retry-after"),
        "{what} says when to retry"
    );
    assert!(took < limit, "{what} answered after {took:?}");
}

/// Signs, loads the page, the API and the health check, expecting a quick 503 from each.
async fn assert_every_request_fails_fast(app: &TestApp, slug: &str) {
    let started = Instant::now();
    let health = app.get("/healthz").await;
    assert_retry_later(
        "/healthz",
        &health,
        started.elapsed(),
        Duration::from_secs(1),
    );
    for path in [
        format!("/c/{slug}"),
        format!("/api/v1/campaigns/{slug}"),
        "/".to_string(),
    ] {
        let started = Instant::now();
        let response = app.get(&path).await;
        assert_retry_later(&path, &response, started.elapsed(), Duration::from_secs(2));
    }
    let started = Instant::now();
    let signed = app.sign(slug, "Ana", "ana@example.org").await;
    assert_retry_later(
        "signing",
        &signed,
        started.elapsed(),
        Duration::from_secs(2),
    );
}

#[actix_web::test]
async fn while_the_database_is_down_every_request_answers_503_with_retry_after_within_two_seconds()
{
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;

    app.db.go_down();
    assert_every_request_fails_fast(&app, &slug).await;
    app.db.come_back();

    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    let signed = app.sign(&slug, "Ana", "ana@example.org").await;
    assert_eq!(signed.status().as_u16(), 303, "signing works again");
    assert_eq!(app.signature_total(), 1);
    assert_eq!(app.outbox_count("pending"), 1, "its e-mail is queued");
}

#[actix_web::test]
async fn when_every_pool_connection_is_busy_requests_answer_503_quickly_instead_of_waiting() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;

    let mut held = Vec::new();
    while let Ok(conn) = app.pool.get_timeout(Duration::from_millis(500)) {
        held.push(conn);
    }
    assert_every_request_fails_fast(&app, &slug).await;
    drop(held);

    let signed = app.sign(&slug, "Ana", "ana@example.org").await;
    assert_eq!(signed.status().as_u16(), 303);
    assert_eq!(app.signature_total(), 1);
}

/// Opens a connection that sends `start` of a request and then nothing more.
async fn stalled(app: &TestApp, start: &str) -> tokio::net::TcpStream {
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .expect("connects");
    stream.write_all(start.as_bytes()).await.unwrap();
    stream
}

/// What the server answered on `stream` within `limit`, until it closed the connection.
async fn answer(mut stream: tokio::net::TcpStream, limit: Duration) -> String {
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    match tokio::time::timeout(limit, read).await {
        Ok(Ok(_)) => String::from_utf8_lossy(&answer).into_owned(),
        Ok(Err(e)) => format!("read failed: {e}"),
        Err(_) => "no answer: the connection is still open".to_string(),
    }
}

#[actix_web::test]
async fn slow_headers_and_bodies_get_408_while_signing_and_health_checks_still_answer() {
    undersign::web::limits::raise_open_file_limit().unwrap();
    let body_timeout = Duration::from_secs(2);
    let app = spawn_app_with(Options {
        body_timeout: Some(body_timeout),
        ..Options::default()
    })
    .await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    let sign = format!("POST /c/{slug}/sign HTTP/1.1\r\nHost: undersign.test\r\n");
    let body_first_byte = format!(
        "{sign}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nn"
    );
    let opened = Instant::now();
    let mut slow_bodies = Vec::new();
    for _ in 0..300 {
        slow_bodies.push(stalled(&app, &body_first_byte).await);
    }
    let mut slow_headers = Vec::new();
    for _ in 0..50 {
        slow_headers.push(stalled(&app, &sign).await);
    }

    let started = Instant::now();
    let signed = app.sign(&slug, "Ana", "ana@example.org").await;
    assert_eq!(signed.status().as_u16(), 303);
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "signing and /healthz took {:?} beside the slow clients",
        started.elapsed()
    );

    let limit = Duration::from_secs(12);
    let bodies = slow_bodies.into_iter().map(|s| answer(s, limit));
    for answer in futures::future::join_all(bodies).await {
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.to_ascii_lowercase().contains("connection: close"));
    }
    let headers = slow_headers.into_iter().map(|s| answer(s, limit));
    for answer in futures::future::join_all(headers).await {
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    assert!(
        opened.elapsed() < undersign::web::limits::HEADER_TIMEOUT + Duration::from_secs(5),
        "every slow connection was closed by its deadline"
    );
    assert_eq!(app.signature_total(), 1, "no partial body was stored");
}
