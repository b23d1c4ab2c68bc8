//! The e-mail-bombing cap: how many signing e-mails (confirmations and "already signed"
//! notices) one inbox may get, however its address is spelled (`+tags`, Gmail's dots), per
//! campaign and across all campaigns, per day.
//!
//! Only e-mails actually sent count toward the cap across campaigns, and the first one a
//! campaign sends an inbox in a day always goes: someone who signs the same campaign over and
//! over under `+tag` spellings uses up that campaign's few e-mails, never the inbox's real
//! confirmation from another campaign. A signature whose confirmation was not sent is marked,
//! so the organizer sees it beside the held ones and may send it (see `release`).

use crate::domain::email::SignerEmail;
use crate::rate_limit::{self, Window};
use crate::tokens;
use diesel::PgConnection;
use uuid::Uuid;

/// Signing e-mails one inbox may get from one campaign in a day.
pub const MAILS_PER_MAILBOX_PER_CAMPAIGN: i32 = 5;
/// Signing e-mails one inbox may get from all campaigns together in a day, beyond the first
/// of each campaign.
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
    let for_campaign = rate_limit::hit(conn, &format!("mail:{campaign}:{inbox}"), Window::Day)?;
    if for_campaign > MAILS_PER_MAILBOX_PER_CAMPAIGN {
        return Ok(false);
    }
    let first_from_campaign = for_campaign == 1;
    Ok(rate_limit::hit_below(
        conn,
        &format!("mail:{inbox}"),
        Window::Day,
        MAILS_PER_MAILBOX_PER_DAY,
        first_from_campaign,
    )?
    .is_some())
}
