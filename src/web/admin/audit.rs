//! `GET /admin/audit`: what organizers did, newest first, fifty at a time (`?before=` the
//! last entry's id: ids are time-ordered, so paging never counts or skips rows).

use super::guard::Organizer;
use super::page;
use crate::db;
use crate::organizers::audit::{self, Entry};
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::{web, HttpResponse};
use askama::Template;
use uuid::Uuid;

const PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage<'a> {
    me: Option<&'a Session>,
    entries: Vec<Entry>,
    next: Option<Uuid>,
}

#[derive(serde::Deserialize)]
pub struct Query {
    before: Option<String>,
}

pub async fn list(
    state: web::Data<AppState>,
    me: Organizer,
    query: web::Query<Query>,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Owner)?;
    let before = match query.before.as_deref().filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(Uuid::parse_str(b).map_err(|_| {
            PageError::Unprocessable("That page of the log does not exist.".into())
        })?),
    };
    let audit::Page { entries, next } = db::run(&state.pool, move |conn| {
        anyhow::Ok(audit::page(conn, before, PAGE)?)
    })
    .await?;
    page::ok(
        AuditPage {
            me: Some(me),
            entries,
            next,
        }
        .render(),
    )
}
