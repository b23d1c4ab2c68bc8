//! Slow and oversized request bodies under `/admin`, sent by a raw TCP client: the admin
//! holds the same size caps and read time-outs as the public routes, and looks at the session
//! before it reads a body.

use crate::helpers::{spawn_app, spawn_app_with, Options, TestApp};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends a POST's head declaring `length` bytes (and `first` of them), then trickles a byte
/// every half second; returns the status line the server answered with and how long it took.
async fn trickle(app: &TestApp, path: &str, length: u64, first: &[u8]) -> (String, Duration) {
    let port = app.address.rsplit(':').next().unwrap();
    let mut stream = TcpStream::connect(format!("127.0.0.1:{port}"))
        .await
        .unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while started.elapsed() < Duration::from_secs(20) {
        match tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buf[..n]);
                if answer.windows(2).any(|w| w == b"\r\n") {
                    break;
                }
            }
            Err(_) => {
                if stream.write_all(b"a").await.is_err() {
                    break;
                }
            }
        }
    }
    let text = String::from_utf8_lossy(&answer);
    let status = text.lines().next().unwrap_or("").to_string();
    (status, started.elapsed())
}

#[actix_web::test]
async fn a_sign_in_declaring_a_gigabyte_is_refused_at_once_with_413() {
    let app = spawn_app().await;
    let (status, took) = trickle(&app, "/admin/login", 1 << 30, b"email=").await;
    assert!(status.contains(" 413 "), "{status:?}");
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
}

#[actix_web::test]
async fn a_change_without_a_session_is_refused_before_its_body_is_read() {
    let app = spawn_app().await;
    let (status, took) = trickle(&app, "/admin/campaigns", 100_000, b"letter=").await;
    assert!(status.contains(" 403 "), "{status:?}");
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
}

#[actix_web::test]
async fn a_sign_in_body_trickled_a_byte_at_a_time_is_cut_off_by_the_read_time_out() {
    let app = spawn_app_with(Options {
        body_timeout: Some(Duration::from_secs(1)),
        ..Options::default()
    })
    .await;
    let (status, took) = trickle(&app, "/admin/login", 8_000, b"email=").await;
    assert!(
        status.contains(" 408 ") || status.is_empty(),
        "cut off: {status:?}"
    );
    assert!(took < Duration::from_secs(5), "cut off after {took:?}");
}
