//! `GET /admin`: every campaign that is not archived, with its status and count;
//! `GET /admin?archived=yes`: the archived ones, which can be brought back from their
//! dashboards.

use super::guard::Organizer;
use super::page;
use crate::campaigns::{self, Campaign, CampaignStatus};
use crate::db;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::{web, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/campaigns.html")]
struct ListPage<'a> {
    me: Option<&'a Session>,
    campaigns: &'a [Campaign],
    /// Listing the archived campaigns rather than the others.
    archived: bool,
    /// How many campaigns the other listing holds.
    others: usize,
    /// Set after a draft was deleted.
    deleted: bool,
}

/// The query string: which campaigns, and what the last action did.
#[derive(Debug, serde::Deserialize)]
pub struct Params {
    #[serde(default)]
    archived: String,
    #[serde(default)]
    deleted: String,
}

pub async fn list(
    state: web::Data<AppState>,
    me: Organizer,
    params: web::Query<Params>,
) -> Result<HttpResponse, PageError> {
    let archived = params.archived == "yes";
    let all = db::run(&state.pool, |conn| campaigns::list(conn, None)).await?;
    let (shown, others): (Vec<Campaign>, Vec<Campaign>) = all
        .into_iter()
        .partition(|c| (c.row.status == CampaignStatus::Archived) == archived);
    page::ok(
        ListPage {
            me: Some(&me.0),
            campaigns: &shown,
            archived,
            others: others.len(),
            deleted: params.deleted == "draft",
        }
        .render(),
    )
}
