//! Every link a person can follow leads somewhere: each page and e-mail is rendered, every
//! relative link and form in it is followed, and each must reach a registered route (not a
//! 404, not a 405). A renamed route or a typo in a template fails here.

use crate::admin::Admin;
use crate::helpers::{spawn_app, TestApp, BASE_URL};
use std::collections::BTreeSet;
use std::time::Duration;
use undersign::organizers::Role;

/// One place a page sends a person: a link (GET) or a form (its method).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Target {
    method: &'static str,
    path: String,
    found_on: String,
}

/// The attribute `name` of the tag that starts at `tag`, unescaped.
fn attribute(tag: &str, name: &str) -> Option<String> {
    Some(
        crate::helpers::html_attribute(tag, name)?
            .replace("&#38;", "&")
            .replace("&amp;", "&")
            .replace("&#34;", "\"")
            .replace("&#39;", "'"),
    )
}

/// The site-relative form of `link`, if it is one of ours.
fn ours(link: &str) -> Option<String> {
    let link = link.strip_prefix(BASE_URL).unwrap_or(link);
    let path = link.split('#').next().unwrap_or("");
    (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_string())
}

/// Every link and form target in `html`.
fn targets_in(html: &str, found_on: &str) -> Vec<Target> {
    let mut found = Vec::new();
    for (at, _) in html.match_indices('<') {
        let tag = &html[at..at + html[at..].find('>').unwrap_or(0)];
        let (method, link) = if tag.starts_with("<form") {
            let method = match attribute(tag, "method").as_deref() {
                Some("post") | Some("POST") => "POST",
                _ => "GET",
            };
            (method, attribute(tag, "action"))
        } else if tag.starts_with("<a ") || tag.starts_with("<link ") {
            ("GET", attribute(tag, "href"))
        } else if tag.starts_with("<img ") || tag.starts_with("<script ") {
            ("GET", attribute(tag, "src"))
        } else {
            continue;
        };
        if let Some(path) = link.as_deref().and_then(ours) {
            found.push(Target {
                method,
                path,
                found_on: found_on.to_string(),
            });
        }
    }
    found
}

/// Every link of ours in a plain-text e-mail.
fn links_in_text(text: &str, found_on: &str) -> Vec<Target> {
    text.split_whitespace()
        .filter(|word| word.starts_with(BASE_URL))
        .filter_map(|word| ours(word.trim_end_matches(['.', ',', ')', '>'])))
        .map(|path| Target {
            method: "GET",
            path,
            found_on: found_on.to_string(),
        })
        .collect()
}

async fn follow(app: &TestApp, client: &reqwest::Client, target: &Target) -> u16 {
    let url = format!("{}{}", app.address, target.path);
    let request = match target.method {
        "POST" => client.post(url).form(&[("nothing", "")]),
        _ => client.get(url),
    };
    request.send().await.unwrap().status().as_u16()
}

#[actix_web::test]
async fn every_link_and_form_on_every_page_and_e_mail_reaches_a_route() {
    let app = spawn_app().await;
    app.leaves_mail_unsent();
    let slug = app.live_campaign().await;
    app.sign(&slug, "Ana Petrović", "ana@example.org").await;
    app.drain().await;
    let mail = app.wait_for_mail(1, Duration::from_secs(5)).await;
    let owner: Admin = app.admin(Role::Owner).await;

    let mut targets: BTreeSet<Target> = BTreeSet::new();
    let public = [
        "/".to_string(),
        format!("/c/{slug}"),
        format!("/c/{slug}/thanks"),
    ];
    for path in &public {
        let page = app.get(path).await.text().await.unwrap();
        targets.extend(targets_in(&page, path));
    }
    for message in &mail {
        let on = format!("e-mail {:?}", message.subject());
        targets.extend(links_in_text(&message.text_body(), &on));
        if let Some(html) = message.html_body() {
            targets.extend(targets_in(&html, &on));
        }
    }
    // The pages e-mails lead to, as their reader sees them.
    let emailed: Vec<String> = targets
        .iter()
        .filter(|t| t.found_on.starts_with("e-mail"))
        .map(|t| t.path.clone())
        .collect();
    for path in emailed {
        let page = app.get(&path).await.text().await.unwrap();
        targets.extend(targets_in(&page, &path));
    }
    for path in ["/admin/login", "/admin/password-reset"] {
        let page = app.get(path).await.text().await.unwrap();
        targets.extend(targets_in(&page, path));
    }
    let admin = [
        "/admin".to_string(),
        "/admin?archived=yes".to_string(),
        "/admin/campaigns/new".to_string(),
        "/admin/users".to_string(),
        "/admin/audit".to_string(),
        "/admin/account".to_string(),
        format!("/admin/campaigns/{slug}"),
        format!("/admin/campaigns/{slug}/edit"),
        format!("/admin/campaigns/{slug}/preview"),
        format!("/admin/campaigns/{slug}/preview/messages"),
        format!("/admin/campaigns/{slug}/signatures"),
        format!("/admin/campaigns/{slug}/held"),
        format!("/admin/campaigns/{slug}/deliveries"),
        format!("/admin/campaigns/{slug}/confirm/close"),
    ];
    for path in &admin {
        let response = owner.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path} opens");
        targets.extend(targets_in(&response.text().await.unwrap(), path));
    }
    assert!(targets.len() > 40, "the pages were read: {targets:?}");

    let mut broken = Vec::new();
    for target in &targets {
        // Not the way out: the rest of the walk needs the session.
        if target.path == "/admin/logout" {
            continue;
        }
        let status = follow(&app, &owner.client, target).await;
        if status == 404 || status == 405 {
            broken.push(format!(
                "{} {} (on {}): {status}",
                target.method, target.path, target.found_on
            ));
        }
    }
    assert!(
        broken.is_empty(),
        "links that lead nowhere:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_link_reader_finds_forms_links_and_sources_and_skips_other_sites() {
    let html = r##"<a href="/c/x">x</a> <a href="https://elsewhere.example/">e</a>
        <form method="post" action="/admin/campaigns/x/launch"><button>Go</button></form>
        <img src="/assets/a.svg"> <a href="#sign">skip</a> <a href="/c/x?a=1&#38;b=2#f">q</a>"##;
    let found: Vec<(String, String)> = targets_in(html, "t")
        .into_iter()
        .map(|t| (t.method.to_string(), t.path))
        .collect();
    assert_eq!(
        found,
        [
            ("GET".to_string(), "/c/x".to_string()),
            ("POST".to_string(), "/admin/campaigns/x/launch".to_string()),
            ("GET".to_string(), "/assets/a.svg".to_string()),
            ("GET".to_string(), "/c/x?a=1&b=2".to_string()),
        ]
    );
}

#[actix_web::test]
async fn an_action_has_one_address_spaces_and_capitals_are_not_another_way_in() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    assert_eq!(app.get(&format!("/c/{slug}")).await.status().as_u16(), 200);
    for other in [
        format!("/c/%20{slug}"),
        format!("/c/{slug}%20"),
        format!("/c/{}", slug.to_uppercase()),
        format!("/c/%20{slug}/thanks"),
        format!("/api/v1/campaigns/%20{slug}"),
    ] {
        assert_eq!(app.get(&other).await.status().as_u16(), 404, "{other}");
    }
}
