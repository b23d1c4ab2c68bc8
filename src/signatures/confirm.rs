//! Confirming: any link that was sent for a signature confirms it, while its campaign is live
//! or closed for less than [`CONFIRM_GRACE_HOURS`]; never on a draft. Pressing again is
//! harmless.

use super::SignatureState;
use super::UPDATES_CONSENT_WORDING;
use crate::db::schema::{
    campaign_counters, campaigns, signature_confirm_tokens, signatures, supporters,
};
use crate::mail::suppressions;
use crate::tokens;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// How long after a campaign closes its confirmation links still count: the e-mail may have
/// arrived just before the close.
pub const CONFIRM_GRACE_HOURS: i64 = 24;

/// The outcome of pressing the confirm button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// Confirmed now (or earlier: pressing twice is harmless).
    Yes { campaign_id: Uuid },
    /// The campaign is a draft, or closed longer ago than the grace period: nothing changed.
    CampaignClosed { campaign_id: Uuid },
    /// No link has this token.
    UnknownToken,
}

/// What a confirmation link leads to, for the page that shows the button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// The button would confirm (or has confirmed) the signature for this campaign.
    Open { campaign_id: Uuid },
    /// The campaign no longer takes confirmations.
    CampaignClosed { campaign_id: Uuid },
    /// No link has this token.
    Unknown,
}

/// The signature behind a link, with what decides whether it may still be confirmed.
struct Behind {
    signature_id: Uuid,
    campaign_id: Uuid,
    confirmed: bool,
    accepts: bool,
}

fn behind(conn: &mut PgConnection, token: &str, lock: bool) -> anyhow::Result<Option<Behind>> {
    let Some(signature_id) = signature_confirm_tokens::table
        .find(tokens::hash(token))
        .select(signature_confirm_tokens::signature_id)
        .first::<Uuid>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let signature = signatures::table
        .find(signature_id)
        .select((signatures::campaign_id, signatures::confirmed_at));
    let (campaign_id, confirmed_at): (Uuid, Option<DateTime<Utc>>) = if lock {
        // Two presses at once count the signature once.
        signature.for_update().first(conn)?
    } else {
        signature.first(conn)?
    };
    let (status, closes_at, closed_at): (String, Option<DateTime<Utc>>, Option<DateTime<Utc>>) =
        campaigns::table
            .find(campaign_id)
            .select((
                campaigns::status,
                campaigns::closes_at,
                campaigns::closed_at,
            ))
            .first(conn)?;
    Ok(Some(Behind {
        signature_id,
        campaign_id,
        confirmed: confirmed_at.is_some(),
        accepts: accepts_confirmations(&status, closes_at, closed_at, Utc::now()),
    }))
}

/// Whether a campaign in `status` still counts confirmations at `now`: while live, and for
/// [`CONFIRM_GRACE_HOURS`] after it closed (by its closing time or by hand); never a draft.
pub fn accepts_confirmations(
    status: &str,
    closes_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    let closed_since = match status {
        "live" => closes_at.filter(|at| *at <= now),
        "closed" => match (closes_at.filter(|at| *at <= now), closed_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => Some(a.or(b).unwrap_or(DateTime::<Utc>::MIN_UTC)),
        },
        _ => return false,
    };
    closed_since.is_none_or(|at| now < at + Duration::hours(CONFIRM_GRACE_HOURS))
}

/// What `token` leads to; changes nothing (mail scanners fetch links).
pub fn link_state(conn: &mut PgConnection, token: &str) -> anyhow::Result<LinkState> {
    Ok(match behind(conn, token, false)? {
        None => LinkState::Unknown,
        Some(b) if b.confirmed || b.accepts => LinkState::Open {
            campaign_id: b.campaign_id,
        },
        Some(b) => LinkState::CampaignClosed {
            campaign_id: b.campaign_id,
        },
    })
}

/// Confirms the signature behind `token`: counts it (unless held) and records the alerts
/// consent it asked for, all in one transaction.
pub fn confirm(conn: &mut PgConnection, key: &[u8], token: &str) -> anyhow::Result<Confirmed> {
    conn.transaction(|conn| {
        let Some(b) = behind(conn, token, true)? else {
            return Ok(Confirmed::UnknownToken);
        };
        let campaign_id = b.campaign_id;
        if b.confirmed {
            return Ok(Confirmed::Yes { campaign_id });
        }
        if !b.accepts {
            return Ok(Confirmed::CampaignClosed { campaign_id });
        }
        let now = Utc::now();
        let (supporter_id, state, wants_updates, name, country): (
            Uuid,
            SignatureState,
            bool,
            String,
            String,
        ) = diesel::update(signatures::table.find(b.signature_id))
            .set(signatures::confirmed_at.eq(now))
            .returning((
                signatures::supporter_id,
                signatures::state,
                signatures::wants_updates,
                signatures::name,
                signatures::country,
            ))
            .get_result(conn)?;
        if state == SignatureState::Counted {
            diesel::update(campaign_counters::table.find(campaign_id))
                .set(campaign_counters::signatures.eq(campaign_counters::signatures + 1))
                .execute(conn)?;
        }
        // A confirmed signature names its supporter as alerts greet them.
        let supporter = supporters::table.find(supporter_id);
        diesel::update(supporter)
            .set((supporters::name.eq(&name), supporters::country.eq(&country)))
            .execute(conn)?;
        if wants_updates {
            let email: String = diesel::update(supporter)
                .set((
                    supporters::alerts_consent_at.eq(now),
                    supporters::alerts_consent_wording.eq(UPDATES_CONSENT_WORDING),
                    supporters::alerts_consent_campaign_id.eq(campaign_id),
                    supporters::unsubscribed_at.eq(None::<DateTime<Utc>>),
                ))
                .returning(supporters::email_canonical)
                .get_result(conn)?;
            // Opting in again lifts an earlier unsubscribe, never a bounce or a complaint.
            suppressions::remove_unsubscribe(conn, key, &email)?;
        }
        Ok(Confirmed::Yes { campaign_id })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmations_count_while_live_and_for_a_day_after_closing_never_on_a_draft() {
        let now = Utc::now();
        let hours = |h: i64| Some(now - Duration::hours(h));
        let rows = [
            ("live", None, None, true),
            ("live", Some(now + Duration::hours(1)), None, true),
            ("live", hours(23), None, true),
            ("live", hours(25), None, false),
            ("closed", None, hours(1), true),
            ("closed", None, hours(25), false),
            ("closed", hours(30), hours(1), false),
            ("closed", None, None, false),
            ("draft", None, None, false),
            ("draft", Some(now + Duration::hours(1)), None, false),
        ];
        for (status, closes_at, closed_at, expected) in rows {
            assert_eq!(
                accepts_confirmations(status, closes_at, closed_at, now),
                expected,
                "{status} {closes_at:?} {closed_at:?}"
            );
        }
    }
}
