//! `/admin/account`: an organizer changes their own password (the current one, and the new
//! one twice). Changing it ends the account's other sessions; this one stays signed in.

use super::form::Fields;
use super::guard::Organizer;
use super::page;
use crate::db;
use crate::organizers::password::{self, Verified};
use crate::organizers::sessions::Session;
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
}

/// The account page; `?changed=1` after a change says so.
pub async fn show(req: HttpRequest, me: Organizer) -> Result<HttpResponse, PageError> {
    let changed = req.query_string() == "changed=1";
    page::ok(
        AccountPage {
            me: Some(&me.0),
            problem: None,
            changed,
        }
        .render(),
    )
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
    let stored = db::run(&state.pool, move |conn| {
        anyhow::Ok(organizers::find(conn, id)?.map(|o| o.password_hash))
    })
    .await?;
    let verified = state
        .hashing
        .run(move || password::verify(&current, stored.as_deref()))
        .await
        .map_err(|_| super::auth::busy())??;
    let problem = match (verified, problem) {
        (Verified::No, _) => Some("The current password is not right."),
        (_, problem) => problem,
    };
    if let Some(problem) = problem {
        let body = AccountPage {
            me: Some(&me),
            problem: Some(problem),
            changed: false,
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
