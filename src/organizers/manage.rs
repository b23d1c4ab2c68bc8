//! What owners change about other organizers: their role, or removing their access. An
//! installation always keeps at least one owner, and nobody removes or demotes themselves
//! (another owner must), so no one locks everyone out by a slip.

use super::Role;
use crate::db::schema::{organizer_sessions, organizers};
use crate::db::types::OrganizerId;
use crate::organizers::audit::{self, Action, Actor};
use chrono::Utc;
use diesel::prelude::*;

/// Why a change to an account was refused.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("There is no such organizer.")]
    NotFound,
    #[error("You cannot change your own access; ask another owner.")]
    Yourself,
    #[error("This is the last owner; make someone else an owner first.")]
    LastOwner,
    #[error(transparent)]
    Storage(#[from] diesel::result::Error),
}

/// Locks the active owners' rows and says whether `id` is the only one.
fn is_last_owner(conn: &mut PgConnection, id: OrganizerId) -> QueryResult<bool> {
    let owners: Vec<OrganizerId> = organizers::table
        .filter(organizers::role.eq(Role::Owner))
        .filter(organizers::disabled_at.is_null())
        .select(organizers::id)
        .for_update()
        .load(conn)?;
    Ok(owners == [id])
}

/// The account's current role, locking its row.
fn current_role(conn: &mut PgConnection, id: OrganizerId) -> Result<Role, Refused> {
    organizers::table
        .find(id)
        .filter(organizers::disabled_at.is_null())
        .select(organizers::role)
        .for_update()
        .first(conn)
        .optional()?
        .ok_or(Refused::NotFound)
}

/// Gives `id` the role `role`; returns the role it had. Takes effect on its next request.
pub fn set_role(
    conn: &mut PgConnection,
    by: OrganizerId,
    id: OrganizerId,
    role: Role,
) -> Result<Role, Refused> {
    if by == id {
        return Err(Refused::Yourself);
    }
    conn.transaction(|conn| {
        let was = current_role(conn, id)?;
        if was == Role::Owner && role != Role::Owner && is_last_owner(conn, id)? {
            return Err(Refused::LastOwner);
        }
        diesel::update(organizers::table.find(id))
            .set(organizers::role.eq(role))
            .execute(conn)?;
        audit::record(
            conn,
            Actor::Organizer(by),
            Action::Role,
            None,
            serde_json::json!({"organizer": id, "from": was.as_str(), "to": role.as_str()}),
        )?;
        Ok(was)
    })
}

/// Removes `id`'s access: the account is disabled (its history stays in the audit log) and
/// every session it has ends at once.
pub fn remove(conn: &mut PgConnection, by: OrganizerId, id: OrganizerId) -> Result<(), Refused> {
    if by == id {
        return Err(Refused::Yourself);
    }
    conn.transaction(|conn| {
        if current_role(conn, id)? == Role::Owner && is_last_owner(conn, id)? {
            return Err(Refused::LastOwner);
        }
        diesel::update(organizers::table.find(id))
            .set(organizers::disabled_at.eq(Utc::now()))
            .execute(conn)?;
        diesel::delete(organizer_sessions::table.filter(organizer_sessions::organizer_id.eq(id)))
            .execute(conn)?;
        audit::record(
            conn,
            Actor::Organizer(by),
            Action::Remove,
            None,
            serde_json::json!({"organizer": id}),
        )?;
        Ok(())
    })
}
