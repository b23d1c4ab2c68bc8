//! `GET /admin/campaigns/{slug}/deliveries`: the delivery log (the one `campaign deliveries`
//! prints) — each batch message per target with its cut and sent times, signature range,
//! state, last SMTP reply and Message-ID — with the targets whose latest message failed shown
//! first as an alert; and `POST /admin/campaigns/{slug}/deliver-now`, the editors' button for
//! `campaign deliver-now`.

use super::guard::Organizer;
use super::managed::ManagedCampaign;
use super::page;
use crate::batches::delivery::{self, LogLine};
use crate::batches::due::Wait;
use crate::batches::state::DeliveryState;
use crate::batches::targets::Waiting;
use crate::batches::CampaignDelivery;
use crate::campaigns::{Campaign, CampaignStatus};
use crate::db;
use crate::organizers::audit::Actor;
use crate::organizers::sessions::Session;
use crate::organizers::Role;
use crate::web::errors::PageError;
use crate::web::{urls, AppState};
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{DateTime, Utc};

/// What the dashboard says about deliveries.
pub struct Summary {
    pub messages: usize,
    pub sent: usize,
    /// Queued or retrying.
    pub pending: usize,
    pub last_sent: Option<String>,
    /// Per target whose latest message failed: that message.
    pub failed: Vec<LogLine>,
}

impl Summary {
    pub fn of(log: &[LogLine]) -> Summary {
        let mut latest: Vec<&LogLine> = Vec::new();
        for line in log {
            match latest
                .iter_mut()
                .find(|l| l.target_email == line.target_email)
            {
                Some(l) => *l = line,
                None => latest.push(line),
            }
        }
        Summary {
            messages: log.len(),
            sent: log
                .iter()
                .filter(|l| l.state == DeliveryState::Sent)
                .count(),
            pending: log.iter().filter(|l| l.state.is_pending()).count(),
            last_sent: log.iter().filter_map(|l| l.sent_at).max().map(time),
            failed: latest
                .into_iter()
                .filter(|l| l.state == DeliveryState::Failed)
                .cloned()
                .collect(),
        }
    }
}

/// A time as the log shows it: UTC, to the minute.
pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// The campaign's delivery log, oldest first.
pub async fn log(state: &AppState, c: &Campaign) -> Result<Vec<LogLine>, PageError> {
    let id = c.id();
    Ok(db::run(&state.pool, move |conn| delivery::log(conn, id)).await?)
}

#[derive(Template)]
#[template(path = "admin/deliveries.html")]
struct DeliveriesPage<'a> {
    me: Option<&'a Session>,
    c: &'a Campaign,
    status: CampaignStatus,
    log: &'a [LogLine],
    waiting: Vec<WaitingRow>,
    summary: Summary,
    /// What the organizer's last "Deliver now" did.
    notice: Option<String>,
}

/// A target owed signatures that are not sent yet, as the page shows it.
struct WaitingRow {
    target_name: String,
    target_email: String,
    since: String,
    first_number: i64,
    last_number: i64,
    signatures: i64,
    reason: &'static str,
    goes: String,
}

impl WaitingRow {
    fn of(w: Waiting) -> WaitingRow {
        WaitingRow {
            goes: match w.wait {
                Wait::EarlierMessage => "as soon as the earlier message is sent".into(),
                Wait::Failed => "after “retry” once the address is fixed".into(),
                _ => w.wait.until().map(time).unwrap_or_default(),
            },
            since: time(w.owed.since),
            first_number: w.owed.first_number,
            last_number: w.owed.last_number,
            signatures: w.owed.signatures(),
            reason: w.wait.reason(),
            target_name: w.target_name,
            target_email: w.target_email,
        }
    }
}

/// `?done=` after "Deliver now": what it cut and queued, and how many targets wait.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

impl Done {
    fn of(d: &CampaignDelivery) -> String {
        if d.cut.is_none() && d.dispatched.is_empty() && d.waiting.is_empty() {
            return "nothing".into();
        }
        format!(
            "{}.{}.{}",
            d.cut.map_or(0, |(_, n)| n),
            d.dispatched.len(),
            d.waiting.len()
        )
    }

    /// The sentence for the organizer; `None` for anything this page did not write.
    fn notice(&self) -> Option<String> {
        if self.done == "nothing" {
            return Some(
                "Nothing new to deliver: every confirmed signature has been sent to every target or is on its way."
                    .into(),
            );
        }
        let mut parts = self.done.split('.').map(|n| n.parse::<u64>().ok());
        let (Some(Some(cut)), Some(Some(queued)), Some(Some(waiting)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let plural =
            |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut notice = if cut > 0 {
            format!("Cut a batch of {}.", plural(cut, "signature", "signatures"))
        } else {
            "No new signatures to cut.".to_string()
        };
        if queued > 0 {
            notice.push_str(&format!(
                " Queued a message to {}; it leaves within a minute.",
                plural(queued, "target", "targets")
            ));
        }
        if waiting > 0 {
            notice.push_str(&format!(
                " {} not sent now: see “Waiting” below for why and when.",
                plural(waiting, "target is", "targets are")
            ));
        }
        Some(notice)
    }
}

pub async fn show(
    state: web::Data<AppState>,
    me: Organizer,
    ManagedCampaign(c): ManagedCampaign,
    done: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    let log = log(&state, &c).await?;
    let id = c.id();
    let waiting = db::run(&state.pool, move |conn| {
        crate::batches::targets::waiting(conn, id, Utc::now())
    })
    .await?;
    page::ok(
        DeliveriesPage {
            me: Some(&me.0),
            status: c.status(Utc::now()),
            c: &c,
            summary: Summary::of(&log),
            log: &log,
            waiting: waiting.into_iter().map(WaitingRow::of).collect(),
            notice: done.notice(),
        }
        .render(),
    )
}

/// Cuts a batch of everything confirmed and not yet delivered and queues its messages, as
/// `campaign deliver-now` does; the outbox sends them.
pub async fn deliver_now(
    state: web::Data<AppState>,
    me: Organizer,
    ManagedCampaign(c): ManagedCampaign,
) -> Result<HttpResponse, PageError> {
    let organizer = me.require(Role::Editor)?.organizer_id;
    if c.row.status == CampaignStatus::Draft {
        return Err(PageError::Conflict(
            "This campaign is a draft: launch it first (nobody can have signed it yet).".into(),
        ));
    }
    let (slug, _id, domain) = (
        c.slug().to_string(),
        c.campaign_id(),
        state.message_id_domain.clone(),
    );
    let done = db::run(&state.pool, move |conn| {
        let done = crate::batches::deliver_now(
            conn,
            &slug,
            Utc::now(),
            &domain,
            Actor::Organizer(organizer),
        )?;
        anyhow::Ok(Done::of(&done))
    })
    .await?;
    Ok(page::see_other(&format!(
        "{}?done={done}",
        urls::admin_campaign_part(c.slug(), "deliveries")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(target: &str, state: &str, minute: u32) -> LogLine {
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 29, 9, minute, 0).unwrap();
        LogLine {
            cut_at: at,
            queued_at: at,
            sent_at: (state == "sent").then_some(at),
            target_name: target.into(),
            target_email: format!("{target}@gov.example"),
            first_number: 1,
            last_number: 10,
            signature_count: 10,
            state: DeliveryState::parse(state).unwrap(),
            last_reply: (state == "failed").then(|| "550 5.1.1 no such user".into()),
            message_id: format!("<{target}{minute}@example>"),
        }
    }

    #[test]
    fn a_target_counts_as_failed_only_while_its_latest_message_failed() {
        let log = [
            line("ana", "failed", 0),
            line("ivo", "sent", 0),
            line("ana", "sent", 5),
            line("ivo", "failed", 5),
            line("eva", "retrying", 5),
        ];
        let s = Summary::of(&log);
        assert_eq!((s.messages, s.sent, s.pending), (5, 2, 1));
        let failed: Vec<&str> = s.failed.iter().map(|l| l.target_name.as_str()).collect();
        assert_eq!(failed, ["ivo"]);
        assert_eq!(s.last_sent.as_deref(), Some("2026-11-29 09:05"));
    }
}
