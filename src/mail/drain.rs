//! The drain: claims due outbox rows, renders and sends them over the mailer's connections
//! with every connection kept busy, holds its lease for exactly as long as it works, and
//! records results many rows at a time. `deliver`, the `serve` worker and the tests run it.
//!
//! The lease keeps its promise: a heartbeat extends it while the drain lives, no send starts
//! unless the lease is known to hold well beyond that moment, and a send still running when
//! the lease can no longer be vouched for is abandoned unrecorded. A drain killed outright
//! leaves its rows to others after one short lease, with no attempt counted for rows it
//! never tried. Each send is noted once the server has said it will take the body, so a
//! message whose result was never recorded is known to have maybe arrived: it is sent once
//! more at most.

use super::kinds::MailKinds;
use super::noting::Notes;
use super::outbox::{self, Attempt, Queued, Tally};
use super::pacing::Destinations;
use super::rate as mail_rate;
use super::render::RenderError;
use super::reply::redact_addresses;
use super::transport::{Mailer, SendResult};
use super::{Composed, RenderContext};
use crate::config::SecretKey;
use crate::db::{self, DbPool};
use futures_util::future::{ready, FutureExt};
use futures_util::stream::{self, StreamExt};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use uuid::Uuid;

/// Connections (and so messages in flight) a drain uses by default.
pub const SEND_CONNECTIONS: usize = 8;
/// How long a claim protects rows without a heartbeat: the most a crashed worker's rows wait.
pub const LEASE: Duration = Duration::from_secs(30);
/// The most rows one claim takes.
const MAX_CLAIM: i64 = 500;
/// The most results one recording statement carries.
const RECORD_GROUP: usize = 256;
/// How long results gather before they are recorded together: a few dozen messages at full
/// speed, nothing a person waiting for a confirmation would notice.
const RECORD_GATHER: Duration = Duration::from_millis(20);

/// What one drain did.
pub type DrainReport = Tally;

/// Why a drain stopped early.
#[derive(Debug, thiserror::Error)]
pub enum DrainError {
    #[error("sending is paused: the SMTP server refused our credentials ({0}); fix SMTP_URL")]
    AuthFailed(String),
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

/// Sends what the outbox holds; cheap to clone.
#[derive(Clone)]
pub struct Drain {
    pool: DbPool,
    mailer: Mailer,
    ctx: Arc<RenderContext>,
    kinds: MailKinds,
    lease: Duration,
    /// Messages per second for the whole installation, when capped.
    rate: Option<f64>,
    /// Providers that asked us to slow down, kept across runs.
    destinations: Arc<Destinations>,
}

/// What one claim found.
enum Claimed {
    Rows(Vec<(Queued, Result<Composed, RenderError>)>),
    /// Rows are due, but the installation's rate allows none this instant.
    Wait,
}

impl Drain {
    /// A drain over `mailer` of the `kinds` registered with it, as many messages at once as
    /// the mailer has connections.
    pub fn new(pool: DbPool, mailer: Mailer, ctx: RenderContext, kinds: MailKinds) -> Drain {
        Drain {
            pool,
            mailer,
            ctx: Arc::new(ctx),
            kinds,
            lease: LEASE,
            rate: None,
            destinations: Arc::default(),
        }
    }

    /// Sends no faster than `rate` messages per second, shared with every other drain of the
    /// installation (`UNDERSIGN_MAIL_RATE`); `None`, as fast as the server takes them.
    pub fn with_rate(mut self, rate: Option<f64>) -> Drain {
        self.rate = rate;
        self
    }

    /// Uses leases of `lease` instead of [`LEASE`].
    pub fn with_lease(mut self, lease: Duration) -> Drain {
        self.lease = lease;
        self
    }

    /// The domain of the Message-IDs its messages carry: the sender's.
    pub fn message_id_domain(&self) -> String {
        self.mailer.domain()
    }

    /// Sends until nothing is due or `deadline` passes.
    pub async fn run(
        &self,
        deadline: Option<std::time::Instant>,
    ) -> Result<DrainReport, DrainError> {
        let lease = Lease::new(self.lease);
        let pace = Pace::new(self.mailer.connections());
        let stop = Stop::default();
        let (tx, rx) = mpsc::unbounded_channel::<Attempt>();
        let (notes, noting) = Notes::new(&self.pool, lease.token);
        let (lease_ref, pace_ref, stop_ref) = (&lease, &pace, &stop);
        let claims = stream::unfold((), move |()| async move {
            loop {
                let over = deadline.is_some_and(|d| std::time::Instant::now() >= d);
                if over || stop_ref.is_set() || !lease_ref.holds_for(self.lease / 3) {
                    return None;
                }
                let (ctx, token, length) = (self.ctx.clone(), lease_ref.token, self.lease);
                let (kinds, rate) = (self.kinds.clone(), self.rate);
                let held_back = self.destinations.held_back();
                let limit = pace_ref.claim_limit(length);
                let claimed = db::run(&self.pool, move |conn| {
                    let limit = match rate {
                        Some(rate) => match mail_rate::take(conn, rate, limit)? {
                            0 if outbox::any_due(conn, &kinds)? => return Ok(Claimed::Wait),
                            0 => return Ok(Claimed::Rows(Vec::new())),
                            granted => granted,
                        },
                        None => limit,
                    };
                    let rows = outbox::claim(
                        conn,
                        ctx.secret_key.bytes(),
                        token,
                        length,
                        limit,
                        &kinds,
                        &held_back,
                    )?;
                    if let Some(rate) = rate {
                        mail_rate::give_back(conn, rate, limit - rows.len() as i64)?;
                    }
                    anyhow::Ok(Claimed::Rows(kinds.render_all(conn, rows, &ctx)))
                })
                .await;
                match claimed {
                    Ok(Claimed::Wait) => {
                        let rate = self.rate.unwrap_or(1.0);
                        tokio::time::sleep(mail_rate::next_token_in(rate)).await;
                    }
                    Ok(Claimed::Rows(rows)) if rows.is_empty() => return None,
                    Ok(Claimed::Rows(rows)) => return Some((stream::iter(rows), ())),
                    Err(e) => {
                        stop_ref.fail(e);
                        return None;
                    }
                }
            }
        })
        .boxed();
        let sending = async {
            let (tx, notes) = (tx, notes);
            claims
                .flatten()
                .map(|(row, composed)| {
                    self.send(row, composed, &notes, lease_ref, pace_ref, stop_ref)
                })
                .buffer_unordered(self.mailer.connections())
                .filter_map(ready)
                .for_each(|attempt| {
                    let _ = tx.send(attempt);
                    ready(())
                })
                .await;
        }
        .boxed();
        let recording = record_all(
            &self.pool,
            &self.ctx.secret_key,
            &self.kinds,
            lease.token,
            self.lease,
            rx,
            &stop,
        );
        let tally = tokio::select! {
            (_, tally, ()) = futures_util::future::join3(sending, recording, noting) => tally,
            never = lease.keep_alive(&self.pool) => match never {},
        };
        let token = lease.token;
        let released = db::run(&self.pool, move |conn| outbox::release(conn, token)).await;
        let (auth, failure) = stop.into_inner();
        if let Some(reason) = auth {
            let logged = reason.clone();
            db::run(&self.pool, move |conn| outbox::pause(conn, &reason)).await?;
            tracing::error!(error = %logged, "SMTP authentication failed: sending paused");
            return Err(DrainError::AuthFailed(logged));
        }
        if let Some(e) = failure {
            return Err(DrainError::Database(e));
        }
        released?;
        if tally.sent > 0 {
            db::run(&self.pool, outbox::clear_pause).await?;
        }
        Ok(tally)
    }

    /// Tries one row, unless the lease cannot be vouched for; `None` leaves it unrecorded.
    async fn send(
        &self,
        row: Queued,
        composed: Result<Composed, RenderError>,
        notes: &Notes,
        lease: &Lease,
        pace: &Pace,
        stop: &Stop,
    ) -> Option<Attempt> {
        if stop.is_set() {
            return None;
        }
        let result = match composed {
            _ if row.suppressed => {
                SendResult::Permanent("address suppressed after an earlier hard bounce".into())
            }
            Err(e @ RenderError::Impossible { .. }) => {
                SendResult::Permanent(redact_addresses(&e.to_string()))
            }
            Err(e @ RenderError::Failed(_)) => {
                SendResult::Transient(redact_addresses(&e.to_string()))
            }
            Err(RenderError::Withheld(reason)) => SendResult::Withheld(reason),
            Ok(_) if row.unrecorded_sends >= outbox::MAX_UNRECORDED_SENDS => {
                // Two sends began and neither result was recorded: either may have arrived,
                // and a third copy is one too many (at most one extra per such message).
                tracing::warn!(outbox_id = %row.id, kind = row.kind.as_str(),
                    "not sent again: two earlier sends were never recorded; counted as sent");
                SendResult::Sent
            }
            Ok(message) => {
                // Left leased and unrecorded, no attempt used: released when this run ends,
                // and claimed again once its provider's wait is over.
                if !lease.holds_for(self.lease / 3) || self.destinations.holds_back(&row.recipient)
                {
                    return None;
                }
                // Noted once the server will take the body and not before: a send that never
                // got that far cannot have arrived, and must not count towards the cap.
                let margin = self.lease / 3;
                let noted = async move { lease.holds_for(margin) && notes.begin(row.id).await };
                let started = Instant::now();
                let result = tokio::select! {
                    result = self.mailer.send_noting(&message, &row.message_id, row.id, noted) => match result {
                        Some(result) => result,
                        None => return None,
                    },
                    () = lease.expired() => {
                        tracing::warn!(outbox_id = %row.id, "lease ran out mid-send: abandoned");
                        return None;
                    }
                };
                pace.observe(started.elapsed());
                self.destinations.observe(&row.recipient, &result);
                result
            }
        };
        if let SendResult::AuthFailed(reason) = result {
            stop.auth_failed(reason);
            return None;
        }
        Some(Attempt {
            id: row.id,
            kind: row.kind,
            recipient: row.recipient,
            batch_target_id: row.batch_target_id,
            alert_id: row.alert_id,
            attempts_before: row.attempts,
            result,
        })
    }
}

/// Records attempts as they arrive, as many per statement as have arrived. When the database
/// does not answer, the results are kept and recorded once it answers again, for as long as
/// `patience` (the lease: after it another worker may have taken the rows over, and the
/// record's fence then leaves them to it); sending stops meanwhile. Giving up leaves the rows
/// leased, to go out again after the lease: at least once.
async fn record_all(
    pool: &DbPool,
    key: &SecretKey,
    kinds: &MailKinds,
    lease: Uuid,
    patience: Duration,
    mut attempts: mpsc::UnboundedReceiver<Attempt>,
    stop: &Stop,
) -> Tally {
    let mut tally = Tally::default();
    while let Some(first) = attempts.recv().await {
        let mut group = vec![first];
        let gathered = Instant::now() + RECORD_GATHER;
        while group.len() < RECORD_GROUP {
            match tokio::time::timeout_at(gathered, attempts.recv()).await {
                Ok(Some(attempt)) => group.push(attempt),
                Ok(None) | Err(_) => break,
            }
        }
        while group.len() < RECORD_GROUP {
            match attempts.try_recv() {
                Ok(attempt) => group.push(attempt),
                Err(_) => break,
            }
        }
        let give_up = Instant::now() + patience;
        let mut wait = Duration::from_millis(100);
        loop {
            let (pending, kinds, key) = (group.clone(), kinds.clone(), key.clone());
            match db::run(pool, move |conn| {
                outbox::record(conn, key.bytes(), lease, &pending, &kinds)
            })
            .await
            {
                Ok(recorded) => {
                    tally.add(recorded);
                    break;
                }
                Err(e) if Instant::now() + wait < give_up => {
                    tracing::warn!(error = %e, results = group.len(), "the database did not take the send results: keeping them to record again");
                    stop.fail(e);
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(2));
                }
                Err(e) => {
                    stop.fail(e);
                    return tally;
                }
            }
        }
    }
    tally
}

/// A lease token and how long it is known to hold, kept alive by a heartbeat.
struct Lease {
    token: Uuid,
    length: Duration,
    valid_until: watch::Sender<Instant>,
}

impl Lease {
    fn new(length: Duration) -> Lease {
        Lease {
            token: Uuid::now_v7(),
            length,
            valid_until: watch::Sender::new(Instant::now() + length),
        }
    }

    /// Whether the lease is known to hold for at least `margin` from now.
    fn holds_for(&self, margin: Duration) -> bool {
        *self.valid_until.borrow() >= Instant::now() + margin
    }

    /// Completes once the lease can no longer be vouched for.
    async fn expired(&self) {
        let mut until = self.valid_until.subscribe();
        loop {
            let end = *until.borrow_and_update();
            if Instant::now() >= end {
                return;
            }
            tokio::select! {
                () = tokio::time::sleep_until(end) => {}
                changed = until.changed() => if changed.is_err() { return },
            }
        }
    }

    /// Extends the lease every third of its length, for as long as it is polled.
    async fn keep_alive(&self, pool: &DbPool) -> std::convert::Infallible {
        let (token, length) = (self.token, self.length);
        loop {
            tokio::time::sleep(length / 3).await;
            let started = Instant::now();
            match db::run(pool, move |conn| outbox::extend(conn, token, length)).await {
                Ok(_) => {
                    self.valid_until.send_replace(started + length);
                }
                Err(e) => tracing::warn!(error = %e, "could not extend the outbox lease"),
            }
        }
    }
}

/// How long a message takes, to claim only what can be sent within a lease.
struct Pace {
    connections: usize,
    per_message: Mutex<Option<Duration>>,
}

impl Pace {
    fn new(connections: usize) -> Pace {
        Pace {
            connections,
            per_message: Mutex::new(None),
        }
    }

    fn observe(&self, took: Duration) {
        if let Ok(mut average) = self.per_message.lock() {
            *average = Some(match *average {
                Some(before) => before.mul_f64(0.8) + took.mul_f64(0.2),
                None => took,
            });
        }
    }

    /// Rows the connections can send in half a lease (the first claim assumes little).
    fn claim_limit(&self, lease: Duration) -> i64 {
        let connections = self.connections as i64;
        let per_message = self.per_message.lock().ok().and_then(|average| *average);
        let Some(per_message) = per_message else {
            return connections * 2;
        };
        let each = (lease.as_secs_f64() / 2.0 / per_message.as_secs_f64().max(1e-4)) as i64;
        (connections * each).clamp(connections, MAX_CLAIM)
    }
}

/// Why sending stopped early, shared by every send of one drain.
#[derive(Default)]
struct Stop(Mutex<(Option<String>, Option<anyhow::Error>)>);

impl Stop {
    fn is_set(&self) -> bool {
        self.0
            .lock()
            .map(|stop| stop.0.is_some() || stop.1.is_some())
            .unwrap_or(true)
    }

    fn auth_failed(&self, reason: String) {
        if let Ok(mut stop) = self.0.lock() {
            stop.0.get_or_insert(reason);
        }
    }

    fn fail(&self, error: anyhow::Error) {
        if let Ok(mut stop) = self.0.lock() {
            stop.1.get_or_insert(error);
        }
    }

    fn into_inner(self) -> (Option<String>, Option<anyhow::Error>) {
        self.0.into_inner().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_server_gets_claims_it_can_finish_within_half_a_lease() {
        let pace = Pace::new(8);
        assert_eq!(
            pace.claim_limit(LEASE),
            16,
            "little is assumed before a send"
        );
        pace.observe(Duration::from_secs(14));
        assert_eq!(pace.claim_limit(Duration::from_secs(30)), 8);
        let fast = Pace::new(8);
        fast.observe(Duration::from_millis(1));
        assert_eq!(fast.claim_limit(LEASE), MAX_CLAIM);
    }
}
