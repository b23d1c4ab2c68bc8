//! `/confirm/{token}`: GET shows a button and changes nothing (mail scanners fetch links);
//! POST confirms, and pressing it again is harmless. Every link that was sent works, until the
//! campaign stops taking confirmations (see [`signatures::CONFIRM_GRACE_HOURS`]).

use crate::db;
use crate::db::schema::campaigns;
use crate::signatures::{self, Confirmed, LinkState};
use crate::tokens;
use crate::web::errors::{html, PageError};
use crate::web::headers::no_store;
use crate::web::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use diesel::prelude::*;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "public/confirm.html")]
struct ConfirmPage<'a> {
    token: &'a str,
    /// The action the signature is for, so the supporter knows what they confirm.
    title: &'a str,
}

#[derive(Template)]
#[template(path = "public/confirmed.html")]
struct ConfirmedPage<'a> {
    title: &'a str,
    slug: &'a str,
    signatures: i64,
    share: super::share::Share,
    trust: super::trust::Trust,
}

#[derive(Template)]
#[template(path = "public/confirm_closed.html")]
struct ClosedPage<'a> {
    title: &'a str,
}

/// What the page after a lookup or a press shows.
enum Outcome {
    Button {
        title: String,
    },
    Confirmed {
        title: String,
        slug: String,
        signatures: i64,
    },
    Closed {
        title: String,
    },
    Unknown,
}

fn title_and_slug(conn: &mut PgConnection, campaign: Uuid) -> anyhow::Result<(String, String)> {
    Ok(campaigns::table
        .find(campaign)
        .select((campaigns::title, campaigns::slug))
        .first(conn)?)
}

fn closed(conn: &mut PgConnection, campaign: Uuid) -> anyhow::Result<Outcome> {
    let (title, _) = title_and_slug(conn, campaign)?;
    Ok(Outcome::Closed { title })
}

pub async fn show(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    if !tokens::looks_valid(&token) {
        return Err(unknown());
    }
    let lookup = token.clone();
    let outcome = db::run(&state.pool, move |conn| {
        match signatures::link_state(conn, &lookup)? {
            LinkState::Open { campaign_id } => Ok(Outcome::Button {
                title: title_and_slug(conn, campaign_id)?.0,
            }),
            LinkState::CampaignClosed { campaign_id } => closed(conn, campaign_id),
            LinkState::Unknown => Ok(Outcome::Unknown),
        }
    })
    .await?;
    respond(&state, &token, outcome).await
}

pub async fn confirm(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    if !tokens::looks_valid(&token) {
        return Err(unknown());
    }
    let (pressed, key) = (token.clone(), state.settings.secret_key.clone());
    let outcome = db::run(&state.pool, move |conn| {
        match signatures::confirm(conn, key.bytes(), &pressed)? {
            Confirmed::Yes { campaign_id } => {
                let (title, slug) = title_and_slug(conn, campaign_id)?;
                let signatures = crate::campaigns::signature_count(conn, campaign_id)?;
                Ok(Outcome::Confirmed {
                    title,
                    slug,
                    signatures,
                })
            }
            Confirmed::CampaignClosed { campaign_id } => closed(conn, campaign_id),
            Confirmed::UnknownToken => Ok(Outcome::Unknown),
        }
    })
    .await?;
    respond(&state, &token, outcome).await
}

async fn respond(
    state: &AppState,
    token: &str,
    outcome: Outcome,
) -> Result<HttpResponse, PageError> {
    Ok(match outcome {
        Outcome::Button { title } => no_store(html(
            StatusCode::OK,
            ConfirmPage {
                token,
                title: &title,
            }
            .render(),
        )),
        Outcome::Confirmed {
            title,
            slug,
            signatures,
        } => {
            tracing::info!("signature confirmed");
            state.cache.pages.forget(slug.as_str());
            state.cache.counters.forget(slug.as_str());
            let stored = crate::domain::slug::Slug::parse(&slug).ok();
            let found = match stored {
                Some(slug) => super::campaign::load_cached(state, slug).await.ok(),
                None => None,
            };
            let trust = match found {
                Some((c, _)) => super::trust::Trust::of(&c, &state.settings),
                None => super::trust::Trust {
                    organisation: None,
                    privacy_url: None,
                },
            };
            let page = ConfirmedPage {
                title: &title,
                slug: &slug,
                signatures,
                share: super::share::Share::new(&state.settings.base_url, &slug, &title),
                trust,
            };
            no_store(html(StatusCode::OK, page.render()))
        }
        Outcome::Closed { title } => no_store(html(
            StatusCode::GONE,
            ClosedPage { title: &title }.render(),
        )),
        Outcome::Unknown => return Err(unknown()),
    })
}

fn unknown() -> PageError {
    PageError::NotFound {
        title: "This link does not work",
        message: "This confirmation link is not valid. Please check that you copied the whole link from the e-mail we sent you.",
    }
}
