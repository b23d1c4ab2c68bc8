//! Signing in and out, and the first-run setup page that creates the owner account.

use super::guard::{self, Organizer};
use super::page;
use crate::db;
use crate::organizers::password::{self, Verified};
use crate::organizers::{self, sessions, setup, throttle, CreateError, Role};
use crate::tokens;
use crate::web::admin::form::Fields;
use crate::web::client_ip::{client_ip, limit_key};
use crate::web::errors::PageError;
use crate::web::{urls, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use diesel::Connection;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage<'a> {
    me: Option<&'a sessions::Session>,
    /// The admin page to return to after signing in.
    next: &'a str,
    csrf_token: &'a str,
    email: &'a str,
    problem: Option<&'a str>,
    /// Just after a new password was chosen with a reset link.
    reset_done: bool,
}

#[derive(Template)]
#[template(path = "admin/setup.html")]
struct SetupPage<'a> {
    me: Option<&'a sessions::Session>,
    csrf_token: &'a str,
    token: &'a str,
    email: &'a str,
    errors: BTreeMap<&'static str, String>,
}

const WRONG: &str = "The e-mail address or the password is not right.";

/// The pre-session form token: the one the browser already holds, or a new one to set.
pub(super) fn form_token(req: &HttpRequest, state: &AppState) -> (String, bool) {
    match req.cookie(guard::pre_session_cookie(state)) {
        Some(c) if tokens::looks_valid(c.value()) => (c.value().to_string(), false),
        _ => (tokens::generate().0, true),
    }
}

pub(super) fn with_form_token(
    state: &AppState,
    mut response: HttpResponse,
    token: String,
    is_new: bool,
) -> HttpResponse {
    if is_new {
        let _ = response.add_cookie(&guard::cookie(
            state,
            guard::pre_session_cookie(state),
            token,
        ));
    }
    response
}

pub async fn login_form(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    if req.extensions_session().is_some() {
        return Ok(page::see_other(urls::ADMIN));
    }
    let (token, is_new) = form_token(&req, &state);
    let query = web::Query::<BTreeMap<String, String>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default();
    let next = query
        .get("next")
        .and_then(|n| guard::safe_next(n))
        .unwrap_or("");
    let body = LoginPage {
        me: None,
        next,
        csrf_token: &token,
        email: "",
        problem: None,
        reset_done: query.get("reset").is_some_and(|v| v == "1"),
    }
    .render();
    Ok(with_form_token(
        &state,
        page::html(StatusCode::OK, body),
        token,
        is_new,
    ))
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let fields = Fields::from_request(&req, &body);
    let email = fields.get("email").trim().to_string();
    let password_typed = fields.get("password").to_string();
    let ip = client_ip(&req, &state.settings);
    let network = ip.map(|ip| limit_key(ip, state.settings.ipv6_limit_prefix));
    let keys = throttle::keys(
        state.settings.secret_key.bytes(),
        &email,
        network.as_deref(),
    );
    let now = chrono::Utc::now();
    let (blocked, organizer) = {
        let (keys, email) = (keys.clone(), email.clone());
        db::run(&state.pool, move |conn| {
            let blocked = throttle::begin_attempt(conn, &keys, now)?;
            let organizer = match blocked {
                Some(_) => None,
                None => organizers::find_by_email(conn, &email)?,
            };
            anyhow::Ok((blocked, organizer))
        })
        .await?
    };
    if let Some(retry_after) = blocked {
        return Err(PageError::TooManyRequests { retry_after });
    }
    let stored = organizer.as_ref().map(|o| o.password_hash.clone());
    let verified = state
        .hashing
        .run(move || password::verify(&password_typed, stored.as_deref()))
        .await
        .map_err(|_| busy())??;
    let ip_hash = ip.map(|ip| {
        crate::tokens::keyed_hash(state.settings.secret_key.bytes(), &format!("audit-ip:{ip}"))
    });
    let who = organizer.as_ref().map(|o| o.id);
    let Some(organizer) = organizer.filter(|_| verified != Verified::No) else {
        tracing::info!("sign-in refused");
        let hash = ip_hash.clone();
        db::run(&state.pool, move |conn| {
            anyhow::Ok(crate::organizers::audit::sign_in(conn, who, false, hash)?)
        })
        .await?;
        let (token, is_new) = form_token(&req, &state);
        let body = LoginPage {
            me: None,
            next: guard::safe_next(fields.get("next")).unwrap_or(""),
            csrf_token: &token,
            email: &email,
            problem: Some(WRONG),
            reset_done: false,
        }
        .render();
        return Ok(with_form_token(
            &state,
            page::html(StatusCode::UNAUTHORIZED, body),
            token,
            is_new,
        ));
    };
    let previous = req
        .cookie(guard::session_cookie(&state))
        .map(|c| c.value().to_string());
    let browser = browser_of(&req);
    let session_id = db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            throttle::succeeded(conn, &keys)?;
            if let Verified::YesRehash(new) = &verified {
                organizers::store_hash(conn, organizer.id, new)?;
            }
            crate::organizers::audit::sign_in(conn, Some(organizer.id), true, ip_hash)?;
            anyhow::Ok(sessions::start(
                conn,
                &organizer,
                previous.as_deref(),
                browser.as_deref(),
            )?)
        })
    })
    .await?;
    tracing::info!("organizer signed in");
    let mut response = signed_in(&state, session_id);
    if let Some(next) = guard::safe_next(fields.get("next")) {
        response.headers_mut().insert(
            header::LOCATION,
            header::HeaderValue::from_str(next)
                .unwrap_or(header::HeaderValue::from_static(urls::ADMIN)),
        );
    }
    Ok(response)
}

/// Whether `typed` is the password of organizer `id` (checked off the executor, on the
/// password-hashing pool).
pub(super) async fn is_own_password(
    state: &AppState,
    id: crate::db::types::OrganizerId,
    typed: String,
) -> Result<bool, PageError> {
    let stored = db::run(&state.pool, move |conn| {
        anyhow::Ok(organizers::find(conn, id)?.map(|o| o.password_hash))
    })
    .await?;
    let verified = state
        .hashing
        .run(move || password::verify(&typed, stored.as_deref()))
        .await
        .map_err(|_| busy())??;
    Ok(verified != Verified::No)
}

/// The browser's own name for itself, for the account's list of sessions.
pub(super) fn browser_of(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Too many passwords are being checked at once: come back in a moment (503, `Retry-After`).
pub(super) fn busy() -> PageError {
    PageError::Unavailable(anyhow::anyhow!("password checks are at their limit"))
}

pub(super) fn signed_in(state: &AppState, session_id: String) -> HttpResponse {
    let mut response = page::see_other(urls::ADMIN);
    let _ = response.add_cookie(&guard::cookie(
        state,
        guard::session_cookie(state),
        session_id,
    ));
    let _ = response.add_cookie(&guard::removal(state, guard::pre_session_cookie(state)));
    response
}

pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    _me: Organizer,
) -> Result<HttpResponse, PageError> {
    if let Some(c) = req.cookie(guard::session_cookie(&state)) {
        let id = c.value().to_string();
        db::run(&state.pool, move |conn| {
            anyhow::Ok(sessions::end(conn, &id)?)
        })
        .await?;
    }
    let mut response = page::see_other(urls::ADMIN_LOGIN);
    let _ = response.add_cookie(&guard::removal(&state, guard::session_cookie(&state)));
    Ok(response)
}

fn setup_gone() -> PageError {
    PageError::NotFound {
        title: "This setup link does not work",
        message: "It was used already, it expired, or an organizer exists. Ask an owner to invite you, or run `undersign user add`.",
    }
}

pub async fn setup_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let setup_token = token.into_inner();
    let check = setup_token.clone();
    if !db::run(&state.pool, move |conn| {
        anyhow::Ok(setup::is_usable(conn, &check)?)
    })
    .await?
    {
        return Err(setup_gone());
    }
    let (form, is_new) = form_token(&req, &state);
    let body = SetupPage {
        me: None,
        csrf_token: &form,
        token: &setup_token,
        email: "",
        errors: BTreeMap::new(),
    }
    .render();
    Ok(with_form_token(
        &state,
        page::html(StatusCode::OK, body),
        form,
        is_new,
    ))
}

pub async fn setup(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let setup_token = token.into_inner();
    let check = setup_token.clone();
    if !db::run(&state.pool, move |conn| {
        anyhow::Ok(setup::is_usable(conn, &check)?)
    })
    .await?
    {
        return Err(setup_gone());
    }
    let fields = Fields::from_request(&req, &body);
    let email_typed = fields.get("email").trim().to_string();
    let problem = match organizers::check_new(&email_typed, fields.get("password")) {
        Ok(email) => {
            let password_typed = fields.get("password").to_string();
            let hash = state
                .hashing
                .run(move || password::hash(&password_typed))
                .await
                .map_err(|_| busy())???;
            let browser = browser_of(&req);
            let created = db::run(&state.pool, move |conn| {
                anyhow::Ok(setup::create_owner(
                    conn,
                    &setup_token,
                    &email,
                    &hash,
                    browser.as_deref(),
                )?)
            })
            .await?;
            let Some(session_id) = created else {
                return Err(setup_gone());
            };
            tracing::info!("first organizer created");
            return Ok(signed_in(&state, session_id));
        }
        Err(e) => e,
    };
    let mut errors = BTreeMap::new();
    match problem {
        CreateError::Email(m) => errors.insert("email", m),
        other => errors.insert("password", other.to_string()),
    };
    let (form, is_new) = form_token(&req, &state);
    let body = SetupPage {
        me: None,
        csrf_token: &form,
        token: req.match_info().get("token").unwrap_or(""),
        email: &email_typed,
        errors,
    }
    .render();
    Ok(with_form_token(
        &state,
        page::html(StatusCode::UNPROCESSABLE_ENTITY, body),
        form,
        is_new,
    ))
}

/// Whether this request carries a session (set by the guard).
trait SessionOf {
    fn extensions_session(&self) -> Option<sessions::Session>;
}

impl SessionOf for HttpRequest {
    fn extensions_session(&self) -> Option<sessions::Session> {
        use actix_web::HttpMessage;
        self.extensions().get::<sessions::Session>().cloned()
    }
}

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../templates/admin/admin.css"))
}
