//! The outbox queue: every e-mail is a row written in the same transaction as the change that
//! causes it. Workers claim due rows with `FOR UPDATE SKIP LOCKED` under a lease token, keep
//! the lease alive while they send, and record results only while their lease still holds
//! (the fence), many rows per statement. The loop that drives this is [`super::drain`].

use super::kinds::MailKinds;
use super::outcome::{self, Outcome};
use super::suppressions;
use super::transport::SendResult;
use super::OutboxState;
use super::{MailKind, OutgoingEmail};
use crate::db::schema::{mail_status, outbox};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Float8, Int8, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use rand::Rng;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use uuid::Uuid;

/// Attempts before a message that keeps failing temporarily is given up as `failed`.
pub const MAX_ATTEMPTS: i32 = 8;

/// Sends of one message begun and never recorded after which it is not sent again: the
/// first may have arrived, the one more try may have too, and a third copy is one too many.
pub const MAX_UNRECORDED_SENDS: i16 = 2;

/// Queues `email` on `conn` (call it inside the transaction that causes the message).
pub fn enqueue(
    conn: &mut PgConnection,
    email: &OutgoingEmail,
    message_id_domain: &str,
) -> anyhow::Result<Uuid> {
    let id = Uuid::now_v7();
    let message_id = email
        .message_id
        .clone()
        .unwrap_or_else(|| format!("<{id}@{message_id_domain}>"));
    let stored = email.stored.as_ref();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(id),
            outbox::kind.eq(email.kind),
            outbox::campaign_id.eq(email.campaign_id),
            outbox::signature_id.eq(email.refs.signature_id),
            outbox::batch_target_id.eq(email.refs.batch_target_id),
            outbox::alert_id.eq(email.refs.alert_id),
            outbox::params.eq(&email.params),
            outbox::recipient.eq(&email.to),
            outbox::recipient_name.eq(&email.to_name),
            outbox::subject.eq(stored.map(|s| &s.subject)),
            outbox::body_text.eq(stored.map(|s| &s.text)),
            outbox::body_html.eq(stored.and_then(|s| s.html.as_ref())),
            outbox::message_id.eq(message_id),
            outbox::priority.eq(email.kind.priority()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Cancels pending rows: they are never claimed again. Returns how many changed.
pub fn cancel(conn: &mut PgConnection, ids: &[Uuid]) -> anyhow::Result<usize> {
    Ok(diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::state.eq(OutboxState::Pending)),
    )
    .set(outbox::state.eq(OutboxState::Cancelled))
    .execute(conn)?)
}

/// A claimed row, as the drain renders and sends it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Queued {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub kind: MailKind,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub campaign_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub signature_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub batch_target_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub alert_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub supporter_id: Option<Uuid>,
    #[diesel(sql_type = Jsonb)]
    pub params: serde_json::Value,
    #[diesel(sql_type = Text)]
    pub recipient: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub recipient_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub subject: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub body_text: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub body_html: Option<String>,
    #[diesel(sql_type = Text)]
    pub message_id: String,
    /// Sends tried before this claim.
    #[diesel(sql_type = diesel::sql_types::Int4)]
    pub attempts: i32,
    /// Sends begun before this claim whose results were never recorded.
    #[diesel(sql_type = diesel::sql_types::SmallInt)]
    pub unrecorded_sends: i16,
    /// A supporter's address on the do-not-mail list for a bounce or complaint (read from
    /// the list after the claim's statement, which answers `false`).
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub suppressed: bool,
}

/// Claims up to `limit` due rows of the `kinds` a drain sends under `lease` for `lease_for`.
/// Claiming is not an attempt: a row counts one only once a send was tried and recorded.
pub fn claim(
    conn: &mut PgConnection,
    key: &[u8],
    lease: Uuid,
    lease_for: Duration,
    limit: i64,
    kinds: &MailKinds,
    held_back: &[String],
) -> anyhow::Result<Vec<Queued>> {
    let mut rows: Vec<Queued> = diesel::sql_query(
        "UPDATE outbox SET lease_token = $1, \
                leased_until = now() + make_interval(secs => $2) \
         WHERE id IN (SELECT id FROM outbox \
                      WHERE state = 'pending' AND next_attempt_at <= now() \
                        AND (leased_until IS NULL OR leased_until < now()) \
                        AND kind = ANY($4) \
                        AND NOT lower(split_part(recipient, '@', 2)) = ANY($5) \
                      ORDER BY priority, next_attempt_at LIMIT $3 \
                      FOR UPDATE SKIP LOCKED) \
         RETURNING id, kind, campaign_id, signature_id, batch_target_id, alert_id, supporter_id, \
                   params, \
                   recipient, recipient_name, subject, body_text, body_html, message_id, \
                   attempts, unrecorded_sends, false AS suppressed",
    )
    .bind::<SqlUuid, _>(lease)
    .bind::<Float8, _>(lease_for.as_secs_f64())
    .bind::<Int8, _>(limit)
    .bind::<Array<Text>, _>(kinds.names())
    .bind::<Array<Text>, _>(held_back)
    .load(conn)?;
    // The do-not-mail list holds keyed hashes, so it is read here rather than joined.
    let blocked = suppressions::lookup(
        conn,
        key,
        rows.iter()
            .filter(|row| row.kind.to_supporter())
            .map(|row| row.recipient.as_str()),
    )?;
    let blocked: HashSet<String> = blocked
        .into_iter()
        .filter(|(_, reason)| reason.stops_all_mail())
        .map(|(address, _)| address.to_string())
        .collect();
    for row in &mut rows {
        row.suppressed = row.kind.to_supporter() && blocked.contains(&row.recipient);
    }
    // RETURNING gives no order; send oldest first (ids are time-ordered).
    rows.sort_by_key(|row| row.id);
    Ok(rows)
}

/// Whether a drain of `kinds` would find a row to claim now.
pub fn any_due(conn: &mut PgConnection, kinds: &MailKinds) -> anyhow::Result<bool> {
    #[derive(QueryableByName)]
    struct Due {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        due: bool,
    }
    let due: Due = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'pending' AND next_attempt_at <= now()                           AND (leased_until IS NULL OR leased_until < now())                           AND kind = ANY($1)) AS due",
    )
    .bind::<Array<Text>, _>(kinds.names())
    .get_result(conn)?;
    Ok(due.due)
}

/// Notes that sends of rows `ids` begin under `lease`, so that a result never recorded is
/// known to be one that may have arrived. Returns the rows noted: a row the lease no longer
/// holds is left out, and nothing may be sent to it.
pub fn begin_sends(
    conn: &mut PgConnection,
    lease: Uuid,
    ids: &[Uuid],
) -> anyhow::Result<Vec<Uuid>> {
    #[derive(QueryableByName)]
    struct Noted {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let noted: Vec<Noted> = diesel::sql_query(
        // A row cancelled or held since its claim (an alert cancelled or paused) stops here,
        // however long ago it was claimed. Locked in id order (see `record`).
        "WITH locked AS (SELECT id FROM outbox WHERE id = ANY($1) AND lease_token = $2 \
                           AND leased_until > now() AND state = 'pending' \
                         ORDER BY id FOR UPDATE) \
         UPDATE outbox SET unrecorded_sends = unrecorded_sends + 1 \
         WHERE id IN (SELECT id FROM locked) RETURNING id",
    )
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<SqlUuid, _>(lease)
    .load(conn)?;
    Ok(noted.into_iter().map(|n| n.id).collect())
}

/// Extends every row still held under `lease` to `lease_for` from now. Returns how many.
pub fn extend(conn: &mut PgConnection, lease: Uuid, lease_for: Duration) -> anyhow::Result<usize> {
    Ok(diesel::sql_query(
        "WITH locked AS (SELECT id FROM outbox WHERE lease_token = $1 AND state = 'pending' \
                         ORDER BY id FOR UPDATE) \
         UPDATE outbox SET leased_until = now() + make_interval(secs => $2) \
         WHERE id IN (SELECT id FROM locked)",
    )
    .bind::<SqlUuid, _>(lease)
    .bind::<Float8, _>(lease_for.as_secs_f64())
    .execute(conn)?)
}

/// Gives back every row still held under `lease` (not sent, nothing recorded), due at once.
pub fn release(conn: &mut PgConnection, lease: Uuid) -> anyhow::Result<usize> {
    Ok(diesel::sql_query(
        "WITH locked AS (SELECT id FROM outbox WHERE lease_token = $1 ORDER BY id FOR UPDATE) \
         UPDATE outbox SET lease_token = NULL, leased_until = NULL \
         WHERE id IN (SELECT id FROM locked)",
    )
    .bind::<SqlUuid, _>(lease)
    .execute(conn)?)
}

/// One tried send, waiting to be recorded.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub id: Uuid,
    pub kind: MailKind,
    pub recipient: String,
    pub batch_target_id: Option<Uuid>,
    pub alert_id: Option<Uuid>,
    /// Sends tried before this one.
    pub attempts_before: i32,
    pub result: SendResult,
}

/// What recording a group of attempts did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    /// Results not recorded because the lease no longer held.
    pub lease_lost: usize,
    /// Messages cancelled unsent because what they were for no longer allowed them.
    pub withheld: usize,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.sent += other.sent;
        self.retrying += other.retrying;
        self.failed += other.failed;
        self.lease_lost += other.lease_lost;
        self.withheld += other.withheld;
    }
}

/// Records `attempts` made under `lease` in one transaction: one fenced statement for all
/// rows, then what a result means for its kind (see [`outcome`]).
pub fn record(
    conn: &mut PgConnection,
    key: &[u8],
    lease: Uuid,
    attempts: &[Attempt],
    kinds: &MailKinds,
) -> anyhow::Result<Tally> {
    let now = Utc::now();
    let outcomes: Vec<Outcome<'_>> = attempts
        .iter()
        .map(|a| Outcome::of(&a.result, a.attempts_before + 1, now))
        .collect();
    let ids: Vec<Uuid> = attempts.iter().map(|a| a.id).collect();
    let states: Vec<&str> = outcomes.iter().map(|o| o.state().as_str()).collect();
    let next: Vec<Option<DateTime<Utc>>> = outcomes.iter().map(Outcome::next_attempt_at).collect();
    let errors: Vec<Option<&str>> = outcomes.iter().map(Outcome::reply).collect();
    conn.transaction(|conn| {
        #[derive(QueryableByName)]
        struct Recorded {
            #[diesel(sql_type = SqlUuid)]
            id: Uuid,
        }
        let recorded: Vec<Recorded> = diesel::sql_query(
            // Rows are locked in id order, as every statement that writes many leased rows
            // locks them, so the heartbeat, a cancel and this never wait on each other in a
            // circle.
            "WITH locked AS (SELECT id FROM outbox WHERE id = ANY($1) AND lease_token = $5 \
                             ORDER BY id FOR UPDATE) \
             UPDATE outbox o SET state = v.state, attempts = o.attempts + 1, \
                    sent_at = CASE WHEN v.state = 'sent' THEN now() END, \
                    next_attempt_at = COALESCE(v.next, o.next_attempt_at), \
                    last_error = v.error, lease_token = NULL, leased_until = NULL, \
                    unrecorded_sends = 0 \
             FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) \
                  AS v(id, state, next, error) \
             WHERE o.id = v.id AND o.id IN (SELECT id FROM locked) AND o.lease_token = $5 \
             RETURNING o.id",
        )
        .bind::<Array<SqlUuid>, _>(&ids)
        .bind::<Array<Text>, _>(&states)
        .bind::<Array<Nullable<Timestamptz>>, _>(&next)
        .bind::<Array<Nullable<Text>>, _>(&errors)
        .bind::<SqlUuid, _>(lease)
        .load(conn)?;
        let recorded: HashMap<Uuid, ()> = recorded.into_iter().map(|r| (r.id, ())).collect();
        let mut tally = Tally::default();
        let mut done = Vec::with_capacity(recorded.len());
        for (attempt, outcome) in attempts.iter().zip(&outcomes) {
            if !recorded.contains_key(&attempt.id) {
                tally.lease_lost += 1;
                tracing::warn!(outbox_id = %attempt.id, kind = attempt.kind.as_str(),
                    "lease lost before the result was recorded");
                continue;
            }
            match outcome {
                Outcome::Sent { .. } => tally.sent += 1,
                Outcome::Retrying { .. } => tally.retrying += 1,
                Outcome::Failed { .. } => tally.failed += 1,
                Outcome::Withheld { .. } => tally.withheld += 1,
            }
            if let Some(line) = outcome::NotSent::of(attempt, outcome) {
                line.log();
            }
            done.push((attempt, outcome));
        }
        outcome::apply(conn, key, &done, kinds)?;
        Ok(tally)
    })
}

/// The wait before attempt `attempts + 1`: exponential from 30 s, capped at 6 h, with ±20%
/// jitter so a burst of failures does not retry in lockstep.
pub fn backoff(attempts: i32) -> Duration {
    let base = 30f64 * 2f64.powi(attempts.clamp(1, 20) - 1);
    let capped = base.min(6.0 * 3600.0);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    Duration::from_secs_f64(capped * jitter)
}

/// Pauses sending installation-wide (the SMTP server refused our credentials).
pub fn pause(conn: &mut PgConnection, reason: &str) -> anyhow::Result<()> {
    diesel::update(mail_status::table)
        .set((
            mail_status::paused_at.eq(Utc::now()),
            mail_status::paused_reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// Lifts a pause after a message went out.
pub fn clear_pause(conn: &mut PgConnection) -> anyhow::Result<()> {
    diesel::update(mail_status::table.filter(mail_status::paused_at.is_not_null()))
        .set((
            mail_status::paused_at.eq(None::<DateTime<Utc>>),
            mail_status::paused_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Messages per state, for `/metrics` and `deliver --dry-run`.
pub fn counts_by_state(conn: &mut PgConnection) -> anyhow::Result<Vec<(OutboxState, i64)>> {
    Ok(outbox::table
        .group_by(outbox::state)
        .select((outbox::state, diesel::dsl::count_star()))
        .load(conn)?)
}

/// Messages due now (what a drain would claim).
pub fn due_count(conn: &mut PgConnection) -> anyhow::Result<i64> {
    Ok(outbox::table
        .filter(outbox::state.eq(OutboxState::Pending))
        .filter(outbox::next_attempt_at.le(Utc::now()))
        .count()
        .get_result(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_and_stops_at_the_cap() {
        let first = backoff(1).as_secs_f64();
        assert!((24.0..=36.0).contains(&first), "{first}");
        let fourth = backoff(4).as_secs_f64();
        assert!((192.0..=288.0).contains(&fourth), "{fourth}");
        let late = backoff(30).as_secs_f64();
        assert!(late <= 6.0 * 3600.0 * 1.2, "{late}");
    }
}
