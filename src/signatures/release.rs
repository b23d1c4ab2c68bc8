//! Releasing a held submission: an organizer judged it genuine, so it becomes what a clean
//! submission is — a signature waiting for its supporter to confirm, with the confirmation
//! e-mail (within the inbox's cap). Refused when the supporter already has a signature in the
//! campaign that is not held: one signature per supporter and campaign. Releasing an
//! invalidated signature undoes the invalidation (see [`super::invalidate`]). Releasing a
//! signature whose confirmation the daily cap kept back sends that confirmation now.

use super::sign::{mark_mail_capped, new_confirm_link};
use super::SignatureState;
use super::{mail_cap, MailContext};
use crate::campaigns::Campaign;
use crate::db::schema::{signatures, supporters};
use crate::domain::email::SignerEmail;
use crate::mail::{messages, outbox};
use crate::organizers::audit::{self, Action, Actor};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use uuid::Uuid;

/// What a release reports as the reason a signature waited when the daily cap had kept its
/// confirmation back.
pub const MAIL_CAPPED: &str = "mail_cap";

/// A released signature, and whether its confirmation e-mail was queued (`false` when the
/// inbox had reached its cap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Released {
    pub held_reason: Option<String>,
    pub mailed: bool,
    /// It was an invalidated signature, now counted again; `Some(true)` when it was
    /// confirmed, so the count went up at once.
    pub restored: Option<bool>,
}

/// Why a release changed nothing; the messages speak to the organizer.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error("This signature is neither held nor invalidated (any more): it may have been released already.")]
    NotHeld,
    #[error("This supporter already has a signature in this campaign, so the held one cannot be released: each supporter signs once.")]
    AlreadySigned,
    #[error("Held signatures can be released while the campaign is live: its supporter could not confirm now.")]
    NotLive,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<DieselError> for ReleaseError {
    fn from(e: DieselError) -> Self {
        match e {
            // A clean signature committed between the check and the update.
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                ReleaseError::AlreadySigned
            }
            e => ReleaseError::Failed(e.into()),
        }
    }
}

/// Releases the held signature `id` of `campaign`, in one transaction.
pub fn release(
    conn: &mut PgConnection,
    campaign: &Campaign,
    id: Uuid,
    mail: &MailContext<'_>,
    actor: Actor,
) -> Result<Released, ReleaseError> {
    conn.transaction(|conn| {
        let released = release_unrecorded(conn, campaign, id, mail)?;
        audit::record(
            conn,
            actor,
            Action::Release,
            Some(campaign.campaign_id()),
            serde_json::json!({
                "signature": id,
                "held_reason": released.held_reason,
                "mailed": released.mailed,
                "restored": released.restored.is_some(),
            }),
        )?;
        Ok(released)
    })
}

fn release_unrecorded(
    conn: &mut PgConnection,
    campaign: &Campaign,
    id: Uuid,
    mail: &MailContext<'_>,
) -> Result<Released, ReleaseError> {
    conn.transaction(|conn| {
        if let Some(confirmed) = super::invalidate::restore(conn, campaign.campaign_id(), id)? {
            return Ok(Released {
                held_reason: None,
                mailed: false,
                restored: Some(confirmed),
            });
        }
        if !campaign.is_open(chrono::Utc::now()) {
            return Err(ReleaseError::NotLive);
        }
        // Waiting for a confirmation the daily cap kept back: the organizer judged it
        // genuine, so the e-mail goes now, past the cap.
        let unmailed: Option<(Uuid, String)> = signatures::table
            .find(id)
            .filter(signatures::campaign_id.eq(campaign.id()))
            .filter(signatures::state.eq(SignatureState::Counted))
            .filter(signatures::confirmed_at.is_null())
            .filter(signatures::mail_capped_at.is_not_null())
            .select((signatures::supporter_id, signatures::name))
            .for_update()
            .first(conn)
            .optional()?;
        if let Some((supporter_id, name)) = unmailed {
            send_confirmation(conn, campaign, id, supporter_id, &name, mail, false)?;
            return Ok(Released {
                held_reason: Some(MAIL_CAPPED.into()),
                mailed: true,
                restored: None,
            });
        }
        let held: Option<(Uuid, String, Option<String>)> = signatures::table
            .find(id)
            .filter(signatures::campaign_id.eq(campaign.id()))
            .filter(signatures::state.eq(SignatureState::Held))
            .select((
                signatures::supporter_id,
                signatures::name,
                signatures::held_reason,
            ))
            .for_update()
            .first(conn)
            .optional()?;
        let Some((supporter_id, name, held_reason)) = held else {
            return Err(ReleaseError::NotHeld);
        };
        let signed: bool = diesel::select(diesel::dsl::exists(
            signatures::table
                .filter(signatures::campaign_id.eq(campaign.id()))
                .filter(signatures::supporter_id.eq(supporter_id))
                .filter(signatures::state.ne(SignatureState::Held)),
        ))
        .get_result(conn)?;
        if signed {
            return Err(ReleaseError::AlreadySigned);
        }
        diesel::update(signatures::table.find(id))
            .set(signatures::state.eq(SignatureState::Counted))
            .execute(conn)?;
        let mailed = send_confirmation(conn, campaign, id, supporter_id, &name, mail, true)?;
        Ok(Released {
            held_reason,
            mailed,
            restored: None,
        })
    })
}

/// Queues the confirmation e-mail of signature `id`, within the inbox's [`mail_cap`] when
/// `capped`; a signature whose e-mail the cap stopped is marked for the organizer.
fn send_confirmation(
    conn: &mut PgConnection,
    campaign: &Campaign,
    id: Uuid,
    supporter_id: Uuid,
    name: &str,
    mail: &MailContext<'_>,
    capped: bool,
) -> anyhow::Result<bool> {
    let typed: String = supporters::table
        .find(supporter_id)
        .select(supporters::email)
        .first(conn)?;
    let email = SignerEmail::parse(&typed)
        .map_err(|e| anyhow::anyhow!("a stored address no longer parses: {e}"))?;
    if capped && !mail_cap::take(conn, mail.secret_key, campaign.id(), &email)? {
        mark_mail_capped(conn, id, true)?;
        return Ok(false);
    }
    mark_mail_capped(conn, id, false)?;
    let campaign_link = format!("{}/c/{}", mail.base_url, campaign.slug());
    let signer_mail = messages::SignerMail {
        campaign_id: campaign.id(),
        campaign_title: &campaign.row.title,
        campaign_link: &campaign_link,
        signature_id: Some(id),
        to: email.as_typed(),
        name,
    };
    let link = new_confirm_link(conn, id, mail.base_url)?;
    outbox::enqueue(
        conn,
        &messages::confirm(&signer_mail, &link)?,
        mail.message_id_domain,
    )?;
    Ok(true)
}
