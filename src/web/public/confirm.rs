//! `/confirm/{token}`: GET shows a button and changes nothing (mail scanners fetch links);
//! POST confirms, and pressing it again is harmless.

use crate::db;
use crate::signatures::{self, Confirmed};
use crate::tokens;
use crate::web::errors::{self, html};
use crate::web::headers::no_store;
use crate::web::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "public/confirm.html")]
struct ConfirmPage<'a> {
    token: &'a str,
}

#[derive(Template)]
#[template(path = "public/confirmed.html")]
struct ConfirmedPage<'a> {
    title: &'a str,
    slug: &'a str,
    signatures: i64,
    share: super::share::Share,
}

pub async fn show(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    let token = token.into_inner();
    if !tokens::looks_valid(&token) {
        return unknown();
    }
    let lookup = token.clone();
    match db::run(&state.pool, move |conn| {
        signatures::token_exists(conn, &lookup)
    })
    .await
    {
        Ok(true) => no_store(html(StatusCode::OK, ConfirmPage { token: &token }.render())),
        Ok(false) => unknown(),
        Err(e) => errors::unavailable(e),
    }
}

pub async fn confirm(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    let token = token.into_inner();
    if !tokens::looks_valid(&token) {
        return unknown();
    }
    let outcome = db::run(&state.pool, move |conn| {
        let confirmed = signatures::confirm(conn, &token)?;
        Ok(match confirmed {
            Confirmed::Yes { campaign_id } => {
                use crate::db::schema::campaigns;
                use diesel::prelude::*;
                let (title, slug): (String, String) = campaigns::table
                    .find(campaign_id)
                    .select((campaigns::title, campaigns::slug))
                    .first(conn)?;
                let count = crate::campaigns::signature_count(conn, campaign_id)?;
                Some((title, slug, count))
            }
            Confirmed::UnknownToken => None,
        })
    })
    .await;
    match outcome {
        Ok(Some((title, slug, signatures))) => {
            tracing::info!("signature confirmed");
            state.pages.forget(slug.as_str());
            state.counters.forget(slug.as_str());
            no_store(html(
                StatusCode::OK,
                ConfirmedPage {
                    title: &title,
                    slug: &slug,
                    signatures,
                    share: super::share::Share::new(&state.settings.base_url, &slug, &title),
                }
                .render(),
            ))
        }
        Ok(None) => unknown(),
        Err(e) => errors::unavailable(e),
    }
}

fn unknown() -> HttpResponse {
    no_store(errors::message(
        StatusCode::NOT_FOUND,
        "This link does not work",
        "This confirmation link is not valid. If you signed more than once, use the link in the newest e-mail we sent you.",
    ))
}
