//! Fixed-window counters kept in PostgreSQL, so limits hold across any number of instances.

use chrono::{DateTime, DurationRound, Utc};
use diesel::prelude::*;

/// How long one counting window lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Hour,
    /// A calendar day in UTC.
    Day,
}

/// Counts one hit on `bucket` in the current hour and returns the hits so far this hour.
pub fn hit_this_hour(conn: &mut PgConnection, bucket: &str) -> anyhow::Result<i32> {
    hit(conn, bucket, Window::Hour)
}

/// Counts one hit on `bucket` in the current `window` and returns the hits so far in it.
/// Written with the query builder so PostgreSQL gets a cached prepared statement: this runs
/// once per signature.
pub fn hit(conn: &mut PgConnection, bucket: &str, window: Window) -> anyhow::Result<i32> {
    let [hits] = hit_each(conn, [bucket], window)?;
    Ok(hits)
}

/// Counts one hit on each of `buckets` in the current `window`, in one statement, and returns
/// the hits so far of each, in the order given. The buckets must differ from each other.
pub fn hit_each<const N: usize>(
    conn: &mut PgConnection,
    buckets: [&str; N],
    window: Window,
) -> anyhow::Result<[i32; N]> {
    use crate::db::schema::rate_limits;
    let window = window_start(window)?;
    let counted: Vec<(String, i32)> = diesel::insert_into(rate_limits::table)
        .values(buckets.map(|bucket| {
            (
                rate_limits::bucket.eq(bucket),
                rate_limits::window_start.eq(window),
                rate_limits::hits.eq(1),
            )
        }))
        .on_conflict((rate_limits::bucket, rate_limits::window_start))
        .do_update()
        .set(rate_limits::hits.eq(rate_limits::hits + 1))
        .returning((rate_limits::bucket, rate_limits::hits))
        .get_results(conn)?;
    let mut hits = [0; N];
    for (slot, bucket) in hits.iter_mut().zip(buckets) {
        *slot = counted
            .iter()
            .find(|(b, _)| b == bucket)
            .map(|(_, h)| *h)
            .ok_or_else(|| anyhow::anyhow!("a rate-limit bucket was not counted"))?;
    }
    Ok(hits)
}

/// Counts one hit on `bucket` in the current `window` only while it has fewer than `limit`
/// (or whatever it has, when `regardless`), atomically: concurrent callers never pass the
/// limit together. Returns the hits after this one, or `None` when the hit was not counted.
pub fn hit_below(
    conn: &mut PgConnection,
    bucket: &str,
    window: Window,
    limit: i32,
    regardless: bool,
) -> anyhow::Result<Option<i32>> {
    #[derive(QueryableByName)]
    struct Hits {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        hits: i32,
    }
    let start = window_start(window)?;
    let counted: Option<Hits> = diesel::sql_query(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
         WHERE rate_limits.hits < $3 OR $4 \
         RETURNING hits",
    )
    .bind::<diesel::sql_types::Text, _>(bucket)
    .bind::<diesel::sql_types::Timestamptz, _>(start)
    .bind::<diesel::sql_types::Integer, _>(limit)
    .bind::<diesel::sql_types::Bool, _>(regardless)
    .get_result(conn)
    .optional()?;
    Ok(counted.map(|c| c.hits))
}

fn window_start(window: Window) -> anyhow::Result<DateTime<Utc>> {
    let length = match window {
        Window::Hour => chrono::Duration::hours(1),
        Window::Day => chrono::Duration::days(1),
    };
    Ok(Utc::now().duration_trunc(length)?)
}

/// Drops windows that can no longer matter.
pub fn forget_before(conn: &mut PgConnection, before: DateTime<Utc>) -> anyhow::Result<usize> {
    use crate::db::schema::rate_limits;
    Ok(
        diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(before)))
            .execute(conn)?,
    )
}
