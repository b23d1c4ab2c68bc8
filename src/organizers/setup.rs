//! The first-run setup link: while no organizer exists, `serve` prints a link that lets one
//! person create the first (owner) account. It works once and for 24 hours.

use crate::db::schema::setup_tokens;
use crate::tokens;
use chrono::{Duration, Utc};
use diesel::prelude::*;

pub const VALID_FOR: Duration = Duration::hours(24);

/// A fresh setup token when no organizer exists yet, else `None`.
pub fn issue_if_needed(conn: &mut PgConnection) -> QueryResult<Option<String>> {
    if super::any_exist(conn)? {
        return Ok(None);
    }
    let (token, hash) = tokens::generate();
    diesel::insert_into(setup_tokens::table)
        .values((
            setup_tokens::token_hash.eq(hash),
            setup_tokens::expires_at.eq(Utc::now() + VALID_FOR),
        ))
        .execute(conn)?;
    Ok(Some(token))
}

/// Whether `token` may still be used (the GET page shows the form only then).
pub fn is_usable(conn: &mut PgConnection, token: &str) -> QueryResult<bool> {
    if !tokens::looks_valid(token) || super::any_exist(conn)? {
        return Ok(false);
    }
    diesel::select(diesel::dsl::exists(
        setup_tokens::table
            .filter(setup_tokens::token_hash.eq(tokens::hash(token)))
            .filter(setup_tokens::used_at.is_null())
            .filter(setup_tokens::expires_at.gt(Utc::now())),
    ))
    .get_result(conn)
}

/// Marks `token` used; `false` when it was unknown, used or expired. Call inside the
/// transaction that creates the account, so two tabs cannot both use it.
/// Uses `token` to create the first owner, `email` with `password_hash`, and signs them in:
/// the new session's id, or `None` when the link no longer works (nothing changed then).
pub fn create_owner(
    conn: &mut PgConnection,
    token: &str,
    email: &crate::domain::email::SignerEmail,
    password_hash: &str,
    browser: Option<&str>,
) -> QueryResult<Option<String>> {
    use super::{audit, CreateError, Role};
    conn.transaction(|conn| {
        if !consume(conn, token)? {
            return Ok(None);
        }
        let id = match super::insert(conn, email, password_hash, Role::Owner) {
            Ok(id) => id,
            Err(CreateError::Storage(e)) => return Err(e),
            Err(_) => return Err(diesel::result::Error::RollbackTransaction),
        };
        audit::record(
            conn,
            audit::Actor::Organizer(id),
            audit::Action::AddOrganizer,
            None,
            serde_json::json!({"organizer": id, "role": Role::Owner.as_str(), "setup": true}),
        )?;
        let organizer = super::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
        Ok(Some(super::sessions::start(
            conn, &organizer, None, browser,
        )?))
    })
}

pub fn consume(conn: &mut PgConnection, token: &str) -> QueryResult<bool> {
    if !tokens::looks_valid(token) {
        return Ok(false);
    }
    let used = diesel::update(
        setup_tokens::table
            .filter(setup_tokens::token_hash.eq(tokens::hash(token)))
            .filter(setup_tokens::used_at.is_null())
            .filter(setup_tokens::expires_at.gt(Utc::now())),
    )
    .set(setup_tokens::used_at.eq(Utc::now()))
    .execute(conn)?;
    Ok(used == 1 && !super::any_exist(conn)?)
}
