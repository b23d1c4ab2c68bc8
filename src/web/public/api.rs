//! `GET /api/v1/campaigns/{slug}`: the public counter as JSON, readable from any origin.

use super::campaign;
use crate::web::errors::PageError;
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

/// Errors answer as JSON (`{"error": "..."}`): the app turns every [`PageError`] under `/api`
/// into its JSON form.
pub async fn campaign(
    state: web::Data<AppState>,
    slug: web::Path<crate::domain::slug::Slug>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    if let Some(body) = state.cache.counters.get(slug.as_str()) {
        return Ok(json(body));
    }
    let c = campaign::load(&state, slug).await?;
    let body = serde_json::to_vec(&CampaignJson {
        slug: c.slug(),
        title: &c.row.title,
        status: c.status(Utc::now()),
        signatures: c.signatures,
        goal: c.row.goal,
        closes_at: c.row.closes_at,
    })
    .map_err(|e| PageError::Unavailable(e.into()))?;
    let body = Bytes::from(body);
    state.cache.counters.put(c.slug().to_string(), body.clone());
    Ok(json(body))
}

fn json(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .insert_header(("Cache-Control", "public, max-age=5"))
        .body(body)
}
