//! Fixed-window counters kept in PostgreSQL, so limits hold across any number of instances.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Int4, Text};

#[derive(QueryableByName)]
struct Hits {
    #[diesel(sql_type = Int4)]
    hits: i32,
}

/// Counts one hit on `bucket` in the current hour and returns the hits so far this hour.
pub fn hit_this_hour(conn: &mut PgConnection, bucket: &str) -> anyhow::Result<i32> {
    let row: Hits = diesel::sql_query(
        "INSERT INTO rate_limits (bucket, window_start, hits) \
         VALUES ($1, date_trunc('hour', now()), 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
         RETURNING hits",
    )
    .bind::<Text, _>(bucket)
    .get_result(conn)?;
    Ok(row.hits)
}

/// Drops windows that can no longer matter.
pub fn forget_before(conn: &mut PgConnection, before: DateTime<Utc>) -> anyhow::Result<usize> {
    use crate::db::schema::rate_limits;
    Ok(
        diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(before)))
            .execute(conn)?,
    )
}
