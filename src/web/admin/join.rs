//! `GET|POST /admin/users/accept/{token}`: an invited organizer chooses a password and is
//! signed in with the role the owner chose. The link works once, for seven days.

use super::auth::{form_token, signed_in, with_form_token};
use super::form::Fields;
use super::page;
use crate::db;
use crate::organizers::sessions::{self, Session};
use crate::organizers::{self, invitations, password, CreateError, Role};
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/join.html")]
struct JoinPage<'a> {
    me: Option<&'a Session>,
    csrf_token: &'a str,
    token: &'a str,
    email: &'a str,
    role: Role,
    problem: Option<String>,
}

fn link_gone() -> PageError {
    PageError::NotFound {
        title: "This invitation does not work",
        message: "It was used already, withdrawn, or it expired. Ask an owner to invite you again.",
    }
}

async fn open_invitation(
    state: &AppState,
    token: &str,
) -> Result<invitations::Invitation, PageError> {
    let token = token.to_string();
    db::run(&state.pool, move |conn| {
        anyhow::Ok(invitations::find(conn, &token)?)
    })
    .await?
    .ok_or_else(link_gone)
}

fn answer(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    invitation: &invitations::Invitation,
    problem: Option<String>,
) -> HttpResponse {
    let (form, is_new) = form_token(req, state);
    let body = JoinPage {
        me: None,
        csrf_token: &form,
        token: req.match_info().get("token").unwrap_or(""),
        email: &invitation.email,
        role: invitation.role,
        problem,
    }
    .render();
    with_form_token(state, page::html(status, body), form, is_new)
}

pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let invitation = open_invitation(&state, &token).await?;
    Ok(answer(&req, &state, StatusCode::OK, &invitation, None))
}

pub async fn accept(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let invitation = open_invitation(&state, &token).await?;
    let typed = Fields::from_request(&req, &body)
        .get("password")
        .to_string();
    if let Err(problem) = password::check_new(&typed) {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(answer(
            &req,
            &state,
            status,
            &invitation,
            Some(problem.into()),
        ));
    }
    let hash = state
        .hashing
        .run(move || password::hash(&typed))
        .await
        .map_err(|_| super::auth::busy())???;
    let browser = super::auth::browser_of(&req);
    let session = db::run(&state.pool, move |conn| {
        Ok(match invitations::accept(conn, &token, &hash) {
            Ok(Some((id, _role))) => {
                let organizer = organizers::find(conn, id)?.ok_or(diesel::NotFound)?;
                Ok(Some(sessions::start(
                    conn,
                    &organizer,
                    None,
                    browser.as_deref(),
                )?))
            }
            Ok(None) => Ok(None),
            Err(CreateError::Storage(e)) => return Err(anyhow::Error::from(e)),
            Err(problem) => Err(problem),
        })
    })
    .await?;
    match session {
        Ok(Some(session_id)) => {
            tracing::info!("invited organizer joined");
            Ok(signed_in(&state, session_id))
        }
        Ok(None) => Err(link_gone()),
        Err(problem) => Ok(answer(
            &req,
            &state,
            StatusCode::CONFLICT,
            &invitation,
            Some(problem.to_string()),
        )),
    }
}
