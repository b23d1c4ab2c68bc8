//! Creating a campaign from a letter file: the parsed letter and its front matter become a
//! campaign row with ordered asks and targets, in one transaction. The CLI's `campaign import`
//! and the admin's "new campaign" page both come here.

use super::edit::TargetValues;
use super::write::NewCampaign;
use super::CampaignStatus;
use crate::db::schema::{campaign_counters, campaigns};
use crate::db::types::CampaignId;
use crate::domain::email::SignerEmail;
use crate::domain::letter_file::LetterFile;
use crate::organizers::audit::{self, Action, Actor};
use chrono::Utc;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DbError};
use uuid::Uuid;

/// What an import created.
#[derive(Debug, Clone)]
pub struct Imported {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub launched: bool,
    pub asks: usize,
    pub targets: usize,
}

/// Why a letter file could not become a campaign; nothing was stored. Every variant but
/// `Storage` is something the organizer can fix in the file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "slug {0:?} must be lower-case letters, digits and single hyphens (at most 80 characters)"
    )]
    BadSlug(String),
    #[error("a campaign with the slug {0:?} already exists")]
    SlugTaken(String),
    #[error("the slug {0:?} is reserved for the admin's own pages; choose another")]
    SlugReserved(String),
    #[error("no free slug near {0:?}: set `slug` in the front matter")]
    NoFreeSlug(String),
    #[error("target {name:?}: {reason}")]
    BadTarget { name: String, reason: String },
    #[error("two targets have the address {0:?}; give each target its own")]
    DuplicateTarget(String),
    #[error("storing the campaign: {0}")]
    Storage(#[from] DbError),
    #[error("storing the letter's parts: {0}")]
    Encoding(#[from] serde_json::Error),
}

/// Stores `file` as a new campaign (live when `launch`), choosing a free slug when the front
/// matter names none. Fails without storing anything when a target's address is invalid or
/// the requested slug is taken.
pub fn import(
    conn: &mut PgConnection,
    file: &LetterFile,
    source_text: &str,
    launch: bool,
    actor: Actor,
) -> Result<Imported, ImportError> {
    let letter = &file.letter;
    let front = &file.front;
    let title = front
        .title
        .clone()
        .or_else(|| letter.headline.clone())
        .or_else(|| letter.subject.clone())
        .unwrap_or_else(|| "Untitled letter".to_string());
    let mut target_rows = Vec::new();
    for target in &front.targets {
        let email = SignerEmail::parse(&target.email).map_err(|e| ImportError::BadTarget {
            name: target.name.clone(),
            reason: e.to_string(),
        })?;
        if target_rows
            .iter()
            .any(|(_, seen): &(_, SignerEmail)| seen.canonical() == email.canonical())
        {
            return Err(ImportError::DuplicateTarget(target.email.clone()));
        }
        target_rows.push((target, email));
    }
    if let Some(slug) = &front.slug {
        if !crate::domain::slug::is_exact(slug) {
            return Err(ImportError::BadSlug(slug.clone()));
        }
        if crate::domain::slug::is_reserved(slug) {
            return Err(ImportError::SlugReserved(slug.clone()));
        }
    }

    conn.transaction(|conn| {
        let slug = match &front.slug {
            Some(slug) if slug_taken(conn, slug)? => {
                return Err(ImportError::SlugTaken(slug.clone()))
            }
            Some(slug) => slug.clone(),
            None => free_slug(conn, &slugify(&title))?,
        };
        let id = CampaignId::new();
        let row = NewCampaign {
            id,
            slug: &slug,
            status: if launch {
                CampaignStatus::Live
            } else {
                CampaignStatus::Draft
            },
            title: &title,
            headline: letter.headline.as_deref(),
            intro: letter.intro.as_deref(),
            letter_date: letter.date.as_deref(),
            subject: letter.subject.as_deref(),
            salutation: letter.salutation.as_deref(),
            body: &letter.body,
            closing: letter.closing.as_deref(),
            signer: letter
                .signer
                .as_ref()
                .map(serde_json::to_value)
                .transpose()?,
            recipients: serde_json::to_value(&letter.recipients)?,
            cc: serde_json::to_value(&letter.cc)?,
            goal: front.goal,
            closes_at: front.closes_at,
            delivery: front
                .delivery
                .clone()
                .unwrap_or(crate::domain::schedule::DeliverySchedule::Manual),
            delivery_window: front.delivery_window.clone(),
            delivery_min: front.delivery_min,
            reply_to: front.reply_to.as_deref(),
            public_log: front.public_log,
            include_postcode: front.include_postcode,
            source_text,
            launched_at: launch.then(Utc::now),
            organisation: front.organisation.as_deref(),
            privacy_url: front.privacy_url.as_deref(),
        };
        diesel::insert_into(campaigns::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| match e {
                DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                    ImportError::SlugTaken(slug.clone())
                }
                e => e.into(),
            })?;
        diesel::insert_into(campaign_counters::table)
            .values(campaign_counters::campaign_id.eq(id))
            .execute(conn)?;
        let asks = super::edit::insert_asks(conn, id, &letter.asks)?;
        for (i, (target, email)) in target_rows.iter().enumerate() {
            let values = TargetValues {
                position: i as i32 + 1,
                name: &target.name,
                title: target.title.as_deref(),
                email: email.as_typed(),
                timezone: target.timezone.as_deref(),
            };
            super::edit::insert_target(conn, id, &values)?;
        }
        audit::record(
            conn,
            actor,
            Action::Create,
            Some(id),
            serde_json::json!({ "slug": slug, "launched": launch }),
        )?;
        Ok(Imported {
            id: id.0,
            slug,
            title: title.clone(),
            launched: launch,
            asks,
            targets: target_rows.len(),
        })
    })
}

/// A URL slug from a title: letters transliterated to ASCII (so "Спасите Байкал" gives
/// "spasite-baikal"), ASCII letters and digits joined by single hyphens, at most eight words
/// and 60 characters, cut between words. A title with no letters or digits gives "".
pub fn slugify(title: &str) -> String {
    let mut ascii = String::with_capacity(title.len());
    for c in title.chars() {
        if matches!(c, 'Ə' | 'ə') {
            // Azerbaijani schwa, which the transliteration table writes as "@".
            ascii.push('e');
        } else if c.is_alphanumeric() {
            ascii.push_str(deunicode::deunicode_char(c).unwrap_or(""));
        } else if !matches!(c, '\'' | '’' | 'ʼ') {
            ascii.push(' ');
        }
    }
    let ascii = ascii.to_ascii_lowercase().replace(['\'', '`'], "");
    let mut slug = String::new();
    let words = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8);
    for word in words {
        if slug.is_empty() {
            slug = word.chars().take(SLUG_MAX).collect();
        } else if slug.len() + 1 + word.len() <= SLUG_MAX {
            slug.push('-');
            slug.push_str(word);
        } else {
            break;
        }
    }
    slug
}

/// The longest slug made from a title.
const SLUG_MAX: usize = 60;

/// Whether a campaign already has `slug`.
pub fn slug_taken(conn: &mut PgConnection, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        campaigns::table.filter(campaigns::slug.eq(slug)),
    ))
    .get_result(conn)
}

fn free_slug(conn: &mut PgConnection, base: &str) -> Result<String, ImportError> {
    let base = if base.is_empty() { "campaign" } else { base };
    let free = |conn: &mut PgConnection, slug: &str| -> QueryResult<bool> {
        Ok(!crate::domain::slug::is_reserved(slug) && !slug_taken(conn, slug)?)
    };
    if free(conn, base)? {
        return Ok(base.to_string());
    }
    for n in 2..1000 {
        let candidate = format!("{base}-{n}");
        if free(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    Err(ImportError::NoFreeSlug(base.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_made_from_the_title_words() {
        assert_eq!(
            slugify(
                "Regional leaders must halt the Varna Gorge dam until affected villages are heard"
            ),
            "regional-leaders-must-halt-the-varna-gorge-dam"
        );
        assert_eq!(
            slugify("Stoppt den Staudamm — jetzt!"),
            "stoppt-den-staudamm-jetzt"
        );
        assert_eq!(slugify("Ça suffit, Kovač"), "ca-suffit-kovac");
        assert_eq!(
            slugify("We're the river's friends"),
            "were-the-rivers-friends"
        );
        assert_eq!(slugify("— ! —"), "");
    }

    #[test]
    fn long_titles_are_cut_between_words_at_sixty_characters() {
        let slug =
            slugify("Environmental accountability demands transparent reconsideration immediately");

        assert_eq!(slug, "environmental-accountability-demands-transparent");
        assert!(slug.len() <= 60);
        assert_eq!(slugify(&"a".repeat(70)), "a".repeat(60));
    }

    #[test]
    fn titles_in_other_scripts_get_readable_transliterated_slugs() {
        assert_eq!(slugify("Կանգնեցրեք ամբարտակը"), "kangnetsrek-ambartake");
        assert_eq!(
            slugify("Спасите Байкал от застройки"),
            "spasite-baikal-ot-zastroiki"
        );
        assert_eq!(slugify("გადავარჩინოთ მტკვარი"), "gadavarchinot-mtkvari");
        assert_eq!(
            slugify("Göygöl milli parkını qoruyun, Əli"),
            "goygol-milli-parkini-qoruyun-eli"
        );
    }
}
