//! Retention: `deliver` (and the `serve` worker) anonymise the signatures of every campaign
//! closed more than `UNDERSIGN_RETENTION_DAYS` ago (default 180), unless an organizer put it
//! on hold in the editor. A campaign is done once; counts never move; a dry run says what a
//! real one would do.

use super::anonymise::{self, Whose};
use crate::db::schema::campaigns;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// Days after closing that signatures are kept by default.
pub const DEFAULT_DAYS: u32 = crate::config::DEFAULT_RETENTION_DAYS;

/// One campaign whose signatures were (or, in a dry run, would be) anonymised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anonymised {
    pub slug: String,
    pub closed_at: DateTime<Utc>,
    pub signatures: i64,
}

/// When the signatures of a campaign closed at `closed_at` are anonymised.
pub fn anonymised_on(closed_at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    closed_at + Duration::days(i64::from(days))
}

/// Anonymises what is due at `now`; with `dry_run`, only says what that would be.
pub fn run(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    days: u32,
    dry_run: bool,
) -> QueryResult<Vec<Anonymised>> {
    let due: Vec<(Uuid, String, Option<DateTime<Utc>>)> = campaigns::table
        .filter(campaigns::status.eq("closed"))
        .filter(campaigns::closed_at.le(now - Duration::days(i64::from(days))))
        .filter(campaigns::retention_hold.eq(false))
        .filter(campaigns::anonymised_at.is_null())
        .order(campaigns::closed_at)
        .select((campaigns::id, campaigns::slug, campaigns::closed_at))
        .load(conn)?;
    let mut done = Vec::with_capacity(due.len());
    for (id, slug, closed_at) in due {
        let signatures = conn.transaction(|conn| {
            if dry_run {
                return anonymise::naming(conn, Whose::Campaign(id));
            }
            let changed = anonymise::anonymise(conn, Whose::Campaign(id))?;
            diesel::update(campaigns::table.find(id))
                .set(campaigns::anonymised_at.eq(now))
                .execute(conn)?;
            QueryResult::Ok(changed as i64)
        })?;
        done.push(Anonymised {
            slug,
            closed_at: closed_at.unwrap_or(now),
            signatures,
        });
    }
    Ok(done)
}

/// What the dashboard says of a campaign's retention: closed at `closed_at` (or not yet), on
/// hold, anonymised at `anonymised_at`, with `days` of retention.
pub fn plan(
    closed_at: Option<DateTime<Utc>>,
    hold: bool,
    anonymised_at: Option<DateTime<Utc>>,
    days: u32,
) -> String {
    let date = |t: DateTime<Utc>| t.format("%-d %B %Y").to_string();
    match (anonymised_at, hold, closed_at) {
        (Some(at), _, _) => format!(
            "Its signers' names, postcodes, comments and IP hashes were anonymised on {} ({days} days after it closed); the counts are unchanged.",
            date(at)
        ),
        (None, true, _) => "On hold: its signers' details are kept past the retention period until the hold is lifted in the editor.".to_string(),
        (None, false, Some(closed)) => format!(
            "Its signers' names, postcodes, comments and IP hashes will be anonymised on {} ({days} days after it closed); put it on hold in the editor to keep them.",
            date(anonymised_on(closed, days))
        ),
        (None, false, None) => format!(
            "Its signers' names, postcodes, comments and IP hashes are kept until {days} days after it closes."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_says_when_signatures_will_be_anonymised_or_why_not() {
        let closed = DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(plan(Some(closed), false, None, 180)
            .contains("on 28 November 2026 (180 days after it closed)"));
        assert!(plan(Some(closed), true, None, 180).starts_with("On hold"));
        assert!(plan(None, false, None, 30).contains("until 30 days after it closes"));
        assert!(
            plan(Some(closed), false, Some(closed), 180).contains("were anonymised on 1 June 2026")
        );
    }
}
