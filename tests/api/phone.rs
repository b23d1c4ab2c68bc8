//! The action page as a supporter meets it on a phone: asked to sign on the first screen,
//! brought back to the form after a mistake, told numbers as people write them, offered to
//! share after confirming, and told honestly what their details are used for.

use crate::helpers::{spawn_app, spawn_app_with, Options};
use std::time::Duration;

#[actix_web::test]
async fn the_first_screen_links_to_the_form_which_posts_back_to_itself() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    let jump = page
        .find("<a class=\"button\" href=\"#sign\">Sign the letter</a>")
        .expect("a jump link to the form");
    let intro = page.find("class=\"intro\"").expect("the intro");
    assert!(jump < intro, "the jump link comes before the intro");
    assert!(page.contains("<aside class=\"sign\" id=\"sign\""));
    assert!(page.contains(&format!("action=\"/c/{slug}/sign#sign\"")));
}

#[actix_web::test]
async fn an_invalid_submission_titles_the_page_as_an_error_and_lists_errors_in_form_order() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let response = app
        .post_form(
            &format!("/c/{slug}/sign"),
            &[("name", ""), ("email", "nope"), ("country", "")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("<title>Error: "), "the title says so");
    let summary = &page[page.find("error-summary").unwrap()..];
    let at = |field: &str| summary.find(&format!("href=\"#{field}\"")).unwrap();
    assert!(at("name") < at("email") && at("email") < at("country"));
    let untouched = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    assert!(!untouched.contains("<title>Error: "));
}

#[actix_web::test]
async fn counts_and_goals_have_thousands_separators_and_one_is_singular() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.set_counter(&slug, 12345);
    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    assert!(
        page.contains("<strong>12,345</strong> people have signed"),
        "{page}"
    );
    assert!(page.contains("Goal: 5,000 signatures"));
    let list = app.get("/").await.text().await.unwrap();
    assert!(
        list.contains("<strong>12,345</strong> signatures of 5,000"),
        "{list}"
    );
}

#[actix_web::test]
async fn the_confirmed_page_speaks_of_one_signer_properly_and_offers_share_links() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana", "ana@example.org").await;
    app.drain().await;
    let mail = app.wait_for_mail(1, Duration::from_secs(5)).await.remove(0);
    let page = app.confirm_from(&mail).await.text().await.unwrap();
    assert!(!page.contains("one of <strong>1</strong> people"), "{page}");
    assert!(page.contains("You are the first to sign"));
    assert!(
        page.contains("https://wa.me/?text="),
        "share links on the confirmed page"
    );
    assert!(page.contains(&format!("/c/{slug}")));
}

#[actix_web::test]
async fn the_consent_label_is_the_wording_stored_with_the_consent_and_the_footer_agrees() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana", "ana@example.org").await;
    app.drain().await;
    let mail = app.wait_for_mail(1, Duration::from_secs(5)).await.remove(0);
    app.confirm_from(&mail).await;
    let stored = app.supporter_rows()[0]
        .alerts_consent_wording
        .clone()
        .expect("consent is recorded");
    let (_version, wording) = stored.split_once(": ").unwrap();
    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    assert!(
        page.contains(&format!("<label for=\"updates\">{wording}</label>")),
        "the label is the stored wording: {wording}"
    );
    assert!(
        !page.contains("only for this action"),
        "the footer does not contradict the related-actions box"
    );
    assert!(page.contains("only if you tick the box"));
}

#[actix_web::test]
async fn every_page_of_an_action_says_who_runs_it_and_links_the_installations_privacy_notice() {
    let app = spawn_app_with(Options {
        privacy_url: Some("https://undersign.example/privacy".into()),
        ..Options::default()
    })
    .await;
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana", "ana@example.org").await;
    app.drain().await;
    let mail = app.wait_for_mail(1, Duration::from_secs(5)).await.remove(0);
    let confirmed = app.confirm_from(&mail).await.text().await.unwrap();
    for (what, page) in [
        (
            "action",
            app.get(&format!("/c/{slug}")).await.text().await.unwrap(),
        ),
        (
            "thanks",
            app.get(&format!("/c/{slug}/thanks"))
                .await
                .text()
                .await
                .unwrap(),
        ),
        ("confirmed", confirmed),
    ] {
        assert!(
            page.contains("This action is run by <strong>River Commons</strong>."),
            "the {what} page names the signer's organisation"
        );
        assert!(
            page.contains(
                "<a href=\"https://undersign.example/privacy\" rel=\"noopener\">Privacy notice</a>"
            ),
            "the {what} page links the privacy notice"
        );
    }
}

#[actix_web::test]
async fn the_front_matter_names_the_organisation_and_its_own_privacy_notice() {
    let app = spawn_app_with(Options {
        privacy_url: Some("https://undersign.example/privacy".into()),
        ..Options::default()
    })
    .await;
    let letter = crate::helpers::RIVER_COMMONS.replacen(
        "goal = 5000\n",
        "goal = 5000\norganisation = \"Friends of the Varna\"\nprivacy_url = \"https://varna.example/privacy\"\n",
        1,
    );
    let slug = app.import(&letter, true).await;
    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    assert!(page.contains("This action is run by <strong>Friends of the Varna</strong>."));
    assert!(page.contains("href=\"https://varna.example/privacy\""));
    assert!(!page.contains("undersign.example/privacy"));
}
