//! HTTP manners: HEAD wherever GET works, 405 with `Allow` for wrong methods, compression
//! except where a secret is on the page, long-cached assets, a favicon and robots.txt.

use crate::helpers::{spawn_app, TestApp, METRICS_TOKEN};
use reqwest::Method;

impl TestApp {
    /// Sends `method` to `path` with extra `headers`, without a body.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request is answered")
    }
}

#[actix_web::test]
async fn head_is_answered_wherever_get_is_with_the_same_status_and_no_body() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    for path in [
        "/".to_string(),
        "/healthz".into(),
        format!("/c/{slug}"),
        format!("/c/{slug}/thanks"),
        format!("/api/v1/campaigns/{slug}"),
        "/robots.txt".into(),
        "/favicon.ico".into(),
        "/assets/site.css".into(),
    ] {
        let get = app.get(&path).await.status();
        let head = app.request(Method::HEAD, &path, &[]).await;
        assert_eq!(get.as_u16(), 200, "GET {path}");
        assert_eq!(head.status(), get, "HEAD {path}");
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has no body"
        );
    }
    let bearer = format!("Bearer {METRICS_TOKEN}");
    let metrics = app
        .request(Method::HEAD, "/metrics", &[("Authorization", &bearer)])
        .await;
    assert_eq!(metrics.status().as_u16(), 200, "HEAD /metrics");
    let unknown = app.request(Method::HEAD, "/c/no-such-action", &[]).await;
    assert_eq!(unknown.status().as_u16(), 404);
}

#[actix_web::test]
async fn a_wrong_method_on_a_known_path_is_405_with_allow() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    for (method, path, allow) in [
        (Method::POST, "/healthz".to_string(), "GET, HEAD"),
        (Method::DELETE, format!("/c/{slug}"), "GET, HEAD"),
        (Method::PUT, format!("/c/{slug}/sign"), "POST, GET, HEAD"),
        (
            Method::POST,
            format!("/api/v1/campaigns/{slug}"),
            "GET, HEAD",
        ),
        (Method::PATCH, "/confirm/abc".into(), "GET, HEAD, POST"),
    ] {
        let response = app.request(method.clone(), &path, &[]).await;
        assert_eq!(response.status().as_u16(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
    }
    assert_eq!(
        app.request(Method::POST, "/nowhere", &[])
            .await
            .status()
            .as_u16(),
        404,
        "unknown paths stay 404"
    );
}

#[actix_web::test]
async fn a_reloaded_form_address_leads_back_to_the_form() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let response = app.get(&format!("/c/{slug}/sign")).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], format!("/c/{slug}#sign"));
}

#[actix_web::test]
async fn pages_are_compressed_with_brotli_or_gzip_but_never_a_page_with_a_token() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    for encoding in ["br", "gzip"] {
        let page = app
            .request(
                Method::GET,
                &format!("/c/{slug}"),
                &[("Accept-Encoding", encoding)],
            )
            .await;
        assert_eq!(page.status().as_u16(), 200);
        assert_eq!(page.headers()["content-encoding"], encoding);
    }
    app.sign(&slug, "Ana", "ana@example.org").await;
    app.drain().await;
    let mail = app
        .wait_for_mail(1, std::time::Duration::from_secs(5))
        .await
        .remove(0);
    let link = mail
        .link_starting_with(&format!("{}/confirm/", crate::helpers::BASE_URL))
        .unwrap();
    let path = link
        .trim_start_matches(crate::helpers::BASE_URL)
        .to_string();
    let shown = app
        .request(Method::GET, &path, &[("Accept-Encoding", "br, gzip")])
        .await;
    assert_eq!(shown.status().as_u16(), 200);
    assert!(
        shown.headers().get("content-encoding").is_none(),
        "a page carrying a token is sent as is"
    );
    assert!(shown.text().await.unwrap().contains("Confirm my signature"));
    let confirmed = app
        .client
        .post(format!("{}{path}", app.address))
        .header("Accept-Encoding", "br, gzip")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status().as_u16(), 200);
    assert!(confirmed.headers().get("content-encoding").is_none());
}

#[actix_web::test]
async fn the_stylesheet_has_a_content_hashed_url_cached_for_a_year() {
    let app = spawn_app().await;
    let page = app.get("/").await.text().await.unwrap();
    let href = page
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page links a stylesheet")
        .to_string();
    assert!(
        href.starts_with("/assets/site.") && href.ends_with(".css") && href != "/assets/site.css",
        "{href}"
    );
    let css = app.get(&href).await;
    assert_eq!(css.status().as_u16(), 200);
    assert_eq!(
        css.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(
        app.get("/assets/site.000000000000.css")
            .await
            .status()
            .as_u16(),
        404,
        "a stale hash is not served as if current"
    );
}

#[actix_web::test]
async fn a_favicon_and_robots_txt_are_served() {
    let app = spawn_app().await;
    let page = app.get("/").await.text().await.unwrap();
    assert!(
        page.contains("<link rel=\"icon\" href=\"/assets/favicon."),
        "{page}"
    );
    let icon = app.get("/favicon.ico").await;
    assert_eq!(icon.status().as_u16(), 200);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status().as_u16(), 200);
    let text = robots.text().await.unwrap();
    assert!(text.contains("User-agent: *"));
    assert!(text.contains("Disallow: /confirm/"));
    assert!(text.contains("Disallow: /unsubscribe/"));
}

#[actix_web::test]
async fn the_counter_api_answers_an_unknown_campaign_with_a_json_404_any_site_can_read() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/campaigns/no-such-action",
        "/api/v1/campaigns/%E2%80%AE",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(
            body["error"].as_str().unwrap().contains("no action"),
            "{body}"
        );
    }
}
