//! Striking a signature out (abuse: a fake name, a signature someone else made): it stops
//! counting at once — the campaign's count, the public count, the dashboard's tallies — and is
//! never delivered to the targets. Releasing it ([`super::release`]) undoes this.

use super::SignatureState;
use crate::db::schema::{batch_signatures, campaign_counters, signatures};
use crate::db::types::CampaignId;
use crate::organizers::audit::{self, Action, Actor};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// What invalidating changed, for the organizer's notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalidated {
    /// It was confirmed, so the count went down by one.
    pub was_confirmed: bool,
    /// It had already gone to the targets in a batch, which cannot be called back.
    pub already_delivered: bool,
}

/// Why invalidating changed nothing; the message speaks to the organizer.
#[derive(Debug, thiserror::Error)]
pub enum InvalidateError {
    #[error("This signature is not counted (any more): it may have been invalidated already. A held one needs nothing: it counts only if released.")]
    NotCounted,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for InvalidateError {
    fn from(e: diesel::result::Error) -> Self {
        InvalidateError::Failed(e.into())
    }
}

/// Invalidates the counted signature `id` of `campaign`, in one transaction. The tallies and
/// the queue of signatures awaiting a batch follow by trigger; the counter moves here, as it
/// does when a signature is confirmed.
pub fn invalidate(
    conn: &mut PgConnection,
    campaign: CampaignId,
    id: Uuid,
    actor: Actor,
) -> Result<Invalidated, InvalidateError> {
    conn.transaction(|conn| {
        let done = invalidate_unrecorded(conn, campaign, id)?;
        audit::record(
            conn,
            actor,
            Action::Invalidate,
            Some(campaign),
            serde_json::json!({
                "signature": id,
                "was_confirmed": done.was_confirmed,
                "already_delivered": done.already_delivered,
            }),
        )?;
        Ok(done)
    })
}

fn invalidate_unrecorded(
    conn: &mut PgConnection,
    campaign: CampaignId,
    id: Uuid,
) -> Result<Invalidated, InvalidateError> {
    conn.transaction(|conn| {
        let confirmed_at: Option<Option<DateTime<Utc>>> = signatures::table
            .find(id)
            .filter(signatures::campaign_id.eq(campaign))
            .filter(signatures::state.eq(SignatureState::Counted))
            .select(signatures::confirmed_at)
            .for_update()
            .first(conn)
            .optional()?;
        let Some(confirmed_at) = confirmed_at else {
            return Err(InvalidateError::NotCounted);
        };
        diesel::update(signatures::table.find(id))
            .set(signatures::state.eq(SignatureState::Invalid))
            .execute(conn)?;
        if confirmed_at.is_some() {
            diesel::update(campaign_counters::table.find(campaign))
                .set(campaign_counters::signatures.eq(campaign_counters::signatures - 1))
                .execute(conn)?;
        }
        let already_delivered = diesel::select(diesel::dsl::exists(
            batch_signatures::table.filter(batch_signatures::signature_id.eq(id)),
        ))
        .get_result(conn)?;
        Ok(Invalidated {
            was_confirmed: confirmed_at.is_some(),
            already_delivered,
        })
    })
}

/// Makes the invalid signature `id` count again as it did before: confirmed ones count at
/// once (and join the next batch unless delivered before), others wait for confirmation.
/// `None` when `id` is not an invalid signature of `campaign`.
pub(super) fn restore(
    conn: &mut PgConnection,
    campaign: CampaignId,
    id: Uuid,
) -> QueryResult<Option<bool>> {
    let confirmed_at: Option<Option<DateTime<Utc>>> = diesel::update(
        signatures::table
            .find(id)
            .filter(signatures::campaign_id.eq(campaign))
            .filter(signatures::state.eq(SignatureState::Invalid)),
    )
    .set(signatures::state.eq(SignatureState::Counted))
    .returning(signatures::confirmed_at)
    .get_result(conn)
    .optional()?;
    let Some(confirmed_at) = confirmed_at else {
        return Ok(None);
    };
    if confirmed_at.is_some() {
        diesel::update(campaign_counters::table.find(campaign))
            .set(campaign_counters::signatures.eq(campaign_counters::signatures + 1))
            .execute(conn)?;
    }
    Ok(Some(confirmed_at.is_some()))
}
