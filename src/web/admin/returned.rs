//! `/admin/supporters/returned`: the mail that came back — counts by kind over the last 30
//! days for every organizer; for editors and owners, the latest messages with what each
//! changed, and the text of those that could not be read or matched.

use super::guard::Organizer;
use super::page;
use crate::bounces::list::{self, Counts, Returned};
use crate::db;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::{web, HttpResponse};
use askama::Template;

/// Messages the page lists.
const SHOWN: i64 = 50;

#[derive(Template)]
#[template(path = "admin/returned.html")]
struct ReturnedPage<'a> {
    me: Option<&'a Session>,
    counts: Counts,
    latest: Option<Vec<Returned>>,
    unread_only: bool,
}

#[derive(serde::Deserialize)]
pub struct Filter {
    #[serde(default)]
    unread: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    me: Organizer,
    filter: web::Query<Filter>,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Viewer)?;
    // The messages hold addresses and names: editors and owners only.
    let may_read = me.role.allows(Role::Editor);
    let unread_only = filter.unread.is_some();
    let (counts, latest) = db::run(&state.pool, move |conn| {
        let counts = list::counts(conn)?;
        let latest = may_read
            .then(|| list::latest(conn, SHOWN, unread_only))
            .transpose()?;
        anyhow::Ok((counts, latest))
    })
    .await?;
    page::ok(
        ReturnedPage {
            me: Some(me),
            counts,
            latest,
            unread_only,
        }
        .render(),
    )
}
