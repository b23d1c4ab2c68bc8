//! Invitations: an owner names an e-mail address and a role; the invitee opens the link once,
//! within seven days, chooses a password and is signed in with that role.

use super::{CreateError, Role};
use crate::db::schema::{organizer_invitations, organizers};
use crate::db::types::OrganizerId;
use crate::domain::email::SignerEmail;
use crate::organizers::audit::{self, Action, Actor};
use crate::tokens;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

pub const VALID_FOR: Duration = Duration::days(7);

/// An invitation that can still be accepted.
#[derive(Debug, Clone, Queryable)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Not used, not revoked and not expired at `now`.
#[diesel::dsl::auto_type]
fn open(now: DateTime<Utc>) -> _ {
    organizer_invitations::used_at
        .is_null()
        .and(organizer_invitations::revoked_at.is_null())
        .and(organizer_invitations::expires_at.gt(now))
}

const COLUMNS: (
    organizer_invitations::id,
    organizer_invitations::email,
    organizer_invitations::role,
    organizer_invitations::created_at,
    organizer_invitations::expires_at,
) = (
    organizer_invitations::id,
    organizer_invitations::email,
    organizer_invitations::role,
    organizer_invitations::created_at,
    organizer_invitations::expires_at,
);

/// Invites `email` as `role` and returns the secret for the link (stored only as a hash).
/// An address that already has an account is refused; an open invitation for the same
/// address is replaced, so only the newest link works.
pub fn issue(
    conn: &mut PgConnection,
    email: &SignerEmail,
    role: Role,
    invited_by: OrganizerId,
) -> Result<String, CreateError> {
    conn.transaction(|conn| {
        let taken: bool = diesel::select(diesel::dsl::exists(
            organizers::table
                .filter(organizers::email_canonical.eq(email.canonical()))
                .filter(organizers::disabled_at.is_null()),
        ))
        .get_result(conn)?;
        if taken {
            return Err(CreateError::Taken);
        }
        let now = Utc::now();
        diesel::update(
            organizer_invitations::table
                .filter(organizer_invitations::email_canonical.eq(email.canonical()))
                .filter(open(now)),
        )
        .set(organizer_invitations::revoked_at.eq(now))
        .execute(conn)?;
        let (token, hash) = tokens::generate();
        diesel::insert_into(organizer_invitations::table)
            .values((
                organizer_invitations::id.eq(Uuid::now_v7()),
                organizer_invitations::token_hash.eq(hash),
                organizer_invitations::email.eq(email.as_typed()),
                organizer_invitations::email_canonical.eq(email.canonical()),
                organizer_invitations::role.eq(role),
                organizer_invitations::invited_by.eq(invited_by),
                organizer_invitations::expires_at.eq(now + VALID_FOR),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Actor::Organizer(invited_by),
            Action::Invite,
            None,
            serde_json::json!({"role": role.as_str()}),
        )?;
        Ok(token)
    })
}

/// The open invitation behind `token`, if any.
pub fn find(conn: &mut PgConnection, token: &str) -> QueryResult<Option<Invitation>> {
    if !tokens::looks_valid(token) {
        return Ok(None);
    }
    organizer_invitations::table
        .filter(organizer_invitations::token_hash.eq(tokens::hash(token)))
        .filter(open(Utc::now()))
        .select(COLUMNS)
        .first(conn)
        .optional()
}

/// Invitations not yet accepted, revoked or expired, newest first.
pub fn pending(conn: &mut PgConnection) -> QueryResult<Vec<Invitation>> {
    organizer_invitations::table
        .filter(open(Utc::now()))
        .order(organizer_invitations::created_at.desc())
        .select(COLUMNS)
        .load(conn)
}

/// Withdraws an open invitation; `false` when there was none.
pub fn revoke(conn: &mut PgConnection, id: Uuid, by: Actor) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let now = Utc::now();
        let changed = diesel::update(organizer_invitations::table.find(id).filter(open(now)))
            .set(organizer_invitations::revoked_at.eq(now))
            .execute(conn)?;
        if changed == 1 {
            audit::record(
                conn,
                by,
                Action::RevokeInvitation,
                None,
                serde_json::json!({}),
            )?;
        }
        Ok(changed == 1)
    })
}

/// Uses `token` to create the invited account with `password_hash`, in one transaction, so
/// two tabs cannot both use it. `None` when the link no longer works.
pub fn accept(
    conn: &mut PgConnection,
    token: &str,
    password_hash: &str,
) -> Result<Option<(OrganizerId, Role)>, CreateError> {
    if !tokens::looks_valid(token) {
        return Ok(None);
    }
    conn.transaction(|conn| {
        let now = Utc::now();
        let used: Option<(String, Role)> = diesel::update(
            organizer_invitations::table
                .filter(organizer_invitations::token_hash.eq(tokens::hash(token)))
                .filter(open(now)),
        )
        .set(organizer_invitations::used_at.eq(now))
        .returning((organizer_invitations::email, organizer_invitations::role))
        .get_result(conn)
        .optional()?;
        let Some((email, role)) = used else {
            return Ok(None);
        };
        let email = SignerEmail::parse(&email).map_err(|e| CreateError::Email(e.to_string()))?;
        // Someone whose access was removed earlier comes back with the invited role.
        let returning: Option<OrganizerId> = diesel::update(
            organizers::table
                .filter(organizers::email_canonical.eq(email.canonical()))
                .filter(organizers::disabled_at.is_not_null()),
        )
        .set((
            organizers::disabled_at.eq(None::<DateTime<Utc>>),
            organizers::password_hash.eq(password_hash),
            organizers::role.eq(role),
        ))
        .returning(organizers::id)
        .get_result(conn)
        .optional()?;
        let id = match returning {
            Some(id) => id,
            None => super::insert(conn, &email, password_hash, role)?,
        };
        audit::record(
            conn,
            Actor::Organizer(id),
            Action::Join,
            None,
            serde_json::json!({"role": role.as_str()}),
        )?;
        Ok(Some((id, role)))
    })
}
