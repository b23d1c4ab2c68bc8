//! `/admin/confirm`: the password asked for again before the dangerous things — exporting
//! signatures or a supporter's data, erasing a supporter, changing roles, sending an alert to
//! more than 10,000 people — when it was last given more than ten minutes ago. Once given, the
//! organizer is sent back to where they were (`next`, an admin path).

use super::form::Fields;
use super::guard::{self, Organizer};
use super::page;
use crate::db;
use crate::organizers::sessions::{self, Session};
use crate::organizers::{throttle, Role};
use crate::urls;
use crate::web::client_ip::{client_ip, limit_key};
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/password_again.html")]
struct ConfirmPage<'a> {
    me: Option<&'a Session>,
    next: &'a str,
    problem: Option<&'static str>,
}

#[derive(serde::Deserialize)]
pub struct Next {
    #[serde(default)]
    next: String,
}

pub async fn show(me: Organizer, next: web::Query<Next>) -> Result<HttpResponse, PageError> {
    let next = guard::safe_next(&next.next).unwrap_or(urls::ADMIN);
    page::ok(
        ConfirmPage {
            me: Some(&me.0),
            next,
            problem: None,
        }
        .render(),
    )
}

pub async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let me = me.0;
    let fields = Fields::from_request(&req, &body);
    let next = guard::safe_next(fields.get("next"))
        .unwrap_or(urls::ADMIN)
        .to_string();
    let typed = fields.get("password").to_string();
    // Wrong passwords here count with the sign-in's: the same slow-down for guessing.
    let network =
        client_ip(&req, &state.settings).map(|ip| limit_key(ip, state.settings.ipv6_limit_prefix));
    let keys = throttle::keys(
        state.settings.secret_key.bytes(),
        &me.email,
        network.as_deref(),
    );
    let (id, now) = (me.organizer_id, chrono::Utc::now());
    let blocked = {
        let keys = keys.clone();
        db::run(&state.pool, move |conn| {
            anyhow::Ok(throttle::begin_attempt(conn, &keys, now)?)
        })
        .await?
    };
    if let Some(retry_after) = blocked {
        return Err(PageError::TooManyRequests { retry_after });
    }
    if !super::auth::is_own_password(&state, id, typed).await? {
        let body = ConfirmPage {
            me: Some(&me),
            next: &next,
            problem: Some("That is not your password."),
        }
        .render();
        return Ok(page::html(StatusCode::UNAUTHORIZED, body));
    }
    let session = req
        .cookie(guard::session_cookie(&state))
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    db::run(&state.pool, move |conn| {
        throttle::succeeded(conn, &keys)?;
        anyhow::Ok(sessions::confirm(conn, &session, now)?)
    })
    .await?;
    Ok(page::see_other(&next))
}
