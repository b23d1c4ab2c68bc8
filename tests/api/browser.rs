//! The flow a person clicks through, in a real headless Chromium driven over WebDriver:
//! open the action page, fill in the form, sign, open the e-mailed link, confirm.

use crate::helpers::{spawn_app, BASE_URL};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver process and one browser session, both ended on drop.
struct Browser {
    driver: Child,
    profile: std::path::PathBuf,
    base: String,
    session: String,
    http: reqwest::Client,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium; fails when they are not installed (the
    /// test is ignored unless asked for, so running it means wanting it run).
    async fn start() -> Browser {
        let (driver_bin, chromium) = ("/usr/bin/chromedriver", "/usr/bin/chromium");
        assert!(
            std::path::Path::new(driver_bin).exists() && std::path::Path::new(chromium).exists(),
            "the browser test needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not come up");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        let profile =
            std::env::temp_dir().join(format!("undersign-chromium-{}", uuid::Uuid::now_v7()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=390,844", format!("--user-data-dir={}", profile.display()),
            ]}
        }}});
        let created: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {created}"))
            .to_string();
        Browser {
            driver,
            profile,
            base,
            session,
            http,
        }
    }

    /// One WebDriver command; the answer's `value`, which may be an error.
    async fn try_call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut request = self.http.request(method, url);
        if !body.is_null() {
            request = request.json(&body);
        }
        let value: Value = request.send().await.unwrap().json().await.unwrap();
        value["value"].clone()
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let value = self.try_call(method, path, body).await;
        assert!(value["error"].is_null(), "{path}: {value}");
        value
    }

    async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", json!({"url": url}))
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let found = self
            .call(
                reqwest::Method::POST,
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        found[ELEMENT].as_str().unwrap().to_string()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            json!({"text": text}),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            json!({}),
        )
        .await;
    }

    /// Waits until the element's text contains `needle` (a click that submits a form returns
    /// before the next page has loaded), and returns that text.
    async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = self
                .try_call(
                    reqwest::Method::POST,
                    "/element",
                    json!({"using": "css selector", "value": css}),
                )
                .await;
            if let Some(id) = found[ELEMENT].as_str() {
                let text = self
                    .try_call(
                        reqwest::Method::GET,
                        &format!("/element/{id}/text"),
                        Value::Null,
                    )
                    .await;
                if let Some(text) = text.as_str().filter(|t| t.contains(needle)) {
                    return text.to_string();
                }
            }
            assert!(Instant::now() < deadline, "{css} never showed {needle:?}");
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Where the element is on the page and the visible part of the page, as
    /// `(top, bottom, scroll_y, viewport_height)` in CSS pixels.
    async fn placement(&self, css: &str) -> (f64, f64, f64, f64) {
        let id = self.find(css).await;
        let rect = self
            .call(
                reqwest::Method::GET,
                &format!("/element/{id}/rect"),
                Value::Null,
            )
            .await;
        let view = self
            .call(
                reqwest::Method::POST,
                "/execute/sync",
                json!({"script": "return [window.scrollY, window.innerHeight];", "args": []}),
            )
            .await;
        let top = rect["y"].as_f64().unwrap();
        let bottom = top + rect["height"].as_f64().unwrap();
        (
            top,
            bottom,
            view[0].as_f64().unwrap(),
            view[1].as_f64().unwrap(),
        )
    }

    /// Asserts that the element is wholly on the screen as it is scrolled now.
    async fn assert_on_screen(&self, css: &str) {
        let (top, bottom, scroll_y, height) = self.placement(css).await;
        assert!(
            top >= scroll_y && bottom <= scroll_y + height,
            "{css} spans {top}..{bottom}, the screen shows {scroll_y}..{}",
            scroll_y + height
        );
    }

    async fn clear(&self, css: &str) {
        let id = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            json!({}),
        )
        .await;
    }

    async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", Value::Null)
            .await
            .as_str()
            .unwrap()
            .to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Chromium outlives its driver: end every process of this test's profile too.
        let _ = Command::new("pkill")
            .arg("-f")
            .arg(self.profile.as_os_str())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver; .ci/run runs it with --include-ignored"]
async fn a_supporter_signs_and_confirms_in_a_real_browser_without_javascript_on_the_page() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let browser = Browser::start().await;

    browser.go(&format!("{}/c/{slug}", app.address)).await;
    // On a phone's first screen, something asks for the signature.
    browser.assert_on_screen(".cta a[href='#sign']").await;
    browser.type_into("#name", "Ani Hakobyan").await;
    browser.type_into("#email", "ani@localhost").await;
    browser.click("button[type=submit]").await;
    // The browser's own check stops an empty required select; nothing was sent.
    assert_eq!(app.signature_total(), 0);
    browser.click("#country option[value=AM]").await;
    browser.click("#updates").await;
    browser.click("button[type=submit]").await;
    // The server refuses the address: the page comes back scrolled to the form, with the
    // summary of what to fix in view and the values kept.
    browser
        .wait_for_text(".error-summary", "full domain name")
        .await;
    assert!(browser
        .url()
        .await
        .ends_with(&format!("/c/{slug}/sign#sign")));
    browser.assert_on_screen(".error-summary").await;
    browser.clear("#email").await;
    browser.type_into("#email", "ani@example.am").await;
    browser.click("button[type=submit]").await;

    browser.wait_for_text("h1", "One more step").await;
    // (The browser carries the form's #sign over the redirect; the page has no such anchor.)
    assert!(browser.url().await.contains(&format!("/c/{slug}/thanks")));
    app.drain().await;
    let mail = app.wait_for_mail(1, Duration::from_secs(5)).await.remove(0);
    let link = mail
        .link_starting_with(&format!("{BASE_URL}/confirm/"))
        .unwrap();
    browser.go(&link.replace(BASE_URL, &app.address)).await;
    assert_eq!(app.counter(&slug), 0, "opening the link changes nothing");
    browser.click("button[type=submit]").await;

    browser.wait_for_text("h1", "your signature counts").await;
    assert_eq!(app.counter(&slug), 1);
    browser.go(&format!("{}/c/{slug}", app.address)).await;
    browser
        .wait_for_text(".progress .count", "1 person has signed")
        .await;
}
