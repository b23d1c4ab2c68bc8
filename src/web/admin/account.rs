//! `/admin/account`: an organizer changes their own password (the current one, and the new
//! one twice). Changing it ends the account's other sessions; this one stays signed in.

use super::form::Fields;
use super::guard::Organizer;
use super::page;
use crate::db;
use crate::organizers::password;
use crate::organizers::sessions::{self, Open, Session};
use crate::organizers::{self, Role};
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage<'a> {
    me: Option<&'a Session>,
    problem: Option<&'a str>,
    changed: bool,
    sessions: Vec<Open>,
}

/// The account's open sessions, the one asking marked.
async fn open_sessions(
    state: &AppState,
    req: &HttpRequest,
    me: &Session,
) -> Result<Vec<Open>, PageError> {
    let current = req
        .cookie(super::guard::session_cookie(state))
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    let id = me.organizer_id;
    Ok(db::run(&state.pool, move |conn| {
        anyhow::Ok(sessions::open(conn, id, &current)?)
    })
    .await?)
}

/// The account page; `?changed=1` after a change says so.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
) -> Result<HttpResponse, PageError> {
    let changed = req.query_string() == "changed=1";
    let sessions = open_sessions(&state, &req, &me.0).await?;
    page::ok(
        AccountPage {
            me: Some(&me.0),
            problem: None,
            changed,
            sessions,
        }
        .render(),
    )
}

/// Ends one of the organizer's own sessions (another browser, a lost phone).
pub async fn end_session(
    state: web::Data<AppState>,
    me: Organizer,
    public_id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = me.0.organizer_id;
    let Ok(public_id) = uuid::Uuid::parse_str(&public_id) else {
        return Err(PageError::not_found());
    };
    let ended = db::run(&state.pool, move |conn| {
        anyhow::Ok(sessions::end_by_public_id(conn, id, public_id)?)
    })
    .await?;
    if !ended {
        return Err(PageError::not_found());
    }
    Ok(page::see_other(crate::urls::ADMIN_ACCOUNT))
}

/// Changes the password when the current one is right and the new one is typed twice alike.
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let me = me.0;
    let fields = Fields::from_request(&req, &body);
    let (current, new) = (
        fields.get("current").to_string(),
        fields.get("new").to_string(),
    );
    let problem = if let Err(p) = password::check_new(&new) {
        Some(p)
    } else if new != fields.get("confirm") {
        Some("The new password and its repetition differ.")
    } else {
        None
    };
    let id = me.organizer_id;
    let right = super::auth::is_own_password(&state, id, current).await?;
    let problem = match (right, problem) {
        (false, _) => Some("The current password is not right."),
        (true, problem) => problem,
    };
    if let Some(problem) = problem {
        let sessions = open_sessions(&state, &req, &me).await?;
        let body = AccountPage {
            me: Some(&me),
            problem: Some(problem),
            changed: false,
            sessions,
        }
        .render();
        return Ok(page::html(StatusCode::UNPROCESSABLE_ENTITY, body));
    }
    let hash = state
        .hashing
        .run(move || password::hash(&new))
        .await
        .map_err(|_| super::auth::busy())???;
    let keep = req
        .cookie(super::guard::session_cookie(&state))
        .map(|c| crate::tokens::hash(c.value()))
        .unwrap_or_default();
    db::run(&state.pool, move |conn| {
        anyhow::Ok(organizers::change_password(conn, id, &hash, &keep)?)
    })
    .await?;
    tracing::info!("organizer changed their password");
    Ok(page::see_other(&format!(
        "{}?changed=1",
        crate::urls::ADMIN_ACCOUNT
    )))
}
