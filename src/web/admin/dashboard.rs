//! `GET /admin/campaigns/{slug}`: a campaign's dashboard — its counts, goal progress, the
//! signatures per hour and per day as SVG charts with text tables ([`super::chart`]), the top
//! countries, the newest signatures, a summary of deliveries (failed targets as an alert),
//! and the buttons that move it through its life. Every figure comes from a counter or a
//! tally, never from counting signatures.

use super::chart::{self, Chart};
use super::deliveries::Summary;
use super::guard::Organizer;
use super::managed::ManagedCampaign;
use super::page;
use super::signatures::SignatureTable;
use crate::campaigns::figures;
use crate::campaigns::{Campaign, CampaignStatus};
use crate::db;
use crate::domain::counting::thousands;
use crate::domain::country::Country;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::signatures::SignatureState;
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;

/// Newest signatures shown.
const RECENT: i64 = 10;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage<'a> {
    me: Option<&'a Session>,
    c: &'a Campaign,
    status: CampaignStatus,
    unconfirmed: i64,
    held: i64,
    mail_capped: i64,
    progress: Option<String>,
    charts: Vec<Chart>,
    /// Country names and their confirmed counts, written out.
    countries: Vec<(String, String)>,
    recent: SignatureTable<'a>,
    deliveries: Summary,
    /// When its signatures are anonymised, or why not.
    retention: String,
    /// Surges `deliver` flagged in the last week.
    flags: Vec<crate::signatures::surges::Flag>,
}

pub async fn show(
    state: web::Data<AppState>,
    me: Organizer,
    ManagedCampaign(c): ManagedCampaign,
) -> Result<HttpResponse, PageError> {
    let now = Utc::now();
    let c2 = c.clone();
    let (f, flags) = db::run(&state.pool, move |conn| {
        let f = figures::figures(conn, &c2, chart::since(now), RECENT)?;
        let flags = crate::signatures::surges::of(conn, c2.id(), now)?;
        anyhow::Ok((f, flags))
    })
    .await?;
    page::ok(
        DashboardPage {
            recent: SignatureTable::new(&me.0, &c, f.recent, false),
            deliveries: Summary::of(&f.log),
            flags,
            retention: crate::signatures::retention::plan(
                c.row.closed_at,
                c.row.retention_hold,
                c.row.anonymised_at,
                state.settings.retention_days,
            ),
            me: Some(&me.0),
            status: c.status(now),
            progress: c.goal_progress(),
            unconfirmed: f.unconfirmed,
            held: f.held,
            mail_capped: f.mail_capped,
            charts: chart::charts(&f.hourly, now),
            countries: f
                .countries
                .into_iter()
                .map(|(code, n)| {
                    let name = Country::name_of(&code).map(str::to_string);
                    (name.unwrap_or(code), thousands(n))
                })
                .collect(),
            c: &c,
        }
        .render(),
    )
}
