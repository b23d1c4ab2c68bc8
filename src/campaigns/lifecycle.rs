//! Moving a campaign through its life: launch (draft → live), close (live → closed),
//! reopen (closed → live) and archive (draft or closed → archived, out of the lists). Each is idempotent: asking for the state a campaign is already in
//! changes nothing and says so; a move the state does not allow is refused with the reason.

use super::CampaignStatus;
use crate::db::schema::{campaigns, targets};
use crate::db::types::CampaignId;
use crate::organizers::audit::{self, Action, Actor};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// A change an organizer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Launch,
    Close,
    Reopen,
    Archive,
}

impl Move {
    /// The word for this move in messages ("cannot launch …").
    /// How the audit log names this move.
    pub fn action(self) -> Action {
        match self {
            Move::Launch => Action::Launch,
            Move::Close => Action::Close,
            Move::Reopen => Action::Reopen,
            Move::Archive => Action::Archive,
        }
    }

    pub fn verb(self) -> &'static str {
        match self {
            Move::Launch => "launch",
            Move::Close => "close",
            Move::Reopen => "reopen",
            Move::Archive => "archive",
        }
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moved {
    /// The campaign is now in this status.
    Done(CampaignStatus),
    /// Reopened, and the closing time that had closed it was removed: it now stays open
    /// until closed by hand.
    ReopenedWithoutClosingTime(DateTime<Utc>),
    /// It already was in this status; nothing changed.
    Already(CampaignStatus),
}

/// Why a change was refused; the message speaks to the organizer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("there is no campaign with the slug {0:?}")]
    NotFound(String),
    #[error("it has no target with an e-mail address, so signatures could never be delivered; add [[targets]] to its letter file")]
    NoTargets,
    #[error("its closing time {0} has passed")]
    ClosingTimePassed(DateTime<Utc>),
    #[error("it is closed; to take signatures again, reopen it")]
    LaunchClosed,
    #[error("it is a draft that was never launched; launch it instead")]
    NotLaunched,
    #[error("it is live; close it before archiving it")]
    ArchiveLive,
    #[error("it is archived")]
    Archived,
}

/// The campaign as far as a move needs it.
#[derive(Debug, Clone)]
pub struct Facts {
    pub status: CampaignStatus,
    pub closes_at: Option<DateTime<Utc>>,
    pub targets: i64,
}

/// Decides `wanted` for a campaign described by `facts` at `now`, without touching anything.
pub fn decide(wanted: Move, facts: &Facts, now: DateTime<Utc>) -> Result<Moved, Refused> {
    use CampaignStatus::{Archived, Closed, Draft, Live};
    let passed = facts.closes_at.filter(|at| *at <= now);
    match (wanted, facts.status) {
        (Move::Archive, Archived) => Ok(Moved::Already(Archived)),
        (Move::Archive, Live) if passed.is_none() => Err(Refused::ArchiveLive),
        (Move::Archive, _) => Ok(Moved::Done(Archived)),
        (_, Archived) => Err(Refused::Archived),
        (Move::Launch, Live) | (Move::Reopen, Live) if passed.is_none() => Ok(Moved::Already(Live)),
        (Move::Launch, Draft) if facts.targets == 0 => Err(Refused::NoTargets),
        (Move::Launch, Draft) => match passed {
            Some(at) => Err(Refused::ClosingTimePassed(at)),
            None => Ok(Moved::Done(Live)),
        },
        (Move::Launch, _) => Err(Refused::LaunchClosed),
        (Move::Close, Draft) | (Move::Reopen, Draft) => Err(Refused::NotLaunched),
        (Move::Close, Closed) => Ok(Moved::Already(Closed)),
        // A live campaign past its closing time is closed already as the public sees it.
        (Move::Close, Live) => Ok(match passed {
            Some(_) => Moved::Already(Closed),
            None => Moved::Done(Closed),
        }),
        (Move::Reopen, _) => Ok(match passed {
            Some(at) => Moved::ReopenedWithoutClosingTime(at),
            None => Moved::Done(Live),
        }),
    }
}

/// Applies `wanted` to the campaign `slug` in one transaction (the row locked meanwhile).
pub fn apply(
    conn: &mut PgConnection,
    slug: &str,
    wanted: Move,
    actor: Actor,
) -> anyhow::Result<Result<Moved, Refused>> {
    conn.transaction(|conn| {
        let row: Option<(uuid::Uuid, CampaignStatus, Option<DateTime<Utc>>)> = campaigns::table
            .filter(campaigns::slug.eq(slug))
            .select((campaigns::id, campaigns::status, campaigns::closes_at))
            .for_update()
            .first(conn)
            .optional()?;
        let Some((id, status, closes_at)) = row else {
            return Ok(Err(Refused::NotFound(slug.to_string())));
        };
        let facts = Facts {
            status,
            closes_at,
            targets: targets::table
                .filter(targets::campaign_id.eq(id))
                .count()
                .get_result(conn)?,
        };
        let now = Utc::now();
        let moved = match decide(wanted, &facts, now) {
            Ok(moved) => moved,
            Err(refused) => return Ok(Err(refused)),
        };
        let row = campaigns::table.find(id);
        match (&moved, wanted) {
            (Moved::Already(_), _) => {}
            (_, Move::Launch) => {
                diesel::update(row)
                    .set((
                        campaigns::status.eq(CampaignStatus::Live.as_str()),
                        campaigns::launched_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            (_, Move::Close) => {
                diesel::update(row)
                    .set((
                        campaigns::status.eq(CampaignStatus::Closed.as_str()),
                        campaigns::closed_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            (_, Move::Archive) => {
                diesel::update(row)
                    .set(campaigns::status.eq(CampaignStatus::Archived))
                    .execute(conn)?;
            }
            (_, Move::Reopen) => {
                diesel::update(row)
                    .set((
                        campaigns::status.eq(CampaignStatus::Live.as_str()),
                        campaigns::closed_at.eq(None::<DateTime<Utc>>),
                        campaigns::closes_at.eq(closes_at.filter(|at| *at > now)),
                    ))
                    .execute(conn)?;
            }
        }
        if !matches!(moved, Moved::Already(_)) {
            audit::record(
                conn,
                actor,
                wanted.action(),
                Some(CampaignId(id)),
                serde_json::json!({}),
            )?;
        }
        Ok(Ok(moved))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use CampaignStatus::{Archived, Closed, Draft, Live};

    fn facts(status: CampaignStatus, closes_in_hours: Option<i64>, targets: i64) -> Facts {
        Facts {
            status,
            closes_at: closes_in_hours.map(|h| Utc::now() + Duration::hours(h)),
            targets,
        }
    }

    #[test]
    fn every_move_from_every_state_is_done_already_done_or_refused_with_a_reason() {
        let now = Utc::now();
        let cases = [
            (Move::Launch, facts(Draft, None, 1), Ok(Moved::Done(Live))),
            (Move::Launch, facts(Draft, None, 0), Err(Refused::NoTargets)),
            (Move::Launch, facts(Live, None, 1), Ok(Moved::Already(Live))),
            (
                Move::Launch,
                facts(Closed, None, 1),
                Err(Refused::LaunchClosed),
            ),
            (
                Move::Close,
                facts(Live, Some(24), 1),
                Ok(Moved::Done(Closed)),
            ),
            (
                Move::Close,
                facts(Closed, None, 1),
                Ok(Moved::Already(Closed)),
            ),
            (
                Move::Close,
                facts(Live, Some(-1), 1),
                Ok(Moved::Already(Closed)),
            ),
            (
                Move::Close,
                facts(Draft, None, 1),
                Err(Refused::NotLaunched),
            ),
            (Move::Reopen, facts(Closed, None, 1), Ok(Moved::Done(Live))),
            (Move::Reopen, facts(Live, None, 1), Ok(Moved::Already(Live))),
            (
                Move::Archive,
                facts(Closed, None, 1),
                Ok(Moved::Done(Archived)),
            ),
            (
                Move::Archive,
                facts(Draft, None, 0),
                Ok(Moved::Done(Archived)),
            ),
            (
                Move::Archive,
                facts(Live, None, 1),
                Err(Refused::ArchiveLive),
            ),
            (
                Move::Archive,
                facts(Archived, None, 1),
                Ok(Moved::Already(Archived)),
            ),
            (
                Move::Launch,
                facts(Archived, None, 1),
                Err(Refused::Archived),
            ),
            (
                Move::Reopen,
                facts(Archived, None, 1),
                Err(Refused::Archived),
            ),
            (
                Move::Reopen,
                facts(Draft, None, 1),
                Err(Refused::NotLaunched),
            ),
        ];
        for (wanted, facts, expected) in cases {
            assert_eq!(
                decide(wanted, &facts, now),
                expected,
                "{wanted:?} {facts:?}"
            );
        }
    }

    #[test]
    fn reopening_after_the_closing_time_removes_it_and_launching_after_it_is_refused() {
        let now = Utc::now();
        let past = facts(Closed, Some(-2), 1);
        assert!(matches!(
            decide(Move::Reopen, &past, now),
            Ok(Moved::ReopenedWithoutClosingTime(_))
        ));
        let live_past = facts(Live, Some(-2), 1);
        assert!(matches!(
            decide(Move::Reopen, &live_past, now),
            Ok(Moved::ReopenedWithoutClosingTime(_))
        ));
        assert!(matches!(
            decide(Move::Launch, &facts(Draft, Some(-2), 1), now),
            Err(Refused::ClosingTimePassed(_))
        ));
    }
}
