//! The two shapes in which campaigns are written: [`NewCampaign`], the whole row an import
//! inserts, and [`CampaignChanges`], the parts the editor changes on a stored campaign.

use super::CampaignStatus;
use crate::db::schema::campaigns;
use crate::db::types::CampaignId;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// A campaign row as an import inserts it.
#[derive(Debug, Insertable)]
#[diesel(table_name = campaigns)]
pub struct NewCampaign<'a> {
    pub id: CampaignId,
    pub slug: &'a str,
    pub status: CampaignStatus,
    pub title: &'a str,
    pub headline: Option<&'a str>,
    pub intro: Option<&'a str>,
    pub letter_date: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub salutation: Option<&'a str>,
    pub body: &'a str,
    pub closing: Option<&'a str>,
    pub signer: Option<serde_json::Value>,
    pub recipients: serde_json::Value,
    pub cc: serde_json::Value,
    pub goal: Option<i64>,
    pub closes_at: Option<DateTime<Utc>>,
    pub delivery: crate::domain::schedule::DeliverySchedule,
    pub delivery_window: Option<crate::domain::window::DeliveryWindow>,
    pub delivery_min: Option<i32>,
    pub reply_to: Option<&'a str>,
    pub public_log: bool,
    pub include_postcode: bool,
    pub source_text: &'a str,
    pub launched_at: Option<DateTime<Utc>>,
    pub organisation: Option<&'a str>,
    pub privacy_url: Option<&'a str>,
}

/// The parts of a stored campaign the editor sets; an empty optional part is stored as NULL.
#[derive(Debug, Clone, PartialEq, AsChangeset)]
#[diesel(table_name = campaigns, treat_none_as_null = true)]
pub struct CampaignChanges {
    pub slug: String,
    pub title: String,
    pub headline: Option<String>,
    pub intro: Option<String>,
    pub goal: Option<i64>,
    pub closes_at: Option<DateTime<Utc>>,
    pub delivery: crate::domain::schedule::DeliverySchedule,
    pub delivery_window: Option<crate::domain::window::DeliveryWindow>,
    pub delivery_min: Option<i32>,
    pub reply_to: Option<String>,
    pub public_log: bool,
    /// Who runs the action; `None`: the letter's signer's organisation.
    pub organisation: Option<String>,
    /// The action's privacy notice; `None`: the installation's.
    pub privacy_url: Option<String>,
    /// Whether the sign form asks for a postcode.
    pub include_postcode: bool,
    /// Whether retention leaves the signatures as they are (on hold).
    pub retention_hold: bool,
    /// The letter's own parts, as the organizer corrected them.
    pub letter_date: Option<String>,
    pub subject: Option<String>,
    pub salutation: Option<String>,
    pub body: String,
    pub closing: Option<String>,
    pub signer: Option<serde_json::Value>,
    pub recipients: serde_json::Value,
    pub cc: serde_json::Value,
}

/// A target as the editor sets it: an existing one (by id) changed, or a new one.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetChange {
    /// The stored target this row edits; `None` adds a target.
    pub id: Option<uuid::Uuid>,
    pub name: String,
    pub title: Option<String>,
    pub email: String,
    pub timezone: Option<String>,
}
