//! The flows a person clicks through, in a real headless Chromium driven over WebDriver by
//! fantoccini: a supporter signs and confirms on a phone; an organizer sets up the
//! installation, watches the dashboard move, and a supporter's signature shows on it.
//! A failing flow leaves a screenshot of each open window in `target/browser-screenshots/`.

use crate::helpers::{spawn_app, TestApp, BASE_URL, RIVER_COMMONS};
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;
use serde_json::json;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// One chromedriver process; its browsers and their profiles end on drop.
struct Driver {
    process: Child,
    url: String,
    profiles: std::sync::Mutex<Vec<PathBuf>>,
}

impl Driver {
    /// Starts chromedriver; fails when it is not installed (the tests are ignored unless
    /// asked for, so running them means wanting them run).
    async fn start() -> Driver {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
            "the browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while reqwest::get(format!("{url}/status")).await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not come up");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        Driver {
            process,
            url,
            profiles: Default::default(),
        }
    }

    /// A new headless browser window of `width` × `height` CSS pixels with its own profile
    /// (cookies), so two sessions are two different people.
    async fn open(&self, width: u32, height: u32) -> Browser {
        let profile =
            std::env::temp_dir().join(format!("undersign-chromium-{}", uuid::Uuid::now_v7()));
        self.profiles.lock().unwrap().push(profile.clone());
        let options = json!({"binary": CHROMIUM, "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.display()),
        ]});
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a browser session starts");
        Browser { client }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Chromium outlives its driver: end every process of this test's profiles too.
        for profile in self.profiles.lock().unwrap().iter() {
            let _ = Command::new("pkill")
                .arg("-f")
                .arg(profile.as_os_str())
                .status();
            let _ = std::fs::remove_dir_all(profile);
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// One browser window and the few things a person does in it.
struct Browser {
    client: Client,
}

impl Browser {
    async fn go(&self, url: &str) {
        self.client.goto(url).await.expect("the page opens");
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} is on the page: {e}"))
    }

    async fn type_into(&self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.unwrap();
    }

    async fn replace(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Waits until the element's text contains `needle` (a click that submits a form returns
    /// before the next page has loaded), and returns that text.
    async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if text.contains(needle) {
                        return text;
                    }
                }
            }
            assert!(Instant::now() < deadline, "{css} never showed {needle:?}");
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Asserts that the element is wholly on the screen as it is scrolled now.
    async fn assert_on_screen(&self, css: &str) {
        let (_, top, _, height) = self.find(css).await.rectangle().await.unwrap();
        let view = self
            .client
            .execute("return [window.scrollY, window.innerHeight];", vec![])
            .await
            .unwrap();
        let (scroll_y, screen) = (view[0].as_f64().unwrap(), view[1].as_f64().unwrap());
        assert!(
            top >= scroll_y && top + height <= scroll_y + screen,
            "{css} spans {top}..{}, the screen shows {scroll_y}..{}",
            top + height,
            scroll_y + screen
        );
    }

    async fn url(&self) -> String {
        self.client.current_url().await.unwrap().to_string()
    }

    /// Saves what the window shows to `target/browser-screenshots/{name}.png`.
    async fn screenshot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::create_dir_all(&dir);
            let path = dir.join(format!("{name}.png"));
            if std::fs::write(&path, png).is_ok() {
                eprintln!("screenshot: {}", path.display());
            }
        }
    }
}

/// Runs `flow`; when it panics, saves a screenshot of each window first, then fails.
async fn with_screenshots<F: Future<Output = ()>>(name: &str, windows: &[&Browser], flow: F) {
    if let Err(panic) = AssertUnwindSafe(flow).catch_unwind().await {
        for (i, window) in windows.iter().enumerate() {
            window.screenshot(&format!("{name}-{i}")).await;
        }
        std::panic::resume_unwind(panic);
    }
}

/// The link in the newest e-mail that starts with `prefix`, pointed at the test server.
async fn link_in_mail(app: &TestApp, prefix: &str) -> String {
    app.drain().await;
    let mail = app.wait_for_mail(1, Duration::from_secs(5)).await;
    let link = mail
        .iter()
        .rev()
        .find_map(|m| m.link_starting_with(&format!("{BASE_URL}{prefix}")))
        .expect("the e-mail carries the link");
    link.replace(BASE_URL, &app.address)
}

/// A supporter on a phone signs the open campaign `slug` as `name` and confirms from the
/// e-mail; returns when the confirmed page shows.
async fn sign_and_confirm(app: &TestApp, supporter: &Browser, slug: &str, email: &str) {
    supporter.go(&format!("{}/c/{slug}", app.address)).await;
    supporter.type_into("#name", "Ani Hakobyan").await;
    supporter.type_into("#email", email).await;
    supporter.click("#country option[value=AM]").await;
    supporter.click("button[type=submit]").await;
    supporter.wait_for_text("h1", "One more step").await;
    let link = link_in_mail(app, "/confirm/").await;
    supporter.go(&link).await;
    supporter.click("button[type=submit]").await;
    supporter.wait_for_text("h1", "your signature counts").await;
}

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver; .ci/run runs it with --include-ignored"]
async fn a_supporter_signs_and_confirms_in_a_real_browser_without_javascript_on_the_page() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let driver = Driver::start().await;
    let browser = driver.open(390, 844).await;

    with_screenshots("supporter", &[&browser], async {
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
        browser.replace("#email", "ani@example.am").await;
        browser.click("button[type=submit]").await;

        browser.wait_for_text("h1", "One more step").await;
        // (The browser carries the form's #sign over the redirect; the page has no such anchor.)
        assert!(browser.url().await.contains(&format!("/c/{slug}/thanks")));
        let link = link_in_mail(&app, "/confirm/").await;
        browser.go(&link).await;
        assert_eq!(app.counter(&slug), 0, "opening the link changes nothing");
        browser.click("button[type=submit]").await;

        browser.wait_for_text("h1", "your signature counts").await;
        assert_eq!(app.counter(&slug), 1);
        browser.go(&format!("{}/c/{slug}", app.address)).await;
        browser
            .wait_for_text(".progress .count", "1 person has signed")
            .await;
    })
    .await;
    browser.client.clone().close().await.ok();
}

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver; .ci/run runs it with --include-ignored"]
async fn an_organizer_sets_up_pastes_a_letter_edits_an_ask_launches_and_sees_a_signature_arrive() {
    let app = spawn_app().await;
    let token = app.setup_token().await;
    let driver = Driver::start().await;
    let organizer = driver.open(1280, 900).await;
    let supporter = driver.open(390, 844).await;
    let slug = "stop-the-dam";

    with_screenshots("organizer", &[&organizer, &supporter], async {
        // First run: the setup link makes the first organizer, who lands signed in.
        organizer
            .go(&format!("{}/admin/setup/{token}", app.address))
            .await;
        organizer
            .type_into("#email", "owner@rivercommons.example")
            .await;
        organizer.type_into("#password", "short").await;
        organizer.click("button[type=submit]").await;
        organizer.wait_for_text("#password-error", "12").await;
        organizer
            .replace("#password", "a long enough password")
            .await;
        organizer.click("button[type=submit]").await;
        organizer.wait_for_text("h1", "Campaigns").await;

        // Paste the letter; the importer fills a draft and the editor opens.
        organizer.click("nav a[href='/admin/campaigns/new']").await;
        organizer.wait_for_text("h1", "New campaign").await;
        organizer.type_into("#letter", RIVER_COMMONS).await;
        organizer.click("main button[type=submit]").await;
        organizer.wait_for_text("h1", "Edit").await;
        assert!(organizer
            .url()
            .await
            .ends_with(&format!("/admin/campaigns/{slug}/edit")));

        // Edit the first ask and save.
        organizer
            .replace("#ask-1-text", "Halt all construction at Varna Gorge today.")
            .await;
        organizer.click("main form button[type=submit]").await;
        organizer.wait_for_text("main", "saved").await;

        // Launch from the dashboard.
        organizer
            .go(&format!("{}/admin/campaigns/{slug}", app.address))
            .await;
        organizer
            .click(&format!(
                "form[action='/admin/campaigns/{slug}/launch'] button"
            ))
            .await;
        organizer.wait_for_text(".status", "live").await;
        organizer
            .wait_for_text(".cards .card:first-child", "0\nconfirmed")
            .await;
        assert_eq!(chart_total(&organizer, "per-hour").await, 0);

        // A supporter sees the edited ask, signs and confirms on a phone.
        supporter.go(&format!("{}/c/{slug}", app.address)).await;
        supporter
            .wait_for_text("main", "Halt all construction at Varna Gorge today.")
            .await;
        sign_and_confirm(&app, &supporter, slug, "ani@example.am").await;

        organizer.client.refresh().await.unwrap();
        organizer
            .wait_for_text(".cards .card:first-child", "1\nconfirmed")
            .await;
        assert_eq!(
            chart_total(&organizer, "per-hour").await,
            1,
            "the hourly chart moved"
        );
        assert_eq!(
            chart_total(&organizer, "per-day").await,
            1,
            "the daily chart moved"
        );
    })
    .await;
    organizer.client.clone().close().await.ok();
    supporter.client.clone().close().await.ok();
}

/// The sum of the bars a dashboard chart (`per-hour`, `per-day`) draws, read from their
/// titles ("14:00: 3") the way a screen reader or a hovering pointer reads them.
async fn chart_total(window: &Browser, chart: &str) -> u64 {
    let titles = window
        .client
        .execute(
            "return [...document.querySelectorAll(`svg.chart[aria-labelledby=${arguments[0]}] rect title`)].map(t => t.textContent);",
            vec![json!(chart)],
        )
        .await
        .unwrap();
    titles
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str()?.rsplit(": ").next()?.trim().parse::<u64>().ok())
        .sum()
}

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver; .ci/run runs it with --include-ignored"]
async fn an_organizer_corrects_the_letters_signer_line_and_supporters_see_the_correction() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let token = app.setup_token().await;
    let driver = Driver::start().await;
    let organizer = driver.open(1280, 900).await;
    let supporter = driver.open(390, 844).await;

    with_screenshots("letter-correction", &[&organizer, &supporter], async {
        organizer
            .go(&format!("{}/admin/setup/{token}", app.address))
            .await;
        organizer
            .type_into("#email", "owner@rivercommons.example")
            .await;
        organizer
            .type_into("#password", "a long enough password")
            .await;
        organizer.click("button[type=submit]").await;
        organizer.wait_for_text("h1", "Campaigns").await;

        organizer
            .go(&format!("{}/admin/campaigns/{slug}/edit", app.address))
            .await;
        organizer
            .replace(
                "#signer",
                "Ana Petrović\nCampaigns Director\nRiver Commons Foundation",
            )
            .await;
        organizer.click("main form button[type=submit]").await;
        organizer.wait_for_text("main", "saved").await;
        organizer
            .wait_for_text("pre.original", "River Commons Foundation")
            .await;

        supporter.go(&format!("{}/c/{slug}", app.address)).await;
        supporter
            .wait_for_text("p.signer", "River Commons Foundation")
            .await;
    })
    .await;
}

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver; .ci/run runs it with --include-ignored"]
async fn an_organizer_who_forgot_their_password_chooses_a_new_one_from_the_emailed_link_on_a_phone()
{
    let app = spawn_app().await;
    app.organizer_account("lena@example.org", undersign::organizers::Role::Editor)
        .await;
    let driver = Driver::start().await;
    let phone = driver.open(390, 844).await;

    with_screenshots("password-reset", &[&phone], async {
        phone.go(&format!("{}/admin/login", app.address)).await;
        phone.click("a[href='/admin/password-reset']").await;
        phone.wait_for_text("h1", "Forgot your password?").await;
        phone.type_into("#email", "lena@example.org").await;
        phone.click("main button[type=submit]").await;
        phone
            .wait_for_text("[role=status]", "we have sent it a link")
            .await;

        let link = link_in_mail(&app, "/admin/password-reset/").await;
        phone.go(&link).await;
        phone.wait_for_text("h1", "Choose a new password").await;
        phone.type_into("#new", "a brand new long password").await;
        phone
            .type_into("#confirm", "a brand new long password")
            .await;
        phone.click("main button[type=submit]").await;
        phone
            .wait_for_text("[role=status]", "Your new password is set")
            .await;

        phone.type_into("#email", "lena@example.org").await;
        phone
            .type_into("#password", "a brand new long password")
            .await;
        phone.click("main button[type=submit]").await;
        phone.wait_for_text("h1", "Campaigns").await;
    })
    .await;
}

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver; .ci/run runs it with --include-ignored"]
async fn on_a_phone_the_dashboard_keeps_addresses_readable_and_names_countries_and_axes() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    app.sign(
        &slug,
        "Ana Petrović",
        "ana.petrovic.long.address@example.org",
    )
    .await;
    app.organizer_account("lena@example.org", undersign::organizers::Role::Editor)
        .await;
    let driver = Driver::start().await;
    let phone = driver.open(390, 844).await;

    with_screenshots("dashboard-phone", &[&phone], async {
        phone.go(&format!("{}/admin/login", app.address)).await;
        phone.type_into("#email", "lena@example.org").await;
        phone.type_into("#password", crate::admin::PASSWORD).await;
        phone.click("main button[type=submit]").await;
        phone.wait_for_text("h1", "Campaigns").await;
        phone
            .go(&format!("{}/admin/campaigns/{slug}", app.address))
            .await;
        phone.wait_for_text("h2", "Signatures").await;

        let sizes = phone
            .client
            .execute(
                "const cell = document.querySelector('td.email');
                 const range = document.createRange();
                 range.selectNodeContents(cell);
                 const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                 return [tops.size, cell.getBoundingClientRect().width];",
                vec![],
            )
            .await
            .unwrap();
        let (lines, width) = (sizes[0].as_u64().unwrap(), sizes[1].as_f64().unwrap());
        assert!(
            lines <= 2,
            "the address wraps at most at its @, not per character: {lines} lines in {width}px"
        );
        phone.wait_for_text("table.signatures", "Croatia").await;
        let tick = phone
            .client
            .execute(
                "const t = document.querySelector('svg.chart text.tick');
                 t.scrollIntoView();
                 return t.getBoundingClientRect().height;",
                vec![],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(
            tick >= 8.0,
            "the chart's labels can be read on a phone: {tick}px"
        );
        phone.screenshot("dashboard-phone-chart").await;
    })
    .await;
}

#[actix_web::test]
#[ignore = "needs chromium and chromium-driver; .ci/run runs it with --include-ignored"]
async fn an_organizer_composes_previews_and_sends_an_alert_and_the_supporter_unsubscribes_in_one_click(
) {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign_and_confirm(&slug, "Ani Hakobyan", "ani@example.am", true)
        .await;
    app.organizer_account("lena@example.org", undersign::organizers::Role::Editor)
        .await;
    let driver = Driver::start().await;
    let desk = driver.open(1280, 900).await;
    let phone = driver.open(390, 844).await;

    with_screenshots("alert", &[&desk, &phone], async {
        desk.go(&format!("{}/admin/login", app.address)).await;
        desk.type_into("#email", "lena@example.org").await;
        desk.type_into("#password", crate::admin::PASSWORD).await;
        desk.click("main button[type=submit]").await;
        desk.wait_for_text("h1", "Campaigns").await;
        desk.click("nav a[href='/admin/alerts']").await;
        desk.click("a[href='/admin/alerts/new']").await;
        desk.type_into("#subject", "The ministers meet tomorrow")
            .await;
        desk.type_into("#body", "Please **sign** before they do.")
            .await;
        desk.click(&format!("#campaign option[value='{slug}']"))
            .await;
        // Signers of the action are left out by default; this one goes to them too.
        desk.click("#include_signed").await;
        desk.click("main form button[type=submit]").await;
        desk.wait_for_text("main", "1 supporters will receive it")
            .await;
        let alert_page = desk.url().await;

        desk.click("a[href$='/preview/html']").await;
        desk.wait_for_text("strong", "sign").await;
        desk.go(&alert_page).await;
        desk.click("form[action$='/send'] button[type=submit]")
            .await;
        desk.wait_for_text("[role=status]", "The first messages leave in 60 seconds")
            .await;

        app.make_outbox_due();
        let link = link_in_mail(&app, "/unsubscribe/").await;
        phone.go(&link).await;
        assert_eq!(
            app.unsubscribed_count(),
            0,
            "opening the link changes nothing"
        );
        phone.click("main button[type=submit]").await;
        phone.wait_for_text("h1", "You are unsubscribed").await;
        assert_eq!(app.unsubscribed_count(), 1);
    })
    .await;
}
