//! What a send's result means, per kind of mail: when a message is retried, when it is given
//! up, and what else changes in the same transaction — a supporter's address is suppressed
//! after a permanent failure, and each kind's handler applies what the outcome means for it
//! (a petition batch's target is told through its delivery record).
//! Each send that did not go out is logged, without the address, name or token it was for.

use super::kinds::MailKinds;
use super::outbox::{backoff, Attempt, MAX_ATTEMPTS};
use super::reply::redact_addresses;
use super::suppressions::{self, Reason};
use super::transport::SendResult;
use super::OutboxState;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

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
    /// Never sent, by design (see [`SendResult::Withheld`]): cancelled with its reason.
    Withheld {
        reason: &'a str,
    },
}

impl<'a> Outcome<'a> {
    /// The outcome of `result` for the attempt numbered `attempt` (counting from 1).
    pub fn of(result: &'a SendResult, attempt: i32, now: DateTime<Utc>) -> Outcome<'a> {
        match result {
            SendResult::Sent => Outcome::Sent { at: now },
            SendResult::Withheld(reason) => Outcome::Withheld { reason },
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
    pub fn state(&self) -> OutboxState {
        match self {
            Outcome::Sent { .. } => OutboxState::Sent,
            Outcome::Retrying { .. } => OutboxState::Pending,
            Outcome::Failed { .. } => OutboxState::Failed,
            Outcome::Withheld { .. } => OutboxState::Cancelled,
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

    /// The server's answer, kept as `last_error` (already free of addresses).
    pub fn reply(&self) -> Option<&'a str> {
        match self {
            Outcome::Sent { .. } => None,
            Outcome::Retrying { reply, .. } | Outcome::Failed { reply, .. } => Some(reply),
            Outcome::Withheld { reason } => Some(reason),
        }
    }
}

/// The log line of a send that did not go out. It names the row and the server's answer,
/// never the recipient: no address (replies are redacted again here), name or token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSent {
    pub outbox_id: Uuid,
    pub kind: &'static str,
    /// Which attempt this was, counting from 1.
    pub attempt: i32,
    /// The SMTP reply code, when the server gave one.
    pub smtp_code: Option<u16>,
    pub reply: String,
    /// `true`: tried again later; `false`: given up.
    pub retrying: bool,
}

impl NotSent {
    /// The line for `attempt`, unless it was sent.
    pub fn of(attempt: &Attempt, outcome: &Outcome<'_>) -> Option<NotSent> {
        let (reply, retrying) = match outcome {
            Outcome::Sent { .. } | Outcome::Withheld { .. } => return None,
            Outcome::Retrying { reply, .. } => (reply, true),
            Outcome::Failed { reply, .. } => (reply, false),
        };
        Some(NotSent {
            outbox_id: attempt.id,
            kind: attempt.kind.as_str(),
            attempt: attempt.attempts_before + 1,
            smtp_code: smtp_code(reply),
            reply: redact_addresses(reply),
            retrying,
        })
    }

    /// Writes the line: a warning while the message is retried, an error once given up.
    pub fn log(&self) {
        let code = self.smtp_code.map(|c| c.to_string());
        let code = code.as_deref().unwrap_or("none");
        if self.retrying {
            tracing::warn!(outbox_id = %self.outbox_id, kind = self.kind, attempt = self.attempt,
                smtp_code = code, reply = %self.reply, "e-mail not sent: will retry");
        } else {
            tracing::error!(outbox_id = %self.outbox_id, kind = self.kind, attempt = self.attempt,
                smtp_code = code, reply = %self.reply, "e-mail not sent: given up");
        }
    }
}

/// The code of a reply as the transport words it (`SMTP 550: ...`).
fn smtp_code(reply: &str) -> Option<u16> {
    let digits = reply.strip_prefix("SMTP ")?.get(..3)?;
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

/// Applies what recorded outcomes mean beyond the outbox row, inside the recording
/// transaction: the suppressions every kind of supporter mail shares, then each kind's own.
pub(crate) fn apply(
    conn: &mut PgConnection,
    key: &[u8],
    done: &[(&Attempt, &Outcome<'_>)],
    kinds: &MailKinds,
) -> anyhow::Result<()> {
    let mut suppress = Vec::new();
    for (attempt, outcome) in done {
        // An official's address is never suppressed: its kind keeps the outcome instead.
        if let Outcome::Failed {
            reply,
            permanent: true,
        } = outcome
        {
            if attempt.kind.to_supporter() {
                suppress.push((attempt.recipient.as_str(), Reason::Bounced, Some(*reply)));
            }
        }
    }
    kinds.recorded(conn, done)?;
    suppressions::add(conn, key, &suppress)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::MailKind;

    fn attempt(kind: MailKind, result: SendResult) -> Attempt {
        Attempt {
            id: Uuid::now_v7(),
            kind,
            recipient: "ana.petrovic@rivercommons.example".into(),
            batch_target_id: None,
            alert_id: None,
            attempts_before: 2,
            result,
        }
    }

    #[test]
    fn a_failed_or_retried_send_is_logged_with_its_kind_row_and_code_but_no_address() {
        let now = Utc::now();
        let cases = [
            (
                attempt(
                    MailKind::PetitionBatch,
                    SendResult::Permanent(
                        "SMTP 550: 5.1.1 <minister@energy.example>: no such user".into(),
                    ),
                ),
                Some(550),
                "SMTP 550: 5.1.1 <[address]>: no such user",
                false,
            ),
            (
                attempt(
                    MailKind::Confirmation,
                    SendResult::Transient(
                        "SMTP 452: 4.2.2 mailbox ana.petrovic@rivercommons.example full".into(),
                    ),
                ),
                Some(452),
                "SMTP 452: 4.2.2 mailbox [address] full",
                true,
            ),
            (
                attempt(
                    MailKind::Alert,
                    SendResult::Transient("SMTP: no answer within 60 s".into()),
                ),
                None,
                "SMTP: no answer within 60 s",
                true,
            ),
        ];
        for (attempt, code, reply, retrying) in cases {
            let outcome = Outcome::of(&attempt.result, attempt.attempts_before + 1, now);
            let line = NotSent::of(&attempt, &outcome).expect("a line");
            assert_eq!(
                line,
                NotSent {
                    outbox_id: attempt.id,
                    kind: attempt.kind.as_str(),
                    attempt: 3,
                    smtp_code: code,
                    reply: reply.into(),
                    retrying,
                }
            );
            assert!(!format!("{line:?}").contains('@'), "{line:?}");
        }
    }

    #[test]
    fn a_sent_message_has_no_failure_line() {
        let sent = attempt(MailKind::Confirmation, SendResult::Sent);
        assert_eq!(
            NotSent::of(&sent, &Outcome::of(&sent.result, 1, Utc::now())),
            None
        );
    }
}
