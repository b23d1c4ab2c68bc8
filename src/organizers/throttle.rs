//! Sign-in throttling kept in PostgreSQL, per account and per client address, so it holds
//! across instances. After a few failures each further one doubles the wait, up to a cap:
//! an attacker is slowed down, and a known organizer is never locked out for long. The key is
//! derived from the address typed, whether or not an account has it, so the answers reveal
//! nothing about which accounts exist.

use crate::db::schema::login_failures;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

/// Failures allowed before waits begin.
pub const FREE_FAILURES: i32 = 5;
/// Failures older than this are forgotten.
pub const WINDOW: Duration = Duration::minutes(15);
/// The longest wait after any number of failures.
pub const MAX_WAIT: Duration = Duration::minutes(15);
const FIRST_WAIT_SECONDS: i64 = 2;

/// Seconds to wait before `keys` may try again, or `None` when they may try now.
pub fn blocked_for(
    conn: &mut PgConnection,
    keys: &[String],
    now: DateTime<Utc>,
) -> QueryResult<Option<u64>> {
    let until: Option<DateTime<Utc>> = login_failures::table
        .filter(login_failures::key.eq_any(keys))
        .filter(login_failures::blocked_until.gt(now))
        .select(diesel::dsl::max(login_failures::blocked_until))
        .first(conn)?;
    Ok(until.map(|u| (u - now).num_seconds().max(1) as u64))
}

/// Counts one failure on each key and sets its wait.
pub fn record_failure(
    conn: &mut PgConnection,
    keys: &[String],
    now: DateTime<Utc>,
) -> QueryResult<()> {
    for key in keys {
        let failures: i32 = diesel::insert_into(login_failures::table)
            .values((
                login_failures::key.eq(key),
                login_failures::failures.eq(1),
                login_failures::last_failed_at.eq(now),
            ))
            .on_conflict(login_failures::key)
            .do_update()
            .set((
                login_failures::failures.eq(diesel::dsl::sql::<diesel::sql_types::Integer>(
                    "CASE WHEN login_failures.last_failed_at < now() - interval '15 minutes' \
                     THEN 1 ELSE login_failures.failures + 1 END",
                )),
                login_failures::last_failed_at.eq(now),
            ))
            .returning(login_failures::failures)
            .get_result(conn)?;
        if let Some(wait) = wait_after(failures) {
            diesel::update(login_failures::table.find(key))
                .set(login_failures::blocked_until.eq(now + wait))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Forgets the failures on `keys` after a successful sign-in.
pub fn clear(conn: &mut PgConnection, keys: &[String]) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::key.eq_any(keys))).execute(conn)
}

/// The wait after `failures` failures in the window: none for the first few, then doubling.
pub fn wait_after(failures: i32) -> Option<Duration> {
    let over = failures - FREE_FAILURES;
    if over < 0 {
        return None;
    }
    let seconds = FIRST_WAIT_SECONDS.saturating_mul(1i64 << over.min(20));
    Some(Duration::seconds(seconds).min(MAX_WAIT))
}

/// Old rows, no longer of any use.
pub fn forget_before(conn: &mut PgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::last_failed_at.lt(before)))
        .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_a_few_failures_double_and_stop_growing() {
        assert_eq!(wait_after(1), None);
        assert_eq!(wait_after(FREE_FAILURES - 1), None);
        assert_eq!(wait_after(FREE_FAILURES), Some(Duration::seconds(2)));
        assert_eq!(wait_after(FREE_FAILURES + 1), Some(Duration::seconds(4)));
        assert_eq!(wait_after(1000), Some(MAX_WAIT));
    }
}
