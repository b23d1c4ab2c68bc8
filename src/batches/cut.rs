//! Cutting batches and choosing their recipients, one campaign per transaction. The cut moves
//! every confirmed, counted signature that is in no batch yet (`batch_pending`, kept by the
//! database as signatures change) into the new batch (`batch_signatures`), so a signature
//! whose confirmation commits after the cut is simply in the next batch; a target is then
//! sent every batch it is behind on, which is how a target added later receives everyone
//! before.

use super::due::{self, CampaignClock, Decision, Wait};
use super::targets::{self, Pass, Waiting};
use super::{CampaignDelivery, CutReason, Dispatched};
use crate::db::schema::{batch_targets, batches, campaigns, targets as target_rows};
use crate::domain::schedule::DeliverySchedule;
use crate::domain::window::DeliveryWindow;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

/// How a pass treats a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `deliver`: only what the schedule makes due; a campaign another process is working on
    /// is left to it.
    Schedule,
    /// `campaign deliver-now`: cut now and send to every target, whatever the schedule.
    ByHand,
}

/// The campaign's delivery settings, read under its row lock.
#[derive(Debug, QueryableByName)]
struct Locked {
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    closes_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Text)]
    delivery: DeliverySchedule,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    launched_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    delivery_ticked_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Integer>)]
    delivery_min: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    delivery_window: Option<DeliveryWindow>,
}

#[derive(Debug, QueryableByName)]
struct Pending {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    oldest: Option<DateTime<Utc>>,
}

/// Closes live campaigns whose closing time has passed; returns how many.
pub fn close_expired(conn: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<usize> {
    Ok(diesel::update(
        campaigns::table
            .filter(campaigns::status.eq("live"))
            .filter(campaigns::closes_at.le(now)),
    )
    .set((campaigns::status.eq("closed"), campaigns::closed_at.eq(now)))
    .execute(conn)?)
}

/// Campaigns that may have something to deliver: launched, with at least one target.
pub fn deliverable(conn: &mut PgConnection) -> anyhow::Result<Vec<Uuid>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let ids: Vec<Id> = diesel::sql_query(
        "SELECT c.id FROM campaigns c WHERE c.status IN ('live', 'closed') \
         AND EXISTS (SELECT 1 FROM targets t WHERE t.campaign_id = c.id) ORDER BY c.id",
    )
    .load(conn)?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// One campaign's pass in one transaction: cut a batch if one is due, then queue a message
/// to each target that may receive what it is behind on. `None` when another process holds
/// the campaign (scheduled passes only; by hand waits for it).
pub fn campaign_pass(
    conn: &mut PgConnection,
    campaign_id: Uuid,
    now: DateTime<Utc>,
    message_id_domain: &str,
    trigger: Trigger,
) -> anyhow::Result<Option<CampaignDelivery>> {
    conn.transaction(|conn| {
        // NO KEY UPDATE leaves signing alone: its foreign-key check takes KEY SHARE.
        let lock = match trigger {
            Trigger::Schedule => "FOR NO KEY UPDATE SKIP LOCKED",
            Trigger::ByHand => "FOR NO KEY UPDATE",
        };
        let Some(c) = diesel::sql_query(format!(
            "SELECT slug, status, closes_at, delivery, launched_at, delivery_ticked_at, \
                    delivery_min, delivery_window \
             FROM campaigns WHERE id = $1 {lock}"
        ))
        .bind::<SqlUuid, _>(campaign_id)
        .get_result::<Locked>(conn)
        .optional()?
        else {
            return Ok(None);
        };
        let schedule = c.delivery.clone();
        let window = c.delivery_window.clone();
        let pending: Pending = diesel::sql_query(
            "SELECT count(*) AS n, min(confirmed_at) AS oldest FROM batch_pending \
             WHERE campaign_id = $1",
        )
        .bind::<SqlUuid, _>(campaign_id)
        .get_result(conn)?;
        let closed = c.status == "closed" || c.closes_at.is_some_and(|at| at <= now);
        let decision = match trigger {
            Trigger::ByHand if pending.n > 0 => Decision::Cut(CutReason::Manual),
            Trigger::ByHand => Decision::Nothing,
            Trigger::Schedule => due::decide(
                &CampaignClock {
                    schedule: &schedule,
                    closed,
                    launched_at: c.launched_at,
                    ticked_at: c.delivery_ticked_at,
                    delivery_min: c.delivery_min,
                    pending: pending.n,
                    oldest_pending: pending.oldest,
                },
                now,
            ),
        };
        let mut cut = None;
        match decision {
            Decision::Cut(reason) => {
                let n = cut_batch(conn, campaign_id, reason, now)?;
                cut = Some((reason, n));
                if matches!(reason, CutReason::Schedule { .. }) {
                    mark_ticked(conn, campaign_id, now)?;
                }
            }
            Decision::SkipTick => mark_ticked(conn, campaign_id, now)?,
            Decision::Nothing => {}
        }
        let pass = Pass {
            schedule: &schedule,
            window: window.as_ref(),
            closed,
            now,
            by_hand: trigger == Trigger::ByHand,
        };
        let (dispatched, waiting) = dispatch(conn, campaign_id, &pass, message_id_domain)?;
        Ok(Some(CampaignDelivery {
            slug: c.slug,
            cut,
            dispatched,
            waiting,
        }))
    })
}

fn mark_ticked(conn: &mut PgConnection, id: Uuid, now: DateTime<Utc>) -> anyhow::Result<()> {
    diesel::update(campaigns::table.find(id))
        .set(campaigns::delivery_ticked_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Creates the next batch and moves every pending signature into it; returns how many.
fn cut_batch(
    conn: &mut PgConnection,
    campaign_id: Uuid,
    reason: CutReason,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let (seq, total_before): (i32, i64) = batches::table
        .filter(batches::campaign_id.eq(campaign_id))
        .order(batches::seq.desc())
        .select((batches::seq, batches::total_through))
        .first(conn)
        .optional()?
        .unwrap_or((0, 0));
    let id = Uuid::now_v7();
    diesel::insert_into(batches::table)
        .values((
            batches::id.eq(id),
            batches::campaign_id.eq(campaign_id),
            batches::seq.eq(seq + 1),
            batches::reason.eq(reason.as_str()),
            batches::tick_at.eq(reason.tick_at()),
            batches::cut_at.eq(now),
            batches::signature_count.eq(0),
            batches::total_through.eq(total_before),
        ))
        .execute(conn)?;
    #[derive(QueryableByName)]
    struct Moved {
        #[diesel(sql_type = BigInt)]
        n: i64,
        #[diesel(sql_type = BigInt)]
        bytes: i64,
    }
    // The size estimate lets a message choose a link over an attachment without reading rows.
    // A data-modifying WITH runs to completion whether or not the outer query reads it.
    let moved: Moved = diesel::sql_query(
        "WITH moved AS ( \
             DELETE FROM batch_pending WHERE campaign_id = $1 \
             RETURNING signature_id, confirmed_at, csv_bytes), \
         added AS ( \
             INSERT INTO batch_signatures (signature_id, batch_id, confirmed_at) \
             SELECT signature_id, $2, confirmed_at FROM moved) \
         SELECT count(*) AS n, coalesce(sum(csv_bytes), 0)::bigint AS bytes FROM moved",
    )
    .bind::<SqlUuid, _>(campaign_id)
    .bind::<SqlUuid, _>(id)
    .get_result(conn)?;
    diesel::update(batches::table.find(id))
        .set((
            batches::signature_count.eq(moved.n),
            batches::total_through.eq(total_before + moved.n),
            batches::csv_bytes.eq(moved.bytes),
        ))
        .execute(conn)?;
    Ok(moved.n)
}

/// Queues a message to every target that may now receive the batches it is behind on, and
/// reports the targets that are behind but wait. By hand, a target whose earlier message is
/// still on its way is marked to be sent as soon as that message settles.
fn dispatch(
    conn: &mut PgConnection,
    campaign_id: Uuid,
    pass: &Pass<'_>,
    message_id_domain: &str,
) -> anyhow::Result<(Vec<Dispatched>, Vec<Waiting>)> {
    let (now, by_hand) = (pass.now, pass.by_hand);
    let cut = targets::cut_batches(conn, campaign_id)?;
    let mut dispatched = Vec::new();
    let mut waiting = Vec::new();
    for t in targets::target_states(conn, campaign_id)? {
        let Some(owed) = targets::owed(&t, &cut) else {
            continue;
        };
        if let Some(wait) = targets::wait(&t, &owed, pass) {
            if by_hand && wait == Wait::EarlierMessage && !t.deliver_by_hand {
                diesel::update(target_rows::table.find(t.id))
                    .set(target_rows::deliver_by_hand.eq(true))
                    .execute(conn)?;
            }
            waiting.push(Waiting {
                target_name: t.name,
                target_email: t.email,
                owed,
                wait,
            });
            continue;
        }
        let manual = by_hand || t.deliver_by_hand;
        if t.deliver_by_hand {
            diesel::update(target_rows::table.find(t.id))
                .set(target_rows::deliver_by_hand.eq(false))
                .execute(conn)?;
        }
        let id = Uuid::now_v7();
        diesel::insert_into(batch_targets::table)
            .values((
                batch_targets::id.eq(id),
                batch_targets::campaign_id.eq(campaign_id),
                batch_targets::target_id.eq(t.id),
                batch_targets::from_seq.eq(t.covered),
                batch_targets::to_seq.eq(owed.to_seq),
                batch_targets::first_number.eq(owed.first_number),
                batch_targets::last_number.eq(owed.last_number),
                batch_targets::signature_count.eq(owed.signatures()),
                batch_targets::csv_bytes.eq(owed.csv_bytes),
                batch_targets::manual.eq(manual),
                batch_targets::message_id.eq(message_id(id, message_id_domain)),
                batch_targets::created_at.eq(now),
            ))
            .execute(conn)?;
        dispatched.push(Dispatched {
            batch_target_id: id,
            target_name: t.name,
            signatures: owed.signatures(),
        });
    }
    queue_messages(conn, &dispatched)?;
    Ok((dispatched, waiting))
}

/// Queues one small outbox row per message, in one statement; each is rendered when sent.
fn queue_messages(conn: &mut PgConnection, dispatched: &[Dispatched]) -> anyhow::Result<()> {
    if dispatched.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = dispatched.iter().map(|d| d.batch_target_id).collect();
    diesel::sql_query(
        "INSERT INTO outbox (id, kind, campaign_id, batch_target_id, recipient, recipient_name, \
                             message_id) \
         SELECT gen_random_uuid(), 'petition_batch', bt.campaign_id, bt.id, t.email, t.name, \
                bt.message_id \
         FROM batch_targets bt JOIN targets t ON t.id = bt.target_id WHERE bt.id = ANY($1)",
    )
    .bind::<diesel::sql_types::Array<SqlUuid>, _>(&ids)
    .execute(conn)?;
    Ok(())
}

/// The Message-ID of a batch message: stable, so a message sent twice after a crash is
/// recognised as one.
pub fn message_id(batch_target_id: Uuid, domain: &str) -> String {
    format!("<batch.{batch_target_id}@{domain}>")
}
