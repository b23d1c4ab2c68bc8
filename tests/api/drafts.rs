//! A draft is the organizers' business: not found by the public, shown through its preview
//! link.

use crate::helpers::{spawn_app, RIVER_COMMONS, SECRET_KEY};

#[actix_web::test]
async fn a_draft_is_not_found_on_its_page_its_form_or_the_api() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;

    for path in [
        format!("/c/{slug}"),
        format!("/c/{slug}/thanks"),
        format!("/c/{slug}?preview=not-the-token"),
        format!("/api/v1/campaigns/{slug}"),
    ] {
        assert_eq!(app.get(&path).await.status().as_u16(), 404, "{path}");
    }
    let signed = app.sign(&slug, "Ana", "ana@example.org").await;
    assert_eq!(signed.status().as_u16(), 404);
    assert_eq!(app.signature_total(), 0);
    let index = app.get("/").await.text().await.unwrap();
    assert!(!index.contains(&format!("/c/{slug}")));
}

#[actix_web::test]
async fn the_preview_link_shows_a_draft_uncached_and_leaves_it_hidden_from_everyone_else() {
    let app = spawn_app().await;
    let slug = app.import(RIVER_COMMONS, false).await;
    let token = undersign::tokens::preview_token(SECRET_KEY, app.campaign_id(&slug));

    let preview = app.get(&format!("/c/{slug}?preview={token}")).await;

    assert_eq!(preview.status().as_u16(), 200);
    assert_eq!(preview.headers()["cache-control"], "no-store");
    assert_eq!(preview.headers()["x-robots-tag"], "noindex");
    let page = preview.text().await.unwrap();
    assert!(page.contains("not open for signatures yet"), "{page}");
    assert_eq!(
        app.get(&format!("/c/{slug}")).await.status().as_u16(),
        404,
        "the previewed page was not cached for the public"
    );
    let other = app
        .import(
            &RIVER_COMMONS.replace("stop-the-dam", "another-draft"),
            false,
        )
        .await;
    let borrowed = app.get(&format!("/c/{other}?preview={token}")).await;
    assert_eq!(
        borrowed.status().as_u16(),
        404,
        "a token opens one draft only"
    );
}
