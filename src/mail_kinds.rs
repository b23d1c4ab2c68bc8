//! Every kind of mail this installation sends, registered with the drain: the composition
//! root that lets the mail layer send what the domain modules write without knowing them.
//! A kind missing here is never claimed, so its rows wait for a process that sends it.

use crate::alerts::mail::AlertMessages;
use crate::batches::mail::{BatchMessages, TestCopies};
use crate::config::Settings;
use crate::mail::kinds::Stored;
use crate::mail::{MailKind, MailKinds};

/// The kinds `deliver`, the `serve` worker and the tests send, as `settings` configure them.
pub fn all(settings: &Settings) -> MailKinds {
    let attachment_max = settings.attachment_max;
    MailKinds::new()
        // Rendered when queued: only a token's hash is kept, so the link lives in the row.
        .register(MailKind::Confirmation, Stored)
        .register(MailKind::AlreadySigned, Stored)
        .register(MailKind::PasswordReset, Stored)
        .register(MailKind::Invitation, Stored)
        // Rendered when sent, from the batch as it stands.
        .register(MailKind::PetitionBatch, BatchMessages { attachment_max })
        .register(MailKind::TestCopy, TestCopies { attachment_max })
        // Rendered when sent, and checked again against consent, unsubscribes, the
        // do-not-mail list and the frequency cap.
        .register(
            MailKind::Alert,
            AlertMessages {
                cap: settings.alert_cap,
                domain: settings.message_id_domain(),
                bounce_address: settings.bounce_address.clone(),
            },
        )
}
