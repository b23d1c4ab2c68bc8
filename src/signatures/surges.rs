//! Surges: `deliver` (and the `serve` worker) flag, per campaign, any IP hash or e-mail
//! domain behind more signatures in one clock hour than the installation's limit
//! (`UNDERSIGN_FLAG_HOURLY`, default 100), over the last day; the dashboard shows them on top,
//! for a person to look at the held list. Flags only inform: nothing is held or dropped here.

use crate::db::schema::campaign_flags;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// Signatures in one hour from one IP hash or domain above which it is flagged.
pub const DEFAULT_HOURLY: u32 = crate::config::DEFAULT_FLAG_HOURLY;

/// One flag, as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Flag {
    pub what: String,
    pub value: String,
    pub hour: DateTime<Utc>,
    pub signatures: i32,
}

/// Records the surges of the last day at `now`; returns how many flags stand.
pub fn run(conn: &mut PgConnection, now: DateTime<Utc>, hourly: u32) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO campaign_flags (campaign_id, what, value, hour, signatures) \
         SELECT campaign_id, what, value, hour, n FROM ( \
             SELECT s.campaign_id, 'ip' AS what, s.ip_hash AS value, \
                    date_trunc('hour', s.created_at) AS hour, count(*)::int AS n \
             FROM signatures s \
             WHERE s.created_at > $1 - interval '1 day' AND s.ip_hash IS NOT NULL \
             GROUP BY 1, 2, 3, 4 \
             UNION ALL \
             SELECT s.campaign_id, 'domain', split_part(p.email_canonical, '@', 2), \
                    date_trunc('hour', s.created_at), count(*)::int \
             FROM signatures s JOIN supporters p ON p.id = s.supporter_id \
             WHERE s.created_at > $1 - interval '1 day' \
             GROUP BY 1, 2, 3, 4) counted \
         WHERE n > $2 \
         ON CONFLICT (campaign_id, what, value, hour) DO UPDATE SET signatures = excluded.signatures",
    )
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<diesel::sql_types::Int4, _>(hourly as i32)
    .execute(conn)
}

/// The flags of `campaign` from the last week, newest first.
pub fn of(conn: &mut PgConnection, campaign: Uuid, now: DateTime<Utc>) -> QueryResult<Vec<Flag>> {
    campaign_flags::table
        .filter(campaign_flags::campaign_id.eq(campaign))
        .filter(campaign_flags::hour.gt(now - chrono::Duration::days(7)))
        .order((
            campaign_flags::hour.desc(),
            campaign_flags::signatures.desc(),
        ))
        .select((
            campaign_flags::what,
            campaign_flags::value,
            campaign_flags::hour,
            campaign_flags::signatures,
        ))
        .limit(20)
        .load(conn)
}
