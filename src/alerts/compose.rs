//! Writing an alert: what an organizer typed (in the admin or in a file for `alert send`),
//! checked field by field, stored as a draft and edited until it is sent.

use super::{Alert, AlertState, Audience};
use crate::db::schema::{alerts, campaigns};
use crate::db::types::{AlertId, CampaignId};
use crate::domain::country::Country;
use crate::domain::text::check_text;
use crate::organizers::audit::{self, Action, Actor};
use diesel::prelude::*;
use std::collections::BTreeMap;

/// The longest subject: inboxes show about 60 characters, and a header line must stay short.
pub const SUBJECT_MAX: usize = 200;
/// The longest body, in characters.
pub const BODY_MAX: usize = 50_000;

/// What an organizer typed, as text.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DraftInput {
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    /// The action's slug, or empty.
    #[serde(default)]
    pub campaign: String,
    /// `all`, `country` or `signers`.
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub country: String,
    /// The slug whose signers receive it, for `signers`.
    #[serde(default)]
    pub signers_of: String,
    /// `yes` (a ticked box) sends it also to those who already signed the action.
    #[serde(default)]
    pub include_signed: Option<String>,
}

/// A checked draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub subject: String,
    pub body: String,
    pub action: Option<CampaignId>,
    pub audience: Audience,
    pub include_signed: bool,
}

/// A message per field that needs fixing, keyed by the field's name.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// Why a draft could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("the alert needs fixing")]
    Invalid(FieldErrors),
    #[error("only a draft can be edited; this alert is {}", .0.as_str())]
    NotDraft(AlertState),
    #[error("no such alert")]
    Unknown,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Unavailable(#[from] crate::db::Unavailable),
}

fn live_campaign(conn: &mut PgConnection, slug: &str) -> QueryResult<Option<(CampaignId, String)>> {
    campaigns::table
        .filter(campaigns::slug.eq(slug.trim()))
        .select((campaigns::id, campaigns::status))
        .first::<(uuid::Uuid, String)>(conn)
        .optional()
        .map(|found| found.map(|(id, status)| (CampaignId(id), status)))
}

/// Checks `input`; every field's problem at once.
pub fn check(conn: &mut PgConnection, input: &DraftInput) -> Result<Draft, DraftError> {
    let mut errors = FieldErrors::new();
    let subject = input.subject.trim().to_string();
    if subject.is_empty() {
        errors.insert("subject", "Give the alert a subject.".into());
    } else if subject.chars().count() > SUBJECT_MAX {
        errors.insert(
            "subject",
            format!("Keep the subject under {SUBJECT_MAX} characters."),
        );
    } else if check_text(&subject, false).is_err() {
        errors.insert(
            "subject",
            "The subject cannot contain line breaks or control characters.".into(),
        );
    }
    let body = input.body.replace("\r\n", "\n").trim().to_string();
    if body.is_empty() {
        errors.insert("body", "Write what the alert says.".into());
    } else if body.chars().count() > BODY_MAX {
        errors.insert(
            "body",
            format!("Keep the message under {BODY_MAX} characters."),
        );
    } else if check_text(&body, true).is_err() {
        errors.insert(
            "body",
            "The message cannot contain control characters.".into(),
        );
    }
    let action = match input.campaign.trim() {
        "" => None,
        slug => match live_campaign(conn, slug)? {
            Some((id, status)) if status == "live" => Some(id),
            Some(_) => {
                errors.insert(
                    "campaign",
                    "That action is not live: launch it first, or choose another.".into(),
                );
                None
            }
            None => {
                errors.insert("campaign", format!("There is no action {slug:?}."));
                None
            }
        },
    };
    let audience = match input.audience.trim() {
        "" | "all" => Audience::All,
        "country" => match Country::parse(&input.country) {
            Ok(country) => Audience::Country(country.code().to_string()),
            Err(_) => {
                errors.insert(
                    "country",
                    "Choose the country whose supporters receive it.".into(),
                );
                Audience::All
            }
        },
        "signers" => match live_campaign(conn, &input.signers_of)? {
            Some((id, _)) => Audience::Signers(id),
            None => {
                errors.insert(
                    "signers_of",
                    "Choose the action whose signers receive it.".into(),
                );
                Audience::All
            }
        },
        _ => {
            errors.insert("audience", "Choose who receives it.".into());
            Audience::All
        }
    };
    if !errors.is_empty() {
        return Err(DraftError::Invalid(errors));
    }
    Ok(Draft {
        subject,
        body,
        action,
        audience,
        include_signed: input.include_signed.is_some(),
    })
}

/// The same draft as the form shows it again.
pub fn input_of(conn: &mut PgConnection, alert: &Alert) -> QueryResult<DraftInput> {
    let slug = |conn: &mut PgConnection, id: Option<CampaignId>| -> QueryResult<String> {
        Ok(match id {
            Some(id) => campaigns::table
                .find(id.0)
                .select(campaigns::slug)
                .first(conn)
                .optional()?
                .unwrap_or_default(),
            None => String::new(),
        })
    };
    Ok(DraftInput {
        subject: alert.subject.clone(),
        body: alert.body.clone(),
        campaign: slug(conn, alert.campaign_id)?,
        audience: alert.audience.clone(),
        country: alert.audience_country.clone().unwrap_or_default(),
        signers_of: slug(conn, alert.audience_campaign_id)?,
        include_signed: alert.include_signed.then(|| "yes".into()),
    })
}

/// A fresh source code: what the button's link carries, the same for every recipient.
fn source_code() -> String {
    format!("a-{}", &uuid::Uuid::new_v4().simple().to_string()[..10])
}

fn columns(draft: &Draft) -> (Option<String>, Option<uuid::Uuid>, &'static str) {
    match &draft.audience {
        Audience::All => (None, None, "all"),
        Audience::Country(code) => (Some(code.clone()), None, "country"),
        Audience::Signers(id) => (None, Some(id.0), "signers"),
        Audience::FollowUp { .. } => (None, None, "follow_up"),
    }
}

/// Stores `draft` as a new draft alert.
pub fn create(conn: &mut PgConnection, actor: Actor, draft: &Draft) -> QueryResult<AlertId> {
    create_following(conn, actor, draft, None)
}

/// Stores a draft, following up `of` when given (once per alert: a second one fails on the
/// unique index and changes nothing).
pub(super) fn create_following(
    conn: &mut PgConnection,
    actor: Actor,
    draft: &Draft,
    of: Option<AlertId>,
) -> QueryResult<AlertId> {
    conn.transaction(|conn| {
        let id = AlertId::new();
        let (country, signers, audience) = columns(draft);
        diesel::insert_into(alerts::table)
            .values((
                alerts::id.eq(id),
                alerts::subject.eq(&draft.subject),
                alerts::body.eq(&draft.body),
                alerts::campaign_id.eq(draft.action.map(|c| c.0)),
                alerts::audience.eq(audience),
                alerts::audience_country.eq(country),
                alerts::audience_campaign_id.eq(signers),
                alerts::include_signed.eq(draft.include_signed),
                alerts::follow_up_of.eq(of),
                alerts::source_code.eq(source_code()),
                alerts::created_by.eq(actor_id(actor)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Action::CreateAlert,
            draft.action,
            serde_json::json!({ "alert": id.to_string(), "subject": draft.subject }),
        )?;
        Ok(id)
    })
}

fn actor_id(actor: Actor) -> Option<uuid::Uuid> {
    match actor {
        Actor::Organizer(id) => Some(id.0),
        Actor::CommandLine | Actor::Visitor => None,
    }
}

/// Replaces draft `id`'s content with `draft`; refused once it was sent or scheduled.
pub fn update(
    conn: &mut PgConnection,
    actor: Actor,
    id: AlertId,
    draft: &Draft,
) -> Result<(), DraftError> {
    conn.transaction(|conn| {
        let state: Option<AlertState> = alerts::table
            .find(id)
            .select(alerts::state)
            .for_update()
            .first(conn)
            .optional()?;
        match state {
            None => return Err(DraftError::Unknown),
            Some(AlertState::Draft) => {}
            Some(other) => return Err(DraftError::NotDraft(other)),
        }
        let (country, signers, audience) = columns(draft);
        diesel::update(alerts::table.find(id))
            .set((
                alerts::subject.eq(&draft.subject),
                alerts::body.eq(&draft.body),
                alerts::campaign_id.eq(draft.action.map(|c| c.0)),
                alerts::include_signed.eq(draft.include_signed),
                alerts::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        // A follow-up keeps its audience.
        if audience != "follow_up" {
            diesel::update(
                alerts::table
                    .find(id)
                    .filter(alerts::follow_up_of.is_null()),
            )
            .set((
                alerts::audience.eq(audience),
                alerts::audience_country.eq(country),
                alerts::audience_campaign_id.eq(signers),
            ))
            .execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            Action::EditAlert,
            draft.action,
            serde_json::json!({ "alert": id.to_string(), "subject": draft.subject }),
        )?;
        Ok(())
    })
}
