//! What supporters see: the list, the action page, its headers, the JSON API, and the
//! operational endpoints.

use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_action_page_shows_the_headline_asks_targets_letter_count_form_and_share_tags() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;

    let response = app.get(&format!("/c/{slug}")).await;

    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.unwrap();
    for expected in [
        "Regional leaders must halt the Varna Gorge dam until affected villages are heard",
        "Postpone the licensing vote until hearings have been held in each affected village",
        "Guarantee that no resident is relocated without a signed compensation agreement",
        "Marta Kovač",
        "Dear Minister Kovač and Governor Deda:",
        "<strong>0</strong> people have signed",
        "Goal: 5,000 signatures",
        "<form method=\"post\" action=\"/c/stop-the-dam/sign#sign\"",
        "<label for=\"email\">",
        "property=\"og:title\"",
        "name=\"twitter:card\"",
        "https://wa.me/?text=",
    ] {
        assert!(page.contains(expected), "the page shows {expected:?}");
    }
    assert!(
        !page.contains("Download the letter"),
        "web-page debris is dropped"
    );
    assert!(
        page.len() + undersign_css_len(&app).await < 50 * 1024,
        "page and CSS stay under 50 KB"
    );
    for third_party in [
        "<script",
        "src=\"http",
        "href=\"//",
        "fonts.googleapis",
        "<link rel=\"stylesheet\" href=\"http",
    ] {
        assert!(
            !page.contains(third_party),
            "no third-party request: {third_party}"
        );
    }
}

async fn undersign_css_len(app: &crate::helpers::TestApp) -> usize {
    let css = app.get("/assets/site.css").await;
    assert_eq!(css.status().as_u16(), 200);
    css.bytes().await.unwrap().len()
}

#[actix_web::test]
async fn the_front_page_lists_live_campaigns() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let page = app.get("/").await.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/c/{slug}\"")));
}

#[actix_web::test]
async fn an_unknown_campaign_is_a_404_page() {
    let app = spawn_app().await;
    let response = app.get("/c/no-such-action").await;
    assert_eq!(response.status().as_u16(), 404);
    assert!(response.text().await.unwrap().contains("Action not found"));
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    for path in [
        "/".to_string(),
        format!("/c/{slug}"),
        "/nowhere".into(),
        "/healthz".into(),
        format!("/api/v1/campaigns/{slug}"),
    ] {
        let response = app.get(&path).await;
        let h = response.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{path}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
    }
}

#[actix_web::test]
async fn the_security_policy_lets_the_page_read_its_own_robots_txt_but_run_no_script() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let response = app.get(&format!("/c/{slug}")).await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
}

#[actix_web::test]
async fn the_campaign_api_returns_the_cached_count_as_cors_readable_json() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let response = app.get(&format!("/api/v1/campaigns/{slug}")).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["slug"], "stop-the-dam");
    assert_eq!(json["status"], "live");
    assert_eq!(json["signatures"], 0);
    assert_eq!(json["goal"], 5000);
    assert!(json["closes_at"].is_null());
    assert!(json["title"]
        .as_str()
        .unwrap()
        .starts_with("Regional leaders"));
    assert_eq!(
        app.get("/api/v1/campaigns/nope").await.status().as_u16(),
        404
    );
}

#[actix_web::test]
async fn health_and_metrics_report_the_database_and_the_outbox() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana", "ana@example.org").await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status().as_u16(), 200);
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("undersign_outbox_messages{state=\"pending\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("undersign_signatures_confirmed 0"));
    assert!(metrics.contains("undersign_up 1"));
}

#[actix_web::test]
async fn an_unsubscribe_link_shows_a_button_and_one_click_post_unsubscribes() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana", "ana@example.org").await;
    let supporter = app.first_supporter_id();
    let token = undersign::supporters::unsubscribe_token(
        b"test secret key, at least 32 bytes long",
        supporter,
    );
    let path = format!("/unsubscribe/{token}");

    let page = app.get(&path).await;
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert!(page.text().await.unwrap().contains("Unsubscribe"));
    assert_eq!(app.unsubscribed_count(), 0);

    let one_click = app
        .post_form(&path, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(one_click.status().as_u16(), 200);
    assert_eq!(app.unsubscribed_count(), 1);
    assert_eq!(
        app.suppression_of("ana@example.org").as_deref(),
        Some("unsubscribed"),
        "the address is on the do-not-mail list, as a keyed hash"
    );
    assert_eq!(
        app.post_form(&path, &[]).await.status().as_u16(),
        200,
        "twice is harmless"
    );

    let forged = format!("/unsubscribe/{}{}", &token[..30], "AAAAAAAAAAAAA");
    assert_eq!(app.get(&forged).await.status().as_u16(), 404);
    assert_eq!(app.post_form(&forged, &[]).await.status().as_u16(), 404);
}

#[actix_web::test]
async fn the_front_matter_headline_heads_the_page_while_the_title_names_it() {
    let app = spawn_app().await;
    let slug = app
        .import(
            include_str!("../fixtures/letters/markdown-front-matter.md"),
            true,
        )
        .await;

    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();

    assert!(
        page.contains("<h1>Keep the bulldozers out of the Eastside wetlands</h1>"),
        "the headline is the page's heading"
    );
    assert!(
        page.contains("<title>Save the Eastside wetlands · Undersign</title>"),
        "the title names the page"
    );
}

#[actix_web::test]
async fn a_markdown_letter_is_shown_rendered_and_without_the_html_it_carries() {
    let app = spawn_app().await;
    let letter = include_str!("../fixtures/letters/markdown-front-matter.md").replace(
        "We would be glad to show the committee around the site.",
        "We would be glad to show the committee [around the site](https://friendsofeastside.example/visit).\n\n\
         <script>alert('letter')</script>\n\n\
         Read [our notes](javascript:alert('link')) <img src=\"x\" onerror=\"alert('img')\">.",
    );
    let slug = app.import(&letter, true).await;

    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();

    for expected in [
        "<li><strong>Reject</strong> planning application 27/0412;</li>",
        "<a href=\"https://friendsofeastside.example/visit\">around the site</a>",
        "<p>Read our notes .</p>",
    ] {
        assert!(page.contains(expected), "the page shows {expected:?}");
    }
    for absent in [
        "**Reject**",
        "<script",
        "alert(",
        "javascript:",
        "onerror",
        "<img",
    ] {
        assert!(!page.contains(absent), "the page has no {absent:?}");
    }
}

#[actix_web::test]
async fn the_letter_renders_for_e_mails_as_html_and_as_plain_text_with_the_same_parts() {
    let app = spawn_app().await;
    let slug = app
        .import(
            include_str!("../fixtures/letters/markdown-front-matter.md"),
            true,
        )
        .await;
    let campaign = undersign::campaigns::find_by_slug(&mut app.conn(), &slug)
        .unwrap()
        .expect("campaign stored");

    let letter = undersign::campaigns::letter::render_letter(&campaign).unwrap();

    assert!(letter
        .html
        .as_str()
        .contains("<li><strong>Reject</strong> planning application 27/0412;</li>"));
    assert!(letter
        .html
        .as_str()
        .contains("<p class=\"signer\">Lena Fischer<br>"));
    assert_eq!(
        letter.text,
        "March 15, 2027\n\n\
         Councillor Priya Raman\n\
         Chair, Planning Committee\n\
         Riverton City Council\n\n\
         Re: Planning application 27/0412, Eastside wetlands\n\n\
         Dear Councillor Raman,\n\n\
         The Eastside wetlands hold back flood water for 3,000 homes and shelter the only heron \
         colony left in the county. Planning application 27/0412 would replace them with a \
         six-storey parking garage.\n\n\
         We ask that the Planning Committee:\n\n\
         - Reject planning application 27/0412;\n\
         - Designate the Eastside wetlands as a local nature reserve; and\n\
         - Commission a flood-risk study for the east bank before any new building is approved.\n\n\
         We would be glad to show the committee around the site.\n\n\
         Kind regards,\n\n\
         Lena Fischer\n\
         Coordinator\n\
         Friends of Eastside"
    );
}
