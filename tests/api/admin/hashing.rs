//! Many sign-ins at once: only as many password hashes run as there are cores, a short queue
//! waits, and the rest are asked to come back (503 with `Retry-After`) while the site answers.

use super::{browser, csrf_token_in};
use crate::helpers::{spawn_app_with, Options};
use std::time::{Duration, Instant};

#[actix_web::test]
async fn beyond_a_short_queue_of_password_checks_a_sign_in_is_asked_to_come_back() {
    let app = spawn_app_with(Options {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Options::default()
    })
    .await;
    // Forms first, so the sign-ins themselves arrive together.
    let mut forms = Vec::new();
    for _ in 0..60 {
        let b = browser();
        let page = b
            .get(format!("{}/admin/login", app.address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        forms.push((b, csrf_token_in(&page)));
    }
    let sign_ins = forms.iter().enumerate().map(|(i, (b, token))| {
        let url = format!("{}/admin/login", app.address);
        async move {
            let r = b
                .post(url)
                .header(
                    "X-Forwarded-For",
                    format!("198.51.{}.{}", i / 200, i % 200 + 1),
                )
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("email", &format!("guess{i}@rivercommons.example")),
                    ("password", "wrong password!"),
                ])
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.headers().contains_key("retry-after"))
        }
    });
    let health = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = Instant::now();
        let status = app.get("/healthz").await.status().as_u16();
        (status, started.elapsed())
    };
    let (answers, (health, took)) =
        futures_util::future::join(futures_util::future::join_all(sign_ins), health).await;

    let refused = answers.iter().filter(|(s, _)| *s == 401).count();
    let busy = answers
        .iter()
        .filter(|(s, retry)| *s == 503 && *retry)
        .count();
    assert_eq!(
        refused + busy,
        answers.len(),
        "only 401 or 503 with Retry-After: {answers:?}"
    );
    assert!(busy > 0, "some were asked to come back: {answers:?}");
    assert!(refused > 0, "the queue was served: {answers:?}");
    assert_eq!(health, 200);
    assert!(
        took < Duration::from_secs(1),
        "/healthz answered in {took:?}"
    );
}
