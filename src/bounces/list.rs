//! What came back, as the admin shows it: counts by kind over the last 30 days, and the
//! latest messages — with the text of those that could not be read or matched, kept for an
//! organizer to look at.

use crate::db::schema::bounces;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// How many of each kind came back in the last 30 days.
#[derive(Debug, Default, Clone, Copy, QueryableByName)]
pub struct Counts {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub hard: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub soft: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub complaint: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub auto_reply: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub unsubscribe: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub unread: i64,
}

/// One message that came back.
#[derive(Debug, Clone, Queryable)]
pub struct Returned {
    pub id: Uuid,
    pub received_at: DateTime<Utc>,
    pub class: String,
    pub status: Option<String>,
    pub detail: Option<String>,
    pub kind: Option<String>,
    pub matched: bool,
    /// The start of the message as it came, when it was kept.
    pub message: Option<Vec<u8>>,
}

/// How much of a kept message the page shows.
pub const SHOWN_BYTES: usize = 4_000;

impl Returned {
    pub fn text(&self) -> Option<String> {
        self.message.as_ref().map(|m| {
            let shown = &m[..m.len().min(SHOWN_BYTES)];
            String::from_utf8_lossy(shown).into_owned()
        })
    }
}

pub fn counts(conn: &mut PgConnection) -> QueryResult<Counts> {
    diesel::sql_query(
        "SELECT count(*) FILTER (WHERE class = 'hard') AS hard, \
                count(*) FILTER (WHERE class = 'soft') AS soft, \
                count(*) FILTER (WHERE class = 'complaint') AS complaint, \
                count(*) FILTER (WHERE class = 'auto_reply') AS auto_reply, \
                count(*) FILTER (WHERE class = 'unsubscribe') AS unsubscribe, \
                count(*) FILTER (WHERE class = 'unreadable' OR outbox_id IS NULL) AS unread \
         FROM bounces WHERE received_at > now() - interval '30 days'",
    )
    .get_result(conn)
}

/// The latest `limit` messages, newest first; `unread_only`: those kept for a person.
pub fn latest(
    conn: &mut PgConnection,
    limit: i64,
    unread_only: bool,
) -> QueryResult<Vec<Returned>> {
    let mut query = bounces::table
        .order(bounces::received_at.desc())
        .limit(limit)
        .select((
            bounces::id,
            bounces::received_at,
            bounces::class,
            bounces::status,
            bounces::detail,
            bounces::kind,
            bounces::outbox_id.is_not_null(),
            bounces::message,
        ))
        .into_boxed();
    if unread_only {
        query = query.filter(bounces::message.is_not_null());
    }
    query.load(conn)
}
