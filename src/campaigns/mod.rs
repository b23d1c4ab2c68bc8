//! Campaigns as stored: the letter's parts, its asks and targets, the status a campaign moves
//! through (draft → live → closed → archived), and the cached signature count shown on every
//! page.

pub mod cache;
pub mod edit;
pub mod figures;
pub mod import;
pub mod letter;
pub mod lifecycle;
pub mod removal;
mod view;
pub mod write;

use crate::db::schema::{asks, campaign_counters, campaigns, targets};
use crate::db::types::CampaignId;
use crate::domain::letter::{Recipient, Signer};
use anyhow::Context;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// Where a campaign stands. Only live campaigns take signatures; archived ones are hidden
/// from the organizers' list and the public alike.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, diesel::AsExpression, diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "lowercase")]
pub enum CampaignStatus {
    Draft,
    Live,
    Closed,
    Archived,
}

impl CampaignStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Draft => "draft",
            CampaignStatus::Live => "live",
            CampaignStatus::Closed => "closed",
            CampaignStatus::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<CampaignStatus> {
        [
            CampaignStatus::Draft,
            CampaignStatus::Live,
            CampaignStatus::Closed,
            CampaignStatus::Archived,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
    }
}

crate::db::types::text_enum!(CampaignStatus);

/// A campaign row as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaigns)]
pub struct CampaignRow {
    pub id: CampaignId,
    pub slug: String,
    pub status: CampaignStatus,
    pub title: String,
    pub headline: Option<String>,
    pub intro: Option<String>,
    pub letter_date: Option<String>,
    pub subject: Option<String>,
    pub salutation: Option<String>,
    pub body: String,
    pub closing: Option<String>,
    pub signer: Option<serde_json::Value>,
    pub recipients: serde_json::Value,
    pub cc: serde_json::Value,
    pub goal: Option<i64>,
    pub closes_at: Option<DateTime<Utc>>,
    pub delivery: crate::domain::schedule::DeliverySchedule,
    pub created_at: DateTime<Utc>,
    pub launched_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Who runs the action, as the front matter says (else the letter's signer says).
    pub organisation: Option<String>,
    /// The action's own privacy notice (else the installation's).
    pub privacy_url: Option<String>,
    /// When targets may receive batches, in each target's time zone ("mon-fri 09:00-17:00").
    pub delivery_window: Option<crate::domain::window::DeliveryWindow>,
    /// Fewest new signatures worth a scheduled batch.
    pub delivery_min: Option<i32>,
    /// Reply-To of the batch messages to the targets.
    pub reply_to: Option<String>,
    /// Whether the action page says what was delivered to whom and when.
    pub public_log: bool,
    /// Whether the targets are given the signers' postcodes.
    pub include_postcode: bool,
    /// Bumped by every save from the editor, so a save from an older copy is refused.
    pub revision: i32,
    /// Retention leaves its signatures as they are while this is set.
    pub retention_hold: bool,
    /// When retention anonymised its signatures.
    pub anonymised_at: Option<DateTime<Utc>>,
}

/// A target of the petition: an official who receives the batches.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = targets)]
pub struct Target {
    pub id: Uuid,
    pub name: String,
    pub title: Option<String>,
    pub email: String,
    /// The target's own time zone for deliveries; `None` means the schedule's.
    pub timezone: Option<String>,
}

/// A campaign with everything its public page shows.
#[derive(Debug, Clone)]
pub struct Campaign {
    pub row: CampaignRow,
    pub asks: Vec<String>,
    pub targets: Vec<Target>,
    pub recipients: Vec<Recipient>,
    pub signer: Option<Signer>,
    pub cc: Vec<String>,
    pub signatures: i64,
    /// What was delivered to each target, when the organizer made that public (`public_log`).
    pub delivered: Vec<crate::batches::delivery::Delivered>,
}

impl Campaign {
    pub fn id(&self) -> Uuid {
        self.row.id.0
    }

    pub fn campaign_id(&self) -> CampaignId {
        self.row.id
    }

    pub fn slug(&self) -> &str {
        &self.row.slug
    }

    /// The status as the public sees it: a live campaign past its closing time is closed.
    pub fn status(&self, now: DateTime<Utc>) -> CampaignStatus {
        match self.row.status {
            CampaignStatus::Live if self.row.closes_at.is_some_and(|at| at <= now) => {
                CampaignStatus::Closed
            }
            status => status,
        }
    }

    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.status(now) == CampaignStatus::Live
    }

    /// What the action page puts above everything: the headline, else the title.
    pub fn headline(&self) -> &str {
        self.row.headline.as_deref().unwrap_or(&self.row.title)
    }

    /// Whether the letter is written in Markdown, so its asks carry inline Markdown too.
    fn markdown(&self) -> bool {
        crate::domain::letter::is_markdown(&self.row.body)
    }

    /// The asks as HTML, their inline Markdown rendered (links on the site as `links` says).
    pub fn asks_html(
        &self,
        links: crate::domain::letter::Links<'_>,
    ) -> Vec<crate::domain::letter::SafeHtml> {
        let markdown = self.markdown();
        self.asks
            .iter()
            .map(|ask| crate::domain::letter::inline_html(ask, markdown, links))
            .collect()
    }

    /// The asks as plain text, their Markdown marks removed.
    pub fn asks_text(&self, links: crate::domain::letter::Links<'_>) -> Vec<String> {
        let markdown = self.markdown();
        self.asks
            .iter()
            .map(|ask| crate::domain::letter::inline_text(ask, markdown, links))
            .collect()
    }

    /// The asks as the site's own pages show them.
    pub fn asks_on_page(&self) -> Vec<crate::domain::letter::SafeHtml> {
        self.asks_html(crate::domain::letter::Links::AsWritten)
    }

    /// Who runs the action: the front matter's `organisation`, else the signer's.
    pub fn organisation(&self) -> Option<&str> {
        self.row
            .organisation
            .as_deref()
            .or_else(|| self.signer.as_ref()?.organisation.as_deref())
    }

    /// Progress toward the goal, 0–100.
    pub fn percent_of_goal(&self) -> Option<u8> {
        let goal = self.row.goal.filter(|g| *g > 0)?;
        Some((self.signatures.saturating_mul(100) / goal).clamp(0, 100) as u8)
    }

    /// How far toward the goal, as people say it: "under 1%" rather than "0%" once someone
    /// has signed, and never more than "100%".
    pub fn goal_progress(&self) -> Option<String> {
        let percent = self.percent_of_goal()?;
        Some(match percent {
            0 if self.signatures > 0 => "under 1%".to_string(),
            p => format!("{p}%"),
        })
    }
}

/// Loads a campaign by slug with its asks, targets and count; `None` when there is none.
pub fn find_by_slug(conn: &mut PgConnection, slug: &str) -> anyhow::Result<Option<Campaign>> {
    let row = campaigns::table
        .filter(campaigns::slug.eq(slug))
        .select(CampaignRow::as_select())
        .first(conn)
        .optional()
        .context("loading campaign")?;
    row.map(|row| load_parts(conn, row)).transpose()
}

/// Live campaigns, newest first, with their counts.
pub fn list_live(conn: &mut PgConnection) -> anyhow::Result<Vec<Campaign>> {
    list(conn, Some(CampaignStatus::Live))
}

/// Every campaign (or those in one status), newest first.
pub fn list(
    conn: &mut PgConnection,
    status: Option<CampaignStatus>,
) -> anyhow::Result<Vec<Campaign>> {
    let mut query = campaigns::table
        .select(CampaignRow::as_select())
        .order(campaigns::created_at.desc())
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(campaigns::status.eq(status));
    }
    let rows = query.load(conn).context("listing campaigns")?;
    let now = Utc::now();
    rows.into_iter()
        .map(|row| load_parts(conn, row))
        .filter(|c| match (c, status) {
            (Ok(c), Some(CampaignStatus::Live)) => c.is_open(now),
            _ => true,
        })
        .collect()
}

/// The cached count of confirmed, counted signatures (no COUNT(*) over signatures).
pub fn signature_count(conn: &mut PgConnection, campaign: Uuid) -> anyhow::Result<i64> {
    Ok(campaign_counters::table
        .find(campaign)
        .select(campaign_counters::signatures)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

fn load_parts(conn: &mut PgConnection, row: CampaignRow) -> anyhow::Result<Campaign> {
    let asks = asks::table
        .filter(asks::campaign_id.eq(row.id))
        .order(asks::position)
        .select(asks::text)
        .load(conn)?;
    let targets = targets::table
        .filter(targets::campaign_id.eq(row.id))
        .order(targets::position)
        .select(Target::as_select())
        .load(conn)?;
    let signatures = signature_count(conn, row.id.0)?;
    let delivered = if row.public_log {
        crate::batches::delivery::delivered(conn, row.id.0)?
    } else {
        Vec::new()
    };
    Ok(Campaign {
        recipients: serde_json::from_value(row.recipients.clone()).unwrap_or_default(),
        signer: row
            .signer
            .clone()
            .and_then(|s| serde_json::from_value(s).ok()),
        cc: serde_json::from_value(row.cc.clone()).unwrap_or_default(),
        row,
        asks,
        targets,
        signatures,
        delivered,
    })
}
