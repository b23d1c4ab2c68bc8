//! `/admin/supporters/{id}`: one supporter, as a subject-access request needs it — their
//! record, consent, signatures and where each was delivered, and the alerts they received;
//! "export" downloads all of it as JSON, "erase" removes them (editors and owners; both
//! audited).

use super::form::Fields;
use super::guard::Organizer;
use super::page;
use crate::db;
use crate::organizers::audit::Actor;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::supporters::record::{self, Erased, Held, RecordError};
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "admin/supporter.html")]
struct SupporterPage<'a> {
    me: Option<&'a Session>,
    id: Uuid,
    held: Option<Held>,
    erased: Option<Erased>,
    error: Option<&'static str>,
}

fn not_found() -> PageError {
    PageError::NotFound {
        title: "No such supporter",
        message: "There is no supporter at this address: they may have been erased.",
    }
}

fn failed(e: RecordError) -> PageError {
    match e {
        RecordError::NotFound => not_found(),
        other => PageError::Unavailable(other.into()),
    }
}

fn path_id(raw: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(raw).map_err(|_| not_found())
}

pub async fn show(
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Editor)?;
    let id = path_id(&id)?;
    let held = db::run(&state.pool, move |conn| record::held(conn, id))
        .await
        .map_err(failed)?;
    page::ok(
        SupporterPage {
            me: Some(me),
            id,
            held: Some(held),
            erased: None,
            error: None,
        }
        .render(),
    )
}

pub async fn export(
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let id = path_id(&id)?;
    let me = me.require_confirmed(Role::Editor, &crate::urls::admin_supporter(id))?;
    let actor = Actor::Organizer(me.organizer_id);
    let doc = db::run(&state.pool, move |conn| record::export(conn, actor, id))
        .await
        .map_err(failed)?;
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"supporter-{}.json\"", id.simple()),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(serde_json::to_string_pretty(&doc).unwrap_or_default()))
}

pub async fn erase(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let id = path_id(&id)?;
    let me = me.require_confirmed(Role::Editor, &crate::urls::admin_supporter(id))?;
    let fields = Fields::from_request(&req, &body);
    if !fields.has("confirm") {
        let held = db::run(&state.pool, move |conn| record::held(conn, id))
            .await
            .map_err(failed)?;
        let body = SupporterPage {
            me: Some(me),
            id,
            held: Some(held),
            erased: None,
            error: Some("Tick the box to say you mean it: an erasure cannot be undone."),
        }
        .render();
        return Ok(page::html(StatusCode::UNPROCESSABLE_ENTITY, body));
    }
    let actor = Actor::Organizer(me.organizer_id);
    let erased = db::run(&state.pool, move |conn| record::erase(conn, actor, id))
        .await
        .map_err(failed)?;
    page::ok(
        SupporterPage {
            me: Some(me),
            id,
            held: None,
            erased: Some(erased),
            error: None,
        }
        .render(),
    )
}
