//! Taking a campaign out and bringing it back: deleting a draft that never took a signature
//! (a mistaken import), and unarchiving — an archived campaign goes back to where it was
//! before (closed once launched, else a draft). Both lock the row and decide from it.

use super::CampaignStatus;
use crate::db::schema::{campaigns, signatures};
use crate::db::types::CampaignId;
use crate::organizers::audit::{self, Action, Actor};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// Why a removal or an unarchive was refused; the message speaks to the organizer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("there is no campaign with the slug {0:?}")]
    NotFound(String),
    #[error("only drafts can be deleted; archive a campaign that was launched instead")]
    NotDraft,
    #[error("it has signatures, which are kept; archive it instead")]
    HasSignatures,
    #[error("it is not archived")]
    NotArchived,
}

/// The campaign a removal touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub id: CampaignId,
    pub title: String,
}

/// A campaign's id, status, title and launch time, as read under its row lock.
type Locked = (CampaignId, CampaignStatus, String, Option<DateTime<Utc>>);

fn locked(conn: &mut PgConnection, slug: &str) -> QueryResult<Option<Locked>> {
    campaigns::table
        .filter(campaigns::slug.eq(slug))
        .select((
            campaigns::id,
            campaigns::status,
            campaigns::title,
            campaigns::launched_at,
        ))
        .for_update()
        .first(conn)
        .optional()
}

/// Deletes the draft `slug` with its letter, asks and targets, when it has no signature.
pub fn delete_draft(
    conn: &mut PgConnection,
    slug: &str,
    actor: Actor,
) -> anyhow::Result<Result<Removed, Refused>> {
    conn.transaction(|conn| {
        let Some((id, status, title, _)) = locked(conn, slug)? else {
            return Ok(Err(Refused::NotFound(slug.to_string())));
        };
        if status != CampaignStatus::Draft {
            return Ok(Err(Refused::NotDraft));
        }
        let signed: bool = diesel::select(diesel::dsl::exists(
            signatures::table.filter(signatures::campaign_id.eq(id)),
        ))
        .get_result(conn)?;
        if signed {
            return Ok(Err(Refused::HasSignatures));
        }
        // Asks, targets, counters and tallies go with it (ON DELETE CASCADE); the audit log
        // and any test copies keep their rows without the link.
        diesel::delete(campaigns::table.find(id)).execute(conn)?;
        // The row is gone, so the entry names it by slug and title.
        audit::record(
            conn,
            actor,
            Action::Delete,
            None,
            serde_json::json!({ "campaign": id, "slug": slug, "title": title }),
        )?;
        Ok(Ok(Removed { id, title }))
    })
}

/// Brings the archived campaign `slug` back: closed when it was ever launched, else a draft.
pub fn unarchive(
    conn: &mut PgConnection,
    slug: &str,
    actor: Actor,
) -> anyhow::Result<Result<CampaignStatus, Refused>> {
    conn.transaction(|conn| {
        let Some((id, status, _, launched_at)) = locked(conn, slug)? else {
            return Ok(Err(Refused::NotFound(slug.to_string())));
        };
        if status != CampaignStatus::Archived {
            return Ok(Err(Refused::NotArchived));
        }
        let back = match launched_at {
            Some(_) => CampaignStatus::Closed,
            None => CampaignStatus::Draft,
        };
        diesel::update(campaigns::table.find(id))
            .set(campaigns::status.eq(back))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Action::Unarchive,
            Some(id),
            serde_json::json!({ "status": back.as_str() }),
        )?;
        Ok(Ok(back))
    })
}
