//! What `deliver` and the `serve` worker do for alerts on each pass: fan out the scheduled
//! alerts whose time has come (each under its row lock, skipped when another process holds
//! it), and mark as sent the alerts with nothing left to send.

use super::{control, Alert, AlertState};
use crate::db::schema::alerts;
use crate::domain::alert_cap::AlertCap;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DueAlerts {
    /// Alerts fanned out, and the messages they queued.
    pub fanned_out: usize,
    pub queued: usize,
    /// Alerts that finished sending.
    pub finished: usize,
}

/// Fans out what is due at `now` and closes what is done.
pub fn run_due(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    cap: AlertCap,
    message_id_domain: &str,
) -> QueryResult<DueAlerts> {
    let mut done = DueAlerts::default();
    loop {
        let fanned = conn.transaction(|conn| {
            let due: Option<Alert> = alerts::table
                .filter(alerts::state.eq(AlertState::Scheduled))
                .filter(alerts::fanned_out_at.is_null())
                .filter(alerts::send_at.le(now))
                .order(alerts::send_at)
                .select(Alert::as_select())
                .for_update()
                .skip_locked()
                .first(conn)
                .optional()?;
            let Some(alert) = due else {
                return Ok(None);
            };
            let at = alert.send_at.unwrap_or(now);
            control::fan_out_now(conn, &alert, cap, message_id_domain, at).map(Some)
        })?;
        match fanned {
            Some(queued) => {
                done.fanned_out += 1;
                done.queued += queued;
            }
            None => break,
        }
    }
    done.finished = diesel::sql_query(
        "UPDATE alerts SET state = 'sent', finished_at = now(), updated_at = now() \
         WHERE state = 'sending' AND fanned_out_at IS NOT NULL \
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.alert_id = alerts.id \
                           AND o.state IN ('pending', 'held'))",
    )
    .execute(conn)?;
    Ok(done)
}
