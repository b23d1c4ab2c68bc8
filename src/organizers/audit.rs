//! The audit log: who did what to which campaign, for owners to review.

use crate::db::schema::audit_log;
use crate::db::types::{CampaignId, OrganizerId};
use diesel::prelude::*;
use uuid::Uuid;

/// Records that `organizer` did `action` (e.g. `export`, `launch`) with `detail`.
pub fn record(
    conn: &mut PgConnection,
    organizer: Option<OrganizerId>,
    action: &str,
    campaign: Option<CampaignId>,
    detail: serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(Uuid::now_v7()),
            audit_log::organizer_id.eq(organizer),
            audit_log::action.eq(action),
            audit_log::campaign_id.eq(campaign),
            audit_log::detail.eq(detail),
        ))
        .execute(conn)?;
    Ok(())
}
