//! Circuit breakers on the inbox providers' own thresholds: an alert pauses itself, and says
//! why on its page and in the log, when more than 2% of its messages are refused for good
//! (at the SMTP server or by a bounce that came back later), judged from its first 100
//! results; or when complaints pass 0.1% once 1,000 have been delivered (Gmail asks bulk
//! senders to stay under 0.1% and refuses them above 0.3%).

use super::control;
use crate::db::types::AlertId;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Uuid as SqlUuid};
use uuid::Uuid;

/// Results needed before the failure rate is judged.
pub const JUDGED_SAMPLE: i64 = 100;
/// Permanent failures, in percent of results, above which the alert pauses itself.
pub const FAILURE_PERCENT: i64 = 2;
/// Deliveries needed before the complaint rate is judged.
pub const COMPLAINTS_JUDGED_AFTER: i64 = 1_000;
/// Complaints, in tenths of a percent of deliveries, above which the alert pauses itself.
pub const COMPLAINT_PER_MILLE: i64 = 1;

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    failed: i64,
    #[diesel(sql_type = BigInt)]
    done: i64,
    #[diesel(sql_type = BigInt)]
    recipients: i64,
    #[diesel(sql_type = BigInt)]
    complaints: i64,
}

fn counts(conn: &mut PgConnection, alert: Uuid) -> QueryResult<Counts> {
    diesel::sql_query(
        "SELECT count(*) FILTER (WHERE state = 'failed') AS failed, \
                count(*) FILTER (WHERE state IN ('sent', 'failed')) AS done, \
                count(*) AS recipients, \
                (SELECT count(*) FROM bounces b WHERE b.alert_id = $1 AND b.class = 'complaint') \
                    AS complaints \
         FROM outbox WHERE alert_id = $1 AND supporter_id IS NOT NULL",
    )
    .bind::<SqlUuid, _>(alert)
    .get_result(conn)
}

/// After permanent failures of `alert`: pauses it when they pass [`FAILURE_PERCENT`].
pub fn after_failure(conn: &mut PgConnection, alert: AlertId) -> anyhow::Result<()> {
    let c = counts(conn, alert.0)?;
    // A rate over a handful of results means little: judged once a sample has come back.
    let sampled = c.done >= c.recipients.min(JUDGED_SAMPLE);
    if sampled && c.failed * 100 > c.done * FAILURE_PERCENT {
        let reason = format!(
            "paused by itself: {} of its {} messages so far were refused for good, more than {}%",
            c.failed, c.done, FAILURE_PERCENT
        );
        pause(conn, alert, &reason, c.recipients > c.done)?;
    }
    Ok(())
}

/// After a complaint about `alert`: pauses it when complaints pass 0.1% of its deliveries.
pub fn after_complaint(conn: &mut PgConnection, alert: Uuid) -> anyhow::Result<()> {
    let c = counts(conn, alert)?;
    let delivered = c.done - c.failed;
    if delivered >= COMPLAINTS_JUDGED_AFTER && c.complaints * 1000 > delivered * COMPLAINT_PER_MILLE
    {
        let reason = format!(
            "paused by itself: {} of its {} delivered messages were reported as spam, more than 0.1%",
            c.complaints, delivered
        );
        pause(conn, AlertId(alert), &reason, c.recipients > c.done)?;
    }
    Ok(())
}

fn pause(conn: &mut PgConnection, alert: AlertId, reason: &str, left: bool) -> anyhow::Result<()> {
    if !left {
        return Ok(());
    }
    match control::pause(conn, None, alert, reason) {
        Ok(_) => {
            tracing::error!(alert_id = %alert, reason, "alert paused by its circuit breaker");
            Ok(())
        }
        // Already paused, cancelled or finished: nothing to stop.
        Err(control::ControlError::Conflict { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
