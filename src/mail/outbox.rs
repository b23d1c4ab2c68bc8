//! The outbox: every e-mail is a row written in the same transaction as the change that causes
//! it; workers claim due rows with `FOR UPDATE SKIP LOCKED` and a lease, send, and record the
//! result only while their lease still holds (the fence), so concurrent workers never send a
//! row twice unless one crashed between the server's `250` and its record.

use super::transport::{Envelope, Mailer, SendResult};
use super::OutgoingEmail;
use crate::db::schema::{mail_status, outbox};
use crate::db::{self, DbPool};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Int4, Int8, Nullable, Text, Uuid as SqlUuid};
use futures_util::stream::{self, StreamExt};
use rand::Rng;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Attempts before a message that keeps failing temporarily is given up as `failed`.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claim protects a row from other workers.
const LEASE_SECONDS: i64 = 300;
/// Rows claimed per round trip.
const BATCH: i64 = 200;
/// Messages in flight at once per drain (the SMTP pool holds as many connections).
pub const SEND_CONCURRENCY: usize = 8;

/// Queues `email` on `conn` (call it inside the transaction that causes the message).
pub fn enqueue(
    conn: &mut PgConnection,
    email: &OutgoingEmail,
    message_id_domain: &str,
) -> anyhow::Result<Uuid> {
    let id = Uuid::now_v7();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(id),
            outbox::kind.eq(email.kind),
            outbox::campaign_id.eq(email.campaign_id),
            outbox::recipient.eq(&email.to),
            outbox::recipient_name.eq(&email.to_name),
            outbox::subject.eq(&email.subject),
            outbox::body_text.eq(&email.text),
            outbox::body_html.eq(&email.html),
            outbox::message_id.eq(format!("<{id}@{message_id_domain}>")),
        ))
        .execute(conn)?;
    Ok(id)
}

#[derive(Debug, QueryableByName)]
struct Claimed {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    recipient: String,
    #[diesel(sql_type = Nullable<Text>)]
    recipient_name: Option<String>,
    #[diesel(sql_type = Text)]
    subject: String,
    #[diesel(sql_type = Text)]
    body_text: String,
    #[diesel(sql_type = Nullable<Text>)]
    body_html: Option<String>,
    #[diesel(sql_type = Text)]
    message_id: String,
    #[diesel(sql_type = Int4)]
    attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    suppressed: bool,
}

/// Claims up to `limit` due rows for `lease` (a fresh token per claim).
fn claim(conn: &mut PgConnection, lease: Uuid, limit: i64) -> anyhow::Result<Vec<Claimed>> {
    Ok(diesel::sql_query(
        "UPDATE outbox SET lease_token = $1, \
                leased_until = now() + make_interval(secs => $2), \
                attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox \
                      WHERE state = 'pending' AND next_attempt_at <= now() \
                        AND (leased_until IS NULL OR leased_until < now()) \
                      ORDER BY next_attempt_at LIMIT $3 \
                      FOR UPDATE SKIP LOCKED) \
         RETURNING id, kind, recipient, recipient_name, subject, body_text, body_html, \
                   message_id, attempts, \
                   EXISTS (SELECT 1 FROM suppressions s \
                           WHERE s.email_canonical = lower(outbox.recipient)) AS suppressed",
    )
    .bind::<SqlUuid, _>(lease)
    .bind::<Int8, _>(LEASE_SECONDS)
    .bind::<Int8, _>(limit)
    .load(conn)?)
}

/// The wait before attempt `attempts + 1`: exponential from 30 s, capped at 6 h, with ±20%
/// jitter so a burst of failures does not retry in lockstep.
pub fn backoff(attempts: i32) -> Duration {
    let base = 30f64 * 2f64.powi(attempts.clamp(1, 20) - 1);
    let capped = base.min(6.0 * 3600.0);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    Duration::from_secs_f64(capped * jitter)
}

/// What one drain did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    /// Results not recorded because another worker had taken the row over.
    pub lease_lost: usize,
}

impl DrainReport {
    fn add(&mut self, other: DrainReport) {
        self.sent += other.sent;
        self.retrying += other.retrying;
        self.failed += other.failed;
        self.lease_lost += other.lease_lost;
    }
}

/// Why a drain stopped early.
#[derive(Debug, thiserror::Error)]
pub enum DrainError {
    #[error("sending is paused: the SMTP server refused our credentials ({0}); fix SMTP_URL")]
    AuthFailed(String),
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

/// Claims, sends and records one batch, [`SEND_CONCURRENCY`] messages at a time. Returns how
/// many rows were claimed with the report.
pub async fn drain_batch(
    pool: &DbPool,
    mailer: &Mailer,
) -> Result<(usize, DrainReport), DrainError> {
    let lease = Uuid::now_v7();
    let mut claimed = db::run(pool, move |conn| claim(conn, lease, BATCH)).await?;
    // RETURNING gives no order; send oldest first (ids are time-ordered).
    claimed.sort_by_key(|row| row.id);
    let count = claimed.len();
    let auth_failure: Mutex<Option<String>> = Mutex::new(None);
    let outcomes: Vec<anyhow::Result<Option<DrainReport>>> = stream::iter(claimed)
        .map(|row| {
            let auth_failure = &auth_failure;
            async move {
                if auth_failed(auth_failure) {
                    return Ok(None);
                }
                let result = if row.suppressed {
                    SendResult::Permanent("address suppressed after an earlier hard bounce".into())
                } else {
                    mailer.send(&envelope(&row)).await
                };
                if let SendResult::AuthFailed(reason) = result {
                    if let Ok(mut first) = auth_failure.lock() {
                        first.get_or_insert(reason);
                    }
                    return Ok(None);
                }
                record(pool, lease, &row, result).await.map(Some)
            }
        })
        .buffer_unordered(SEND_CONCURRENCY)
        .collect()
        .await;
    let mut report = DrainReport::default();
    for outcome in outcomes {
        if let Some(recorded) = outcome? {
            report.add(recorded);
        }
    }
    let auth_failure = auth_failure.into_inner().unwrap_or_default();
    if let Some(reason) = auth_failure {
        // Every row this batch did not record goes back without burning an attempt.
        let logged = reason.clone();
        db::run(pool, move |conn| {
            release_after_auth_failure(conn, lease, &reason)
        })
        .await?;
        tracing::error!(error = %logged, "SMTP authentication failed: sending paused");
        return Err(DrainError::AuthFailed(logged));
    }
    if report.sent > 0 {
        db::run(pool, clear_pause).await?;
    }
    Ok((count, report))
}

fn auth_failed(flag: &Mutex<Option<String>>) -> bool {
    flag.lock().map(|f| f.is_some()).unwrap_or(true)
}

fn envelope(row: &Claimed) -> Envelope<'_> {
    Envelope {
        to: &row.recipient,
        to_name: row.recipient_name.as_deref(),
        subject: &row.subject,
        text: &row.body_text,
        html: row.body_html.as_deref(),
        message_id: &row.message_id,
    }
}

/// Drains until nothing is due or `deadline` passes.
pub async fn drain(
    pool: &DbPool,
    mailer: &Mailer,
    deadline: Option<Instant>,
) -> Result<DrainReport, DrainError> {
    let mut total = DrainReport::default();
    loop {
        let (claimed, report) = drain_batch(pool, mailer).await?;
        total.add(report);
        if claimed == 0 || deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(total);
        }
    }
}

async fn record(
    pool: &DbPool,
    lease: Uuid,
    row: &Claimed,
    result: SendResult,
) -> anyhow::Result<DrainReport> {
    let (id, kind, attempts) = (row.id, row.kind.clone(), row.attempts);
    db::run(pool, move |conn| {
        let mine = outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::lease_token.eq(lease));
        let mut report = DrainReport::default();
        let updated = match &result {
            SendResult::Sent => {
                report.sent = 1;
                diesel::update(mine)
                    .set((
                        outbox::state.eq("sent"),
                        outbox::sent_at.eq(Utc::now()),
                        outbox::lease_token.eq(None::<Uuid>),
                        outbox::leased_until.eq(None::<DateTime<Utc>>),
                        outbox::last_error.eq(None::<String>),
                    ))
                    .execute(conn)?
            }
            SendResult::Transient(error) if attempts < MAX_ATTEMPTS => {
                report.retrying = 1;
                let next =
                    Utc::now() + chrono::Duration::from_std(backoff(attempts)).unwrap_or_default();
                diesel::update(mine)
                    .set((
                        outbox::next_attempt_at.eq(next),
                        outbox::lease_token.eq(None::<Uuid>),
                        outbox::leased_until.eq(None::<DateTime<Utc>>),
                        outbox::last_error.eq(error),
                    ))
                    .execute(conn)?
            }
            SendResult::Transient(error)
            | SendResult::Permanent(error)
            | SendResult::AuthFailed(error) => {
                report.failed = 1;
                if matches!(result, SendResult::Permanent(_)) {
                    // lower() here matches the claim's lookup.
                    diesel::sql_query(
                        "INSERT INTO suppressions (email_canonical, reason) \
                         SELECT lower(recipient), $2 FROM outbox WHERE id = $1 \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind::<SqlUuid, _>(id)
                    .bind::<Text, _>(error)
                    .execute(conn)?;
                }
                diesel::update(mine)
                    .set((
                        outbox::state.eq("failed"),
                        outbox::lease_token.eq(None::<Uuid>),
                        outbox::leased_until.eq(None::<DateTime<Utc>>),
                        outbox::last_error.eq(error),
                    ))
                    .execute(conn)?
            }
        };
        if updated == 0 {
            tracing::warn!(outbox_id = %id, kind, "lease lost before the result was recorded");
            return Ok(DrainReport {
                lease_lost: 1,
                ..DrainReport::default()
            });
        }
        match &result {
            SendResult::Sent => tracing::info!(outbox_id = %id, kind, "e-mail sent"),
            other => {
                tracing::warn!(outbox_id = %id, kind, attempts, result = ?other, "e-mail not sent")
            }
        }
        Ok(report)
    })
    .await
}

fn release_after_auth_failure(
    conn: &mut PgConnection,
    lease: Uuid,
    reason: &str,
) -> anyhow::Result<()> {
    conn.transaction(|conn| {
        diesel::update(outbox::table.filter(outbox::lease_token.eq(lease)))
            .set((
                outbox::attempts.eq(outbox::attempts - 1),
                outbox::lease_token.eq(None::<Uuid>),
                outbox::leased_until.eq(None::<DateTime<Utc>>),
                outbox::last_error.eq(reason),
            ))
            .execute(conn)?;
        diesel::update(mail_status::table)
            .set((
                mail_status::paused_at.eq(Utc::now()),
                mail_status::paused_reason.eq(reason),
            ))
            .execute(conn)?;
        Ok(())
    })
}

fn clear_pause(conn: &mut PgConnection) -> anyhow::Result<()> {
    diesel::update(mail_status::table.filter(mail_status::paused_at.is_not_null()))
        .set((
            mail_status::paused_at.eq(None::<DateTime<Utc>>),
            mail_status::paused_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Messages per state, for `/metrics` and `deliver --dry-run`.
pub fn counts_by_state(conn: &mut PgConnection) -> anyhow::Result<Vec<(String, i64)>> {
    Ok(outbox::table
        .group_by(outbox::state)
        .select((outbox::state, diesel::dsl::count_star()))
        .load(conn)?)
}

/// Messages due now (what a drain would claim).
pub fn due_count(conn: &mut PgConnection) -> anyhow::Result<i64> {
    Ok(outbox::table
        .filter(outbox::state.eq("pending"))
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
