//! Previews for organizers: `GET /admin/campaigns/{slug}/preview`, the action page exactly as
//! supporters see it under a preview banner (never indexed); `GET …/preview/messages`, the
//! message each target would receive next, as `campaign preview` prints it; and
//! `POST …/preview/send-test`, a `[TEST]` copy of each of those to the signed-in organizer
//! through the outbox, as `campaign preview --send-test-to` does (no batch, no log).

use super::guard::Organizer;
use super::managed;
use super::page;
use crate::batches::{self, message::BatchContext};
use crate::campaigns::{Campaign, CampaignStatus};
use crate::db;
use crate::domain::slug::Slug;
use crate::organizers::audit::Actor;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::public::{preview_page, PreviewBanner};
use crate::web::{urls, AppState};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;

#[derive(Template)]
#[template(path = "admin/messages.html")]
struct MessagesPage<'a> {
    me: Option<&'a Session>,
    c: &'a Campaign,
    /// Each target's next message as the CLI prints it: headers, a blank line, the text.
    messages: Vec<String>,
    /// How many test copies were just queued, after a test send.
    sent: Option<usize>,
    /// How many targets that send skipped, having nothing new to be sent.
    skipped: usize,
}

/// A campaign that can be previewed: any but an archived one.
async fn previewable(state: &AppState, slug: Slug) -> Result<Campaign, PageError> {
    let c = managed::load(state, slug).await?;
    if c.row.status == CampaignStatus::Archived {
        return Err(PageError::Conflict(
            "This campaign is archived; there is nothing left to preview.".into(),
        ));
    }
    Ok(c)
}

pub async fn page(
    state: web::Data<AppState>,
    _me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    let c = previewable(&state, slug.into_inner()).await?;
    let now = Utc::now();
    let (status, note) = match c.status(now) {
        CampaignStatus::Draft => (
            CampaignStatus::Live,
            "This draft is shown as it will look once launched.",
        ),
        CampaignStatus::Live => (CampaignStatus::Live, "This is the live page."),
        status => (status, "The campaign is closed, and so is this page."),
    };
    let banner = PreviewBanner {
        note: note.to_string(),
        edit: urls::admin_campaign_part(c.slug(), "edit"),
        messages: urls::admin_campaign_part(c.slug(), "preview/messages"),
    };
    let body =
        preview_page(&state, &c, status, &banner).map_err(|e| PageError::Unavailable(e.into()))?;
    let mut response = HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body);
    response.headers_mut().insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    Ok(response)
}

pub async fn messages(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    let c = previewable(&state, slug.into_inner()).await?;
    let messages = if c.targets.is_empty() {
        Vec::new()
    } else {
        let (slug, settings) = (c.slug().to_string(), state.settings.clone());
        db::run(&state.pool, move |conn| {
            let ctx = BatchContext {
                base_url: &settings.base_url,
                secret_key: settings.secret_key.bytes(),
                attachment_max: settings.attachment_max,
                now: Utc::now(),
            };
            batches::preview(conn, &slug, None, &ctx, false)
        })
        .await?
        .iter()
        .map(batches::report::next_lines)
        .collect()
    };
    let number = |key: &str| {
        form_urlencoded::parse(req.query_string().as_bytes())
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.parse::<usize>().ok())
    };
    let sent = number("sent");
    let skipped = number("skipped").unwrap_or(0);
    page::ok(
        MessagesPage {
            me: Some(&me.0),
            c: &c,
            messages,
            sent,
            skipped,
        }
        .render(),
    )
}

pub async fn send_test(
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    let session = me.require(Role::Editor)?;
    let organizer = session.organizer_id;
    let c = previewable(&state, slug.into_inner()).await?;
    if c.targets.is_empty() {
        return Err(PageError::Conflict(
            "This campaign has no targets yet, so there is no message to test. Add one in the editor.".into(),
        ));
    }
    let (slug, to, domain) = (
        c.slug().to_string(),
        session.email.clone(),
        state.settings.message_id_domain(),
    );
    let _id = c.campaign_id();
    let copies = db::run(&state.pool, move |conn| {
        batches::queue_test_copies(conn, &slug, None, &to, &domain, Actor::Organizer(organizer))
    })
    .await?;
    tracing::info!(campaign_id = %c.campaign_id(), copies = copies.queued, "test copies queued");
    let messages = urls::admin_campaign_part(c.slug(), "preview/messages");
    Ok(page::see_other(&format!(
        "{messages}?sent={}&skipped={}",
        copies.queued, copies.nothing_new
    )))
}
