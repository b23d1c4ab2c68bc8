//! `GET|POST /admin/campaigns/{slug}/edit`: every part of a campaign beside the letter as it
//! was pasted. A form that needs fixing comes back (422) with the values as sent and a
//! message at each field; a saved one forgets the cached copies and answers 303. Live
//! campaigns can be edited (a target added mid-campaign); archived ones cannot (409).

use super::edit_form::{next_delivery, Checked, EditForm};
use super::form::Fields;
use super::guard::Organizer;
use super::managed;
use super::page;
use super::problems::Problems;
use crate::campaigns::edit::{self, EditError};
use crate::campaigns::{Campaign, CampaignStatus};
use crate::db;
use crate::db::schema::campaigns;
use crate::domain::slug::Slug;
use crate::organizers::audit::Actor;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::{urls, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;
use diesel::prelude::*;

#[derive(Template)]
#[template(path = "admin/edit.html")]
struct EditPage<'a> {
    me: Option<&'a Session>,
    c: &'a Campaign,
    form: &'a EditForm,
    problems: &'a Problems,
    original: &'a str,
    /// The letter as it now reads, from its saved parts.
    current: String,
    next_delivery: String,
    saved: bool,
}

impl EditPage<'_> {
    fn error(&self, field: &str) -> Option<&str> {
        self.problems.get(field)
    }

    /// The message for part `part` of ask row `n`.
    fn ask_error(&self, n: &usize, part: &str) -> Option<&str> {
        self.problems.get(&format!("ask-{n}-{part}"))
    }

    /// The message for part `part` of target row `n`.
    fn target_error(&self, n: &usize, part: &str) -> Option<&str> {
        self.problems.get(&format!("target-{n}-{part}"))
    }
}

/// The campaign behind `slug` for an editor, refusing an archived one.
async fn editable(state: &AppState, slug: Slug) -> Result<(Campaign, String), PageError> {
    let c = managed::load(state, slug).await?;
    if c.row.status == CampaignStatus::Archived {
        return Err(archived());
    }
    let id = c.campaign_id();
    let original = db::run(&state.pool, move |conn| {
        anyhow::Ok(
            campaigns::table
                .find(id)
                .select(campaigns::source_text)
                .first::<String>(conn)?,
        )
    })
    .await?;
    Ok((c, original))
}

fn archived() -> PageError {
    PageError::Conflict("This campaign is archived, so it can no longer be changed.".to_string())
}

fn render(
    status: StatusCode,
    me: &Session,
    c: &Campaign,
    form: &EditForm,
    problems: &Problems,
    original: &str,
    saved: bool,
) -> HttpResponse {
    page::html(
        status,
        EditPage {
            me: Some(me),
            c,
            next_delivery: next_delivery(&form.delivery, Utc::now()),
            form,
            problems,
            original,
            current: crate::campaigns::letter::render_letter(c)
                .map(|l| l.text)
                .unwrap_or_default(),
            saved,
        }
        .render(),
    )
}

pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    let session = me.require(Role::Editor)?;
    let (c, original) = editable(&state, slug.into_inner()).await?;
    let saved = req.query_string() == "saved";
    let form = EditForm::of(&c);
    Ok(render(
        StatusCode::OK,
        session,
        &c,
        &form,
        &Problems::default(),
        &original,
        saved,
    ))
}

pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let session = me.require(Role::Editor)?;
    let (c, original) = editable(&state, slug.into_inner()).await?;
    let form = EditForm::read(&Fields::from_request(&req, &body));
    let problems = match form.check(Utc::now(), c.row.closes_at) {
        Err(problems) => problems,
        Ok(checked) => match store(&state, session, &c, checked, &form).await? {
            Ok(edit) => return Ok(page::see_other(&format!("{edit}?saved"))),
            Err(problems) => problems,
        },
    };
    // Saved elsewhere meanwhile: the form keeps the organizer's values and now carries the
    // current revision, so saving again is a deliberate choice to replace the other changes.
    let (status, form) = if problems.get("revision").is_some() {
        let current = EditForm {
            revision: c.row.revision.to_string(),
            ..form
        };
        (StatusCode::CONFLICT, current)
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, form)
    };
    Ok(render(
        status,
        session,
        &c,
        &form.with_blank_rows(),
        &problems,
        &original,
        false,
    ))
}

/// Stores `checked` with its audit record and forgets the cached copies: the editor's new
/// address, or the messages for the fields the database refused.
async fn store(
    state: &AppState,
    session: &Session,
    c: &Campaign,
    checked: Checked,
    form: &EditForm,
) -> Result<Result<String, Problems>, PageError> {
    let (id, organizer) = (c.campaign_id(), session.organizer_id);
    let new_slug = checked.changes.slug.clone();
    // The service's own error comes back as it is, "no connection" included.
    let outcome = db::run(&state.pool, move |conn| {
        edit::update(
            conn,
            id,
            checked.revision,
            &checked.changes,
            &checked.asks,
            &checked.targets,
            Actor::Organizer(organizer),
        )
        .map(|edited| edited.old_slug)
    })
    .await;
    let mut problems = Problems::default();
    match outcome {
        Ok(old) => {
            state.cache.forget(&old);
            state.cache.forget(&new_slug);
            return Ok(Ok(urls::admin_campaign_part(&new_slug, "edit")));
        }
        Err(EditError::Archived) => return Err(archived()),
        Err(EditError::NotFound) => return Err(PageError::not_found()),
        Err(EditError::Storage(e)) => return Err(PageError::Unavailable(e.into())),
        Err(EditError::Unavailable(e)) => return Err(PageError::Unavailable(e.into())),
        Err(e @ EditError::SlugTaken) => problems.add("slug", e.to_string()),
        Err(e @ EditError::Changed) => problems.add("revision", e.to_string()),
        Err(e @ EditError::TargetDelivered { id, .. }) => {
            let id = id.to_string();
            let row = form.targets.iter().find(|t| t.id == id).map_or(1, |t| t.n);
            problems.add(format!("target-{row}-remove"), e.to_string());
        }
    }
    Ok(Err(problems))
}
