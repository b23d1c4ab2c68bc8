//! `/unsubscribe/{token}`: GET shows a button and changes nothing; POST unsubscribes, and also
//! answers RFC 8058 one-click requests from mail clients (`List-Unsubscribe=One-Click`, no
//! cookie, no CSRF token: the token in the URL is the proof).

use crate::db;
use crate::supporters;
use crate::web::errors::{self, html, PageError};
use crate::web::headers::no_store;
use crate::web::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "public/unsubscribe.html")]
struct UnsubscribePage<'a> {
    token: &'a str,
}

pub async fn show(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    if supporters::supporter_of(state.settings.secret_key.bytes(), &token).is_none() {
        return Err(unknown());
    }
    Ok(no_store(html(
        StatusCode::OK,
        UnsubscribePage { token: &token }.render(),
    )))
}

pub async fn unsubscribe(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let Some(supporter) = supporters::supporter_of(state.settings.secret_key.bytes(), &token)
    else {
        return Err(unknown());
    };
    let key = state.settings.secret_key.clone();
    let unsubscribed = db::run(&state.pool, move |conn| {
        anyhow::Ok(supporters::unsubscribe(conn, key.bytes(), supporter)?)
    })
    .await?;
    if !unsubscribed {
        return Err(unknown());
    }
    tracing::info!("supporter unsubscribed");
    Ok(no_store(errors::message(
        StatusCode::OK,
        "You are unsubscribed",
        "We will not send you action alerts any more. Your signatures still count.",
    )))
}

fn unknown() -> PageError {
    PageError::NotFound {
        title: "This link does not work",
        message: "This unsubscribe link is not valid. Please use the link in the newest e-mail we sent you.",
    }
}
