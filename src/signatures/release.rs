//! Releasing a held submission: an organizer judged it genuine, so it becomes what a clean
//! submission is — a signature waiting for its supporter to confirm, with the confirmation
//! e-mail (within the inbox's cap). Refused when the supporter already has a signature in the
//! campaign that is not held: one signature per supporter and campaign. Releasing an
//! invalidated signature undoes the invalidation (see [`super::invalidate`]).

use super::sign::new_confirm_link;
use super::SignatureState;
use super::{mail_cap, MailContext};
use crate::campaigns::Campaign;
use crate::db::schema::{signatures, supporters};
use crate::domain::email::SignerEmail;
use crate::mail::{messages, outbox};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use uuid::Uuid;

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
        let typed: String = supporters::table
            .find(supporter_id)
            .select(supporters::email)
            .first(conn)?;
        let email = SignerEmail::parse(&typed)
            .map_err(|e| anyhow::anyhow!("a stored address no longer parses: {e}"))?;
        if !mail_cap::take(conn, mail.secret_key, campaign.id(), &email)? {
            return Ok(Released {
                held_reason,
                mailed: false,
                restored: None,
            });
        }
        let campaign_link = format!("{}/c/{}", mail.base_url, campaign.slug());
        let signer_mail = messages::SignerMail {
            campaign_id: campaign.id(),
            campaign_title: &campaign.row.title,
            campaign_link: &campaign_link,
            signature_id: Some(id),
            to: email.as_typed(),
            name: &name,
        };
        let link = new_confirm_link(conn, id, mail.base_url)?;
        outbox::enqueue(
            conn,
            &messages::confirm(&signer_mail, &link)?,
            mail.message_id_domain,
        )?;
        Ok(Released {
            held_reason,
            mailed: true,
            restored: None,
        })
    })
}
