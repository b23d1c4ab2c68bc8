//! What became of each batch message: the outcome the outbox records for it, the delivery log
//! an organizer reads, the public line an action page may show, and letting a target that
//! was marked failed receive again.

use super::state::DeliveryState;
use crate::db::schema::{batch_targets, targets};
use crate::organizers::audit::{self, Action, Actor};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
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
                    batch_targets::state.eq(DeliveryState::Sent),
                    batch_targets::sent_at.eq(at),
                    // What a sent message's reply says from now on is what came back later.
                    batch_targets::last_reply.eq(None::<String>),
                ))
                .execute(conn)?;
        }
        Outcome::Retrying { reply } => {
            diesel::update(row)
                .set((
                    batch_targets::state.eq(DeliveryState::Retrying),
                    batch_targets::last_reply.eq(reply),
                ))
                .execute(conn)?;
        }
        Outcome::Failed { reply, permanent } => {
            let target: Uuid = diesel::update(row)
                .set((
                    batch_targets::state.eq(DeliveryState::Failed),
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
    pub state: DeliveryState,
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

/// What `campaign retry-target` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    /// The failed mark is gone: the target's next message carries the `behind` signatures of
    /// batches already cut that it has not received (and any cut later).
    Cleared {
        target_name: String,
        reason: Option<String>,
        behind: i64,
    },
    /// The target was not marked failed; nothing changed.
    NotFailed { target_name: String },
}

/// Lets the target of campaign `slug` with address `email` (compared lower-cased) receive
/// again after its mail server refused it for good: clears its failed mark, so the next
/// delivery pass queues it every signature it has not received.
pub fn retry_target(
    conn: &mut PgConnection,
    slug: &str,
    email: &str,
    actor: Actor,
) -> anyhow::Result<Retry> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
        #[diesel(sql_type = SqlUuid)]
        campaign_id: Uuid,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Bool)]
        failed: bool,
        #[diesel(sql_type = Nullable<Text>)]
        reason: Option<String>,
        #[diesel(sql_type = BigInt)]
        behind: i64,
    }
    conn.transaction(|conn| {
        let found: Option<Found> = diesel::sql_query(
            "SELECT t.id, c.id AS campaign_id, t.name, t.failed_at IS NOT NULL AS failed, t.failed_reason AS reason, \
                    coalesce((SELECT max(b.total_through) FROM batches b \
                              WHERE b.campaign_id = c.id), 0) \
                    - coalesce((SELECT max(bt.last_number) FROM batch_targets bt \
                                WHERE bt.target_id = t.id AND bt.state <> 'failed'), 0) AS behind \
             FROM targets t JOIN campaigns c ON c.id = t.campaign_id \
             WHERE c.slug = $1 AND lower(t.email) = lower($2) \
             ORDER BY t.position LIMIT 1 FOR UPDATE OF t",
        )
        .bind::<Text, _>(slug)
        .bind::<Text, _>(email)
        .get_result(conn)
        .optional()?;
        let Some(found) = found else {
            let campaign_exists = diesel::select(diesel::dsl::exists(
                crate::db::schema::campaigns::table
                    .filter(crate::db::schema::campaigns::slug.eq(slug)),
            ))
            .get_result::<bool>(conn)?;
            if campaign_exists {
                anyhow::bail!("{slug} has no target with the address {email}");
            }
            anyhow::bail!("no campaign with the slug {slug:?}");
        };
        if !found.failed {
            return Ok(Retry::NotFailed {
                target_name: found.name,
            });
        }
        diesel::update(targets::table.find(found.id))
            .set((
                targets::failed_at.eq(None::<DateTime<Utc>>),
                targets::failed_reason.eq(None::<String>),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Action::RetryTarget,
            Some(crate::db::types::CampaignId(found.campaign_id)),
            serde_json::json!({ "target": found.id, "was": found.reason }),
        )?;
        tracing::info!(target_id = %found.id, "failed mark cleared: the target receives again");
        Ok(Retry::Cleared {
            target_name: found.name,
            reason: found.reason,
            behind: found.behind,
        })
    })
}
