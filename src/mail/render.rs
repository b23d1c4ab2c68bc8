//! What renderers share: the context a claimed row is rendered in, and why a row could not
//! become a message. Each kind's renderer is registered with the drain (see [`super::kinds`]).

use super::MailKind;
use crate::config::{SecretKey, Settings};

/// What renderers need beyond the database.
#[derive(Debug, Clone)]
pub struct RenderContext {
    /// Absolute base for links, without a trailing slash.
    pub base_url: String,
    /// For signed links (unsubscribe, downloads).
    pub secret_key: SecretKey,
}

impl RenderContext {
    pub fn new(settings: &Settings) -> RenderContext {
        RenderContext {
            base_url: settings.base_url.clone(),
            secret_key: settings.secret_key.clone(),
        }
    }
}

/// Why a row could not become a message.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Nothing can render this row, now or later: it fails without a retry.
    #[error("no message can be made for this {}: {reason}", kind.as_str())]
    Impossible { kind: MailKind, reason: String },
    /// The row must not be sent, now or later, though nothing is wrong with it (its
    /// recipient unsubscribed, its alert was cancelled): it is cancelled, saying why.
    #[error("not sent: {0}")]
    Withheld(String),
    /// Rendering failed this time (e.g. the database): the row is tried again later.
    #[error("the message could not be rendered: {0:#}")]
    Failed(#[from] anyhow::Error),
}
