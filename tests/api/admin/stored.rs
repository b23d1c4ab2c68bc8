//! What the admin tests read from and nudge in the database, by name.

use crate::helpers::TestApp;
use diesel::prelude::*;
use undersign::db::schema::{login_failures, organizer_sessions, organizers, setup_tokens};

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl TestApp {
    pub fn session_count(&self) -> i64 {
        organizer_sessions::table
            .count()
            .get_result(&mut self.conn())
            .unwrap()
    }

    pub fn owner_count(&self) -> i64 {
        organizers::table
            .filter(organizers::role.eq("owner"))
            .count()
            .get_result(&mut self.conn())
            .unwrap()
    }

    pub fn organizer_id(&self, email: &str) -> uuid::Uuid {
        organizers::table
            .filter(organizers::email.eq(email))
            .select(organizers::id)
            .first(&mut self.conn())
            .unwrap()
    }

    /// The role of the account with `email`, and whether it may still sign in.
    pub fn organizer_access(&self, email: &str) -> (String, bool) {
        let (role, disabled): (String, Option<chrono::DateTime<chrono::Utc>>) = organizers::table
            .filter(organizers::email.eq(email))
            .select((organizers::role, organizers::disabled_at))
            .first(&mut self.conn())
            .unwrap();
        (role, disabled.is_none())
    }

    /// Every audit entry's action, oldest first.
    /// The actions audited, oldest first, sign-ins aside (every signed-in test makes one).
    pub fn audit_actions(&self) -> Vec<String> {
        use undersign::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.ne_all(["sign in", "sign-in failed"]))
            .order(audit_log::id)
            .select(audit_log::action)
            .load(&mut self.conn())
            .unwrap()
    }

    pub fn password_hashes(&self) -> Vec<String> {
        organizers::table
            .select(organizers::password_hash)
            .load(&mut self.conn())
            .unwrap()
    }

    /// Moves every session's last use `minutes` into the past.
    pub fn idle_sessions_for(&self, minutes: i64) {
        diesel::update(organizer_sessions::table)
            .set(
                organizer_sessions::last_seen_at
                    .eq(chrono::Utc::now() - chrono::Duration::minutes(minutes)),
            )
            .execute(&mut self.conn())
            .unwrap();
    }

    /// Moves every session's sign-in `minutes` into the past.
    pub fn age_sessions_by(&self, minutes: i64) {
        diesel::update(organizer_sessions::table)
            .set(
                organizer_sessions::created_at
                    .eq(chrono::Utc::now() - chrono::Duration::minutes(minutes)),
            )
            .execute(&mut self.conn())
            .unwrap();
    }

    /// Seconds until the longest sign-in wait ends (0 when none).
    pub fn longest_login_wait(&self) -> i64 {
        let until: Option<chrono::DateTime<chrono::Utc>> = login_failures::table
            .select(diesel::dsl::max(login_failures::blocked_until))
            .first(&mut self.conn())
            .unwrap();
        until.map_or(0, |u| (u - chrono::Utc::now()).num_seconds() + 1)
    }

    /// Ends every sign-in wait now.
    pub fn end_login_waits(&self) {
        diesel::update(login_failures::table)
            .set(login_failures::blocked_until.eq(chrono::Utc::now()))
            .execute(&mut self.conn())
            .unwrap();
    }

    pub fn expire_setup_links(&self) {
        diesel::update(setup_tokens::table)
            .set(setup_tokens::expires_at.eq(chrono::Utc::now() - chrono::Duration::seconds(1)))
            .execute(&mut self.conn())
            .unwrap();
    }

    /// A number that changes whenever any row of `table` changes.
    pub fn table_fingerprint(&self, table: &str) -> i64 {
        diesel::sql_query(format!(
            "SELECT coalesce(sum(hashtext(x::text)), 0)::bigint + count(*) AS n FROM {table} x"
        ))
        .get_result::<Number>(&mut self.conn())
        .unwrap()
        .n
    }
}

impl TestApp {
    /// The row counts recorded for each export, oldest first.
    pub fn export_audit_rows(&self) -> Vec<i64> {
        use undersign::db::schema::audit_log;
        let details: Vec<serde_json::Value> = audit_log::table
            .filter(audit_log::action.eq("export"))
            .filter(audit_log::organizer_id.is_not_null())
            .filter(audit_log::campaign_id.is_not_null())
            .order(audit_log::created_at)
            .select(audit_log::detail)
            .load(&mut self.conn())
            .unwrap();
        details.iter().filter_map(|d| d["rows"].as_i64()).collect()
    }
}
