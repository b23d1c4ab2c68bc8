//! Saving what the editor changed on a stored campaign: its parts, its asks in their new
//! order, and its targets (changed in place so their delivery history stays theirs), in one
//! transaction that either stores everything or nothing.

use super::write::{CampaignChanges, TargetChange};
use super::CampaignStatus;
use crate::db::schema::{asks, batch_targets, campaigns, targets};
use crate::db::types::CampaignId;
use crate::organizers::audit::{self, Action, Actor};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DbError};
use uuid::Uuid;

/// Why the editor's changes were not stored; nothing was. Every variant but `Storage` is for
/// the organizer to read next to the field it concerns.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("there is no campaign at this address")]
    NotFound,
    #[error("this campaign is archived; archived campaigns cannot be changed")]
    Archived,
    #[error("Another campaign already uses this address. Choose another.")]
    SlugTaken,
    #[error("Someone saved this campaign after you opened it, so your changes are not saved yet. They are kept below: press Save again to replace the other changes with yours, or open the editor again to see them first.")]
    Changed,
    #[error("{name} has already been sent signatures, so it stays in the delivery log and cannot be removed.")]
    TargetDelivered { id: Uuid, name: String },
    #[error(transparent)]
    Storage(#[from] DbError),
    /// No connection could be had to try at all.
    #[error(transparent)]
    Unavailable(#[from] crate::db::Unavailable),
}

/// What a save changed: the slug the campaign had, and each changed part with its value
/// before and after (`{"goal": {"before": 500, "after": 800}}`; asks and targets as lists).
#[derive(Debug, Clone, PartialEq)]
pub struct Edited {
    pub old_slug: String,
    pub changed: serde_json::Map<String, serde_json::Value>,
}

/// The campaign's parts, asks and targets as one JSON object, to compare before and after.
fn snapshot(conn: &mut PgConnection, id: CampaignId) -> QueryResult<serde_json::Value> {
    #[derive(QueryableByName)]
    struct Snapshot {
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        parts: serde_json::Value,
    }
    let row: Snapshot = diesel::sql_query(
        "SELECT to_jsonb(c) - 'id' - 'revision' - 'created_at' - 'updated_at' \
                || jsonb_build_object( \
                   'asks', coalesce((SELECT jsonb_agg(a.text ORDER BY a.position) \
                                     FROM asks a WHERE a.campaign_id = c.id), '[]'::jsonb), \
                   'targets', coalesce((SELECT jsonb_agg(jsonb_build_object( \
                                            'name', t.name, 'title', t.title, 'email', t.email, \
                                            'timezone', t.timezone) ORDER BY t.position) \
                                        FROM targets t WHERE t.campaign_id = c.id), '[]'::jsonb)) \
                AS parts \
         FROM campaigns c WHERE c.id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(id.0)
    .get_result(conn)?;
    Ok(row.parts)
}

/// Each key whose value differs between `before` and `after`, with both values.
fn changed(
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> serde_json::Map<String, serde_json::Value> {
    let empty = serde_json::Map::new();
    let (b, a) = (
        before.as_object().unwrap_or(&empty),
        after.as_object().unwrap_or(&empty),
    );
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| {
            let value = serde_json::json!({
                "before": b.get(k).cloned().unwrap_or(serde_json::Value::Null),
                "after": a.get(k).cloned().unwrap_or(serde_json::Value::Null),
            });
            (k.clone(), value)
        })
        .collect()
}

/// Stores `changes`, `asks` (in this order) and `targets` (in this order; stored targets not
/// listed are removed) on the campaign `id`, if it is still at `revision` (the one the editor
/// showed), and moves it to the next revision. Returns the slug it had before and what
/// changed.
pub fn update(
    conn: &mut PgConnection,
    id: CampaignId,
    revision: i32,
    changes: &CampaignChanges,
    asks: &[String],
    targets: &[TargetChange],
    actor: Actor,
) -> Result<Edited, EditError> {
    conn.transaction(|conn| {
        let before = snapshot(conn, id)?;
        let old_slug = store(conn, id, revision, changes, asks, targets)?;
        let after = snapshot(conn, id)?;
        let edited = Edited {
            old_slug,
            changed: changed(&before, &after),
        };
        audit::record(
            conn,
            actor,
            Action::Edit,
            Some(id),
            serde_json::json!({
                "slug": changes.slug,
                "was": edited.old_slug,
                "changed": edited.changed,
            }),
        )?;
        Ok(edited)
    })
}

fn store(
    conn: &mut PgConnection,
    id: CampaignId,
    revision: i32,
    changes: &CampaignChanges,
    asks: &[String],
    targets: &[TargetChange],
) -> Result<String, EditError> {
    conn.transaction(|conn| {
        let (old_slug, status, stored): (String, CampaignStatus, i32) = campaigns::table
            .find(id)
            .select((campaigns::slug, campaigns::status, campaigns::revision))
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(EditError::NotFound)?;
        if status == CampaignStatus::Archived {
            return Err(EditError::Archived);
        }
        if stored != revision {
            return Err(EditError::Changed);
        }
        let taken = diesel::select(diesel::dsl::exists(
            campaigns::table
                .filter(campaigns::slug.eq(&changes.slug))
                .filter(campaigns::id.ne(id)),
        ))
        .get_result::<bool>(conn)?;
        if taken {
            return Err(EditError::SlugTaken);
        }
        diesel::update(campaigns::table.find(id))
            .set((changes, campaigns::revision.eq(revision + 1)))
            .execute(conn)
            .map_err(|e| match e {
                DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                    EditError::SlugTaken
                }
                e => e.into(),
            })?;
        replace_asks(conn, id, asks)?;
        replace_targets(conn, id, targets)?;
        Ok(old_slug)
    })
}

fn replace_asks(conn: &mut PgConnection, id: CampaignId, texts: &[String]) -> QueryResult<()> {
    diesel::delete(asks::table.filter(asks::campaign_id.eq(id))).execute(conn)?;
    insert_asks(conn, id, texts)?;
    Ok(())
}

/// Stores `texts` as the campaign's asks, numbered from 1 in this order.
pub(super) fn insert_asks(
    conn: &mut PgConnection,
    id: CampaignId,
    texts: &[String],
) -> QueryResult<usize> {
    let rows: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            (
                asks::campaign_id.eq(id),
                asks::position.eq(i as i32 + 1),
                asks::text.eq(text),
            )
        })
        .collect();
    diesel::insert_into(asks::table).values(&rows).execute(conn)
}

fn replace_targets(
    conn: &mut PgConnection,
    id: CampaignId,
    wanted: &[TargetChange],
) -> Result<(), EditError> {
    let stored: Vec<(Uuid, String)> = targets::table
        .filter(targets::campaign_id.eq(id))
        .select((targets::id, targets::name))
        .load(conn)?;
    let kept = |target: &Uuid| wanted.iter().any(|w| w.id.as_ref() == Some(target));
    for (target, name) in stored.iter().filter(|(t, _)| !kept(t)) {
        let delivered = diesel::select(diesel::dsl::exists(
            batch_targets::table.filter(batch_targets::target_id.eq(target)),
        ))
        .get_result::<bool>(conn)?;
        if delivered {
            return Err(EditError::TargetDelivered {
                id: *target,
                name: name.clone(),
            });
        }
        diesel::delete(targets::table.find(target)).execute(conn)?;
    }
    // Addresses are unique per campaign: park the kept ones on their ids first, so two
    // targets can trade addresses in one save.
    diesel::update(targets::table.filter(targets::campaign_id.eq(id)))
        .set(targets::email.eq(diesel::dsl::sql::<diesel::sql_types::Text>("id::text")))
        .execute(conn)?;
    for (i, t) in wanted.iter().enumerate() {
        let position = i as i32 + 1;
        let values = TargetValues::of(t, position);
        match t
            .id
            .filter(|target| stored.iter().any(|(s, _)| s == target))
        {
            Some(target) => {
                diesel::update(targets::table.find(target))
                    .set(&values)
                    .execute(conn)?;
            }
            None => insert_target(conn, id, &values)?,
        }
    }
    Ok(())
}

/// A target's columns as the editor and the importer write them.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = targets, treat_none_as_null = true)]
pub(super) struct TargetValues<'a> {
    pub position: i32,
    pub name: &'a str,
    pub title: Option<&'a str>,
    pub email: &'a str,
    pub timezone: Option<&'a str>,
}

impl<'a> TargetValues<'a> {
    fn of(t: &'a TargetChange, position: i32) -> TargetValues<'a> {
        TargetValues {
            position,
            name: &t.name,
            title: t.title.as_deref(),
            email: &t.email,
            timezone: t.timezone.as_deref(),
        }
    }
}

/// Adds a target with a fresh id to the campaign `id`.
pub(super) fn insert_target(
    conn: &mut PgConnection,
    id: CampaignId,
    values: &TargetValues<'_>,
) -> QueryResult<()> {
    diesel::insert_into(targets::table)
        .values((
            targets::id.eq(Uuid::now_v7()),
            targets::campaign_id.eq(id),
            values,
        ))
        .execute(conn)?;
    Ok(())
}
