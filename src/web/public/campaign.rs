//! The pages about campaigns: the list of live ones, the action page (which also re-renders
//! the sign form with its messages), and the thank-you page.

use super::form::{FieldErrors, SignForm};
use super::share::Share;
use super::trust::Trust;
use crate::campaigns::letter::render_letter;
use crate::campaigns::{self, Campaign, CampaignStatus};
use crate::db;
use crate::domain::country::Country;
use crate::domain::letter::SafeHtml;
use crate::domain::slug::Slug;
use crate::web::errors::{html, PageError};
use crate::web::{urls, AppState};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "public/index.html")]
struct IndexPage<'a> {
    campaigns: &'a [Campaign],
}

#[derive(Template)]
#[template(path = "public/campaign.html")]
struct CampaignPage<'a> {
    c: &'a Campaign,
    status: CampaignStatus,
    form: &'a SignForm,
    errors: &'a FieldErrors,
    countries: &'static [(&'static str, &'static str)],
    share: Share,
    description: String,
    trust: Trust,
    letter: SafeHtml,
    /// Set when an organizer previews the page from the admin.
    banner: Option<&'a PreviewBanner>,
    /// The `?source=` the supporter arrived with (an alert's button), kept by the form.
    source: Option<String>,
}

/// What the preview banner above an organizer's preview of the action page says.
pub struct PreviewBanner {
    /// One sentence on what the preview shows.
    pub note: String,
    /// The campaign's editor.
    pub edit: String,
    /// The preview of the targets' next messages.
    pub messages: String,
}

impl CampaignPage<'_> {
    /// The message for `field`, if it needs fixing.
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    /// Whether `code` is the country the supporter chose.
    fn selected(&self, code: &str) -> bool {
        self.form.country.trim().eq_ignore_ascii_case(code)
    }
}

#[derive(Template)]
#[template(path = "public/thanks.html")]
struct ThanksPage<'a> {
    c: &'a Campaign,
    share: Share,
    trust: Trust,
}

pub async fn index(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let list = db::run(&state.pool, campaigns::list_live).await?;
    Ok(html(
        StatusCode::OK,
        IndexPage { campaigns: &list }.render(),
    ))
}

/// Loads the campaign behind `slug` with its current count, answering 404 for unknown ones.
/// The campaign itself may come from the cache; the count is always read fresh.
pub async fn load(state: &AppState, slug: Slug) -> Result<Campaign, PageError> {
    let (c, fresh) = load_cached(state, slug).await?;
    if fresh {
        return Ok((*c).clone());
    }
    let id = c.id();
    let signatures = db::run(&state.pool, move |conn| {
        campaigns::signature_count(conn, id)
    })
    .await?;
    Ok(Campaign {
        signatures,
        ..(*c).clone()
    })
}

/// Loads the campaign behind `slug`, from the cache when it is there (its count then may be
/// a second or two old). Says whether it was read just now. A draft is 404 to the public.
pub async fn load_cached(state: &AppState, slug: Slug) -> Result<(Arc<Campaign>, bool), PageError> {
    let (c, fresh) = find_cached(state, slug).await?;
    if c.status(Utc::now()) == CampaignStatus::Draft {
        return Err(missing());
    }
    Ok((c, fresh))
}

/// [`load_cached`] for any status, drafts included.
async fn find_cached(state: &AppState, slug: Slug) -> Result<(Arc<Campaign>, bool), PageError> {
    if let Some(cached) = state.cache.campaigns.get(slug.as_str()) {
        return Ok((cached, false));
    }
    let found = db::run(&state.pool, move |conn| {
        campaigns::find_by_slug(conn, slug.as_str())
    })
    .await?;
    let c = Arc::new(found.ok_or_else(missing)?);
    state.cache.campaigns.put(c.slug().to_string(), c.clone());
    Ok((c, true))
}

pub(super) fn missing() -> PageError {
    PageError::NotFound {
        title: "Action not found",
        message: "There is no action at this address. It may have been mistyped, or the organizers may have removed it.",
    }
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    if let Some(token) = preview_token(&req) {
        if let Some(response) = preview(&state, &slug, &token).await? {
            return Ok(response);
        }
    }
    if let Some(source) = source_of(req.query_string()) {
        // Arrived through a tagged link: the form carries the tag, so the page is its own.
        let c = load(&state, slug).await?;
        let (form, errors) = (SignForm::default(), FieldErrors::new());
        return Ok(render_from(
            &state,
            &c,
            &form,
            &errors,
            StatusCode::OK,
            Some(source),
        ));
    }
    if let Some(body) = state.cache.pages.get(slug.as_str()) {
        return Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(body));
    }
    let c = load(&state, slug).await?;
    let page = page(&state, &c, &SignForm::default(), &FieldErrors::new()).and_then(|p| p.render());
    if let Ok(body) = &page {
        state
            .cache
            .pages
            .put(c.slug().to_string(), Bytes::from(body.clone()));
    }
    Ok(html(StatusCode::OK, page))
}

/// The `source` query parameter, when it is a tag such as an alert's `a-4f2c9d01e3`
/// (lower-case letters, digits and hyphens, at most 40); anything else is ignored.
pub fn source_of(query: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "source")
        .map(|(_, value)| value.into_owned())
        .filter(|v| {
            (1..=40).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// The `preview` query parameter, if any.
fn preview_token(req: &HttpRequest) -> Option<String> {
    form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(name, _)| name == "preview")
        .map(|(_, token)| token.into_owned())
}

/// The action page of any campaign, drafts included, for whoever holds its preview link;
/// never cached, never indexed. `None` when the token is wrong: the caller then answers as
/// to the public.
async fn preview(
    state: &AppState,
    slug: &Slug,
    token: &str,
) -> Result<Option<HttpResponse>, PageError> {
    let (c, _) = find_cached(state, slug.clone()).await?;
    if !crate::tokens::is_preview_token(state.settings.secret_key.bytes(), c.id(), token) {
        return Ok(None);
    }
    let no_errors = FieldErrors::new();
    let mut response = render(state, &c, &SignForm::default(), &no_errors, StatusCode::OK);
    response.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static("x-robots-tag"),
        actix_web::http::header::HeaderValue::from_static("noindex"),
    );
    Ok(Some(crate::web::headers::no_store(response)))
}

/// The action page with `form` and its `errors`, at `status`.
pub fn render(
    state: &AppState,
    c: &Campaign,
    form: &SignForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> HttpResponse {
    render_from(state, c, form, errors, status, None)
}

/// [`render`] for a supporter who arrived with `source`, which the form keeps.
pub fn render_from(
    state: &AppState,
    c: &Campaign,
    form: &SignForm,
    errors: &FieldErrors,
    status: StatusCode,
    source: Option<String>,
) -> HttpResponse {
    html(
        status,
        page(state, c, form, errors).and_then(|p| CampaignPage { source, ..p }.render()),
    )
}

fn page<'a>(
    state: &AppState,
    c: &'a Campaign,
    form: &'a SignForm,
    errors: &'a FieldErrors,
) -> Result<CampaignPage<'a>, askama::Error> {
    let description = c
        .row
        .intro
        .clone()
        .or_else(|| {
            c.asks_text(crate::domain::letter::Links::AsWritten)
                .into_iter()
                .next()
        })
        .or_else(|| c.row.subject.clone())
        .unwrap_or_default();
    Ok(CampaignPage {
        c,
        status: c.status(Utc::now()),
        form,
        errors,
        countries: Country::all(),
        share: Share::new(&state.settings.base_url, c.slug(), &c.row.title),
        description: truncate(&description, 200),
        trust: Trust::of(c, &state.settings),
        letter: render_letter(c)?.html,
        banner: None,
        source: None,
    })
}

/// The action page exactly as supporters see it, under `banner`, with `status` as it is
/// shown (a draft is previewed as it will look once launched).
pub fn preview_page(
    state: &AppState,
    c: &Campaign,
    status: CampaignStatus,
    banner: &PreviewBanner,
) -> Result<String, askama::Error> {
    let (form, errors) = (SignForm::default(), FieldErrors::new());
    let mut page = page(state, c, &form, &errors)?;
    page.status = status;
    page.banner = Some(banner);
    page.render()
}

/// `GET /c/{slug}/sign`: the address of a re-shown form, reloaded or shared; the form lives
/// on the action page.
pub async fn to_form(slug: web::Path<Slug>) -> Result<HttpResponse, PageError> {
    let form = format!("{}#sign", urls::campaign(slug.into_inner()));
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, form))
        .finish())
}

pub async fn thanks(
    state: web::Data<AppState>,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    let c = load(&state, slug.into_inner()).await?;
    Ok(html(
        StatusCode::OK,
        ThanksPage {
            share: Share::new(&state.settings.base_url, c.slug(), &c.row.title),
            trust: Trust::of(&c, &state.settings),
            c: &c,
        }
        .render(),
    ))
}

fn truncate(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}
