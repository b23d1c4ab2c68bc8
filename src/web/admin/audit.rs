//! `GET /admin/audit`: what organizers did, newest first, fifty at a time (`?before=` the
//! last entry's id: ids are time-ordered, so paging never counts or skips rows).

use super::guard::Organizer;
use super::page;
use crate::db;
use crate::db::schema::{audit_log, campaigns, organizers};
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

const PAGE: i64 = 50;

/// One line of the log as the page shows it.
#[derive(Queryable)]
struct Entry {
    id: Uuid,
    at: DateTime<Utc>,
    who: Option<String>,
    via: String,
    action: String,
    campaign: Option<String>,
    detail: serde_json::Value,
}

impl Entry {
    /// Who acted: an organizer's address, the command line, or an account since removed.
    fn who(&self) -> &str {
        match (&self.who, self.via.as_str()) {
            (_, "command line") => "command line",
            (Some(email), _) => email,
            (None, _) => "a removed organizer",
        }
    }

    fn when(&self) -> String {
        self.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }

    /// The entry's details as `key: value` pairs, for reading rather than parsing.
    fn details(&self) -> String {
        match &self.detail {
            serde_json::Value::Object(map) => map
                .iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => format!("{k}: {s}"),
                    serde_json::Value::Object(changes) if k == "changed" => {
                        let each: Vec<String> = changes
                            .iter()
                            .map(|(field, c)| {
                                format!("{field} from {} to {}", c["before"], c["after"])
                            })
                            .collect();
                        format!("changed: {}", each.join("; "))
                    }
                    other => format!("{k}: {other}"),
                })
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        }
    }
}

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
    let mut entries = db::run(&state.pool, move |conn| {
        let mut query = audit_log::table
            .left_join(organizers::table)
            .left_join(campaigns::table)
            .select((
                audit_log::id,
                audit_log::created_at,
                organizers::email.nullable(),
                audit_log::via,
                audit_log::action,
                campaigns::slug.nullable(),
                audit_log::detail,
            ))
            .order(audit_log::id.desc())
            .limit(PAGE + 1)
            .into_boxed();
        if let Some(before) = before {
            query = query.filter(audit_log::id.lt(before));
        }
        Ok(query.load::<Entry>(conn)?)
    })
    .await?;
    let next = if entries.len() as i64 > PAGE {
        entries.truncate(PAGE as usize);
        entries.last().map(|e| e.id)
    } else {
        None
    };
    page::ok(
        AuditPage {
            me: Some(me),
            entries,
            next,
        }
        .render(),
    )
}
