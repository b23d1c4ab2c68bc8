//! Signing, double opt-in, duplicates and counting.

use crate::helpers::{spawn_app, spawn_app_with, Options, BASE_URL};
use std::time::Duration;

#[actix_web::test]
async fn a_valid_signature_redirects_to_thanks_and_its_confirmation_email_arrives() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;

    let response = app.sign(&slug, "Ana Petrović", "Ana@Example.ORG").await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], format!("/c/{slug}/thanks"));
    assert_eq!(app.signature_total(), 1);
    assert_eq!(app.outbox_count("pending"), 1);
    let report = app.drain().await;
    assert_eq!(report.sent, 1);
    let mails = app.wait_for_mail(1, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_to, vec!["Ana@example.org".to_string()]);
    assert!(mails[0].subject().contains("Please confirm your signature"));
    assert!(mails[0].text_body().starts_with("Hello,"));
    assert!(
        !mails[0].text_body().contains("Ana Petrović"),
        "a typed name never reaches the body, where a mail client could link it"
    );
    assert!(mails[0]
        .link_starting_with(&format!("{BASE_URL}/confirm/"))
        .is_some());
    assert_eq!(app.outbox_count("sent"), 1);
}

#[actix_web::test]
async fn a_signature_counts_only_after_the_supporter_presses_confirm_and_pressing_again_is_harmless(
) {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana Petrović", "ana@example.org").await;
    app.drain().await;
    let mail = app.wait_for_mail(1, Duration::from_secs(5)).await.remove(0);
    let link = mail
        .link_starting_with(&format!("{BASE_URL}/confirm/"))
        .unwrap();
    let path = link.trim_start_matches(BASE_URL).to_string();

    let page = app.get(&path).await;
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert!(page.text().await.unwrap().contains("Confirm my signature"));
    assert_eq!(app.counter(&slug), 0, "GET changes nothing");

    let confirmed = app.post_form(&path, &[]).await;
    assert_eq!(confirmed.status().as_u16(), 200);
    assert!(confirmed
        .text()
        .await
        .unwrap()
        .contains("your signature counts"));
    assert_eq!(app.counter(&slug), 1);

    let again = app.post_form(&path, &[]).await;
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(app.counter(&slug), 1);
    assert_eq!(
        app.supporter_rows()
            .iter()
            .filter(|s| s.alerts_consent_at.is_some())
            .count(),
        1,
        "the updates box was ticked, and consent is recorded on confirmation"
    );
    let api: serde_json::Value = app
        .get(&format!("/api/v1/campaigns/{slug}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["signatures"], 1);
}

#[actix_web::test]
async fn an_unknown_or_malformed_confirmation_link_says_so_with_404() {
    let app = spawn_app().await;
    for path in ["/confirm/nonsense", &format!("/confirm/{}", "a".repeat(43))] {
        let shown = app.get(path).await;
        assert_eq!(shown.status().as_u16(), 404, "{path}");
        assert_eq!(shown.headers()["cache-control"], "no-store", "{path}");
        assert!(shown
            .text()
            .await
            .unwrap()
            .contains("This link does not work"));
        assert_eq!(
            app.post_form(path, &[]).await.status().as_u16(),
            404,
            "{path}"
        );
    }
}

#[actix_web::test]
async fn a_duplicate_signature_looks_the_same_adds_no_row_and_sends_at_most_three_notices() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let first = app.sign(&slug, "Ana Petrović", "ana@example.org").await;

    let mut answers = Vec::new();
    for _ in 0..5 {
        let again = app.sign(&slug, "Someone Else", "ANA@example.org").await;
        answers.push((again.status().as_u16(), again.headers()["location"].clone()));
    }

    for answer in &answers {
        assert_eq!(answer.0, first.status().as_u16());
        assert_eq!(answer.1, first.headers()["location"]);
    }
    assert_eq!(app.signature_total(), 1);
    app.drain().await;
    let mails = app.wait_for_mail(4, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 4, "one confirmation and three notices");
    let mut notices: Vec<_> = mails
        .iter()
        .filter(|m| m.subject().contains("already signed"))
        .collect();
    // Messages travel in parallel; their ids (UUIDv7) keep the order they were written in.
    notices.sort_by_key(|m| m.message_id());
    assert_eq!(notices.len(), 3);
    assert!(
        notices[0]
            .link_starting_with(&format!("{BASE_URL}/confirm/"))
            .is_some(),
        "an unconfirmed signer gets a fresh link"
    );
    let links: std::collections::HashSet<_> = mails
        .iter()
        .filter_map(|m| m.link_starting_with(&format!("{BASE_URL}/confirm/")))
        .collect();
    assert_eq!(
        links.len(),
        undersign::signatures::CONFIRM_LINKS_PER_SIGNATURE as usize,
        "each e-mail carries its own link, and the notice cap bounds them"
    );
    for link in &links {
        let page = app.get(link.trim_start_matches(BASE_URL)).await;
        assert_eq!(page.status().as_u16(), 200, "every link sent still works");
    }
    let confirmed = app.confirm_from(notices[2]).await;
    assert_eq!(confirmed.status().as_u16(), 200);
    assert_eq!(app.counter(&slug), 1);
}

#[actix_web::test]
async fn a_filled_honeypot_looks_accepted_but_is_held_sends_nothing_and_never_counts() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;

    let response = app
        .post_form(
            &format!("/c/{slug}/sign"),
            &[
                ("name", "Bot"),
                ("email", "bot@example.org"),
                ("country", "US"),
                ("website", "http://spam.example"),
            ],
        )
        .await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(app.signature_count("held"), 1);
    assert_eq!(app.outbox_total(), 0);
    assert_eq!(app.counter(&slug), 0);
}

#[actix_web::test]
async fn signatures_over_the_per_ip_limit_look_accepted_but_are_held() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    let limit = undersign::signatures::SIGNATURES_PER_IP_PER_HOUR as usize;

    for i in 0..limit + 2 {
        let response = app.sign(&slug, "Ana", &format!("ana{i}@example.org")).await;
        assert_eq!(response.status().as_u16(), 303);
    }

    assert_eq!(app.signature_count("counted"), limit as i64);
    assert_eq!(app.signature_count("held"), 2);
    assert_eq!(app.outbox_total(), limit as i64);
    assert_eq!(
        app.signature_rows()
            .iter()
            .filter(|s| s
                .ip_hash
                .as_deref()
                .is_some_and(|h| h.contains("127.0.0.1")))
            .count(),
        0,
        "the address is stored only as a keyed hash"
    );
}

#[actix_web::test]
async fn x_forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let untrusted = spawn_app().await;
    let trusted = spawn_app_with(Options {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Options::default()
    })
    .await;
    for app in [&untrusted, &trusted] {
        app.leaves_mail_unsent();
        let slug = app.live_campaign().await;
        for (i, client) in ["203.0.113.1", "203.0.113.2"].iter().enumerate() {
            let body = format!("name=Ana&email=a{i}%40example.org&country=DE");
            let response = app
                .client
                .post(format!("{}/c/{slug}/sign", app.address))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", *client)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 303);
        }
    }
    assert_eq!(untrusted.distinct_ip_hashes(), 1);
    assert_eq!(trusted.distinct_ip_hashes(), 2);
}

#[actix_web::test]
async fn a_closed_campaign_says_so_and_refuses_signatures_and_a_draft_is_not_found() {
    let app = spawn_app().await;
    let draft = app
        .import(
            &crate::helpers::RIVER_COMMONS.replace("stop-the-dam", "draft-one"),
            false,
        )
        .await;
    let closed = app
        .import(
            &crate::helpers::RIVER_COMMONS
                .replace("stop-the-dam", "closed-one")
                .replace(
                    "goal = 5000",
                    "goal = 5000\ncloses_at = 2020-01-01T00:00:00Z",
                ),
            true,
        )
        .await;

    assert_eq!(app.get(&format!("/c/{draft}")).await.status().as_u16(), 404);
    let closed_page = app.get(&format!("/c/{closed}")).await.text().await.unwrap();
    assert!(closed_page.contains("has closed"));
    for (slug, status) in [(&draft, 404), (&closed, 409)] {
        let response = app.sign(slug, "Ana", "ana@example.org").await;
        assert_eq!(response.status().as_u16(), status, "{slug}");
    }
    assert_eq!(app.signature_total(), 0);
    let index = app.get("/").await.text().await.unwrap();
    assert!(!index.contains("/c/draft-one") && !index.contains("/c/closed-one"));
}

#[actix_web::test]
async fn the_counter_equals_the_confirmed_rows_after_concurrent_signing_and_confirming() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let signers = 40;

    let signing = (0..signers).map(|i| {
        let app = &app;
        let slug = slug.clone();
        async move {
            app.sign(&slug, "Ana", &format!("signer{}@example.org", i % 30))
                .await
        }
    });
    for response in futures::future::join_all(signing).await {
        assert_eq!(response.status().as_u16(), 303);
    }
    app.drain().await;
    let mails = app.wait_for_mail(40, Duration::from_secs(10)).await;
    let confirming = mails.iter().map(|m| app.confirm_from(m));
    futures::future::join_all(confirming).await;

    let confirmed = app
        .signature_rows()
        .iter()
        .filter(|s| s.confirmed_at.is_some() && s.state == "counted")
        .count() as i64;
    assert_eq!(confirmed, 30);
    assert_eq!(app.counter(&slug), confirmed);
}

#[actix_web::test]
async fn every_confirmation_link_that_was_sent_confirms_even_the_first_of_two() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana Petrović", "ana@example.org").await;
    app.drain().await;
    let first = app.wait_for_mail(1, Duration::from_secs(5)).await.remove(0);
    app.sign(&slug, "Ana Petrović", "ana@example.org").await;
    app.drain().await;
    let both = app.wait_for_mail(2, Duration::from_secs(5)).await;
    let second = both
        .iter()
        .find(|m| m.message_id() != first.message_id())
        .unwrap();
    assert_ne!(
        first.link_starting_with(&format!("{BASE_URL}/confirm/")),
        second.link_starting_with(&format!("{BASE_URL}/confirm/")),
    );

    let page = app.confirm_from(&first).await;

    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("your signature counts"));
    assert_eq!(app.counter(&slug), 1);
    let again = app.confirm_from(second).await;
    assert_eq!(again.status().as_u16(), 200, "the later link is harmless");
    assert_eq!(app.counter(&slug), 1);
}

/// Signs `slug` from `client` through the trusted proxy at 127.0.0.1.
async fn sign_from(
    app: &crate::helpers::TestApp,
    slug: &str,
    client: &str,
    fields: &[(&str, &str)],
) -> u16 {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    app.client
        .post(format!("{}/c/{slug}/sign", app.address))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Forwarded-For", client)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Asserts that the owner's clean signature took over from a held one: their own details,
/// pending, with a confirmation e-mail that counts it, while the held row stays for review.
/// `mails` is how many e-mails the test caused in all.
async fn assert_owner_takes_over(
    app: &crate::helpers::TestApp,
    slug: &str,
    held_reason: &str,
    mails: usize,
) {
    let rows = app.signature_rows();
    let held: Vec<_> = rows.iter().filter(|r| r.state == "held").collect();
    assert_eq!(held.len(), 1, "the held submission stays for review");
    assert_eq!(held[0].name, "Mallory");
    assert_eq!(held[0].held_reason.as_deref(), Some(held_reason));
    let owner: Vec<_> = rows.iter().filter(|r| r.name == "Ana Petrović").collect();
    assert_eq!(owner.len(), 1);
    assert_eq!(owner[0].state, "counted", "the owner's own details");
    assert!(owner[0].confirmed_at.is_none(), "pending");
    app.drain().await;
    let sent = app.wait_for_mail(mails, Duration::from_secs(10)).await;
    let to_ana: Vec<_> = sent
        .iter()
        .filter(|m| m.rcpt_to == vec!["ana@example.org".to_string()])
        .collect();
    assert_eq!(
        to_ana.len(),
        1,
        "only the owner's confirmation reaches them"
    );
    assert!(to_ana[0].subject().contains("Please confirm"));
    assert_eq!(app.confirm_from(to_ana[0]).await.status().as_u16(), 200);
    assert_eq!(app.counter(slug), 1);
}

#[actix_web::test]
async fn a_honeypot_submission_with_someone_elses_address_never_locks_its_owner_out() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let bot = app
        .post_form(
            &format!("/c/{slug}/sign"),
            &[
                ("name", "Mallory"),
                ("email", "ana@example.org"),
                ("country", "US"),
                ("website", "http://spam.example"),
            ],
        )
        .await;
    assert_eq!(bot.status().as_u16(), 303);

    let owner = app.sign(&slug, "Ana Petrović", "ana@example.org").await;

    assert_eq!(owner.status().as_u16(), 303);
    assert_owner_takes_over(&app, &slug, "honeypot", 1).await;
}

#[actix_web::test]
async fn a_rate_limited_submission_with_someone_elses_address_never_locks_its_owner_out() {
    let app = spawn_app_with(Options {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Options::default()
    })
    .await;
    let slug = app.live_campaign().await;
    let limit = undersign::signatures::SIGNATURES_PER_IP_PER_HOUR as usize;
    let crowd = "198.51.100.7";
    for i in 0..limit {
        let email = format!("crowd{i}@example.org");
        let fields = [("name", "Crowd"), ("email", &email), ("country", "DE")];
        assert_eq!(sign_from(&app, &slug, crowd, &fields).await, 303);
    }
    let over = [
        ("name", "Mallory"),
        ("email", "ana@example.org"),
        ("country", "US"),
    ];
    assert_eq!(sign_from(&app, &slug, crowd, &over).await, 303);

    let mine = [
        ("name", "Ana Petrović"),
        ("email", "ana@example.org"),
        ("country", "HR"),
    ];
    assert_eq!(sign_from(&app, &slug, "203.0.113.9", &mine).await, 303);

    assert_owner_takes_over(&app, &slug, "rate_limit", limit + 1).await;
}

#[actix_web::test]
async fn a_confirmation_link_counts_for_a_day_after_the_close_and_never_on_a_draft() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    for i in 0..3 {
        app.sign(&slug, "Ana", &format!("ana{i}@example.org")).await;
    }
    app.drain().await;
    let mut mails = app.wait_for_mail(3, Duration::from_secs(5)).await;
    mails.sort_by_key(|m| m.rcpt_to.clone());
    let hours_ago = |h: i64| Some(chrono::Utc::now() - chrono::Duration::hours(h));

    app.set_campaign_status(&slug, "closed", hours_ago(1));
    assert_eq!(app.confirm_from(&mails[0]).await.status().as_u16(), 200);
    assert_eq!(app.counter(&slug), 1);

    app.set_campaign_status(&slug, "closed", hours_ago(25));
    let path = mails[1]
        .link_starting_with(&format!("{BASE_URL}/confirm/"))
        .unwrap()
        .trim_start_matches(BASE_URL)
        .to_string();
    let shown = app.get(&path).await;
    assert_eq!(shown.status().as_u16(), 410);
    let shown = shown.text().await.unwrap();
    assert!(shown.contains("not taking signatures") && !shown.contains("<button"));
    let late = app.post_form(&path, &[]).await;
    assert_eq!(late.status().as_u16(), 410);
    assert!(late.text().await.unwrap().contains("Nothing was counted"));

    app.set_campaign_status(&slug, "draft", None);
    assert_eq!(app.confirm_from(&mails[2]).await.status().as_u16(), 410);
    assert_eq!(app.counter(&slug), 1);
    assert_eq!(
        app.confirm_from(&mails[0]).await.status().as_u16(),
        200,
        "a confirmed signature's link stays harmless"
    );
}

#[actix_web::test]
async fn one_ipv6_network_shares_one_limit_and_a_mapped_ipv4_address_is_that_address() {
    let app = spawn_app_with(Options {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Options::default()
    })
    .await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    let limit = undersign::signatures::SIGNATURES_PER_IP_PER_HOUR as usize;

    for i in 0..limit + 2 {
        let email = format!("v6-{i}@example.org");
        let client = format!("2001:db8:7:7:{:x}::1", i + 1);
        let fields = [
            ("name", "Ana"),
            ("email", email.as_str()),
            ("country", "DE"),
        ];
        assert_eq!(sign_from(&app, &slug, &client, &fields).await, 303);
    }
    assert_eq!(app.signature_count("held"), 2, "one /64 is one client");

    let before = app.distinct_ip_hashes();
    for (i, client) in [
        "198.51.100.7",
        "::ffff:198.51.100.7",
        "198.51.100.7:4711, unknown",
        "[::ffff:198.51.100.7]:443",
    ]
    .iter()
    .enumerate()
    {
        let email = format!("v4-{i}@example.org");
        let fields = [
            ("name", "Ana"),
            ("email", email.as_str()),
            ("country", "DE"),
        ];
        assert_eq!(sign_from(&app, &slug, client, &fields).await, 303);
    }
    assert_eq!(
        app.distinct_ip_hashes(),
        before + 1,
        "every spelling of one IPv4 address is one client, never the proxy"
    );
}

#[actix_web::test]
async fn spellings_of_one_inbox_are_separate_signers_but_it_gets_at_most_five_mails_per_campaign() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    let spellings = [
        "ana.p@gmail.com",
        "anap@gmail.com",
        "a.n.a.p@googlemail.com",
        "ana.p+1@gmail.com",
        "anap+2@googlemail.com",
        "ANA.P+3@GMAIL.COM",
        "a.nap+4@gmail.com",
        "anap+5@gmail.com",
    ];

    for email in spellings {
        assert_eq!(app.sign(&slug, "Ana", email).await.status().as_u16(), 303);
    }

    assert_eq!(
        app.signature_total(),
        8,
        "exact addresses decide who signed"
    );
    assert_eq!(
        app.outbox_total(),
        undersign::signatures::mail_cap::MAILS_PER_MAILBOX_PER_CAMPAIGN as i64,
        "one inbox, one cap"
    );
}

#[actix_web::test]
async fn one_inbox_gets_at_most_ten_signing_mails_a_day_from_all_campaigns() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let mut slugs = Vec::new();
    for name in ["dam-one", "dam-two", "dam-three"] {
        let letter = crate::helpers::RIVER_COMMONS.replace("stop-the-dam", name);
        slugs.push(app.import(&letter, true).await);
    }

    for slug in &slugs {
        for i in 0..4 {
            let email = format!("victim+{slug}{i}@example.org");
            assert_eq!(app.sign(slug, "Ana", &email).await.status().as_u16(), 303);
        }
    }

    assert_eq!(app.signature_total(), 12);
    assert_eq!(
        app.outbox_total(),
        undersign::signatures::mail_cap::MAILS_PER_MAILBOX_PER_DAY as i64
    );
}

#[actix_web::test]
async fn signing_one_inbox_up_over_and_over_does_not_silence_its_confirmation_from_another_campaign(
) {
    let app = spawn_app().await;
    let mut slugs = Vec::new();
    for name in ["dam-one", "dam-two", "dam-three"] {
        let letter = crate::helpers::RIVER_COMMONS.replace("stop-the-dam", name);
        slugs.push(app.import(&letter, true).await);
    }
    for slug in &slugs[..2] {
        for i in 0..10 {
            let email = format!("victim+{slug}{i}@example.org");
            assert_eq!(app.sign(slug, "Ana", &email).await.status().as_u16(), 303);
        }
    }
    assert_eq!(
        app.outbox_total(),
        2 * undersign::signatures::mail_cap::MAILS_PER_MAILBOX_PER_CAMPAIGN as i64,
        "each campaign sent its few, the rest were kept back"
    );

    assert_eq!(
        app.sign(&slugs[2], "Ana Petrović", "victim@example.org")
            .await
            .status()
            .as_u16(),
        303
    );
    app.drain().await;

    let real = app
        .smtp
        .messages()
        .into_iter()
        .filter(|m| m.rcpt_to == ["victim@example.org"])
        .count();
    assert_eq!(
        real, 1,
        "the inbox's own confirmation from the third campaign is sent"
    );
    assert_eq!(
        app.sign(&slugs[2], "Ana", "victim+again@example.org")
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        app.outbox_total(),
        11,
        "beyond the first of each campaign, the day's cap across campaigns holds"
    );
}

#[actix_web::test]
async fn a_held_submission_for_an_address_that_already_signed_sends_it_nothing() {
    let app = spawn_app_with(Options {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Options::default()
    })
    .await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    let mine = [
        ("name", "Ana Petrović"),
        ("email", "ana@example.org"),
        ("country", "HR"),
    ];
    assert_eq!(sign_from(&app, &slug, "203.0.113.9", &mine).await, 303);
    let bot = [
        ("name", "Mallory"),
        ("email", "ana@example.org"),
        ("country", "US"),
        ("website", "http://spam.example"),
    ];
    assert_eq!(sign_from(&app, &slug, "198.51.100.1", &bot).await, 303);
    let limit = undersign::signatures::SIGNATURES_PER_IP_PER_HOUR as usize;
    let crowd = "198.51.100.7";
    for i in 0..limit {
        let email = format!("crowd{i}@example.org");
        let fields = [("name", "Crowd"), ("email", &email), ("country", "DE")];
        assert_eq!(sign_from(&app, &slug, crowd, &fields).await, 303);
    }

    assert_eq!(sign_from(&app, &slug, crowd, &mine).await, 303);

    assert_eq!(app.signature_count("held"), 2);
    assert_eq!(
        app.outbox_total(),
        1 + limit as i64,
        "the owner's confirmation and the crowd's, no notice for held submissions"
    );
}
