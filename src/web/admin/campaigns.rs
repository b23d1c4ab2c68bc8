//! `GET /admin`: every campaign that is not archived, with its status and count.

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
}

pub async fn list(state: web::Data<AppState>, me: Organizer) -> Result<HttpResponse, PageError> {
    let all = db::run(&state.pool, |conn| campaigns::list(conn, None)).await?;
    let shown: Vec<Campaign> = all
        .into_iter()
        .filter(|c| c.row.status != CampaignStatus::Archived)
        .collect();
    page::ok(
        ListPage {
            me: Some(&me.0),
            campaigns: &shown,
        }
        .render(),
    )
}
