//! Turns a claimed outbox row into the [`Composed`] message the transport sends: stored kinds
//! from their stored parts, the others from the rows they reference, at send time.

use super::outbox::Queued;
use super::{Composed, ExtraHeaders, MailKind};
use crate::config::{SecretKey, Settings};
use diesel::PgConnection;

/// What renderers need beyond the database.
#[derive(Debug, Clone)]
pub struct RenderContext {
    /// Absolute base for links, without a trailing slash.
    pub base_url: String,
    /// For signed links (unsubscribe, downloads).
    pub secret_key: SecretKey,
    /// The largest CSV a batch message attaches.
    pub attachment_max: usize,
}

impl RenderContext {
    pub fn new(settings: &Settings) -> RenderContext {
        RenderContext {
            base_url: settings.base_url.clone(),
            secret_key: settings.secret_key.clone(),
            attachment_max: settings.attachment_max,
        }
    }
}

/// Why a row could not become a message.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Nothing can render this row, now or later: it fails without a retry.
    #[error("no message can be made for this {}: {reason}", kind.as_str())]
    Impossible { kind: MailKind, reason: String },
    /// Rendering failed this time (e.g. the database): the row is tried again later.
    #[error("the message could not be rendered: {0:#}")]
    Failed(#[from] anyhow::Error),
}

/// Renders `row` as it is sent now.
pub fn render(
    conn: &mut PgConnection,
    row: &Queued,
    ctx: &RenderContext,
) -> Result<Composed, RenderError> {
    match row.kind {
        MailKind::Confirmation
        | MailKind::AlreadySigned
        | MailKind::PasswordReset
        | MailKind::Invitation => stored(row),
        kind @ MailKind::PetitionBatch if row.batch_target_id.is_none() => {
            Err(RenderError::Impossible {
                kind,
                reason: "it names no batch message, and no renderer can make it without one".into(),
            })
        }
        MailKind::PetitionBatch | MailKind::TestCopy => {
            Ok(crate::batches::message::render_row(conn, row, ctx)?)
        }
        kind @ MailKind::Alert => Err(RenderError::Impossible {
            kind,
            reason: "this installation has no renderer for it".into(),
        }),
    }
}

/// A message rendered when it was queued, with the headers its kind carries.
fn stored(row: &Queued) -> Result<Composed, RenderError> {
    let (Some(subject), Some(text)) = (&row.subject, &row.body_text) else {
        return Err(RenderError::Impossible {
            kind: row.kind,
            reason: "the stored message has no subject or text".into(),
        });
    };
    Ok(Composed {
        to: row.recipient.clone(),
        to_name: row.recipient_name.clone(),
        subject: subject.clone(),
        text: text.clone(),
        html: row.body_html.clone(),
        attachments: Vec::new(),
        headers: ExtraHeaders {
            auto_submitted: row.kind.auto_generated(),
            ..ExtraHeaders::default()
        },
    })
}
