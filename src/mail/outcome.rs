//! What a send's result means, per kind of mail: when a message is retried, when it is given
//! up, and what else changes in the same transaction — a supporter's address is suppressed
//! after a permanent failure; a petition batch's target is told through its delivery record.

use super::outbox::{backoff, Attempt, MAX_ATTEMPTS};
use super::transport::SendResult;
use super::MailKind;
use crate::batches::delivery;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Text};

/// The recorded result of one tried send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<'a> {
    Sent {
        at: DateTime<Utc>,
    },
    /// Tried again at `next_attempt_at`; `reply` is the server's last answer.
    Retrying {
        reply: &'a str,
        next_attempt_at: DateTime<Utc>,
    },
    /// Given up: at once for a permanent refusal, or after [`MAX_ATTEMPTS`] temporary ones.
    Failed {
        reply: &'a str,
        permanent: bool,
    },
}

impl<'a> Outcome<'a> {
    /// The outcome of `result` for the attempt numbered `attempt` (counting from 1).
    pub fn of(result: &'a SendResult, attempt: i32, now: DateTime<Utc>) -> Outcome<'a> {
        match result {
            SendResult::Sent => Outcome::Sent { at: now },
            SendResult::Permanent(reply) => Outcome::Failed {
                reply,
                permanent: true,
            },
            SendResult::Transient(reply) | SendResult::AuthFailed(reply)
                if attempt < MAX_ATTEMPTS =>
            {
                Outcome::Retrying {
                    reply,
                    next_attempt_at: now
                        + chrono::Duration::from_std(backoff(attempt)).unwrap_or_default(),
                }
            }
            SendResult::Transient(reply) | SendResult::AuthFailed(reply) => Outcome::Failed {
                reply,
                permanent: false,
            },
        }
    }

    /// The row's new `state`.
    pub fn state(&self) -> &'static str {
        match self {
            Outcome::Sent { .. } => "sent",
            Outcome::Retrying { .. } => "pending",
            Outcome::Failed { .. } => "failed",
        }
    }

    pub fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        match self {
            Outcome::Retrying {
                next_attempt_at, ..
            } => Some(*next_attempt_at),
            _ => None,
        }
    }

    /// The same outcome as a batch's delivery record keeps it.
    pub fn for_batch(&self) -> delivery::Outcome {
        match self {
            Outcome::Sent { at } => delivery::Outcome::Sent { at: *at },
            Outcome::Retrying { reply, .. } => delivery::Outcome::Retrying {
                reply: reply.to_string(),
            },
            Outcome::Failed { reply, permanent } => delivery::Outcome::Failed {
                reply: reply.to_string(),
                permanent: *permanent,
            },
        }
    }

    /// The server's answer, kept as `last_error` (already free of addresses).
    pub fn reply(&self) -> Option<&'a str> {
        match self {
            Outcome::Sent { .. } => None,
            Outcome::Retrying { reply, .. } | Outcome::Failed { reply, .. } => Some(reply),
        }
    }
}

/// Applies what recorded outcomes mean beyond the outbox row, inside the recording
/// transaction.
pub(crate) fn apply(
    conn: &mut PgConnection,
    done: &[(&Attempt, &Outcome<'_>)],
) -> anyhow::Result<()> {
    let mut suppress: Vec<&str> = Vec::new();
    let mut reasons: Vec<&str> = Vec::new();
    for (attempt, outcome) in done {
        match (attempt.kind, outcome) {
            (
                kind,
                Outcome::Failed {
                    reply,
                    permanent: true,
                },
            ) if kind.to_supporter() => {
                suppress.push(&attempt.recipient);
                reasons.push(reply);
            }
            // A batch never suppresses an official's address: its delivery record keeps the
            // outcome, and a permanent refusal marks the target failed.
            (MailKind::PetitionBatch, outcome) => {
                if let Some(batch_target_id) = attempt.batch_target_id {
                    delivery::record_outcome(conn, batch_target_id, &outcome.for_batch())?;
                }
            }
            _ => {}
        }
    }
    if !suppress.is_empty() {
        // lower() here matches the claim's lookup.
        diesel::sql_query(
            "INSERT INTO suppressions (email_canonical, reason) \
             SELECT lower(address), reason FROM unnest($1::text[], $2::text[]) AS v(address, reason) \
             ON CONFLICT DO NOTHING",
        )
        .bind::<Array<Text>, _>(&suppress)
        .bind::<Array<Text>, _>(&reasons)
        .execute(conn)?;
    }
    Ok(())
}
