//! E-mail: what a message holds before it is queued, how it is rendered, the outbox it waits
//! in, and the transport that finally sends it.

pub mod messages;
pub mod outbox;
pub mod smtp;
pub mod transport;

use uuid::Uuid;

/// A rendered e-mail on its way into the outbox.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    /// What the message is for (`confirm`, `already_signed`, …), shown in logs and metrics.
    pub kind: &'static str,
    pub campaign_id: Option<Uuid>,
    /// The address exactly as it should appear in `To:`.
    pub to: String,
    pub to_name: Option<String>,
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
