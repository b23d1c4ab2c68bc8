//! What operators expose and what they keep to themselves: `/metrics` only for allowed
//! addresses or a bearer token, HSTS once the site is HTTPS.

use crate::helpers::{spawn_app, spawn_app_with, Options, METRICS_TOKEN};

#[actix_web::test]
async fn metrics_are_404_to_the_public_and_401_with_a_wrong_token() {
    let app = spawn_app().await;
    let url = format!("{}/metrics", app.address);

    let anonymous = app.client.get(&url).send().await.unwrap();
    let wrong = app
        .client
        .get(&url)
        .bearer_auth("not the token")
        .send()
        .await
        .unwrap();
    let right = app
        .client
        .get(&url)
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();

    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(wrong.status().as_u16(), 401);
    assert!(wrong.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    assert!(!wrong.text().await.unwrap().contains("undersign_"));
    assert_eq!(right.status().as_u16(), 200);
    assert!(right.text().await.unwrap().contains("undersign_up"));
}

#[actix_web::test]
async fn metrics_without_a_configured_token_are_404_except_to_allowed_addresses() {
    let elsewhere = spawn_app_with(Options {
        no_metrics_token: true,
        metrics_allow: vec!["10.0.0.0/8".parse().unwrap()],
        ..Options::default()
    })
    .await;
    let here = spawn_app_with(Options {
        no_metrics_token: true,
        metrics_allow: vec!["127.0.0.1/32".parse().unwrap()],
        ..Options::default()
    })
    .await;

    assert_eq!(elsewhere.get("/metrics").await.status().as_u16(), 404);
    let allowed = here.get("/metrics").await;
    assert_eq!(allowed.status().as_u16(), 200);
    assert!(allowed.text().await.unwrap().contains("undersign_up"));
}

#[actix_web::test]
async fn hsts_is_sent_when_the_base_url_is_https_and_not_otherwise() {
    let plain = spawn_app().await;
    let secure = spawn_app_with(Options {
        base_url: Some("https://act.rivercommons.example".into()),
        ..Options::default()
    })
    .await;

    for path in ["/", "/healthz", "/no-such-page"] {
        let response = secure.get(path).await;
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
        assert!(
            !plain
                .get(path)
                .await
                .headers()
                .contains_key("strict-transport-security"),
            "{path}"
        );
    }
}
