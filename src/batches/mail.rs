//! The two kinds of mail petition delivery sends, as the drain renders and records them: the
//! batch message to a target (its outcome goes to the delivery log, and a permanent refusal
//! marks the target failed; an official's address is never suppressed), and a test copy of
//! the next message to an organizer's address (it changes nothing).

use super::delivery;
use super::message::{render, BatchContext, TestCopy, Which};
use crate::mail::outbox::{Attempt, Queued};
use crate::mail::outcome::Outcome;
use crate::mail::render::{RenderContext, RenderError};
use crate::mail::{Attachment, Composed, ExtraHeaders, MailHandler, MailKind};
use anyhow::Context as _;
use chrono::Utc;
use diesel::PgConnection;

/// The message of a batch to one of its targets (`outbox.batch_target_id`).
pub struct BatchMessages {
    /// The largest CSV attached; a larger one becomes a signed link.
    pub attachment_max: usize,
}

/// A copy of a target's next message sent to an organizer for review, marked `[TEST]`.
pub struct TestCopies {
    pub attachment_max: usize,
}

impl MailHandler for BatchMessages {
    fn render(
        &self,
        conn: &mut PgConnection,
        row: &Queued,
        ctx: &RenderContext,
    ) -> Result<Composed, RenderError> {
        let Some(id) = row.batch_target_id else {
            return Err(RenderError::Impossible {
                kind: row.kind,
                reason: "it names no batch message, and no renderer can make it without one".into(),
            });
        };
        Ok(render_row(
            conn,
            row,
            Which::Queued(id),
            false,
            ctx,
            self.attachment_max,
        )?)
    }

    fn recorded(
        &self,
        conn: &mut PgConnection,
        done: &[(&Attempt, &Outcome<'_>)],
    ) -> anyhow::Result<()> {
        for (attempt, outcome) in done {
            if let Some(batch_target_id) = attempt.batch_target_id {
                delivery::record_outcome(conn, batch_target_id, &delivery_outcome(outcome))?;
            }
        }
        Ok(())
    }
}

impl MailHandler for TestCopies {
    fn render(
        &self,
        conn: &mut PgConnection,
        row: &Queued,
        ctx: &RenderContext,
    ) -> Result<Composed, RenderError> {
        let copy: TestCopy = serde_json::from_value(row.params.clone())
            .context("a test copy without its campaign and target")?;
        let which = Which::Next {
            campaign_id: copy.campaign_id,
            target_id: copy.target_id,
        };
        Ok(render_row(
            conn,
            row,
            which,
            true,
            ctx,
            self.attachment_max,
        )?)
    }
}

/// The same outcome as a batch's delivery record keeps it.
fn delivery_outcome(outcome: &Outcome<'_>) -> delivery::Outcome {
    match outcome {
        Outcome::Sent { at } => delivery::Outcome::Sent { at: *at },
        Outcome::Retrying { reply, .. } => delivery::Outcome::Retrying {
            reply: reply.to_string(),
        },
        Outcome::Failed { reply, permanent } => delivery::Outcome::Failed {
            reply: reply.to_string(),
            permanent: *permanent,
        },
        // A batch message is never withheld; were one, it did not go and may be cut again.
        Outcome::Withheld { reason } => delivery::Outcome::Failed {
            reply: reason.to_string(),
            permanent: false,
        },
    }
}

/// Renders `which` as the outbox sends it. A test copy goes to the row's address, marked
/// `[TEST]`, outside the target's thread.
fn render_row(
    conn: &mut PgConnection,
    row: &Queued,
    which: Which,
    test: bool,
    ctx: &RenderContext,
    attachment_max: usize,
) -> anyhow::Result<Composed> {
    debug_assert_eq!(test, row.kind == MailKind::TestCopy);
    let batch_ctx = BatchContext {
        base_url: &ctx.base_url,
        secret_key: ctx.secret_key.bytes(),
        attachment_max,
        now: Utc::now(),
    };
    let m = render(conn, which, &batch_ctx, test)?;
    Ok(Composed {
        to: if test { row.recipient.clone() } else { m.to },
        to_name: (!test).then_some(m.to_name),
        subject: m.subject,
        text: m.text,
        html: Some(m.html),
        attachments: m
            .csv
            .map(|(filename, bytes)| Attachment {
                filename,
                content_type: "text/csv; charset=utf-8".into(),
                bytes,
            })
            .into_iter()
            .collect(),
        headers: ExtraHeaders {
            reply_to: m.reply_to,
            in_reply_to: if test { None } else { m.in_reply_to },
            references: if test { None } else { m.references },
            ..ExtraHeaders::default()
        },
    })
}
