//! `POST /admin/campaigns/{slug}/launch|close|reopen|archive`: editors move a campaign
//! through its life. Pressing twice (a double click, two tabs) changes it once; a move the
//! state no longer allows answers 409 with the reason.

use super::guard::Organizer;
use super::page;
use crate::campaigns::lifecycle::{self, Move, Refused};
use crate::db;
use crate::domain::slug::Slug;
use crate::organizers::audit::Actor;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::{urls, AppState};
use actix_web::{web, HttpResponse};

async fn apply(
    state: &AppState,
    me: &Organizer,
    slug: Slug,
    wanted: Move,
) -> Result<HttpResponse, PageError> {
    let organizer = me.require(Role::Editor)?.organizer_id;
    let key = slug.clone();
    let outcome = db::run(&state.pool, move |conn| {
        lifecycle::apply(conn, key.as_str(), wanted, Actor::Organizer(organizer))
    })
    .await?;
    state.cache.forget(slug.as_str());
    match outcome {
        Ok(_) => Ok(page::see_other(&urls::admin_campaign(&slug))),
        Err(Refused::NotFound(_)) => Err(PageError::NotFound {
            title: "Campaign not found",
            message: "There is no campaign at this address.",
        }),
        Err(Refused::NoTargets) => Err(PageError::Conflict(
            "This campaign cannot be launched yet: it has no target with an e-mail address, so \
             its signatures could never be delivered. Add a target with their e-mail address in \
             the campaign's editor, then launch it."
                .into(),
        )),
        Err(refused) => Err(PageError::Conflict(format!(
            "This campaign cannot be {}: {refused}.",
            match wanted {
                Move::Launch => "launched",
                Move::Close => "closed",
                Move::Reopen => "reopened",
                Move::Archive => "archived",
            }
        ))),
    }
}

pub async fn launch(
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    apply(&state, &me, slug.into_inner(), Move::Launch).await
}

pub async fn close(
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    apply(&state, &me, slug.into_inner(), Move::Close).await
}

pub async fn reopen(
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    apply(&state, &me, slug.into_inner(), Move::Reopen).await
}

pub async fn archive(
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    apply(&state, &me, slug.into_inner(), Move::Archive).await
}
