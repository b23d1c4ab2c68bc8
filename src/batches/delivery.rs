//! What became of each batch message: the outcome the outbox records for it, the delivery log
//! an organizer reads, and the public line an action page may show.

use crate::db::schema::{batch_targets, targets};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

/// The result of one attempt to send a batch message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent {
        at: DateTime<Utc>,
    },
    /// A temporary failure; the outbox tries again later.
    Retrying {
        reply: String,
    },
    /// Given up. `permanent` when the server refused the address (5xx): the target is marked
    /// failed and receives nothing more until an organizer fixes it.
    Failed {
        reply: String,
        permanent: bool,
    },
}

/// Records `outcome` for a batch message (inside the outbox's fenced transaction).
pub fn record_outcome(
    conn: &mut PgConnection,
    batch_target_id: Uuid,
    outcome: &Outcome,
) -> anyhow::Result<()> {
    let row = batch_targets::table.find(batch_target_id);
    match outcome {
        Outcome::Sent { at } => {
            diesel::update(row)
                .set((
                    batch_targets::state.eq("sent"),
                    batch_targets::sent_at.eq(at),
                ))
                .execute(conn)?;
        }
        Outcome::Retrying { reply } => {
            diesel::update(row)
                .set((
                    batch_targets::state.eq("retrying"),
                    batch_targets::last_reply.eq(reply),
                ))
                .execute(conn)?;
        }
        Outcome::Failed { reply, permanent } => {
            let target: Uuid = diesel::update(row)
                .set((
                    batch_targets::state.eq("failed"),
                    batch_targets::last_reply.eq(reply),
                ))
                .returning(batch_targets::target_id)
                .get_result(conn)?;
            if *permanent {
                diesel::update(targets::table.find(target))
                    .set((
                        targets::failed_at.eq(Utc::now()),
                        targets::failed_reason.eq(reply),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// One line of the delivery log: one message to one target.
#[derive(Debug, Clone, QueryableByName)]
pub struct LogLine {
    #[diesel(sql_type = Timestamptz)]
    pub cut_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub queued_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub sent_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Text)]
    pub target_name: String,
    #[diesel(sql_type = Text)]
    pub target_email: String,
    #[diesel(sql_type = BigInt)]
    pub first_number: i64,
    #[diesel(sql_type = BigInt)]
    pub last_number: i64,
    #[diesel(sql_type = BigInt)]
    pub signature_count: i64,
    #[diesel(sql_type = Text)]
    pub state: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_reply: Option<String>,
    #[diesel(sql_type = Text)]
    pub message_id: String,
}

/// Every batch message of a campaign, oldest first.
pub fn log(conn: &mut PgConnection, campaign_id: Uuid) -> anyhow::Result<Vec<LogLine>> {
    Ok(diesel::sql_query(
        "SELECT b.cut_at, bt.created_at AS queued_at, bt.sent_at, t.name AS target_name, \
                t.email AS target_email, bt.first_number, bt.last_number, bt.signature_count, \
                bt.state, bt.last_reply, bt.message_id \
         FROM batch_targets bt \
         JOIN targets t ON t.id = bt.target_id \
         JOIN batches b ON b.campaign_id = bt.campaign_id AND b.seq = bt.to_seq \
         WHERE bt.campaign_id = $1 ORDER BY bt.created_at, t.position",
    )
    .bind::<SqlUuid, _>(campaign_id)
    .load(conn)?)
}

/// What the action page may say was delivered to one target.
#[derive(Debug, Clone, QueryableByName)]
pub struct Delivered {
    #[diesel(sql_type = Text)]
    pub target_name: String,
    /// Signatures delivered to the target in all, up to its latest sent message.
    #[diesel(sql_type = BigInt)]
    pub signatures: i64,
    #[diesel(sql_type = Timestamptz)]
    pub sent_at: DateTime<Utc>,
}

/// Each target's latest delivered total, in target order.
pub fn delivered(conn: &mut PgConnection, campaign_id: Uuid) -> anyhow::Result<Vec<Delivered>> {
    Ok(diesel::sql_query(
        "SELECT DISTINCT ON (t.position, t.id) t.name AS target_name, \
                bt.last_number AS signatures, bt.sent_at \
         FROM batch_targets bt JOIN targets t ON t.id = bt.target_id \
         WHERE bt.campaign_id = $1 AND bt.state = 'sent' AND bt.sent_at IS NOT NULL \
         ORDER BY t.position, t.id, bt.to_seq DESC",
    )
    .bind::<SqlUuid, _>(campaign_id)
    .load(conn)?)
}
