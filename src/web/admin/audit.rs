//! `GET /admin/audit`: what organizers did, newest first, fifty at a time (`?before=` the
//! last entry's id: ids are time-ordered, so paging never counts or skips rows), filtered by
//! organizer, action and campaign; `?format=csv` downloads every matching entry.

use super::guard::Organizer;
use super::page;
use crate::db;
use crate::organizers::audit::{self, Entry, Filter};
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::{web, HttpResponse};
use askama::Template;
use uuid::Uuid;

const PAGE: i64 = 50;
/// The most entries one CSV download carries.
const CSV_MAX: i64 = 100_000;

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage<'a> {
    me: Option<&'a Session>,
    entries: Vec<Entry>,
    next: Option<Uuid>,
    q: &'a Query,
    actions: Vec<&'static str>,
}

#[derive(serde::Deserialize, Default)]
pub struct Query {
    before: Option<String>,
    #[serde(default)]
    organizer: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    campaign: String,
    format: Option<String>,
}

impl Query {
    fn filter(&self) -> Filter {
        let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Filter {
            organizer: given(&self.organizer),
            action: given(&self.action),
            campaign: given(&self.campaign),
        }
    }

    /// The filter's part of a link to another page of the same entries.
    pub fn carried(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("organizer", self.organizer.trim())
            .append_pair("action", self.action.trim())
            .append_pair("campaign", self.campaign.trim())
            .finish()
    }
}

pub async fn list(
    state: web::Data<AppState>,
    me: Organizer,
    query: web::Query<Query>,
) -> Result<HttpResponse, PageError> {
    let me = me.require(Role::Owner)?;
    let q = query.into_inner();
    let before = match q.before.as_deref().filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(Uuid::parse_str(b).map_err(|_| {
            PageError::Unprocessable("That page of the log does not exist.".into())
        })?),
    };
    let filter = q.filter();
    let csv = q.format.as_deref() == Some("csv");
    let size = if csv { CSV_MAX } else { PAGE };
    let audit::Page { entries, next } = db::run(&state.pool, move |conn| {
        anyhow::Ok(audit::page(conn, &filter, before, size)?)
    })
    .await?;
    if csv {
        return csv_download(&entries);
    }
    page::ok(
        AuditPage {
            me: Some(me),
            entries,
            next,
            q: &q,
            actions: audit::action_names(),
        }
        .render(),
    )
}

fn csv_download(entries: &[Entry]) -> Result<HttpResponse, PageError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let written = (|| {
        out.write_record(["when", "who", "action", "campaign", "details"])?;
        for e in entries {
            out.write_record([
                e.when().as_str(),
                e.who(),
                e.action.as_str(),
                e.campaign.as_deref().unwrap_or(""),
                e.details().as_str(),
            ])?;
        }
        out.into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    })();
    let body = written.map_err(|e| PageError::Unavailable(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"audit-log.csv\"",
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}
