//! The supporter list as organizers see it: how many are in each state, and a search by
//! address (the only way to find one person: the list is not browsed name by name).

use crate::db::schema::supporters;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use uuid::Uuid;

/// Supporters by where they stand for alerts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName, serde::Serialize)]
pub struct Counts {
    /// Consented, not unsubscribed, not on the do-not-mail list.
    #[diesel(sql_type = BigInt)]
    pub subscribed: i64,
    #[diesel(sql_type = BigInt)]
    pub unsubscribed: i64,
    #[diesel(sql_type = BigInt)]
    pub bounced: i64,
    #[diesel(sql_type = BigInt)]
    pub complained: i64,
    /// Signed without asking for alerts.
    #[diesel(sql_type = BigInt)]
    pub no_consent: i64,
}

pub fn counts(conn: &mut PgConnection) -> QueryResult<Counts> {
    diesel::sql_query(
        "SELECT count(*) FILTER (WHERE alerts_consent_at IS NOT NULL AND unsubscribed_at IS NULL \
                                 AND suppressed_at IS NULL) AS subscribed, \
                count(*) FILTER (WHERE unsubscribed_at IS NOT NULL AND suppressed_at IS NULL) AS unsubscribed, \
                count(*) FILTER (WHERE suppressed_reason = 'bounced') AS bounced, \
                count(*) FILTER (WHERE suppressed_reason = 'complained') AS complained, \
                count(*) FILTER (WHERE alerts_consent_at IS NULL AND unsubscribed_at IS NULL \
                                 AND suppressed_at IS NULL) AS no_consent \
         FROM supporters",
    )
    .get_result(conn)
}

/// One supporter as a search finds them.
#[derive(Debug, Clone, Queryable)]
pub struct Found {
    pub id: Uuid,
    pub email: String,
    pub name: Option<String>,
    pub country: Option<String>,
    pub source: String,
    pub consent_at: Option<DateTime<Utc>>,
    pub unsubscribed_at: Option<DateTime<Utc>>,
    pub suppressed_reason: Option<String>,
}

impl Found {
    pub fn state(&self) -> &'static str {
        match (
            &self.suppressed_reason,
            self.unsubscribed_at,
            self.consent_at,
        ) {
            (Some(r), _, _) if r == "complained" => "complained",
            (Some(_), _, _) => "bounced",
            (None, Some(_), _) => "unsubscribed",
            (None, None, Some(_)) => "subscribed",
            (None, None, None) => "no consent",
        }
    }
}

/// The supporters whose address contains `query` (at least 3 characters), at most 50.
pub fn search(conn: &mut PgConnection, query: &str) -> QueryResult<Vec<Found>> {
    let query = query.trim().to_lowercase();
    if query.chars().count() < 3 {
        return Ok(Vec::new());
    }
    let pattern = format!(
        "%{}%",
        query
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    supporters::table
        .filter(supporters::email_canonical.like(pattern))
        .order(supporters::email_canonical)
        .limit(50)
        .select((
            supporters::id,
            supporters::email,
            supporters::name,
            supporters::country,
            supporters::source,
            supporters::alerts_consent_at,
            supporters::unsubscribed_at,
            supporters::suppressed_reason,
        ))
        .load(conn)
}
