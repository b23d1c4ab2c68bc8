//! The e-mail-bombing cap: how many signing e-mails (confirmations and "already signed"
//! notices) one inbox may get, however its address is spelled (`+tags`, Gmail's dots), per
//! campaign and across all campaigns, per day.

use crate::domain::email::SignerEmail;
use crate::rate_limit::{self, Window};
use crate::tokens;
use diesel::PgConnection;
use uuid::Uuid;

/// Signing e-mails one inbox may get from one campaign in a day.
pub const MAILS_PER_MAILBOX_PER_CAMPAIGN: i32 = 5;
/// Signing e-mails one inbox may get from all campaigns together in a day.
pub const MAILS_PER_MAILBOX_PER_DAY: i32 = 10;

/// Counts one e-mail to `email`'s inbox from `campaign` and says whether it may be sent.
/// The inbox is counted under a keyed hash, so the counters hold no address.
pub fn take(
    conn: &mut PgConnection,
    key: &[u8],
    campaign: Uuid,
    email: &SignerEmail,
) -> anyhow::Result<bool> {
    let inbox = tokens::keyed_hash(key, &email.mailbox());
    let [for_campaign, for_all] = rate_limit::hit_each(
        conn,
        [
            &format!("mail:{campaign}:{inbox}"),
            &format!("mail:{inbox}"),
        ],
        Window::Day,
    )?;
    Ok(for_campaign <= MAILS_PER_MAILBOX_PER_CAMPAIGN && for_all <= MAILS_PER_MAILBOX_PER_DAY)
}
