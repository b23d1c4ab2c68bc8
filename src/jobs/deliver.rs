//! `undersign deliver`: everything due, then exit: closing campaigns past their closing time,
//! cutting due petition batches, anonymising the signatures retention is over for, fanning out
//! due alerts, draining the outbox and forgetting stale rate-limit windows.
//! It is safe to overlap with itself and with `serve`.

use crate::alerts::{self, due::DueAlerts};
use crate::batches::{self, CampaignDelivery};
use crate::db::{self, DbPool};
use crate::mail::drain::{Drain, DrainError, DrainReport};
use crate::mail::outbox;
use crate::signatures::retention::{self, Anonymised};
use std::time::{Duration, Instant};

/// What a `deliver` run did or, with `dry_run`, would do.
#[derive(Debug, Default)]
pub struct DeliverReport {
    pub due_before: i64,
    pub drained: DrainReport,
    pub dry_run: bool,
    /// Batches cut and messages queued (or, in a dry run, that would be).
    pub batches: Vec<CampaignDelivery>,
    /// Alerts fanned out and finished (none in a dry run).
    pub alerts: DueAlerts,
    /// Campaigns whose signatures were (in a dry run: would be) anonymised by retention.
    pub anonymised: Vec<Anonymised>,
}

/// Runs one delivery pass, stopping early (and leaving the rest for the next run) after
/// `max_seconds`.
pub async fn run(
    pool: &DbPool,
    drain: &Drain,
    due: crate::worker::DueWork,
    dry_run: bool,
    max_seconds: Option<u64>,
) -> Result<DeliverReport, DrainError> {
    let domain = drain.message_id_domain();
    let batches = db::run(pool, move |conn| {
        batches::run_due(conn, chrono::Utc::now(), &domain, dry_run)
    })
    .await?;
    let anonymised = db::run(pool, move |conn| {
        anyhow::Ok(retention::run(
            conn,
            chrono::Utc::now(),
            due.retention_days,
            dry_run,
        )?)
    })
    .await?;
    let due_before = db::run(pool, outbox::due_count).await?;
    if dry_run {
        return Ok(DeliverReport {
            due_before,
            dry_run,
            batches,
            anonymised,
            ..DeliverReport::default()
        });
    }
    let domain = drain.message_id_domain();
    let alerts = db::run(pool, move |conn| {
        anyhow::Ok(alerts::due::run_due(
            conn,
            chrono::Utc::now(),
            due.cap,
            &domain,
        )?)
    })
    .await?;
    db::run(pool, move |conn| {
        let now = chrono::Utc::now();
        crate::signatures::surges::run(conn, now, due.flag_hourly)?;
        crate::rate_limit::forget_before(conn, now - chrono::Duration::days(2))?;
        crate::organizers::resets::forget_before(conn, now - chrono::Duration::days(1))?;
        anyhow::Ok(())
    })
    .await?;
    let deadline = max_seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let drained = drain.run(deadline).await?;
    Ok(DeliverReport {
        due_before,
        drained,
        dry_run,
        batches,
        alerts,
        anonymised,
    })
}
