//! Server-side sessions: the browser holds a random id, the database its SHA-256, the
//! organizer and the session's CSRF token. A session ends after 30 minutes without use or
//! 12 hours after sign-in, whichever comes first, and at sign-out.

use super::{Organizer, Role};
use crate::db::schema::{organizer_sessions, organizers};
use crate::db::types::OrganizerId;
use crate::tokens;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// created, last seen, CSRF token, organizer id, e-mail, role.
type SessionRow = (
    DateTime<Utc>,
    DateTime<Utc>,
    String,
    OrganizerId,
    String,
    Role,
    DateTime<Utc>,
);

/// A signed-in organizer, as a request sees it.
#[derive(Debug, Clone)]
pub struct Session {
    pub organizer_id: OrganizerId,
    pub email: String,
    pub role: Role,
    pub csrf_token: String,
    /// When the organizer last gave their password in this session.
    pub confirmed_at: DateTime<Utc>,
}

/// How much of a browser's `User-Agent` the sessions list keeps.
const BROWSER_CHARS: usize = 200;

/// One open session, as the account page lists it.
#[derive(Debug, Clone, Queryable)]
pub struct Open {
    pub public_id: uuid::Uuid,
    pub started: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub browser: Option<String>,
    /// Whether it is the session looking at the list.
    pub this_one: bool,
}

/// The open sessions of `organizer`, newest first; `current` is the id of the one asking.
pub fn open(
    conn: &mut PgConnection,
    organizer: OrganizerId,
    current: &str,
) -> QueryResult<Vec<Open>> {
    let now = Utc::now();
    organizer_sessions::table
        .filter(organizer_sessions::organizer_id.eq(organizer))
        .filter(organizer_sessions::last_seen_at.ge(now - IDLE_TIMEOUT))
        .filter(organizer_sessions::created_at.ge(now - ABSOLUTE_TIMEOUT))
        .order(organizer_sessions::created_at.desc())
        .select((
            organizer_sessions::public_id,
            organizer_sessions::created_at,
            organizer_sessions::last_seen_at,
            organizer_sessions::browser,
            organizer_sessions::id_hash.eq(tokens::hash(current)),
        ))
        .load(conn)
}

/// Ends `organizer`'s session `public_id` (one of their own only); whether there was one.
pub fn end_by_public_id(
    conn: &mut PgConnection,
    organizer: OrganizerId,
    public_id: uuid::Uuid,
) -> QueryResult<bool> {
    diesel::delete(
        organizer_sessions::table
            .filter(organizer_sessions::organizer_id.eq(organizer))
            .filter(organizer_sessions::public_id.eq(public_id)),
    )
    .execute(conn)
    .map(|n| n == 1)
}

/// How recently the password must have been given before a dangerous action.
pub const CONFIRM_WITHIN: chrono::Duration = chrono::Duration::minutes(10);

impl Session {
    /// Whether the password was given within [`CONFIRM_WITHIN`] of `now`.
    pub fn recently_confirmed(&self, now: DateTime<Utc>) -> bool {
        now - self.confirmed_at <= CONFIRM_WITHIN
    }
}

/// Notes that the organizer of session `id` gave their password again at `now`.
pub fn confirm(conn: &mut PgConnection, id: &str, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(organizer_sessions::table.find(tokens::hash(id)))
        .set(organizer_sessions::confirmed_at.eq(now))
        .execute(conn)
}

/// Starts a session for `organizer` and returns the id for the cookie. Any session id the
/// browser presented before is ended, so sign-in always hands out a fresh one.
pub fn start(
    conn: &mut PgConnection,
    organizer: &Organizer,
    previous: Option<&str>,
    browser: Option<&str>,
) -> QueryResult<String> {
    if let Some(previous) = previous {
        end(conn, previous)?;
    }
    let (id, id_hash) = tokens::generate();
    let (csrf_token, _) = tokens::generate();
    diesel::insert_into(organizer_sessions::table)
        .values((
            organizer_sessions::id_hash.eq(id_hash),
            organizer_sessions::organizer_id.eq(organizer.id),
            organizer_sessions::csrf_token.eq(csrf_token),
            organizer_sessions::browser
                .eq(browser.map(|b| b.chars().take(BROWSER_CHARS).collect::<String>())),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The live session behind `id`, if any; expired sessions are deleted on sight.
pub fn find(conn: &mut PgConnection, id: &str, now: DateTime<Utc>) -> QueryResult<Option<Session>> {
    if !tokens::looks_valid(id) {
        return Ok(None);
    }
    let id_hash = tokens::hash(id);
    let row: Option<SessionRow> = organizer_sessions::table
        .inner_join(organizers::table)
        .filter(organizer_sessions::id_hash.eq(&id_hash))
        .filter(organizers::disabled_at.is_null())
        .select((
            organizer_sessions::created_at,
            organizer_sessions::last_seen_at,
            organizer_sessions::csrf_token,
            organizers::id,
            organizers::email,
            organizers::role,
            organizer_sessions::confirmed_at,
        ))
        .first(conn)
        .optional()?;
    let Some((created_at, last_seen_at, csrf_token, organizer_id, email, role, confirmed_at)) = row
    else {
        return Ok(None);
    };
    if now - last_seen_at > IDLE_TIMEOUT || now - created_at > ABSOLUTE_TIMEOUT {
        diesel::delete(organizer_sessions::table.find(&id_hash)).execute(conn)?;
        return Ok(None);
    }
    if now - last_seen_at > TOUCH_EVERY {
        diesel::update(organizer_sessions::table.find(&id_hash))
            .set(organizer_sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    Ok(Some(Session {
        organizer_id,
        email,
        role,
        csrf_token,
        confirmed_at,
    }))
}

/// Ends the session behind `id` (sign-out); unknown ids are fine.
pub fn end(conn: &mut PgConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(organizer_sessions::table.find(tokens::hash(id))).execute(conn)
}

/// Drops sessions that can no longer be used.
pub fn forget_expired(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(
        organizer_sessions::table.filter(
            organizer_sessions::last_seen_at
                .lt(now - IDLE_TIMEOUT)
                .or(organizer_sessions::created_at.lt(now - ABSOLUTE_TIMEOUT)),
        ),
    )
    .execute(conn)
}
