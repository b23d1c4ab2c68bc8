//! What a supporter notices on the public pages: the confirm page names the action, the list
//! describes itself to search engines, the share links work, no obsolete header is sent, and
//! a name that a mail client would turn into a link is refused in every spelling.

use crate::helpers::{spawn_app, BASE_URL};
use std::time::Duration;

#[actix_web::test]
async fn the_confirm_page_names_the_action_the_supporter_signed() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana Horvat", "ana@example.org").await;
    app.drain().await;
    let mail = app.wait_for_mail(1, Duration::from_secs(5)).await;
    let link = mail[0]
        .link_starting_with(&format!("{BASE_URL}/confirm/"))
        .unwrap();

    let page = app
        .get(link.trim_start_matches(BASE_URL))
        .await
        .text()
        .await
        .unwrap();

    let title = app
        .get(&format!("/api/v1/campaigns/{slug}"))
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap()["title"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        page.contains(&format!("You signed <strong>{title}</strong>")),
        "the confirm page names {title:?}"
    );
}

#[actix_web::test]
async fn the_list_of_actions_has_a_meta_description() {
    let app = spawn_app().await;
    let page = app.get("/").await.text().await.unwrap();
    assert!(page.contains("<meta name=\"description\" content=\"Open actions you can sign"));
}

#[actix_web::test]
async fn share_links_offer_no_signal_scheme_and_mail_spaces_are_percent_20() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let page = app.get(&format!("/c/{slug}")).await.text().await.unwrap();
    assert!(
        !page.contains("sgnl://"),
        "no link to a scheme Signal does not have"
    );
    let start = page.find("href=\"mailto:?").expect("an e-mail share link");
    let mailto = &page[start..][..page[start..].find("\" ").unwrap()];
    assert!(mailto.contains("%20"), "{mailto}");
    assert!(!mailto.contains('+'), "{mailto}");
}

#[actix_web::test]
async fn permissions_policy_no_longer_names_the_obsolete_interest_cohort() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    let policy = response.headers()["permissions-policy"].to_str().unwrap();
    assert!(!policy.contains("interest-cohort"), "{policy}");
    assert!(policy.contains("camera=()"), "{policy}");
}

#[actix_web::test]
async fn the_footer_says_organizers() {
    let app = spawn_app().await;
    let page = app.get("/").await.text().await.unwrap();
    assert!(page.contains("The organizers of this action"));
    assert!(!page.contains("organisers"));
}

#[actix_web::test]
async fn names_with_a_domain_or_ip_address_in_any_dot_spelling_are_refused_with_a_message() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    for (name, message) in [
        ("Ann evil\u{3002}example", "without a web address"),
        ("Ann evil\u{FF0E}example", "without a web address"),
        ("Ann 127.0.0.1", "without an IP address"),
        (
            "Ann 127\u{3002}0\u{3002}0\u{3002}1",
            "without an IP address",
        ),
    ] {
        let response = app.sign(&slug, name, "ann@example.org").await;
        assert_eq!(response.status().as_u16(), 422, "{name:?}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains(message),
            "{name:?} is refused with {message:?}"
        );
    }
    let stored: i64 = {
        use diesel::prelude::*;
        use undersign::db::schema::signatures;
        signatures::table
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(stored, 0, "nothing was stored");
}
