//! The installation-wide sending rate (`UNDERSIGN_MAIL_RATE`, messages per second): a token
//! bucket in one database row that every drain of every process draws from before it claims,
//! refilled by the time that passed (the database's clock, so machines need not agree), and
//! holding at most one second's worth. A drain takes what it may send, claims at most that,
//! and gives back what it could not use.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double};

/// Takes up to `wanted` tokens at `rate` per second; returns how many were granted.
pub fn take(conn: &mut PgConnection, rate: f64, wanted: i64) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Granted {
        #[diesel(sql_type = BigInt)]
        granted: i64,
    }
    let granted: Granted = diesel::sql_query(
        "WITH now AS ( \
             SELECT least($1, tokens + $1 * extract(epoch FROM clock_timestamp() - refilled_at)) AS available \
             FROM mail_rate FOR UPDATE) \
         UPDATE mail_rate SET tokens = now.available - least(floor(now.available), $2), \
                              refilled_at = clock_timestamp() \
         FROM now RETURNING least(floor(now.available), $2)::bigint AS granted",
    )
    .bind::<Double, _>(rate)
    .bind::<BigInt, _>(wanted.max(0))
    .get_result(conn)?;
    Ok(granted.granted)
}

/// Returns `unused` tokens taken by [`take`] and not sent with.
pub fn give_back(conn: &mut PgConnection, rate: f64, unused: i64) -> QueryResult<()> {
    if unused > 0 {
        diesel::sql_query("UPDATE mail_rate SET tokens = least($1, tokens + $2)")
            .bind::<Double, _>(rate)
            .bind::<Double, _>(unused as f64)
            .execute(conn)?;
    }
    Ok(())
}

/// How long to wait for the next token at `rate`.
pub fn next_token_in(rate: f64) -> std::time::Duration {
    std::time::Duration::from_secs_f64((1.0 / rate).clamp(0.02, 1.0))
}
