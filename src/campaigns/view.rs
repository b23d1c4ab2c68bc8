//! What pages read of a campaign. Templates go through these instead of reaching into the
//! stored row, so a column can change without touching every page that shows it.

use super::{Campaign, CampaignStatus};
use chrono::{DateTime, Utc};

impl Campaign {
    pub fn title(&self) -> &str {
        &self.row.title
    }

    pub fn intro(&self) -> Option<&str> {
        self.row.intro.as_deref()
    }

    pub fn goal(&self) -> Option<i64> {
        self.row.goal
    }

    pub fn closes_at(&self) -> Option<DateTime<Utc>> {
        self.row.closes_at
    }

    /// The status as stored (an organizer's view; the public one also looks at the clock:
    /// see [`Campaign::status`]).
    pub fn stored_status(&self) -> CampaignStatus {
        self.row.status
    }

    /// The delivery schedule (`daily 09:00 Europe/Brussels` as it is written).
    pub fn delivery(&self) -> &crate::domain::schedule::DeliverySchedule {
        &self.row.delivery
    }

    pub fn letter_date(&self) -> Option<&str> {
        self.row.letter_date.as_deref()
    }

    pub fn subject(&self) -> Option<&str> {
        self.row.subject.as_deref()
    }

    pub fn closing(&self) -> Option<&str> {
        self.row.closing.as_deref()
    }
}
