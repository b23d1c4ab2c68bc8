//! `GET /admin/campaigns/{slug}`: a campaign's dashboard — its counts, goal progress, the
//! signatures per hour over the last two days as an SVG chart with a text table, the top
//! countries, the newest signatures, a summary of deliveries (failed targets as an alert),
//! and the buttons that move it through its life. Every figure comes from a counter or a
//! tally, never from counting signatures.

use super::deliveries::Summary;
use super::guard::Organizer;
use super::page;
use super::signatures::SignatureTable;
use crate::batches::delivery::LogLine;
use crate::campaigns::{self, Campaign, CampaignStatus};
use crate::db;
use crate::db::schema::{campaign_countries, campaign_hourly};
use crate::domain::slug::Slug;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::signatures::list::{self, Listed, Listing};
use crate::web::errors::PageError;
use crate::web::AppState;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{DateTime, Duration, DurationRound, Utc};
use diesel::prelude::*;

/// Hours the chart shows.
const HOURS: i64 = 48;
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
    percent: Option<u8>,
    hours: Vec<Bar>,
    countries: Vec<(String, i64)>,
    recent: SignatureTable<'a>,
    deliveries: Summary,
}

/// One bar of the chart: its hour, count, and geometry in the SVG's 0..480 × 0..100 box.
struct Bar {
    label: String,
    count: i64,
    x: i64,
    y: i64,
    height: i64,
}

struct Figures {
    unconfirmed: i64,
    held: i64,
    hourly: Vec<(DateTime<Utc>, i64)>,
    countries: Vec<(String, i64)>,
    recent: Vec<Listed>,
    log: Vec<LogLine>,
}

fn figures(conn: &mut PgConnection, c: &Campaign, now: DateTime<Utc>) -> anyhow::Result<Figures> {
    let id = c.campaign_id();
    let (unconfirmed, held) = list::waiting_and_held(conn, id)?;
    let since = now.duration_trunc(Duration::hours(1))? - Duration::hours(HOURS - 1);
    let hourly = campaign_hourly::table
        .filter(campaign_hourly::campaign_id.eq(id))
        .filter(campaign_hourly::hour.ge(since))
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
        hourly,
        countries,
        recent,
        log: crate::batches::delivery::log(conn, c.id())?,
    })
}

/// The last [`HOURS`] hours, oldest first, each with its count (0 when none).
fn bars(hourly: &[(DateTime<Utc>, i64)], now: DateTime<Utc>) -> Vec<Bar> {
    let last = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
    let counts: Vec<(DateTime<Utc>, i64)> = (0..HOURS)
        .map(|i| {
            let hour = last - Duration::hours(HOURS - 1 - i);
            let n = hourly
                .iter()
                .find(|(h, _)| *h == hour)
                .map_or(0, |(_, n)| *n);
            (hour, n)
        })
        .collect();
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    counts
        .into_iter()
        .enumerate()
        .map(|(i, (hour, count))| {
            let height = count * 100 / max;
            Bar {
                label: hour.format("%d %b %H:00").to_string(),
                count,
                x: i as i64 * 10,
                y: 100 - height,
                height,
            }
        })
        .collect()
}

/// Loads the campaign behind `slug` fresh from the database (never from the public cache).
pub async fn load(state: &AppState, slug: Slug) -> Result<Campaign, PageError> {
    db::run(&state.pool, move |conn| {
        campaigns::find_by_slug(conn, slug.as_str())
    })
    .await?
    .ok_or(PageError::NotFound {
        title: "Campaign not found",
        message: "There is no campaign at this address.",
    })
}

pub async fn show(
    state: web::Data<AppState>,
    me: Organizer,
    slug: web::Path<Slug>,
) -> Result<HttpResponse, PageError> {
    let c = load(&state, slug.into_inner()).await?;
    let now = Utc::now();
    let c2 = c.clone();
    let f = db::run(&state.pool, move |conn| figures(conn, &c2, now)).await?;
    page::ok(
        DashboardPage {
            recent: SignatureTable::new(&me.0, &c, f.recent, false),
            deliveries: Summary::of(&f.log),
            me: Some(&me.0),
            status: c.status(now),
            percent: c.percent_of_goal(),
            unconfirmed: f.unconfirmed,
            held: f.held,
            hours: bars(&f.hourly, now),
            countries: f.countries,
            c: &c,
        }
        .render(),
    )
}
