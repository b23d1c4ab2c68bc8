//! "Forgot your password?": a link e-mailed to an organizer's address that sets a new
//! password. It works once, for an hour; only its hash is stored; asking for a new one makes
//! the earlier ones stop working, and using one ends every session of the account.

use crate::db::schema::{organizer_password_resets as resets, organizer_sessions};
use crate::db::types::OrganizerId;
use crate::organizers::audit::{self, Action, Actor};
use crate::tokens;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

pub const VALID_FOR: Duration = Duration::hours(1);

/// Reset links e-mailed to one account per hour, and asked for from one network: beyond
/// them the answer is the same but nothing is sent (the account) or the asker waits (the
/// network).
pub const MAILS_PER_ACCOUNT_PER_HOUR: i32 = 3;
pub const REQUESTS_PER_NETWORK_PER_HOUR: i32 = 20;

/// Not used and not expired at `now`.
#[diesel::dsl::auto_type]
fn open(now: DateTime<Utc>) -> _ {
    resets::used_at.is_null().and(resets::expires_at.gt(now))
}

/// A new reset link's secret for `organizer`; earlier open links stop working.
pub fn issue(conn: &mut PgConnection, organizer: OrganizerId) -> QueryResult<String> {
    conn.transaction(|conn| {
        let now = Utc::now();
        diesel::update(
            resets::table
                .filter(resets::organizer_id.eq(organizer))
                .filter(open(now)),
        )
        .set(resets::used_at.eq(now))
        .execute(conn)?;
        let (token, hash) = tokens::generate();
        diesel::insert_into(resets::table)
            .values((
                resets::token_hash.eq(hash),
                resets::organizer_id.eq(organizer),
                resets::created_at.eq(now),
                resets::expires_at.eq(now + VALID_FOR),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Actor::Organizer(organizer),
            Action::PasswordResetRequested,
            None,
            serde_json::json!({}),
        )?;
        Ok(token)
    })
}

/// The account whose open reset link `token` is, with its address, if any.
pub fn find(conn: &mut PgConnection, token: &str) -> QueryResult<Option<(OrganizerId, String)>> {
    use crate::db::schema::organizers;
    if !tokens::looks_valid(token) {
        return Ok(None);
    }
    resets::table
        .inner_join(organizers::table)
        .filter(resets::token_hash.eq(tokens::hash(token)))
        .filter(open(Utc::now()))
        .filter(organizers::disabled_at.is_null())
        .select((organizers::id, organizers::email))
        .first(conn)
        .optional()
}

/// Uses `token` to give its account `password_hash` and end all its sessions, in one
/// transaction, so two tabs cannot both use it. `None` when the link no longer works.
pub fn complete(
    conn: &mut PgConnection,
    token: &str,
    password_hash: &str,
) -> QueryResult<Option<OrganizerId>> {
    if !tokens::looks_valid(token) {
        return Ok(None);
    }
    conn.transaction(|conn| {
        let now = Utc::now();
        let used: Option<OrganizerId> = diesel::update(
            resets::table
                .filter(resets::token_hash.eq(tokens::hash(token)))
                .filter(open(now)),
        )
        .set(resets::used_at.eq(now))
        .returning(resets::organizer_id)
        .get_result(conn)
        .optional()?;
        let Some(organizer) = used else {
            return Ok(None);
        };
        if super::find(conn, organizer)?.is_none() {
            return Ok(None);
        }
        super::store_hash(conn, organizer, password_hash)?;
        diesel::delete(
            organizer_sessions::table.filter(organizer_sessions::organizer_id.eq(organizer)),
        )
        .execute(conn)?;
        diesel::update(
            resets::table
                .filter(resets::organizer_id.eq(organizer))
                .filter(open(now)),
        )
        .set(resets::used_at.eq(now))
        .execute(conn)?;
        audit::record(
            conn,
            Actor::Organizer(organizer),
            Action::PasswordReset,
            None,
            serde_json::json!({}),
        )?;
        Ok(Some(organizer))
    })
}

/// Drops links that can no longer be used.
pub fn forget_before(conn: &mut PgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(resets::table.filter(resets::expires_at.lt(before))).execute(conn)
}
