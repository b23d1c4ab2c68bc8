//! `GET /admin/campaigns/{slug}/signatures` (search by name or e-mail, `?q=`) and
//! `GET /admin/campaigns/{slug}/held`: a campaign's signatures a page at a time, `?after=` the
//! last one shown. E-mail addresses, and searching by them, are for editors and owners, as
//! the CSV export is: a viewer sees names, countries and states only. Editors invalidate a
//! counted signature (abuse) and release held or invalidated ones from these pages.

use super::guard::Organizer;
use super::managed;
use super::page;
use crate::campaigns::Campaign;
use crate::db;
use crate::domain::slug::Slug;
use crate::organizers::audit::Actor;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::signatures::list::{self, HeldFilter, Listed, Listing};
use crate::signatures::{self, InvalidateError, ReleaseError, SignatureState};
use crate::web::errors::PageError;
use crate::web::{urls, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use uuid::Uuid;

/// Signatures per page.
pub const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/signatures.html")]
struct ListPage<'a> {
    me: Option<&'a Session>,
    c: &'a Campaign,
    held_only: bool,
    q: &'a str,
    error: Option<String>,
    /// What the last action here did (after a release or an invalidation).
    notice: Option<&'static str>,
    table: SignatureTable<'a>,
    /// The held list's filter as typed.
    filter: &'a Params,
    next: Option<String>,
    first: Option<String>,
}

/// The signature table the list, the held page and the dashboard share.
pub struct SignatureTable<'a> {
    pub rows: Vec<Listed>,
    pub show_email: bool,
    /// The form token when the organizer may invalidate and release signatures here.
    pub actions_token: Option<&'a str>,
    pub slug: &'a str,
}

impl<'a> SignatureTable<'a> {
    pub fn new(me: &'a Session, c: &'a Campaign, rows: Vec<Listed>, actions: bool) -> Self {
        let editor = me.role.allows(Role::Editor);
        SignatureTable {
            rows,
            show_email: editor,
            actions_token: (editor && actions).then_some(me.csrf_token.as_str()),
            slug: c.slug(),
        }
    }
}

/// The query string: the search box and the cursor.
#[derive(Debug, serde::Deserialize)]
pub struct Params {
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: String,
    /// Set by the redirect after a release (`mailed`, `capped`, `restored`) or an
    /// invalidation (`invalidated`, `invalidated-delivered`).
    #[serde(default)]
    done: String,
    /// The held list's filter: name start, e-mail domain, IP hash, and a time window
    /// (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, UTC).
    #[serde(default)]
    name: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    ip: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
}

/// A time as the filter's date or datetime-local field sends it, in UTC.
fn filter_time(
    text: &str,
    end_of_day: bool,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M") {
        return Ok(Some(t.and_utc()));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| {
            let day = if end_of_day {
                d.succ_opt().unwrap_or(d)
            } else {
                d
            };
            Some(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        })
        .map_err(|_| format!("{text:?} is not a date such as 2026-12-04."))
}

impl Params {
    fn held_filter(&self) -> Result<HeldFilter, String> {
        let short = |s: &str| s.trim().chars().take(200).collect::<String>();
        if [&self.name, &self.domain, &self.ip]
            .iter()
            .any(|s| s.chars().any(char::is_control))
        {
            return Err("Please filter without control characters.".into());
        }
        Ok(HeldFilter {
            name: short(&self.name),
            domain: short(&self.domain).trim_start_matches('@').to_lowercase(),
            ip: short(&self.ip),
            since: filter_time(&self.since, false)?,
            until: filter_time(&self.until, true)?,
        })
    }
}

pub async fn list(
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
    params: web::Query<Params>,
) -> Result<HttpResponse, PageError> {
    show(state, me, slug.into_inner(), params.into_inner(), false).await
}

pub async fn held(
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
    params: web::Query<Params>,
) -> Result<HttpResponse, PageError> {
    show(state, me, slug.into_inner(), params.into_inner(), true).await
}

async fn show(
    state: web::Data<AppState>,
    me: Organizer,
    slug: Slug,
    params: Params,
    held_only: bool,
) -> Result<HttpResponse, PageError> {
    let c = managed::load(&state, slug).await?;
    let after = match params.after.trim() {
        "" => None,
        cursor => Some(Uuid::try_parse(cursor).map_err(|_| {
            PageError::Unprocessable(
                "That page link is broken: start again from the first page.".into(),
            )
        })?),
    };
    let q = if held_only { "" } else { params.q.trim() };
    let listing = match Listing::search(q) {
        _ if held_only => params.held_filter().map(Listing::Held),
        Ok(Listing::Email(_)) if !me.0.role.allows(Role::Editor) => Err(
            "Searching by e-mail address is for editors and owners. Search by name instead."
                .to_string(),
        ),
        other => other,
    };
    let (status, error, found) = match listing {
        Ok(listing) => {
            let id = c.campaign_id();
            let found = db::run(&state.pool, move |conn| {
                anyhow::Ok(list::page(conn, id, &listing, after, PAGE_SIZE)?)
            })
            .await?;
            (StatusCode::OK, None, found)
        }
        Err(message) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(message),
            list::Page {
                rows: Vec::new(),
                next: None,
            },
        ),
    };
    let base = urls::admin_campaign_part(c.slug(), if held_only { "held" } else { "signatures" });
    let link = |after: Option<Uuid>| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !q.is_empty() {
            query.append_pair("q", q);
        }
        if held_only {
            for (name, value) in [
                ("name", &params.name),
                ("domain", &params.domain),
                ("ip", &params.ip),
                ("since", &params.since),
                ("until", &params.until),
            ] {
                if !value.trim().is_empty() {
                    query.append_pair(name, value.trim());
                }
            }
        }
        if let Some(after) = after {
            query.append_pair("after", &after.to_string());
        }
        match query.finish() {
            query if query.is_empty() => base.clone(),
            query => format!("{base}?{query}"),
        }
    };
    let body = ListPage {
        me: Some(&me.0),
        c: &c,
        held_only,
        q,
        error,
        notice: notice(&params.done),
        filter: &params,
        next: found.next.map(|id| link(Some(id))),
        first: after.map(|_| link(None)),
        table: SignatureTable::new(&me.0, &c, found.rows, true),
    }
    .render();
    Ok(page::html(status, body))
}

/// `POST /admin/campaigns/{slug}/signatures/{id}/release` (editors): the held signature
/// becomes one waiting for confirmation, and its supporter gets the confirmation e-mail.
pub async fn release(
    state: web::Data<AppState>,
    me: Organizer,
    path: web::Path<(Slug, String)>,
) -> Result<HttpResponse, PageError> {
    let organizer = me.require(Role::Editor)?.organizer_id;
    let (slug, id) = path.into_inner();
    let c = managed::load(&state, slug).await?;
    let id = Uuid::try_parse(&id).map_err(|_| PageError::NotFound {
        title: "Signature not found",
        message: "There is no signature at this address.",
    })?;
    let held_page = urls::admin_campaign_part(c.slug(), "held");
    let list_page = urls::admin_campaign_part(c.slug(), "signatures");
    let slug = c.slug().to_string();
    let app = state.clone();
    let outcome = db::run(&state.pool, move |conn| {
        anyhow::Ok(signatures::release(
            conn,
            &c,
            id,
            &app.mail_context(),
            Actor::Organizer(organizer),
        ))
    })
    .await?;
    match outcome {
        Ok(released) if released.restored.is_some() => {
            state.cache.forget(&slug);
            Ok(page::see_other(&format!("{list_page}?done=restored")))
        }
        Ok(released) => {
            let how = match (released.mailed, released.held_reason.as_deref()) {
                (true, Some(signatures::MAIL_CAPPED)) => "confirmation-sent",
                (true, _) => "mailed",
                (false, _) => "capped",
            };
            Ok(page::see_other(&format!("{held_page}?done={how}")))
        }
        Err(ReleaseError::Failed(e)) => Err(PageError::Unavailable(e)),
        Err(refused) => Err(PageError::Conflict(refused.to_string())),
    }
}

/// `POST /admin/campaigns/{slug}/signatures/{id}/invalidate` (editors): the signature stops
/// counting and is never delivered; releasing it undoes this.
pub async fn invalidate(
    state: web::Data<AppState>,
    me: Organizer,
    path: web::Path<(Slug, String)>,
) -> Result<HttpResponse, PageError> {
    let organizer = me.require(Role::Editor)?.organizer_id;
    let (slug, id) = path.into_inner();
    let c = managed::load(&state, slug).await?;
    let id = Uuid::try_parse(&id).map_err(|_| PageError::NotFound {
        title: "Signature not found",
        message: "There is no signature at this address.",
    })?;
    let campaign = c.campaign_id();
    let outcome = db::run(&state.pool, move |conn| {
        anyhow::Ok(signatures::invalidate(
            conn,
            campaign,
            id,
            Actor::Organizer(organizer),
        ))
    })
    .await?;
    state.cache.forget(c.slug());
    match outcome {
        Ok(done) => {
            let how = if done.already_delivered {
                "invalidated-delivered"
            } else {
                "invalidated"
            };
            let list_page = urls::admin_campaign_part(c.slug(), "signatures");
            Ok(page::see_other(&format!("{list_page}?done={how}")))
        }
        Err(InvalidateError::Failed(e)) => Err(PageError::Unavailable(e)),
        Err(refused) => Err(PageError::Conflict(refused.to_string())),
    }
}

/// What the organizer is told after the action named by `done`.
fn notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "confirmation-sent" => "Sent: the supporter has been sent a confirmation e-mail. The signature counts once they confirm.",
        "mailed" => "Released: the supporter has been sent a confirmation e-mail. The signature counts once they confirm.",
        "capped" => "Released: it waits for its supporter to confirm. No e-mail was sent now, because this address has had as many as it may receive today.",
        "restored" => "Released: the signature counts again as it did before it was invalidated.",
        "invalidated" => "Invalidated: the signature no longer counts and will not be delivered. Release it to undo this.",
        "invalidated-delivered" => "Invalidated: the signature no longer counts. It had already been delivered to the targets in an earlier batch, which cannot be called back.",
        _ => return None,
    })
}
