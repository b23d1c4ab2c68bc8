//! `GET|POST /admin/password-reset` and `GET|POST /admin/password-reset/{token}`: an organizer
//! who forgot their password asks for a link by e-mail and chooses a new one with it.
//!
//! The answer to a request is the same page whatever the address (an account, none, removed,
//! or one asked for too often), so the form tells nobody who has an account; the e-mail goes
//! through the outbox before bulk mail. Each network may ask a few times an hour; each
//! account is sent a few links an hour at most.

use super::auth::{busy, form_token, with_form_token};
use super::form::Fields;
use super::page;
use crate::db;
use crate::mail::{messages, outbox};
use crate::organizers::sessions::Session;
use crate::organizers::{self, password, resets, throttle, Role};
use crate::rate_limit::{self, Window};
use crate::tokens;
use crate::web::client_ip::{client_ip, limit_key};
use crate::web::errors::PageError;
use crate::web::{urls, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/reset_request.html")]
struct RequestPage<'a> {
    me: Option<&'a Session>,
    csrf_token: &'a str,
    email: &'a str,
    /// The address the page says a link was sent to, if it has an account.
    sent_to: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "admin/reset_choose.html")]
struct ChoosePage<'a> {
    me: Option<&'a Session>,
    csrf_token: &'a str,
    token: &'a str,
    email: &'a str,
    problem: Option<&'a str>,
}

pub async fn request_form(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    Ok(request_page(&req, &state, "", None))
}

fn request_page(
    req: &HttpRequest,
    state: &AppState,
    email: &str,
    sent_to: Option<&str>,
) -> HttpResponse {
    let (form, is_new) = form_token(req, state);
    let body = RequestPage {
        me: None,
        csrf_token: &form,
        email,
        sent_to,
    }
    .render();
    with_form_token(state, page::html(StatusCode::OK, body), form, is_new)
}

pub async fn request(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let typed = Fields::from_request(&req, &body)
        .get("email")
        .trim()
        .to_string();
    if typed.is_empty() || typed.chars().count() > 320 || typed.chars().any(char::is_control) {
        let (form, is_new) = form_token(&req, &state);
        let body = RequestPage {
            me: None,
            csrf_token: &form,
            email: "",
            sent_to: None,
        }
        .render();
        let response = page::html(StatusCode::UNPROCESSABLE_ENTITY, body);
        return Ok(with_form_token(&state, response, form, is_new));
    }
    let network =
        client_ip(&req, &state.settings).map(|ip| limit_key(ip, state.settings.ipv6_limit_prefix));
    let key = state.settings.secret_key.bytes().to_vec();
    let account = throttle::canonical_account(&typed);
    let link_base = crate::urls::absolute(
        &state.settings.base_url,
        &format!("{}/", crate::urls::ADMIN_PASSWORD_RESET),
    );
    let site = state.site_name();
    let domain = state.message_id_domain.clone();
    let email = typed.clone();
    let asked_too_often = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            if let Some(network) = &network {
                let bucket = format!("reset:net:{}", tokens::keyed_hash(&key, network));
                if rate_limit::hit(conn, &bucket, Window::Hour)?
                    > resets::REQUESTS_PER_NETWORK_PER_HOUR
                {
                    return Ok(true);
                }
            }
            let Some(organizer) = organizers::find_by_email(conn, &email)? else {
                return Ok(false);
            };
            let bucket = format!("reset:acct:{}", tokens::keyed_hash(&key, &account));
            if rate_limit::hit(conn, &bucket, Window::Hour)? > resets::MAILS_PER_ACCOUNT_PER_HOUR {
                return Ok(false);
            }
            let token = resets::issue(conn, organizer.id)?;
            let mail =
                messages::password_reset(&organizer.email, &site, &format!("{link_base}{token}"))?;
            outbox::enqueue(conn, &mail, &domain)?;
            tracing::info!("password reset link queued");
            Ok::<_, anyhow::Error>(false)
        })
    })
    .await?;
    if asked_too_often {
        return Err(PageError::TooManyRequests { retry_after: 3600 });
    }
    Ok(request_page(&req, &state, "", Some(&typed)))
}

fn link_gone() -> PageError {
    PageError::NotFound {
        title: "This link does not work",
        message: "It was used already, a newer one was sent, or its hour is over. Ask for a new link on the sign-in page.",
    }
}

async fn open_link(state: &AppState, token: &str) -> Result<String, PageError> {
    let token = token.to_string();
    db::run(&state.pool, move |conn| {
        anyhow::Ok(resets::find(conn, &token)?)
    })
    .await?
    .map(|(_, email)| email)
    .ok_or_else(link_gone)
}

fn choose_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    email: &str,
    problem: Option<&str>,
) -> HttpResponse {
    let (form, is_new) = form_token(req, state);
    let body = ChoosePage {
        me: None,
        csrf_token: &form,
        token: req.match_info().get("token").unwrap_or(""),
        email,
        problem,
    }
    .render();
    with_form_token(state, page::html(status, body), form, is_new)
}

pub async fn choose_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let email = open_link(&state, &token).await?;
    Ok(choose_page(&req, &state, StatusCode::OK, &email, None))
}

pub async fn choose(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let email = open_link(&state, &token).await?;
    let fields = Fields::from_request(&req, &body);
    let new = fields.get("new").to_string();
    let problem = match password::check_new(&new) {
        Err(problem) => Some(problem),
        Ok(()) if fields.get("confirm") != new => Some("The two new passwords are not the same."),
        Ok(()) => None,
    };
    if let Some(problem) = problem {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(choose_page(&req, &state, status, &email, Some(problem)));
    }
    let hash = state
        .hashing
        .run(move || password::hash(&new))
        .await
        .map_err(|_| busy())???;
    let done = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let done = resets::complete(conn, &token, &hash)?;
            if let Some(_id) = done {}
            Ok::<_, anyhow::Error>(done)
        })
    })
    .await?;
    if done.is_none() {
        return Err(link_gone());
    }
    tracing::info!("organizer chose a new password with a reset link");
    Ok(page::see_other(&format!("{}?reset=1", urls::ADMIN_LOGIN)))
}
