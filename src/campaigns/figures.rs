//! What a campaign's dashboard shows, read in one go: the signatures waiting for confirmation
//! or held, the confirmations the inbox cap kept back, the hourly counts, the top countries,
//! the newest signatures and the delivery log. Every figure comes from a counter or a tally
//! (or one page of rows), never from counting signatures.

use super::Campaign;
use crate::batches::delivery::LogLine;
use crate::db::schema::{campaign_countries, campaign_hourly};
use crate::signatures::list::{self, Listed, Listing};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// The most countries listed.
const TOP_COUNTRIES: i64 = 10;

pub struct Figures {
    pub unconfirmed: i64,
    pub held: i64,
    pub mail_capped: i64,
    /// Confirmed signatures per hour since the time asked for.
    pub hourly: Vec<(DateTime<Utc>, i64)>,
    /// Country codes with their confirmed counts, most first.
    pub countries: Vec<(String, i64)>,
    pub recent: Vec<Listed>,
    pub log: Vec<LogLine>,
}

/// The figures of `c`, with hourly counts from `since` and its `recent` newest signatures.
pub fn figures(
    conn: &mut PgConnection,
    c: &Campaign,
    since: DateTime<Utc>,
    recent: i64,
) -> anyhow::Result<Figures> {
    let id = c.campaign_id();
    let (unconfirmed, held) = list::waiting_and_held(conn, id)?;
    let hourly = campaign_hourly::table
        .filter(campaign_hourly::campaign_id.eq(id))
        .filter(campaign_hourly::hour.ge(since))
        .select((campaign_hourly::hour, campaign_hourly::signatures))
        .load(conn)?;
    let countries = campaign_countries::table
        .filter(campaign_countries::campaign_id.eq(id))
        .order(campaign_countries::signatures.desc())
        .limit(TOP_COUNTRIES)
        .select((campaign_countries::country, campaign_countries::signatures))
        .load(conn)?;
    Ok(Figures {
        unconfirmed,
        held,
        mail_capped: list::mail_capped(conn, id)?,
        hourly,
        countries,
        recent: list::page(conn, id, &Listing::All, None, recent)?.rows,
        log: crate::batches::delivery::log(conn, c.id())?,
    })
}
