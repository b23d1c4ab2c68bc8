//! Sending, pausing, resuming and cancelling an alert: each a state change under the alert's
//! row lock, so a double click or a second tab changes nothing (the second answer is a
//! conflict), each with its audit entry in the same transaction. Pause and cancel also fence
//! the alert's waiting messages: a message claimed by a worker but not yet handed to the
//! SMTP server is not sent (its send must be noted against a pending row first).

use super::audience::{self, Spec};
use super::{Alert, AlertState, UNDO_WINDOW};
use crate::db::schema::{alerts, campaigns};
use crate::db::types::AlertId;
use crate::domain::alert_cap::AlertCap;
use crate::organizers::audit::{self, Action, Actor};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// When an alert is to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// After the undo window.
    Now,
    /// At this time (at the earliest after the undo window).
    At(DateTime<Utc>),
}

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("no such alert")]
    Unknown,
    /// The alert is not in a state that allows it (a second click, another tab).
    #[error("this alert is {}: {what}", state.as_str())]
    Conflict {
        state: AlertState,
        what: &'static str,
    },
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Unavailable(#[from] crate::db::Unavailable),
}

/// What sending did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    /// Messages queued (0 for a later time: counted when it is due).
    pub queued: usize,
    pub first_leaves_at: DateTime<Utc>,
    pub scheduled: bool,
}

fn locked(conn: &mut PgConnection, id: AlertId) -> Result<Alert, ControlError> {
    alerts::table
        .find(id)
        .select(Alert::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or(ControlError::Unknown)
}

fn detail(alert: &Alert) -> serde_json::Value {
    serde_json::json!({ "alert": alert.id.to_string(), "subject": alert.subject })
}

/// Sends draft `id` now (after the undo window) or at a time. A time within the undo window
/// is sent now; a later one is fanned out when due.
pub fn send(
    conn: &mut PgConnection,
    actor: Actor,
    id: AlertId,
    when: When,
    cap: AlertCap,
    message_id_domain: &str,
) -> Result<Sent, ControlError> {
    conn.transaction(|conn| {
        let alert = locked(conn, id)?;
        if alert.state != AlertState::Draft {
            return Err(ControlError::Conflict {
                state: alert.state,
                what: "it was sent or scheduled already",
            });
        }
        if let Some(campaign) = alert.campaign_id {
            let status: String = campaigns::table
                .find(campaign.0)
                .select(campaigns::status)
                .first(conn)?;
            if status != "live" {
                return Err(ControlError::Refused(
                    "the action it links to is no longer live: edit the alert first".into(),
                ));
            }
        }
        let now = Utc::now();
        let earliest = now + UNDO_WINDOW;
        let at = match when {
            When::Now => earliest,
            When::At(at) => at.max(earliest),
        };
        let scheduled = matches!(when, When::At(t) if t > earliest);
        let queued = if scheduled {
            diesel::update(alerts::table.find(id))
                .set((
                    alerts::state.eq(AlertState::Scheduled),
                    alerts::send_at.eq(at),
                    alerts::updated_at.eq(now),
                ))
                .execute(conn)?;
            0
        } else {
            fan_out_now(conn, &alert, cap, message_id_domain, at)?
        };
        audit::record(
            conn,
            actor,
            Action::SendAlert,
            alert.campaign_id,
            serde_json::json!({
                "alert": alert.id.to_string(),
                "subject": alert.subject,
                "at": at.to_rfc3339(),
                "queued": queued,
            }),
        )?;
        Ok(Sent {
            queued,
            first_leaves_at: at,
            scheduled,
        })
    })
}

/// Fans `alert` out with its messages due at `at` and marks it sending (inside the caller's
/// transaction, which holds the alert's lock).
/// The advisory lock fan-outs take, for the length of their transaction.
const FAN_OUT_LOCK: i64 = 0x616c_6572_7473; // "alerts"

pub(super) fn fan_out_now(
    conn: &mut PgConnection,
    alert: &Alert,
    cap: AlertCap,
    message_id_domain: &str,
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    // One fan-out at a time in the whole installation, each seeing the rows the one before it
    // committed: two alerts fanned out at the same moment by two processes would otherwise
    // both count the same supporter as under the cap.
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<diesel::sql_types::Int8, _>(FAN_OUT_LOCK)
        .execute(conn)?;
    let queued = audience::fan_out(conn, &Spec::of(alert), cap, message_id_domain, at)?;
    diesel::update(alerts::table.find(alert.id))
        .set((
            alerts::state.eq(AlertState::Sending),
            alerts::send_at.eq(at),
            alerts::fanned_out_at.eq(Utc::now()),
            alerts::recipients.eq(queued as i32),
            alerts::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    Ok(queued)
}

/// Moves the alert's waiting messages from `from` to `to`, taking them from any worker that
/// claimed them but has not begun to send them.
fn move_messages(
    conn: &mut PgConnection,
    id: AlertId,
    from: &[&str],
    to: &str,
    note: Option<&str>,
) -> QueryResult<usize> {
    // In id order, as the drain's statements lock outbox rows, so a cancel under way never
    // deadlocks with a drain recording results.
    diesel::sql_query(
        "WITH locked AS (SELECT id FROM outbox WHERE alert_id = $1 AND state = ANY($2) \
                         ORDER BY id FOR UPDATE) \
         UPDATE outbox SET state = $3, lease_token = NULL, leased_until = NULL, \
                next_attempt_at = now(), last_error = $4 \
         WHERE id IN (SELECT id FROM locked)",
    )
    .bind::<diesel::sql_types::Uuid, _>(id.0)
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(from)
    .bind::<diesel::sql_types::Text, _>(to)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(note)
    .execute(conn)
}

/// Cancels `id`: what has not left never will (a message already being handed to the SMTP
/// server completes). A draft is cancelled too, so it can no longer be sent.
pub fn cancel(conn: &mut PgConnection, actor: Actor, id: AlertId) -> Result<usize, ControlError> {
    conn.transaction(|conn| {
        let alert = locked(conn, id)?;
        if !(alert.state.is_open() || alert.state == AlertState::Draft) {
            return Err(ControlError::Conflict {
                state: alert.state,
                what: "there is nothing left to cancel",
            });
        }
        let stopped = move_messages(
            conn,
            id,
            &["pending", "held"],
            "cancelled",
            Some("the alert was cancelled"),
        )?;
        diesel::update(alerts::table.find(id))
            .set((
                alerts::state.eq(AlertState::Cancelled),
                alerts::finished_at.eq(Utc::now()),
                alerts::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Action::CancelAlert,
            alert.campaign_id,
            detail(&alert),
        )?;
        Ok(stopped)
    })
}

/// Pauses `id`, saying why; its waiting messages are held until it is resumed.
pub fn pause(
    conn: &mut PgConnection,
    actor: Option<Actor>,
    id: AlertId,
    reason: &str,
) -> Result<usize, ControlError> {
    conn.transaction(|conn| {
        let alert = locked(conn, id)?;
        if !matches!(alert.state, AlertState::Sending | AlertState::Scheduled) {
            return Err(ControlError::Conflict {
                state: alert.state,
                what: "only an alert that is sending or scheduled can be paused",
            });
        }
        let held = move_messages(conn, id, &["pending"], "held", None)?;
        diesel::update(alerts::table.find(id))
            .set((
                alerts::state.eq(AlertState::Paused),
                alerts::paused_reason.eq(reason),
                alerts::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        if let Some(actor) = actor {
            audit::record(
                conn,
                actor,
                Action::PauseAlert,
                alert.campaign_id,
                detail(&alert),
            )?;
        }
        Ok(held)
    })
}

/// Resumes paused `id`: its held messages are due at once (a scheduled alert not yet fanned
/// out waits for its time again).
pub fn resume(conn: &mut PgConnection, actor: Actor, id: AlertId) -> Result<usize, ControlError> {
    conn.transaction(|conn| {
        let alert = locked(conn, id)?;
        if alert.state != AlertState::Paused {
            return Err(ControlError::Conflict {
                state: alert.state,
                what: "only a paused alert can be resumed",
            });
        }
        let released = move_messages(conn, id, &["held"], "pending", None)?;
        let state = if alert.fanned_out_at.is_some() {
            AlertState::Sending
        } else {
            AlertState::Scheduled
        };
        diesel::update(alerts::table.find(id))
            .set((
                alerts::state.eq(state),
                alerts::paused_reason.eq(None::<String>),
                alerts::updated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Action::ResumeAlert,
            alert.campaign_id,
            detail(&alert),
        )?;
        Ok(released)
    })
}

/// Drafts the one follow-up of sent alert `id`: the same message to those who received it and
/// have not signed its action since. Returns the draft's id.
pub fn follow_up(
    conn: &mut PgConnection,
    actor: Actor,
    id: AlertId,
) -> Result<AlertId, ControlError> {
    conn.transaction(|conn| {
        let alert = locked(conn, id)?;
        if alert.state != AlertState::Sent {
            return Err(ControlError::Conflict {
                state: alert.state,
                what: "a follow-up can be sent once the alert has gone out",
            });
        }
        if alert.campaign_id.is_none() {
            return Err(ControlError::Refused(
                "the alert links to no action, so no one can be known to have acted on it".into(),
            ));
        }
        if alert.follow_up_of.is_some() {
            return Err(ControlError::Refused(
                "a follow-up is not followed up again".into(),
            ));
        }
        let existing: Option<AlertId> = alerts::table
            .filter(alerts::follow_up_of.eq(id))
            .select(alerts::id)
            .first(conn)
            .optional()?;
        if existing.is_some() {
            return Err(ControlError::Conflict {
                state: alert.state,
                what: "its follow-up was drafted already",
            });
        }
        let draft = super::compose::Draft {
            subject: alert.subject.clone(),
            body: alert.body.clone(),
            action: alert.campaign_id,
            audience: super::Audience::FollowUp { of: id },
            include_signed: false,
        };
        Ok(super::compose::create_following(
            conn,
            actor,
            &draft,
            Some(id),
        )?)
    })
}

/// Queues a copy of `id` as it stands to `to` (an organizer's own address), marked `[TEST]`;
/// it reaches no supporter and changes nothing about the alert.
pub fn send_test(
    conn: &mut PgConnection,
    actor: Actor,
    id: AlertId,
    to: &str,
    message_id_domain: &str,
) -> Result<(), ControlError> {
    conn.transaction(|conn| {
        let alert = locked(conn, id)?;
        let email = crate::mail::OutgoingEmail {
            kind: crate::mail::MailKind::Alert,
            campaign_id: alert.campaign_id.map(|c| c.0),
            refs: crate::mail::MailRefs {
                alert_id: Some(id.0),
                ..Default::default()
            },
            params: serde_json::to_value(super::mail::TestCopy { test: true }).unwrap_or_default(),
            to: to.to_string(),
            to_name: None,
            message_id: None,
            stored: None,
        };
        crate::mail::outbox::enqueue(conn, &email, message_id_domain)
            .map_err(|e| ControlError::Refused(format!("{e:#}")))?;
        audit::record(
            conn,
            actor,
            Action::TestAlert,
            alert.campaign_id,
            detail(&alert),
        )?;
        Ok(())
    })
}
