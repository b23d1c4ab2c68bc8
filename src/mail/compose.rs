//! [`Composed`]: the one message type the transport sends, whatever its kind.

/// A message ready for the transport. The Message-ID comes from the outbox row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Composed {
    /// The address exactly as it should appear in `To:`.
    pub to: String,
    pub to_name: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
    pub headers: ExtraHeaders,
}

/// A file carried beside the text and HTML parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    /// e.g. `text/csv; charset=utf-8`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Headers beyond From, To, Subject, Date and Message-ID.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtraHeaders {
    /// A mailbox, e.g. `Ana <ana@rivercommons.example>`.
    pub reply_to: Option<String>,
    /// Message-IDs with their angle brackets, to thread under an earlier message.
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    /// e.g. `River Commons alerts <alerts.rivercommons.example>`.
    pub list_id: Option<String>,
    /// e.g. `<https://act.example/unsubscribe/TOKEN>`.
    pub list_unsubscribe: Option<String>,
    /// Adds `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
    pub one_click_unsubscribe: bool,
    /// Adds `Auto-Submitted: auto-generated` (RFC 3834).
    pub auto_submitted: bool,
    /// Gmail's `Feedback-ID` (`alert:campaign:kind:sender`), so the providers' aggregate
    /// complaint reports can be read per alert.
    pub feedback_id: Option<String>,
}
