//! HTTP methods under `/admin`, walked over the route table itself: HEAD wherever GET works,
//! and `405` with `Allow` for a method a known path does not take.

use crate::helpers::spawn_app;
use undersign::organizers::Role;
use undersign::web::admin::route_table;

/// A concrete path for a route pattern: the campaign's slug, a made-up id or token.
fn concrete(pattern: &str, slug: &str) -> String {
    format!("/admin{pattern}")
        .replace("{slug}", slug)
        .replace("{id}", "0190f0e0-0000-7000-8000-000000000000")
        .replace("{signature}", "0190f0e0-0000-7000-8000-000000000000")
        .replace("{token}", "not-a-real-token")
}

#[actix_web::test]
async fn every_admin_page_answers_head_as_its_get_without_a_body() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let admin = app.admin(Role::Owner).await;
    for route in route_table().iter().filter(|r| r.method == "GET") {
        let path = concrete(route.path, &slug);
        let get = admin.get(&path).await.status();
        let head = admin
            .client
            .head(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), get, "HEAD {path}");
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has no body"
        );
    }
}

#[actix_web::test]
async fn a_get_on_a_post_only_admin_address_is_405_with_allow_post() {
    let app = spawn_app().await;
    let slug = app.live_campaign().await;
    let admin = app.admin(Role::Owner).await;
    let table = route_table();
    let gets: Vec<_> = table
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path)
        .collect();
    for route in table
        .iter()
        .filter(|r| r.method == "POST" && !gets.contains(&r.path))
    {
        let path = concrete(route.path, &slug);
        let response = admin.get(&path).await;
        assert_eq!(response.status().as_u16(), 405, "GET {path}");
        assert_eq!(response.headers()["allow"], "POST", "GET {path}");
    }
    let nowhere = admin.get("/admin/no-such-page").await;
    assert_eq!(nowhere.status().as_u16(), 404);
}
