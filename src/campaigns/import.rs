//! Creating a campaign from a letter file: the parsed letter and its front matter become a
//! campaign row with ordered asks and targets, in one transaction.

use crate::db::schema::{asks, campaign_counters, campaigns, targets};
use crate::domain::email::SignerEmail;
use crate::domain::letter_file::LetterFile;
use anyhow::{bail, Context};
use chrono::Utc;
use diesel::prelude::*;
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

/// Stores `file` as a new campaign (live when `launch`), choosing a free slug when the front
/// matter names none. Fails without storing anything when a target's address is invalid or
/// the requested slug is taken.
pub fn import(
    conn: &mut PgConnection,
    file: &LetterFile,
    source_text: &str,
    launch: bool,
) -> anyhow::Result<Imported> {
    let letter = &file.letter;
    let front = &file.front;
    let title = front
        .title
        .clone()
        .or_else(|| letter.headline.clone())
        .or_else(|| letter.subject.clone())
        .unwrap_or_else(|| "Untitled letter".to_string());
    let mut target_rows = Vec::new();
    for (i, target) in front.targets.iter().enumerate() {
        let email = SignerEmail::parse(&target.email)
            .map_err(|e| anyhow::anyhow!("target {:?}: {e}", target.name))?;
        target_rows.push((i, target, email));
    }
    if let Some(slug) = &front.slug {
        if !is_valid_slug(slug) {
            bail!("slug {slug:?} must be lower-case letters, digits and single hyphens (at most 80 characters)");
        }
    }

    conn.transaction(|conn| {
        let slug = match &front.slug {
            Some(slug) => {
                if slug_taken(conn, slug)? {
                    bail!("a campaign with the slug {slug:?} already exists");
                }
                slug.clone()
            }
            None => free_slug(conn, &slugify(&title))?,
        };
        let id = Uuid::now_v7();
        let now = Utc::now();
        diesel::insert_into(campaigns::table)
            .values((
                campaigns::id.eq(id),
                campaigns::slug.eq(&slug),
                campaigns::status.eq(if launch { "live" } else { "draft" }),
                campaigns::title.eq(&title),
                campaigns::headline.eq(&letter.headline),
                campaigns::intro.eq(&letter.intro),
                campaigns::letter_date.eq(&letter.date),
                campaigns::subject.eq(&letter.subject),
                campaigns::salutation.eq(&letter.salutation),
                campaigns::body.eq(&letter.body),
                campaigns::closing.eq(&letter.closing),
                campaigns::signer.eq(letter
                    .signer
                    .as_ref()
                    .map(serde_json::to_value)
                    .transpose()?),
                campaigns::recipients.eq(serde_json::to_value(&letter.recipients)?),
                campaigns::cc.eq(serde_json::to_value(&letter.cc)?),
                campaigns::goal.eq(front.goal),
                campaigns::closes_at.eq(front.closes_at),
                campaigns::delivery.eq(front
                    .delivery
                    .as_ref()
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "manual".into())),
                campaigns::delivery_window
                    .eq(front.delivery_window.as_ref().map(|w| w.to_string())),
                campaigns::delivery_min.eq(front.delivery_min),
                campaigns::reply_to.eq(&front.reply_to),
                campaigns::public_log.eq(front.public_log),
                campaigns::include_postcode.eq(front.include_postcode),
                campaigns::source_text.eq(source_text),
                campaigns::launched_at.eq(launch.then_some(now)),
                campaigns::organisation.eq(&front.organisation),
                campaigns::privacy_url.eq(&front.privacy_url),
            ))
            .execute(conn)
            .context("storing the campaign")?;
        diesel::insert_into(campaign_counters::table)
            .values(campaign_counters::campaign_id.eq(id))
            .execute(conn)?;
        let ask_rows: Vec<_> = letter
            .asks
            .iter()
            .enumerate()
            .map(|(i, text)| {
                (
                    asks::campaign_id.eq(id),
                    asks::position.eq(i as i32 + 1),
                    asks::text.eq(text),
                )
            })
            .collect();
        diesel::insert_into(asks::table)
            .values(&ask_rows)
            .execute(conn)?;
        for (i, target, email) in &target_rows {
            diesel::insert_into(targets::table)
                .values((
                    targets::id.eq(Uuid::now_v7()),
                    targets::campaign_id.eq(id),
                    targets::position.eq(*i as i32 + 1),
                    targets::name.eq(&target.name),
                    targets::title.eq(&target.title),
                    targets::email.eq(email.as_typed()),
                    targets::timezone.eq(&target.timezone),
                ))
                .execute(conn)
                .with_context(|| format!("storing target {:?}", target.name))?;
        }
        Ok(Imported {
            id,
            slug,
            title: title.clone(),
            launched: launch,
            asks: ask_rows.len(),
            targets: target_rows.len(),
        })
    })
}

/// Whether `slug` may appear in `/c/{slug}`.
pub fn is_valid_slug(slug: &str) -> bool {
    crate::domain::slug::Slug::parse(slug).is_ok_and(|s| s.as_str() == slug)
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

fn slug_taken(conn: &mut PgConnection, slug: &str) -> anyhow::Result<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        campaigns::table.filter(campaigns::slug.eq(slug)),
    ))
    .get_result(conn)?)
}

fn free_slug(conn: &mut PgConnection, base: &str) -> anyhow::Result<String> {
    let base = if base.is_empty() { "campaign" } else { base };
    if !slug_taken(conn, base)? {
        return Ok(base.to_string());
    }
    for n in 2..1000 {
        let candidate = format!("{base}-{n}");
        if !slug_taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    bail!("no free slug near {base:?}: set `slug` in the front matter")
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

    #[test]
    fn slugs_with_capitals_spaces_or_double_hyphens_are_refused() {
        for bad in [
            "",
            "Stop",
            "stop the dam",
            "stop--dam",
            "-stop",
            "stop-",
            "stöp",
        ] {
            assert!(!is_valid_slug(bad), "{bad:?} should be refused");
        }
        assert!(is_valid_slug("stop-the-dam-2027"));
    }
}
