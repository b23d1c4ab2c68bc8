//! Action alerts: an organizer's message to the supporters who opted in, sent through the one
//! outbox. An alert is written as a draft, previewed and test-sent, then sent now (after a
//! 60-second undo window) or at a time; its audience is fanned out in one statement into
//! small outbox rows that are rendered when sent, and consent, unsubscribes, the do-not-mail
//! list and the per-supporter frequency cap are checked again when each row is claimed.

pub mod audience;
pub mod breaker;
pub mod compose;
pub mod control;
pub mod due;
pub mod mail;
pub mod message;
pub mod progress;

use crate::db::schema::alerts;
use crate::db::types::{AlertId, CampaignId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// How long after "send now" the first message leaves: time to undo a mistake.
pub const UNDO_WINDOW: chrono::Duration = chrono::Duration::seconds(60);

/// Where an alert stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum AlertState {
    /// Being written: nothing is queued.
    Draft,
    /// To be fanned out at `send_at` (or already fanned out, its messages due then).
    Scheduled,
    Sending,
    /// Stopped by an organizer or by its own failure rate: its messages wait, held.
    Paused,
    /// Every message went out (or was given up or withheld).
    Sent,
    /// Stopped for good: what had not left never will.
    Cancelled,
}

impl AlertState {
    pub const ALL: [AlertState; 6] = [
        AlertState::Draft,
        AlertState::Scheduled,
        AlertState::Sending,
        AlertState::Paused,
        AlertState::Sent,
        AlertState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Draft => "draft",
            AlertState::Scheduled => "scheduled",
            AlertState::Sending => "sending",
            AlertState::Paused => "paused",
            AlertState::Sent => "sent",
            AlertState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<AlertState> {
        AlertState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
    }

    /// Whether messages may still leave (so cancelling means something).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            AlertState::Scheduled | AlertState::Sending | AlertState::Paused
        )
    }
}

crate::db::types::text_enum!(AlertState);

/// Who an alert is for, before the people who must be left out are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every supporter on the list.
    All,
    /// Supporters in one country (ISO 3166-1 alpha-2).
    Country(String),
    /// Supporters who signed one campaign (confirmed, counted).
    Signers(CampaignId),
    /// Those who received `of` and have not signed its action since.
    FollowUp { of: AlertId },
}

impl Audience {
    /// How the audience reads on the alert's page.
    pub fn describe(&self) -> String {
        match self {
            Audience::All => "every subscribed supporter".into(),
            Audience::Country(code) => format!(
                "subscribed supporters in {}",
                crate::domain::country::Country::name_of(code).unwrap_or(code)
            ),
            Audience::Signers(_) => "subscribed signers of one action".into(),
            Audience::FollowUp { .. } => {
                "those who received the first alert and have not signed since".into()
            }
        }
    }
}

/// An alert as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = alerts)]
pub struct Alert {
    pub id: AlertId,
    pub subject: String,
    pub body: String,
    pub campaign_id: Option<CampaignId>,
    pub audience: String,
    pub audience_country: Option<String>,
    pub audience_campaign_id: Option<CampaignId>,
    pub include_signed: bool,
    pub follow_up_of: Option<AlertId>,
    pub source_code: String,
    pub state: AlertState,
    pub send_at: Option<DateTime<Utc>>,
    pub fanned_out_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub recipients: i32,
    pub paused_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Alert {
    /// The audience as stored; a row the CHECK constraints allow always reads.
    pub fn audience(&self) -> Audience {
        match (
            self.audience.as_str(),
            &self.audience_country,
            self.audience_campaign_id,
            self.follow_up_of,
        ) {
            ("country", Some(code), _, _) => Audience::Country(code.clone()),
            ("signers", _, Some(campaign), _) => Audience::Signers(campaign),
            ("follow_up", _, _, Some(of)) => Audience::FollowUp { of },
            _ => Audience::All,
        }
    }
}

/// Reads alert `id`.
pub fn find(conn: &mut PgConnection, id: AlertId) -> QueryResult<Option<Alert>> {
    alerts::table
        .find(id)
        .select(Alert::as_select())
        .first(conn)
        .optional()
}

/// Every alert, newest first.
pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Alert>> {
    alerts::table
        .order(alerts::created_at.desc())
        .select(Alert::as_select())
        .load(conn)
}

/// The alert whose id starts with `prefix` (as `alert list` shows ids), if exactly one does.
pub fn find_by_prefix(conn: &mut PgConnection, prefix: &str) -> QueryResult<Option<Alert>> {
    let prefix = prefix.trim().to_ascii_lowercase();
    if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Ok(None);
    }
    let found: Vec<Alert> = alerts::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("id::text LIKE ")
                .bind::<diesel::sql_types::Text, _>(format!("{prefix}%")),
        )
        .select(Alert::as_select())
        .limit(2)
        .load(conn)?;
    Ok(match <[Alert; 1]>::try_from(found) {
        Ok([alert]) => Some(alert),
        Err(_) => None,
    })
}

/// The follow-up drafted of alert `id`, if any.
pub fn follow_up_of(conn: &mut PgConnection, id: AlertId) -> QueryResult<Option<AlertId>> {
    alerts::table
        .filter(alerts::follow_up_of.eq(id))
        .select(alerts::id)
        .first(conn)
        .optional()
}
