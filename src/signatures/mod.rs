//! Signing and confirming: a signature and the e-mail it causes commit together; it counts
//! only once the supporter confirms, and the campaign's counter moves in the same transaction.

pub mod anonymise;
mod confirm;
pub mod export;
mod invalidate;
pub mod list;
pub mod mail_cap;
mod release;
pub mod retention;
mod sign;
mod state;
pub mod surges;

pub use confirm::{confirm, link_state, Confirmed, LinkState, CONFIRM_GRACE_HOURS};
pub use invalidate::{invalidate, InvalidateError, Invalidated};
pub use release::{release, ReleaseError, Released, MAIL_CAPPED};
pub use sign::sign;
pub use state::SignatureState;

use crate::domain::country::Country;
use crate::domain::email::SignerEmail;
use crate::domain::name::SignerName;
use crate::domain::text::{Comment, Postcode};

/// Signatures one IP address may make in an hour before further ones are held for review.
/// Generous, because offices, universities and mobile carriers put many people behind one IP.
pub const SIGNATURES_PER_IP_PER_HOUR: i32 = 60;
/// "You have already signed" e-mails one address may receive per campaign.
pub const DUPLICATE_NOTICES_PER_CAMPAIGN: i32 = 3;
/// Confirmation links that stay good for one signature: the first e-mail and one per notice.
pub const CONFIRM_LINKS_PER_SIGNATURE: i32 = 1 + DUPLICATE_NOTICES_PER_CAMPAIGN;
/// The alerts consent text the sign form shows, stored with each consent.
pub const UPDATES_CONSENT_WORDING: &str = "updates-v1: Keep me informed about this and related actions by e-mail. I can unsubscribe at any time.";

/// A signature as the supporter submitted it, every field already parsed.
#[derive(Debug, Clone)]
pub struct NewSignature {
    pub name: SignerName,
    pub email: SignerEmail,
    pub country: Country,
    pub postcode: Option<Postcode>,
    pub comment: Option<Comment>,
    pub wants_updates: bool,
}

/// Where a submission came from, for abuse checks.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// Keyed hash of the client's IP address (or of its network, for IPv6).
    pub ip_hash: Option<String>,
    /// The honeypot field was filled in: a bot.
    pub honeypot: bool,
    /// Free-form source tag (e.g. a `?source=` link parameter).
    pub source: Option<String>,
}

/// What the service did with a submission. The supporter sees the same page for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signed {
    /// A new signature waiting for confirmation; the confirmation e-mail was queued unless
    /// its inbox had reached the [`mail_cap`] (`mailed: false`).
    New { mailed: bool },
    /// Stored but held for review (honeypot or rate limit); nothing is sent and nothing counts.
    /// It never stands in the way of a later clean signature from the same address.
    Held,
    /// This address had signed before; a notice was queued unless a cap was reached.
    Duplicate { notified: bool },
}

/// Links and identity the messages need.
pub struct MailContext<'a> {
    pub base_url: &'a str,
    pub message_id_domain: &'a str,
    /// Keys the hashes under which inboxes are counted for [`mail_cap`].
    pub secret_key: &'a [u8],
}
