//! Steps that are hard to undo ask first, in a page of their own so it works without
//! JavaScript: `GET /admin/campaigns/{slug}/confirm/close|delete` explains and posts to the
//! action. `POST /admin/campaigns/{slug}/delete` deletes a draft without signatures;
//! `POST /admin/campaigns/{slug}/unarchive` brings an archived campaign back. Editors only,
//! each audited.

use super::guard::Organizer;
use super::managed;
use super::page;
use crate::campaigns::removal::{self, Refused};
use crate::campaigns::Campaign;
use crate::db;
use crate::domain::slug::Slug;
use crate::organizers::audit::Actor;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::{urls, AppState};
use actix_web::{web, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/confirm.html")]
struct ConfirmPage<'a> {
    me: Option<&'a Session>,
    c: &'a Campaign,
    heading: String,
    explanation: &'a str,
    action: &'a str,
    button: &'a str,
}

/// `GET /admin/campaigns/{slug}/confirm/{action}`: what closing or deleting will do, and the
/// button that does it.
pub async fn confirm(
    state: web::Data<AppState>,
    me: Organizer,
    path: web::Path<(Slug, String)>,
) -> Result<HttpResponse, PageError> {
    me.require(Role::Editor)?;
    let (slug, action) = path.into_inner();
    let c = managed::load(&state, slug).await?;
    let (heading, explanation, button) = match action.as_str() {
        "close" => (
            format!("Close “{}”?", c.title()),
            "The action page stops taking signatures at once. Signatures confirmed so far are delivered to the targets, and you can reopen the campaign later.",
            "Close the campaign",
        ),
        "delete" => (
            format!("Delete the draft “{}”?", c.title()),
            "The draft, its letter, asks and targets are deleted for good. Only drafts that never took a signature can be deleted.",
            "Delete the draft",
        ),
        _ => return Err(PageError::not_found()),
    };
    page::ok(
        ConfirmPage {
            me: Some(&me.0),
            c: &c,
            heading,
            explanation,
            action: &action,
            button,
        }
        .render(),
    )
}

fn refused(verb: &str, refused: Refused) -> PageError {
    match refused {
        Refused::NotFound(_) => PageError::NotFound {
            title: "Campaign not found",
            message: "There is no campaign at this address.",
        },
        refused => PageError::Conflict(format!("This campaign cannot be {verb}: {refused}.")),
    }
}

/// `POST /admin/campaigns/{slug}/delete`: the draft is gone; back to the list.
pub async fn delete(
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    let organizer = me.require(Role::Editor)?.organizer_id;
    let slug = slug.into_inner();
    let key = slug.clone();
    let outcome = db::run(&state.pool, move |conn| {
        removal::delete_draft(conn, key.as_str(), Actor::Organizer(organizer))
    })
    .await?;
    state.cache.forget(slug.as_str());
    match outcome {
        Ok(_) => Ok(page::see_other(&format!("{}?deleted=draft", urls::ADMIN))),
        Err(r) => Err(refused("deleted", r)),
    }
}

/// `POST /admin/campaigns/{slug}/unarchive`: back in the list, closed (or a draft).
pub async fn unarchive(
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    let organizer = me.require(Role::Editor)?.organizer_id;
    let slug = slug.into_inner();
    let key = slug.clone();
    let outcome = db::run(&state.pool, move |conn| {
        removal::unarchive(conn, key.as_str(), Actor::Organizer(organizer))
    })
    .await?;
    state.cache.forget(slug.as_str());
    match outcome {
        Ok(_) => Ok(page::see_other(&urls::admin_campaign(&slug))),
        Err(r) => Err(refused("unarchived", r)),
    }
}
