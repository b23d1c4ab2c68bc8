//! Signing and confirming: a signature and the e-mail it causes commit together; it counts
//! only once the supporter confirms, and the campaign's counter moves in the same transaction.

pub mod export;

use crate::campaigns::Campaign;
use crate::db::schema::{campaign_counters, signatures, supporters};
use crate::domain::country::Country;
use crate::domain::email::SignerEmail;
use crate::domain::name::SignerName;
use crate::domain::text::{Comment, Postcode};
use crate::mail::{messages, outbox};
use crate::{rate_limit, tokens};
use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

/// Signatures one IP address may make in an hour before further ones are held for review.
/// Generous, because offices, universities and mobile carriers put many people behind one IP.
pub const SIGNATURES_PER_IP_PER_HOUR: i32 = 60;
/// "You have already signed" e-mails one address may receive per campaign.
pub const DUPLICATE_NOTICES_PER_CAMPAIGN: i32 = 3;
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
    /// Keyed hash of the client's IP address.
    pub ip_hash: Option<String>,
    /// The honeypot field was filled in: a bot.
    pub honeypot: bool,
    /// Free-form source tag (e.g. a `?source=` link parameter).
    pub source: Option<String>,
}

/// What the service did with a submission. The supporter sees the same page for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signed {
    /// A new signature waiting for confirmation; the confirmation e-mail is queued.
    New,
    /// Stored but held for review (honeypot or rate limit); nothing is sent and nothing counts.
    Held,
    /// This address had signed before; a notice was queued unless the cap was reached.
    Duplicate { notified: bool },
}

/// Links and identity the messages need.
pub struct MailContext<'a> {
    pub base_url: &'a str,
    pub message_id_domain: &'a str,
}

/// Records a signature for `campaign` with its confirmation e-mail, in one transaction.
pub fn sign(
    conn: &mut PgConnection,
    campaign: &Campaign,
    new: &NewSignature,
    origin: &Origin,
    mail: &MailContext<'_>,
) -> anyhow::Result<Signed> {
    conn.transaction(|conn| {
        let held_reason = held_reason(conn, origin)?;
        let supporter_id = upsert_supporter(conn, &new.email)?;
        let (token, token_hash) = tokens::generate();
        let inserted: Option<Uuid> = diesel::insert_into(signatures::table)
            .values((
                signatures::id.eq(Uuid::now_v7()),
                signatures::campaign_id.eq(campaign.id()),
                signatures::supporter_id.eq(supporter_id),
                signatures::name.eq(new.name.as_str()),
                signatures::country.eq(new.country.code()),
                signatures::postcode.eq(new.postcode.as_ref().map(|p| p.as_str())),
                signatures::comment.eq(new.comment.as_ref().map(|c| c.as_str())),
                signatures::wants_updates.eq(new.wants_updates),
                signatures::state.eq(if held_reason.is_some() {
                    "held"
                } else {
                    "counted"
                }),
                signatures::held_reason.eq(held_reason),
                signatures::source.eq(&origin.source),
                signatures::ip_hash.eq(&origin.ip_hash),
                signatures::confirm_token_hash.eq(&token_hash),
            ))
            .on_conflict((signatures::campaign_id, signatures::supporter_id))
            .do_nothing()
            .returning(signatures::id)
            .get_result(conn)
            .optional()?;
        let campaign_link = format!("{}/c/{}", mail.base_url, campaign.slug());
        let signer_mail = messages::SignerMail {
            campaign_id: campaign.id(),
            campaign_title: &campaign.row.title,
            campaign_link: &campaign_link,
            to: new.email.as_typed(),
            name: new.name.as_str(),
        };
        let confirm_link = format!("{}/confirm/{token}", mail.base_url);
        if inserted.is_some() {
            if held_reason.is_some() {
                return Ok(Signed::Held);
            }
            let email = messages::confirm(&signer_mail, &confirm_link)?;
            outbox::enqueue(conn, &email, mail.message_id_domain)?;
            return Ok(Signed::New);
        }
        if origin.honeypot {
            return Ok(Signed::Held);
        }
        // A second signature from this address: tell its owner, a few times at most. An
        // unconfirmed first signature gets a fresh link (the first one may have been lost).
        let previous: Option<Option<chrono::DateTime<Utc>>> = diesel::update(
            signatures::table
                .filter(signatures::campaign_id.eq(campaign.id()))
                .filter(signatures::supporter_id.eq(supporter_id))
                .filter(signatures::state.eq("counted"))
                .filter(signatures::duplicate_notices.lt(DUPLICATE_NOTICES_PER_CAMPAIGN)),
        )
        .set(signatures::duplicate_notices.eq(signatures::duplicate_notices + 1))
        .returning(signatures::confirmed_at)
        .get_result(conn)
        .optional()?;
        let Some(confirmed_at) = previous else {
            return Ok(Signed::Duplicate { notified: false });
        };
        let fresh_link = if confirmed_at.is_none() {
            diesel::update(
                signatures::table
                    .filter(signatures::campaign_id.eq(campaign.id()))
                    .filter(signatures::supporter_id.eq(supporter_id)),
            )
            .set(signatures::confirm_token_hash.eq(&token_hash))
            .execute(conn)?;
            Some(confirm_link.as_str())
        } else {
            None
        };
        let email = messages::already_signed(&signer_mail, fresh_link)?;
        outbox::enqueue(conn, &email, mail.message_id_domain)?;
        Ok(Signed::Duplicate { notified: true })
    })
}

fn held_reason(conn: &mut PgConnection, origin: &Origin) -> anyhow::Result<Option<&'static str>> {
    if origin.honeypot {
        return Ok(Some("honeypot"));
    }
    if let Some(ip_hash) = &origin.ip_hash {
        let hits = rate_limit::hit_this_hour(conn, &format!("sign:{ip_hash}"))?;
        if hits > SIGNATURES_PER_IP_PER_HOUR {
            return Ok(Some("rate_limit"));
        }
    }
    Ok(None)
}

fn upsert_supporter(conn: &mut PgConnection, email: &SignerEmail) -> anyhow::Result<Uuid> {
    // The no-op update makes RETURNING give the existing row's id on conflict.
    Ok(diesel::insert_into(supporters::table)
        .values((
            supporters::id.eq(Uuid::now_v7()),
            supporters::email.eq(email.as_typed()),
            supporters::email_canonical.eq(email.canonical()),
        ))
        .on_conflict(supporters::email_canonical)
        .do_update()
        .set(supporters::email_canonical.eq(diesel::upsert::excluded(supporters::email_canonical)))
        .returning(supporters::id)
        .get_result(conn)?)
}

/// The outcome of pressing the confirm button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// Confirmed now (or earlier: pressing twice is harmless). Carries the campaign's slug.
    Yes { campaign_id: Uuid },
    /// No signature has this token.
    UnknownToken,
}

/// Confirms the signature behind `token`: counts it (unless held) and records the alerts
/// consent it asked for, all in one transaction.
pub fn confirm(conn: &mut PgConnection, token: &str) -> anyhow::Result<Confirmed> {
    let token_hash = tokens::hash(token);
    conn.transaction(|conn| {
        let now = Utc::now();
        let changed: Option<(Uuid, Uuid, String, bool)> = diesel::update(
            signatures::table
                .filter(signatures::confirm_token_hash.eq(&token_hash))
                .filter(signatures::confirmed_at.is_null()),
        )
        .set(signatures::confirmed_at.eq(now))
        .returning((
            signatures::campaign_id,
            signatures::supporter_id,
            signatures::state,
            signatures::wants_updates,
        ))
        .get_result(conn)
        .optional()?;
        let Some((campaign_id, supporter_id, state, wants_updates)) = changed else {
            let existing: Option<Uuid> = signatures::table
                .filter(signatures::confirm_token_hash.eq(&token_hash))
                .select(signatures::campaign_id)
                .first(conn)
                .optional()?;
            return Ok(match existing {
                Some(campaign_id) => Confirmed::Yes { campaign_id },
                None => Confirmed::UnknownToken,
            });
        };
        if state == "counted" {
            diesel::update(campaign_counters::table.find(campaign_id))
                .set(campaign_counters::signatures.eq(campaign_counters::signatures + 1))
                .execute(conn)?;
        }
        if wants_updates {
            diesel::update(supporters::table.find(supporter_id))
                .set((
                    supporters::alerts_consent_at.eq(now),
                    supporters::alerts_consent_wording.eq(UPDATES_CONSENT_WORDING),
                    supporters::unsubscribed_at.eq(None::<chrono::DateTime<Utc>>),
                ))
                .execute(conn)?;
        }
        Ok(Confirmed::Yes { campaign_id })
    })
}

/// Whether a confirmation link is still good (the GET page shows the button only then).
pub fn token_exists(conn: &mut PgConnection, token: &str) -> anyhow::Result<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        signatures::table.filter(signatures::confirm_token_hash.eq(tokens::hash(token))),
    ))
    .get_result(conn)?)
}
