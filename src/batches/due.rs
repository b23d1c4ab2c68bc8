//! When to cut a batch and when a target may receive one: pure decisions over a campaign's
//! schedule and state, so they can be tested without a database.

use super::CutReason;
use crate::domain::schedule::resolve_local;
use crate::domain::schedule::DeliverySchedule;
use crate::domain::window::DeliveryWindow;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

/// Signatures are never held back by `delivery_min` for longer than this.
pub const MAX_HOLD: Duration = Duration::days(7);

/// What a campaign's delivery looks like at one moment.
#[derive(Debug, Clone)]
pub struct CampaignClock<'a> {
    pub schedule: &'a DeliverySchedule,
    pub closed: bool,
    pub launched_at: Option<DateTime<Utc>>,
    /// The last schedule tick handled (a batch cut, or skipped).
    pub ticked_at: Option<DateTime<Utc>>,
    pub delivery_min: Option<i32>,
    /// Confirmed, counted signatures in no batch yet.
    pub pending: i64,
    /// When the oldest of them was confirmed.
    pub oldest_pending: Option<DateTime<Utc>>,
}

/// What to do with a campaign now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Cut(CutReason),
    /// A tick passed with too few signatures: remember it was handled, cut nothing.
    SkipTick,
    Nothing,
}

/// Whether a batch is due at `now`.
pub fn decide(c: &CampaignClock<'_>, now: DateTime<Utc>) -> Decision {
    let held_too_long = c.oldest_pending.is_some_and(|t| t <= now - MAX_HOLD);
    if c.closed {
        return if c.pending > 0 {
            Decision::Cut(CutReason::Close)
        } else {
            Decision::Nothing
        };
    }
    let Some(launched_at) = c.launched_at else {
        return Decision::Nothing;
    };
    match c.schedule {
        DeliverySchedule::Manual | DeliverySchedule::OnClose => Decision::Nothing,
        DeliverySchedule::Every(n) if c.pending >= i64::from(*n) => Decision::Cut(CutReason::Every),
        DeliverySchedule::Every(_) if held_too_long => Decision::Cut(CutReason::Held),
        DeliverySchedule::Every(_) => Decision::Nothing,
        DeliverySchedule::Daily { .. } | DeliverySchedule::Weekly { .. } => {
            let since = c.ticked_at.unwrap_or(launched_at);
            match c.schedule.next_after(since) {
                Some(tick_at) if tick_at <= now => {
                    let below_min = c.delivery_min.is_some_and(|m| c.pending < i64::from(m));
                    if c.pending == 0 || (below_min && !held_too_long) {
                        Decision::SkipTick
                    } else {
                        Decision::Cut(CutReason::Schedule { tick_at })
                    }
                }
                _ if held_too_long && c.delivery_min.is_some() => Decision::Cut(CutReason::Held),
                _ => Decision::Nothing,
            }
        }
    }
}

/// A target's side of delivery at one moment.
#[derive(Debug, Clone)]
pub struct TargetClock<'a> {
    pub window: Option<&'a DeliveryWindow>,
    pub tz: Tz,
    /// When the target's latest batch that was not delivered by hand was queued.
    pub last_scheduled_at: Option<DateTime<Utc>>,
    /// Whether batches exist that the target has not been sent.
    pub behind: bool,
    /// Whether the newest of those batches is the final one, cut when the campaign closed:
    /// it goes at once (inside the window), never held by the one-message-a-day rule.
    pub final_batch: bool,
    /// Whether an organizer delivered by hand while an earlier message to the target was
    /// still on its way: the target is sent as soon as that message settles.
    pub by_hand_waiting: bool,
    /// Whether a message to the target is still queued or retrying: the next one waits for
    /// it, so that a message given up later is followed by one covering its signatures.
    pub in_flight: bool,
    /// Whether the target's address was refused for good.
    pub failed: bool,
}

/// Why a target that is behind is not sent its signatures now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Its address was refused for good; an organizer must let it receive again.
    Failed,
    /// Its earlier message is still queued or retrying.
    EarlierMessage,
    /// Outside its delivery window, which opens at `until`.
    Window { until: DateTime<Utc> },
    /// It was sent a scheduled message today already; the next may go at `until`.
    OncePerDay { until: DateTime<Utc> },
}

impl Wait {
    /// When the wait ends, when that is known.
    pub fn until(self) -> Option<DateTime<Utc>> {
        match self {
            Wait::Window { until } | Wait::OncePerDay { until } => Some(until),
            Wait::Failed | Wait::EarlierMessage => None,
        }
    }

    /// The reason in the delivery log's words.
    pub fn reason(self) -> &'static str {
        match self {
            Wait::Failed => "its address was refused; retry the target once it is fixed",
            Wait::EarlierMessage => "waits for its earlier message to be sent",
            Wait::Window { .. } => "outside its delivery window",
            Wait::OncePerDay { .. } => "scheduled messages go at most once a day per target",
        }
    }
}

/// What keeps a target that is behind from being sent now; `None` when it may be sent. By
/// hand, the organizer overrides the window and the one-message-a-day limit.
pub fn wait(t: &TargetClock<'_>, now: DateTime<Utc>, by_hand: bool) -> Option<Wait> {
    if t.failed {
        return Some(Wait::Failed);
    }
    if t.in_flight {
        return Some(Wait::EarlierMessage);
    }
    if by_hand || t.by_hand_waiting {
        return None;
    }
    let local_day = |at: DateTime<Utc>| -> NaiveDate { at.with_timezone(&t.tz).date_naive() };
    let already_today = t
        .last_scheduled_at
        .is_some_and(|at| local_day(at) == local_day(now));
    let open = |at: DateTime<Utc>| t.window.map_or(at, |w| w.next_open(at, t.tz));
    if already_today && !t.final_batch {
        let tomorrow = local_day(now)
            .succ_opt()
            .and_then(|day| resolve_local(t.tz, day, NaiveTime::MIN))
            .unwrap_or(now + Duration::days(1));
        return Some(Wait::OncePerDay {
            until: open(tomorrow),
        });
    }
    match t.window {
        Some(w) if !w.contains(now, t.tz) => Some(Wait::Window { until: open(now) }),
        _ => None,
    }
}

/// Whether a target may be sent what it is behind on now.
pub fn may_send(t: &TargetClock<'_>, now: DateTime<Utc>, by_hand: bool) -> bool {
    t.behind && wait(t, now, by_hand).is_none()
}

/// The time zone a target's window and day are read in: its own, else the schedule's.
pub fn target_tz(target_tz: Option<&str>, schedule: &DeliverySchedule) -> Tz {
    if let Some(tz) = target_tz.and_then(|name| name.parse::<Tz>().ok()) {
        return tz;
    }
    match schedule {
        DeliverySchedule::Daily { tz, .. } | DeliverySchedule::Weekly { tz, .. } => *tz,
        _ => chrono_tz::UTC,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn clock(schedule: &DeliverySchedule) -> CampaignClock<'_> {
        CampaignClock {
            schedule,
            closed: false,
            launched_at: Some(utc("2027-03-01T06:00:00Z")),
            ticked_at: None,
            delivery_min: None,
            pending: 5,
            oldest_pending: Some(utc("2027-03-01T07:00:00Z")),
        }
    }

    #[test]
    fn a_daily_schedule_cuts_once_its_tick_has_passed() {
        let daily = DeliverySchedule::parse("daily 09:00 UTC").unwrap();
        let c = clock(&daily);
        assert_eq!(decide(&c, utc("2027-03-01T08:59:00Z")), Decision::Nothing);
        assert_eq!(
            decide(&c, utc("2027-03-01T09:05:00Z")),
            Decision::Cut(CutReason::Schedule {
                tick_at: utc("2027-03-01T09:00:00Z")
            })
        );
        let handled = CampaignClock {
            ticked_at: Some(utc("2027-03-01T09:05:00Z")),
            ..c
        };
        assert_eq!(
            decide(&handled, utc("2027-03-01T18:00:00Z")),
            Decision::Nothing
        );
    }

    #[test]
    fn a_tick_below_delivery_min_is_skipped_unless_signatures_waited_a_week() {
        let daily = DeliverySchedule::parse("daily 09:00 UTC").unwrap();
        let c = CampaignClock {
            delivery_min: Some(10),
            ..clock(&daily)
        };
        assert_eq!(decide(&c, utc("2027-03-01T09:05:00Z")), Decision::SkipTick);
        let week_later = utc("2027-03-08T07:00:00Z");
        let waited = CampaignClock {
            ticked_at: Some(utc("2027-03-07T09:05:00Z")),
            ..c.clone()
        };
        assert_eq!(decide(&waited, week_later), Decision::Cut(CutReason::Held));
        let empty = CampaignClock {
            pending: 0,
            oldest_pending: None,
            ..clock(&daily)
        };
        assert_eq!(
            decide(&empty, utc("2027-03-01T09:05:00Z")),
            Decision::SkipTick
        );
    }

    #[test]
    fn every_n_cuts_when_n_signatures_gathered_and_manual_never_cuts_by_itself() {
        let every = DeliverySchedule::Every(5);
        assert_eq!(
            decide(&clock(&every), utc("2027-03-01T09:00:00Z")),
            Decision::Cut(CutReason::Every)
        );
        let fewer = CampaignClock {
            pending: 4,
            ..clock(&every)
        };
        assert_eq!(
            decide(&fewer, utc("2027-03-01T09:00:00Z")),
            Decision::Nothing
        );
        for schedule in [DeliverySchedule::Manual, DeliverySchedule::OnClose] {
            assert_eq!(
                decide(&clock(&schedule), utc("2027-04-01T09:00:00Z")),
                Decision::Nothing
            );
        }
    }

    #[test]
    fn every_schedule_sends_a_final_batch_when_the_campaign_closes() {
        for schedule in [
            DeliverySchedule::Manual,
            DeliverySchedule::OnClose,
            DeliverySchedule::Every(100),
        ] {
            let closed = CampaignClock {
                closed: true,
                ..clock(&schedule)
            };
            assert_eq!(
                decide(&closed, utc("2027-03-01T09:00:00Z")),
                Decision::Cut(CutReason::Close),
                "{schedule}"
            );
        }
    }

    #[test]
    fn a_target_receives_inside_its_window_and_at_most_once_a_day_unless_by_hand() {
        let window = DeliveryWindow::parse("mon-fri 09:00-17:00").unwrap();
        let t = TargetClock {
            window: Some(&window),
            tz: chrono_tz::Europe::Zagreb,
            last_scheduled_at: None,
            behind: true,
            final_batch: false,
            by_hand_waiting: false,
            in_flight: false,
            failed: false,
        };
        // Monday 1 March 2027: 07:30 UTC is 08:30 in Zagreb, 08:30 UTC is 09:30.
        assert!(!may_send(&t, utc("2027-03-01T07:30:00Z"), false));
        assert!(may_send(&t, utc("2027-03-01T07:30:00Z"), true));
        assert!(may_send(&t, utc("2027-03-01T08:30:00Z"), false));
        let sent_today = TargetClock {
            last_scheduled_at: Some(utc("2027-03-01T08:30:00Z")),
            ..t.clone()
        };
        assert!(!may_send(&sent_today, utc("2027-03-01T15:00:00Z"), false));
        assert!(may_send(&sent_today, utc("2027-03-02T08:30:00Z"), false));
        let failed = TargetClock {
            failed: true,
            ..t.clone()
        };
        assert!(!may_send(&failed, utc("2027-03-01T08:30:00Z"), true));
        let waiting = TargetClock {
            in_flight: true,
            ..t.clone()
        };
        assert!(!may_send(&waiting, utc("2027-03-01T08:30:00Z"), true));
        let up_to_date = TargetClock { behind: false, ..t };
        assert!(!may_send(&up_to_date, utc("2027-03-01T08:30:00Z"), true));
    }

    #[test]
    fn the_final_batch_at_close_is_not_held_by_the_daily_rule_but_keeps_to_the_window() {
        let window = DeliveryWindow::parse("mon-fri 09:00-17:00").unwrap();
        let sent_today = TargetClock {
            window: Some(&window),
            tz: chrono_tz::UTC,
            last_scheduled_at: Some(utc("2027-03-01T09:30:00Z")),
            behind: true,
            final_batch: false,
            by_hand_waiting: false,
            in_flight: false,
            failed: false,
        };
        let afternoon = utc("2027-03-01T15:00:00Z");
        assert_eq!(
            wait(&sent_today, afternoon, false),
            Some(Wait::OncePerDay {
                until: utc("2027-03-02T09:00:00Z")
            })
        );
        let closing = TargetClock {
            final_batch: true,
            ..sent_today.clone()
        };
        assert!(may_send(&closing, afternoon, false));
        let evening = utc("2027-03-01T18:00:00Z");
        assert_eq!(
            wait(&closing, evening, false),
            Some(Wait::Window {
                until: utc("2027-03-02T09:00:00Z")
            })
        );
        assert!(may_send(&closing, evening, true));
    }

    #[test]
    fn a_delivery_by_hand_that_waited_for_an_earlier_message_goes_once_it_settles() {
        let waiting = TargetClock {
            window: None,
            tz: chrono_tz::UTC,
            last_scheduled_at: Some(utc("2027-03-01T09:30:00Z")),
            behind: true,
            final_batch: false,
            by_hand_waiting: true,
            in_flight: true,
            failed: false,
        };
        let now = utc("2027-03-01T10:00:00Z");
        assert_eq!(wait(&waiting, now, false), Some(Wait::EarlierMessage));
        let settled = TargetClock {
            in_flight: false,
            ..waiting
        };
        assert!(may_send(&settled, now, false));
    }
}
