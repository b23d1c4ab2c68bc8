//! E-mail: what a message holds before it is queued, how it is rendered, the outbox it waits
//! in, the drain that sends it, and the transport that finally hands it over.

mod address;
mod build;
pub mod compose;
pub mod drain;
pub mod kind;
pub mod kinds;
pub mod messages;
mod noting;
pub mod outbox;
pub mod outcome;
pub mod pacing;
pub mod pop3;
pub mod rate;
pub mod render;
pub mod reply;
pub mod smtp;
pub mod state;
pub mod suppressions;
pub mod transport;
pub mod verp;

pub use compose::{Attachment, Composed, ExtraHeaders};
pub use kind::MailKind;
pub use kinds::{MailHandler, MailKinds};
pub use render::RenderContext;
pub use state::OutboxState;

use uuid::Uuid;

/// An e-mail on its way into the outbox (see [`outbox::enqueue`]).
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub kind: MailKind,
    pub campaign_id: Option<Uuid>,
    /// What the message is about or rendered from.
    pub refs: MailRefs,
    /// The few parameters a kind needs at send time.
    pub params: serde_json::Value,
    /// The address exactly as it should appear in `To:`.
    pub to: String,
    pub to_name: Option<String>,
    /// Fixed by the caller (e.g. stable per batch and target); `<row id@domain>` otherwise.
    pub message_id: Option<String>,
    /// The stored message, for kinds that cannot be rendered again at send time.
    pub stored: Option<StoredMessage>,
}

/// The rows an outbox row points at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailRefs {
    pub signature_id: Option<Uuid>,
    pub batch_target_id: Option<Uuid>,
    pub alert_id: Option<Uuid>,
}

/// A message rendered when it was queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// Removes what a display name or subject may not carry into a header (CR, LF, NUL and the
/// other control characters), so the message builder can never be made to panic or to
/// inject headers.
pub fn header_safe(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::header_safe;

    #[test]
    fn header_values_lose_line_breaks_and_nul() {
        assert_eq!(
            header_safe("Ana\r\nBcc: x@example.org"),
            "Ana Bcc: x@example.org"
        );
        assert_eq!(header_safe("A\0na  Petrović"), "A na Petrović");
    }
}
