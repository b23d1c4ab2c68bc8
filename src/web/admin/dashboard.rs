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
use crate::batches::delivery::LogLine;
use crate::campaigns::{Campaign, CampaignStatus};
use crate::db;
use crate::db::schema::{campaign_countries, campaign_hourly};
use crate::domain::counting::thousands;
use crate::domain::country::Country;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::signatures::list::{self, Listed, Listing};
use crate::signatures::SignatureState;
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

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
}

struct Figures {
    unconfirmed: i64,
    held: i64,
    mail_capped: i64,
    hourly: Vec<(DateTime<Utc>, i64)>,
    countries: Vec<(String, i64)>,
    recent: Vec<Listed>,
    log: Vec<LogLine>,
}

fn figures(conn: &mut PgConnection, c: &Campaign, now: DateTime<Utc>) -> anyhow::Result<Figures> {
    let id = c.campaign_id();
    let (unconfirmed, held) = list::waiting_and_held(conn, id)?;
    let hourly = campaign_hourly::table
        .filter(campaign_hourly::campaign_id.eq(id))
        .filter(campaign_hourly::hour.ge(chart::since(now)))
        .select((campaign_hourly::hour, campaign_hourly::signatures))
        .load(conn)?;
    let countries = campaign_countries::table
        .filter(campaign_countries::campaign_id.eq(id))
        .order(campaign_countries::signatures.desc())
        .limit(10)
        .select((campaign_countries::country, campaign_countries::signatures))
        .load(conn)?;
    let recent = list::page(conn, id, &Listing::All, None, RECENT)?.rows;
    Ok(Figures {
        unconfirmed,
        held,
        mail_capped: list::mail_capped(conn, id)?,
        hourly,
        countries,
        recent,
        log: crate::batches::delivery::log(conn, c.id())?,
    })
}

pub async fn show(
    state: web::Data<AppState>,
    me: Organizer,
    ManagedCampaign(c): ManagedCampaign,
) -> Result<HttpResponse, PageError> {
    let now = Utc::now();
    let c2 = c.clone();
    let f = db::run(&state.pool, move |conn| figures(conn, &c2, now)).await?;
    page::ok(
        DashboardPage {
            recent: SignatureTable::new(&me.0, &c, f.recent, false),
            deliveries: Summary::of(&f.log),
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
