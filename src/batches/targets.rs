//! Which targets are sent what, now: each target's side of a delivery pass (how far it has
//! been sent, whether a message to it is on its way, whether it waits for its window or the
//! one-message-a-day rule), read once and used both to queue messages and to show the
//! organizer what waits and until when.

use super::due::{self, TargetClock, Wait};
use crate::db::schema::batches;
use crate::domain::schedule::DeliverySchedule;
use crate::domain::window::DeliveryWindow;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

/// A batch as a pass sees it.
#[derive(Debug, Clone, Queryable)]
pub struct CutBatch {
    pub seq: i32,
    pub total_through: i64,
    pub csv_bytes: i64,
    pub reason: String,
    pub cut_at: DateTime<Utc>,
}

/// The campaign's batches in order.
pub fn cut_batches(conn: &mut PgConnection, campaign_id: Uuid) -> QueryResult<Vec<CutBatch>> {
    batches::table
        .filter(batches::campaign_id.eq(campaign_id))
        .order(batches::seq)
        .select((
            batches::seq,
            batches::total_through,
            batches::csv_bytes,
            batches::reason,
            batches::cut_at,
        ))
        .load(conn)
}

/// One target's delivery state.
#[derive(Debug, QueryableByName)]
pub struct TargetState {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Nullable<Text>)]
    timezone: Option<String>,
    #[diesel(sql_type = Bool)]
    failed: bool,
    #[diesel(sql_type = Bool)]
    in_flight: bool,
    #[diesel(sql_type = Bool)]
    pub deliver_by_hand: bool,
    /// The last batch the target has been sent (or is being sent).
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub covered: i32,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_scheduled_at: Option<DateTime<Utc>>,
}

/// Every target of the campaign, in order.
pub fn target_states(conn: &mut PgConnection, campaign_id: Uuid) -> QueryResult<Vec<TargetState>> {
    diesel::sql_query(
        "SELECT t.id, t.name, t.email, t.timezone, t.failed_at IS NOT NULL AS failed, \
                t.deliver_by_hand, \
                EXISTS (SELECT 1 FROM batch_targets bt WHERE bt.target_id = t.id \
                        AND bt.state IN ('queued', 'retrying')) AS in_flight, \
                coalesce((SELECT max(bt.to_seq) FROM batch_targets bt \
                          WHERE bt.target_id = t.id AND bt.state <> 'failed'), 0) AS covered, \
                (SELECT max(bt.created_at) FROM batch_targets bt \
                 WHERE bt.target_id = t.id AND NOT bt.manual AND bt.state <> 'failed') \
                    AS last_scheduled_at \
         FROM targets t WHERE t.campaign_id = $1 ORDER BY t.position",
    )
    .bind::<SqlUuid, _>(campaign_id)
    .load(conn)
}

/// What a target is owed: the signatures of the batches after the one it was last sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owed {
    pub to_seq: i32,
    pub first_number: i64,
    pub last_number: i64,
    pub csv_bytes: i64,
    /// When the oldest batch it is owed was cut.
    pub since: DateTime<Utc>,
    /// Whether the newest of them is the final batch, cut at close.
    pub final_batch: bool,
}

impl Owed {
    pub fn signatures(&self) -> i64 {
        self.last_number - self.first_number + 1
    }
}

/// What `t` is owed, if anything.
pub fn owed(t: &TargetState, cut: &[CutBatch]) -> Option<Owed> {
    let last = cut.last()?;
    let before = cut
        .iter()
        .find(|b| b.seq == t.covered)
        .map_or(0, |b| b.total_through);
    if last.seq <= t.covered || last.total_through == before {
        return None;
    }
    let later = cut.iter().filter(|b| b.seq > t.covered);
    Some(Owed {
        to_seq: last.seq,
        first_number: before + 1,
        last_number: last.total_through,
        csv_bytes: later.clone().map(|b| b.csv_bytes).sum(),
        since: later.clone().map(|b| b.cut_at).min().unwrap_or(last.cut_at),
        final_batch: later
            .clone()
            .any(|b| b.reason == super::CutReason::Close.as_str()),
    })
}

/// The campaign's side of a pass.
#[derive(Debug, Clone, Copy)]
pub struct Pass<'a> {
    pub schedule: &'a DeliverySchedule,
    pub window: Option<&'a DeliveryWindow>,
    /// Closed campaigns cut no more batches: what a target is owed then is the last of it.
    pub closed: bool,
    pub now: DateTime<Utc>,
    pub by_hand: bool,
}

/// What keeps `t`, which is owed `owed`, from being sent now; `None` when it may be sent.
pub fn wait(t: &TargetState, owed: &Owed, pass: &Pass<'_>) -> Option<Wait> {
    let clock = TargetClock {
        window: pass.window,
        tz: due::target_tz(t.timezone.as_deref(), pass.schedule),
        last_scheduled_at: t.last_scheduled_at,
        behind: true,
        final_batch: owed.final_batch || pass.closed,
        by_hand_waiting: t.deliver_by_hand,
        in_flight: t.in_flight,
        failed: t.failed,
    };
    due::wait(&clock, pass.now, pass.by_hand)
}

/// A target that is owed signatures that are not on their way yet.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub target_name: String,
    pub target_email: String,
    pub owed: Owed,
    pub wait: Wait,
}

/// Every target of the campaign that is owed signatures it will not be sent now, and why.
pub fn waiting(
    conn: &mut PgConnection,
    campaign_id: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Waiting>> {
    use crate::db::schema::campaigns;
    let (schedule, window, status, closes_at): (
        DeliverySchedule,
        Option<DeliveryWindow>,
        String,
        Option<DateTime<Utc>>,
    ) = campaigns::table
        .find(campaign_id)
        .select((
            campaigns::delivery,
            campaigns::delivery_window,
            campaigns::status,
            campaigns::closes_at,
        ))
        .first(conn)?;
    let pass = Pass {
        schedule: &schedule,
        window: window.as_ref(),
        closed: status == "closed" || closes_at.is_some_and(|at| at <= now),
        now,
        by_hand: false,
    };
    let cut = cut_batches(conn, campaign_id)?;
    Ok(target_states(conn, campaign_id)?
        .into_iter()
        .filter_map(|t| {
            let owed = owed(&t, &cut)?;
            let wait = wait(&t, &owed, &pass)?;
            Some(Waiting {
                target_name: t.name,
                target_email: t.email,
                owed,
                wait,
            })
        })
        .collect())
}
