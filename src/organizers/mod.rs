//! Organizers: the accounts that run campaigns from `/admin`, their roles, server-side
//! sessions, sign-in throttling, the first-run setup link and the audit log.

pub mod audit;
pub mod hashing;
pub mod invitations;
pub mod manage;
pub mod password;
pub mod resets;
pub mod sessions;
pub mod setup;
pub mod throttle;

use crate::db::schema::organizers;
use crate::db::types::OrganizerId;
use crate::domain::email::SignerEmail;
use diesel::prelude::*;

/// What an organizer may do. The server checks it on every action, whatever the menu shows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, diesel::AsExpression, diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Role {
    /// Reads dashboards and exports nothing.
    Viewer,
    /// Writes, launches and closes campaigns; exports signatures.
    Editor,
    /// Everything, including other organizers' accounts.
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [Role::Owner, Role::Editor, Role::Viewer]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    /// Whether this role includes everything `needed` may do.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

crate::db::types::text_enum!(Role);

/// An organizer account as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organizers)]
pub struct Organizer {
    pub id: OrganizerId,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
}

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("{0}")]
    Email(String),
    #[error("{0}")]
    Password(&'static str),
    #[error("An organizer with this e-mail address already exists.")]
    Taken,
    #[error(transparent)]
    Storage(#[from] diesel::result::Error),
}

/// Whether any organizer exists (setup is offered only when none does).
pub fn any_exist(conn: &mut PgConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        organizers::table.select(organizers::id),
    ))
    .get_result(conn)
}

/// The active account with this address, matched on its canonical form.
pub fn find_by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<Organizer>> {
    let Ok(email) = SignerEmail::parse(email) else {
        return Ok(None);
    };
    organizers::table
        .filter(organizers::email_canonical.eq(email.canonical()))
        .filter(organizers::disabled_at.is_null())
        .select(Organizer::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut PgConnection, id: OrganizerId) -> QueryResult<Option<Organizer>> {
    organizers::table
        .find(id)
        .filter(organizers::disabled_at.is_null())
        .select(Organizer::as_select())
        .first(conn)
        .optional()
}

/// Checks an e-mail address and password for a new account; the hash is made by the caller
/// (off the async executor) with [`password::hash`].
pub fn check_new(email: &str, password: &str) -> Result<SignerEmail, CreateError> {
    let email = SignerEmail::parse(email).map_err(|e| CreateError::Email(e.to_string()))?;
    password::check_new(password).map_err(CreateError::Password)?;
    Ok(email)
}

/// Stores a new account whose password is already hashed.
pub fn insert(
    conn: &mut PgConnection,
    email: &SignerEmail,
    password_hash: &str,
    role: Role,
) -> Result<OrganizerId, CreateError> {
    let id = OrganizerId::new();
    let inserted = diesel::insert_into(organizers::table)
        .values((
            organizers::id.eq(id),
            organizers::email.eq(email.as_typed()),
            organizers::email_canonical.eq(email.canonical()),
            organizers::password_hash.eq(password_hash),
            organizers::role.eq(role),
        ))
        .on_conflict(organizers::email_canonical)
        .do_nothing()
        .execute(conn)?;
    if inserted == 0 {
        return Err(CreateError::Taken);
    }
    Ok(id)
}

/// Replaces an account's stored hash (after a sign-in found it weaker than today's).
/// Creates an account for `email` as `role` on behalf of `by`, with its audit entry.
pub fn add(
    conn: &mut PgConnection,
    email: &SignerEmail,
    password_hash: &str,
    role: Role,
    by: audit::Actor,
) -> Result<OrganizerId, CreateError> {
    conn.transaction(|conn| {
        let id = insert(conn, email, password_hash, role)?;
        audit::record(
            conn,
            by,
            audit::Action::AddOrganizer,
            None,
            serde_json::json!({"organizer": id, "role": role.as_str()}),
        )?;
        Ok(id)
    })
}

/// Gives `id` the password `hash` and ends every other session of theirs (the one whose id
/// hashes to `keep` stays), with its audit entry.
pub fn change_password(
    conn: &mut PgConnection,
    id: OrganizerId,
    hash: &str,
    keep: &str,
) -> QueryResult<()> {
    use crate::db::schema::organizer_sessions;
    conn.transaction(|conn| {
        store_hash(conn, id, hash)?;
        diesel::delete(
            organizer_sessions::table
                .filter(organizer_sessions::organizer_id.eq(id))
                .filter(organizer_sessions::id_hash.ne(keep)),
        )
        .execute(conn)?;
        audit::record(
            conn,
            audit::Actor::Organizer(id),
            audit::Action::ChangePassword,
            None,
            serde_json::json!({}),
        )
    })
}

pub fn store_hash(conn: &mut PgConnection, id: OrganizerId, hash: &str) -> QueryResult<usize> {
    diesel::update(organizers::table.find(id))
        .set(organizers::password_hash.eq(hash))
        .execute(conn)
}

/// Every account, for the users page.
pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Organizer>> {
    organizers::table
        .filter(organizers::disabled_at.is_null())
        .order(organizers::created_at)
        .select(Organizer::as_select())
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn an_owner_may_do_what_an_editor_may_but_a_viewer_may_not() {
        assert!(Role::Owner.allows(Role::Editor));
        assert!(Role::Editor.allows(Role::Editor));
        assert!(!Role::Viewer.allows(Role::Editor));
        assert!(!Role::Editor.allows(Role::Owner));
        assert_eq!(Role::parse("editor"), Some(Role::Editor));
        assert_eq!(Role::parse("admin"), None);
    }
}
