//! The sign-in throttle from outside: one account however its address is spelled, an IPv6
//! client by its /64, concurrent guesses counted before they are checked, and a known
//! organizer never kept out by guesses from another network (S6).

use super::{browser, csrf_token_in, PASSWORD};
use crate::helpers::{spawn_app_with, Options, TestApp};
use undersign::organizers::Role;

/// An app that believes `X-Forwarded-For` from the test client, so each guess can name its
/// own client address.
async fn behind_proxy() -> TestApp {
    let app = spawn_app_with(Options {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Options::default()
    })
    .await;
    app.organizer_account("ana@rivercommons.example", Role::Owner)
        .await;
    app
}

/// One sign-in attempt from `client` in a fresh browser; its status.
async fn attempt(app: &TestApp, client: &str, email: &str, password: &str) -> u16 {
    let browser = browser();
    let form = browser
        .get(format!("{}/admin/login", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    browser
        .post(format!("{}/admin/login", app.address))
        .header("X-Forwarded-For", client)
        .form(&[
            ("csrf_token", csrf_token_in(&form).as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[actix_web::test]
async fn other_spellings_of_an_address_from_other_addresses_of_one_ipv6_network_are_one_throttle() {
    let app = behind_proxy().await;
    let spellings = [
        "ana@rivercommons.example",
        "ａｎａ@rivercommons.example",
        "ana@rivercommons\u{3002}example",
    ];
    let mut statuses = Vec::new();
    for i in 0..8 {
        let client = format!("2001:db8:1:2::{:x}", i + 1);
        statuses.push(attempt(&app, &client, spellings[i % 3], "wrong password!").await);
    }
    assert_eq!(&statuses[..5], &[401; 5], "{statuses:?}");
    assert_eq!(statuses[7], 429, "then the account waits: {statuses:?}");
}

#[actix_web::test]
async fn concurrent_guesses_from_one_network_are_counted_before_they_are_checked() {
    let app = behind_proxy().await;
    let guesses = (0..30).map(|i| {
        let client = format!("2001:db8:1:2::{:x}", i + 1);
        let app = &app;
        async move { attempt(app, &client, "ana@rivercommons.example", "wrong password!").await }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let waited = statuses.iter().filter(|s| **s == 429).count();
    assert!(
        checked <= 5,
        "only the free attempts were checked: {statuses:?}"
    );
    assert_eq!(checked + waited, 30, "{statuses:?}");
}

#[actix_web::test]
async fn guesses_from_elsewhere_never_keep_the_owner_from_signing_in() {
    let app = behind_proxy().await;
    for i in 0..10 {
        let client = format!("198.51.100.{}", i % 2 + 1);
        attempt(&app, &client, "ana@rivercommons.example", "wrong password!").await;
    }
    assert_eq!(
        attempt(
            &app,
            "198.51.100.1",
            "ana@rivercommons.example",
            "wrong password!"
        )
        .await,
        429,
        "the guessing network waits"
    );
    let owner = attempt(&app, "203.0.113.7", "ana@rivercommons.example", PASSWORD).await;
    assert_eq!(
        owner, 303,
        "the owner's right password from their own network gets in"
    );
}
