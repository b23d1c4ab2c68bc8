//! `GET /api/v1/campaigns/{slug}`: the public counter as JSON, readable from any origin.

use super::campaign;
use crate::web::AppState;
use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use chrono::Utc;

#[derive(serde::Serialize)]
struct CampaignJson<'a> {
    slug: &'a str,
    title: &'a str,
    status: crate::campaigns::CampaignStatus,
    signatures: i64,
    goal: Option<i64>,
    closes_at: Option<chrono::DateTime<Utc>>,
}

pub async fn campaign(state: web::Data<AppState>, slug: web::Path<String>) -> HttpResponse {
    let slug = slug.into_inner();
    if let Some(body) = state.cache.counters.get(&slug) {
        return json(body);
    }
    let c = match campaign::load(&state, slug).await {
        Ok(c) => c,
        Err(page) if page.status() != actix_web::http::StatusCode::NOT_FOUND => return page,
        Err(_) => {
            return HttpResponse::NotFound()
                .insert_header(("Access-Control-Allow-Origin", "*"))
                .json(serde_json::json!({ "error": "not found" }))
        }
    };
    let body = match serde_json::to_vec(&CampaignJson {
        slug: c.slug(),
        title: &c.row.title,
        status: c.status(Utc::now()),
        signatures: c.signatures,
        goal: c.row.goal,
        closes_at: c.row.closes_at,
    }) {
        Ok(body) => Bytes::from(body),
        Err(e) => return crate::web::errors::unavailable(e.into()),
    };
    state.cache.counters.put(c.slug().to_string(), body.clone());
    json(body)
}

fn json(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .insert_header(("Cache-Control", "public, max-age=5"))
        .body(body)
}
