//! The editor's form: every part of a campaign as typed (kept for a re-render), and how it
//! is read into the changes to store, with a message per field that needs fixing. Asks and
//! targets are numbered rows — `ask-2-text`, `ask-2-position`, `ask-2-remove`,
//! `target-1-email`… — so they can be reordered, removed and added without JavaScript.

use super::form::Fields;
use super::problems::{sentence, Problems};
use crate::campaigns::write::{CampaignChanges, TargetChange};
use crate::campaigns::Campaign;
use crate::domain::email::SignerEmail;
use crate::domain::letter::blocks;
use crate::domain::schedule::{parse_tz, DeliverySchedule};
use crate::domain::settings::{self, SettingError};
use crate::domain::slug::Slug;
use crate::domain::text::check_text;
use chrono::{DateTime, NaiveDateTime, Utc};

/// Empty ask rows offered for adding asks.
const BLANK_ASKS: usize = 3;
/// Empty target rows offered for adding targets.
const BLANK_TARGETS: usize = 1;
/// The most rows of each kind read from one form.
const MAX_ROWS: usize = 200;
/// How `closes_at` is shown in its field (a `datetime-local` value, in the zone beside it).
const CLOSES_AT_FORMAT: &str = "%Y-%m-%dT%H:%M";

#[derive(Debug, Default, Clone)]
pub struct AskRow {
    pub n: usize,
    pub text: String,
    pub position: String,
    pub remove: bool,
}

#[derive(Debug, Default, Clone)]
pub struct TargetRow {
    pub n: usize,
    /// The stored target's id; empty for a new one.
    pub id: String,
    pub name: String,
    pub title: String,
    pub email: String,
    pub timezone: String,
    pub remove: bool,
    /// Proposed from the letter's recipients: saved only once it is given an e-mail address.
    pub proposed: bool,
}

/// The form's values, as shown or as sent.
#[derive(Debug, Default, Clone)]
pub struct EditForm {
    pub title: String,
    pub headline: String,
    pub intro: String,
    pub slug: String,
    pub goal: String,
    pub closes_at: String,
    /// The time zone `closes_at` is written in (an IANA name such as Europe/Brussels).
    pub closes_at_zone: String,
    pub delivery: String,
    pub delivery_window: String,
    pub delivery_min: String,
    pub reply_to: String,
    pub public_log: bool,
    pub organisation: String,
    pub privacy_url: String,
    pub include_postcode: bool,
    /// Keep the signatures past the retention period (a legal hold, a court case).
    pub retention_hold: bool,
    /// The letter's parts; recipients and the signer as the lines of their blocks.
    pub letter_date: String,
    pub recipients: String,
    pub subject: String,
    pub salutation: String,
    pub body: String,
    pub closing: String,
    pub signer: String,
    /// One copy recipient per line.
    pub cc: String,
    /// The campaign's revision when the editor was opened (a hidden field).
    pub revision: String,
    pub asks: Vec<AskRow>,
    pub targets: Vec<TargetRow>,
}

/// What a valid form stores.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The revision the form was made from (-1 when it carries none: it is then out of date).
    pub revision: i32,
    pub changes: CampaignChanges,
    pub asks: Vec<String>,
    pub targets: Vec<TargetChange>,
}

impl EditForm {
    /// The form filled from the stored campaign, with blank rows to add to.
    pub fn of(c: &Campaign) -> EditForm {
        let row = &c.row;
        EditForm {
            title: row.title.clone(),
            headline: row.headline.clone().unwrap_or_default(),
            intro: row.intro.clone().unwrap_or_default(),
            slug: row.slug.clone(),
            goal: row.goal.map(|g| g.to_string()).unwrap_or_default(),
            closes_at: row
                .closes_at
                .map(|t| {
                    t.with_timezone(&schedule_zone(&row.delivery))
                        .format(CLOSES_AT_FORMAT)
                        .to_string()
                })
                .unwrap_or_default(),
            closes_at_zone: schedule_zone(&row.delivery).name().to_string(),
            delivery: row.delivery.to_string(),
            delivery_window: row
                .delivery_window
                .as_ref()
                .map(|w| w.to_string())
                .unwrap_or_default(),
            delivery_min: row.delivery_min.map(|n| n.to_string()).unwrap_or_default(),
            reply_to: row.reply_to.clone().unwrap_or_default(),
            public_log: row.public_log,
            organisation: row.organisation.clone().unwrap_or_default(),
            privacy_url: row.privacy_url.clone().unwrap_or_default(),
            include_postcode: row.include_postcode,
            retention_hold: row.retention_hold,
            letter_date: row.letter_date.clone().unwrap_or_default(),
            recipients: blocks::recipients_text(&c.recipients),
            subject: row.subject.clone().unwrap_or_default(),
            salutation: row.salutation.clone().unwrap_or_default(),
            body: row.body.clone(),
            closing: row.closing.clone().unwrap_or_default(),
            signer: c
                .signer
                .as_ref()
                .map(blocks::signer_text)
                .unwrap_or_default(),
            cc: c.cc.join("\n"),
            revision: row.revision.to_string(),
            asks: c
                .asks
                .iter()
                .map(|text| AskRow {
                    text: text.clone(),
                    ..AskRow::default()
                })
                .collect(),
            targets: c
                .targets
                .iter()
                .map(|t| TargetRow {
                    id: t.id.to_string(),
                    name: t.name.clone(),
                    title: t.title.clone().unwrap_or_default(),
                    email: t.email.clone(),
                    timezone: t.timezone.clone().unwrap_or_default(),
                    ..TargetRow::default()
                })
                .chain(proposed_targets(c))
                .collect(),
        }
        .numbered()
    }

    /// The form as sent, with blank rows to add to.
    pub fn read(f: &Fields) -> EditForm {
        let asks = (1..=MAX_ROWS)
            .filter(|n| f.has(&format!("ask-{n}-text")))
            .map(|n| AskRow {
                n,
                text: f.get(&format!("ask-{n}-text")).to_string(),
                position: f.get(&format!("ask-{n}-position")).to_string(),
                remove: f.has(&format!("ask-{n}-remove")),
            })
            .filter(|a| !a.text.trim().is_empty() || a.remove)
            .collect();
        let targets = (1..=MAX_ROWS)
            .filter(|n| f.has(&format!("target-{n}-name")))
            .map(|n| {
                let get = |part: &str| f.get(&format!("target-{n}-{part}")).to_string();
                TargetRow {
                    n,
                    id: get("id"),
                    name: get("name"),
                    title: get("title"),
                    email: get("email"),
                    timezone: get("timezone"),
                    remove: f.has(&format!("target-{n}-remove")),
                    proposed: f.has(&format!("target-{n}-proposed")),
                }
            })
            .filter(|t| {
                !t.id.is_empty()
                    || [&t.name, &t.title, &t.email, &t.timezone]
                        .iter()
                        .any(|v| !v.trim().is_empty())
            })
            .collect();
        EditForm {
            title: f.get("title").to_string(),
            headline: f.get("headline").to_string(),
            intro: f.get("intro").replace("\r\n", "\n"),
            slug: f.get("slug").to_string(),
            goal: f.get("goal").to_string(),
            closes_at: f.get("closes_at").to_string(),
            closes_at_zone: f.get("closes_at_zone").trim().to_string(),
            delivery: f.get("delivery").to_string(),
            delivery_window: f.get("delivery_window").to_string(),
            delivery_min: f.get("delivery_min").to_string(),
            reply_to: f.get("reply_to").to_string(),
            public_log: f.has("public_log"),
            organisation: f.get("organisation").to_string(),
            privacy_url: f.get("privacy_url").to_string(),
            include_postcode: f.has("include_postcode"),
            retention_hold: f.has("retention_hold"),
            letter_date: f.get("letter_date").to_string(),
            recipients: f.get("recipients").replace("\r\n", "\n"),
            subject: f.get("subject").to_string(),
            salutation: f.get("salutation").to_string(),
            body: f.get("body").replace("\r\n", "\n"),
            closing: f.get("closing").to_string(),
            signer: f.get("signer").replace("\r\n", "\n"),
            cc: f.get("cc").replace("\r\n", "\n"),
            revision: f.get("revision").to_string(),
            asks,
            targets,
        }
    }

    /// Numbers the rows 1, 2, … in their order (positions too) and adds the blank ones. The
    /// messages of a re-render refer to the numbers the organizer sent, so only a form that
    /// was read fresh from storage is numbered anew.
    fn numbered(mut self) -> EditForm {
        for (i, ask) in self.asks.iter_mut().enumerate() {
            ask.n = i + 1;
            ask.position = (i + 1).to_string();
        }
        for (i, target) in self.targets.iter_mut().enumerate() {
            target.n = i + 1;
        }
        self.with_blank_rows()
    }

    /// Adds the blank rows after the last numbered one.
    pub fn with_blank_rows(mut self) -> EditForm {
        let next = self.asks.iter().map(|a| a.n).max().unwrap_or(0);
        self.asks.extend((1..=BLANK_ASKS).map(|i| AskRow {
            n: next + i,
            ..AskRow::default()
        }));
        let next = self.targets.iter().map(|t| t.n).max().unwrap_or(0);
        self.targets.extend((1..=BLANK_TARGETS).map(|i| TargetRow {
            n: next + i,
            ..TargetRow::default()
        }));
        self
    }

    /// Reads the form into what to store, or says what to fix. `stored_closes_at` may stay
    /// as it is even when it has passed (a closed campaign keeps its closing time).
    pub fn check(
        &self,
        now: DateTime<Utc>,
        stored_closes_at: Option<DateTime<Utc>>,
    ) -> Result<Checked, Problems> {
        let mut p = Problems::default();
        let title = line(&mut p, "title", &self.title, 200);
        if title.is_none() {
            p.add("title", "Give the campaign a title.");
        }
        let headline = line(&mut p, "headline", &self.headline, 300);
        let intro = text(&mut p, "intro", &self.intro, 5000);
        let slug = match Slug::parse(&self.slug) {
            Ok(slug) if crate::domain::slug::is_reserved(slug.as_str()) => {
                p.add(
                    "slug",
                    "This address is reserved for the admin's own pages. Choose another.",
                );
                None
            }
            Ok(slug) => Some(slug),
            Err(e) => {
                p.add("slug", e.to_string());
                None
            }
        };
        let goal = setting(&mut p, settings::goal(&self.goal)).flatten();
        let zone = match self.closes_at_zone.as_str() {
            "" => Some(chrono_tz::UTC),
            name => name.parse::<chrono_tz::Tz>().ok(),
        };
        if zone.is_none() {
            p.add(
                "closes_at_zone",
                "Write the time zone by its name, such as Europe/Brussels or UTC.",
            );
        }
        let closes_at = match self.closes_at.trim() {
            "" => None,
            _ if zone.is_none() => None,
            t => match parse_closes_at(t, zone.unwrap_or(chrono_tz::UTC)) {
                Some(at) if at <= now && Some(at) != stored_closes_at => {
                    p.add("closes_at", "This time has already passed. Choose a time in the future, or leave it empty to close by hand.");
                    None
                }
                Some(at) => Some(at),
                None => {
                    p.add(
                        "closes_at",
                        "Write the closing time as a date and time, such as 2027-03-01T17:00.",
                    );
                    None
                }
            },
        };
        let delivery = setting(&mut p, settings::delivery(&self.delivery));
        let delivery_window =
            setting(&mut p, settings::delivery_window(&self.delivery_window)).flatten();
        let delivery_min = setting(&mut p, settings::delivery_min(&self.delivery_min)).flatten();
        let reply_to = setting(&mut p, settings::reply_to(&self.reply_to)).flatten();
        let organisation = line(&mut p, "organisation", &self.organisation, 200);
        let privacy_url = setting(&mut p, settings::privacy_url(&self.privacy_url)).flatten();
        let letter_date = line(&mut p, "letter_date", &self.letter_date, 200);
        let subject = line(&mut p, "subject", &self.subject, 500);
        let salutation = line(&mut p, "salutation", &self.salutation, 300);
        let body = text(&mut p, "body", &self.body, 100_000);
        if body.is_none() && p.get("body").is_none() {
            p.add("body", "The letter needs its text.");
        }
        let closing = line(&mut p, "closing", &self.closing, 200);
        let recipients = text(&mut p, "recipients", &self.recipients, 10_000)
            .map(|t| blocks::recipients_from_text(&t))
            .unwrap_or_default();
        let signer =
            text(&mut p, "signer", &self.signer, 2_000).and_then(|t| blocks::signer_from_text(&t));
        let cc: Vec<String> = text(&mut p, "cc", &self.cc, 5_000)
            .map(|t| {
                t.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let asks = self.checked_asks(&mut p);
        let targets = self.checked_targets(&mut p);
        match (title, slug, delivery, body) {
            (Some(title), Some(slug), Some(delivery), Some(body)) if p.is_empty() => Ok(Checked {
                revision: self.revision.trim().parse().unwrap_or(-1),
                changes: CampaignChanges {
                    slug: slug.as_str().to_string(),
                    title,
                    headline,
                    intro,
                    goal,
                    closes_at,
                    delivery,
                    delivery_window,
                    delivery_min,
                    reply_to,
                    public_log: self.public_log,
                    organisation,
                    privacy_url,
                    include_postcode: self.include_postcode,
                    retention_hold: self.retention_hold,
                    letter_date,
                    subject,
                    salutation,
                    body,
                    closing,
                    signer: signer.map(|s| serde_json::json!(s)),
                    recipients: serde_json::json!(recipients),
                    cc: serde_json::json!(cc),
                },
                asks,
                targets,
            }),
            _ => Err(p),
        }
    }

    /// The asks that stay, ordered by their position field (ties keep the form's order).
    fn checked_asks(&self, p: &mut Problems) -> Vec<String> {
        let mut kept = Vec::new();
        for ask in self.asks.iter().filter(|a| !a.remove) {
            let position = match ask.position.trim() {
                "" => ask.n,
                written => match written.parse::<usize>() {
                    Ok(n) => n,
                    Err(_) => {
                        p.add(
                            format!("ask-{}-position", ask.n),
                            "Write the position as a number, such as 2.",
                        );
                        ask.n
                    }
                },
            };
            let field = format!("ask-{}-text", ask.n);
            if let Some(text) = line(p, &field, &ask.text, 1000) {
                kept.push((position, ask.n, text));
            }
        }
        kept.sort_by_key(|(position, n, _)| (*position, *n));
        kept.into_iter().map(|(_, _, text)| text).collect()
    }

    fn checked_targets(&self, p: &mut Problems) -> Vec<TargetChange> {
        let mut seen: Vec<String> = Vec::new();
        let mut kept = Vec::new();
        let untaken = |t: &&TargetRow| t.proposed && t.id.is_empty() && t.email.trim().is_empty();
        for t in self
            .targets
            .iter()
            .filter(|t| !t.remove)
            .filter(|t| !untaken(t))
        {
            let field = |part: &str| format!("target-{}-{part}", t.n);
            let name = line(p, &field("name"), &t.name, 200);
            if name.is_none() {
                p.add(field("name"), "Give the target's name.");
            }
            let title = line(p, &field("title"), &t.title, 300);
            let email = match SignerEmail::parse(&t.email) {
                Ok(e) if seen.contains(&e.canonical().to_string()) => {
                    p.add(field("email"), "Another target already has this address.");
                    None
                }
                Ok(e) => {
                    seen.push(e.canonical().to_string());
                    Some(e.as_typed().to_string())
                }
                Err(_) => {
                    p.add(
                        field("email"),
                        "Write the target's e-mail address, such as minister@ministry.example.",
                    );
                    None
                }
            };
            let timezone = match t.timezone.trim() {
                "" => None,
                tz => parse_tz(tz)
                    .map_err(|e| p.add(field("timezone"), sentence(&e.to_string()) + "."))
                    .ok()
                    .map(|tz| tz.name().to_string()),
            };
            if let (Some(name), Some(email)) = (name, email) {
                kept.push(TargetChange {
                    id: t.id.parse().ok(),
                    name,
                    title,
                    email,
                    timezone,
                });
            }
        }
        kept
    }
}

/// One line of text, trimmed: `None` when empty or refused (with the reason noted).
/// A setting read by the rule the letter file's front matter also uses; a refusal is said
/// at its field.
fn setting<T>(p: &mut Problems, read: Result<T, SettingError>) -> Option<T> {
    read.map_err(|e| p.add(e.key(), e.to_string())).ok()
}

fn line(p: &mut Problems, field: &str, value: &str, max: usize) -> Option<String> {
    checked(p, field, value, max, false)
}

/// Rows proposed from the letter's recipient block for a campaign that has no target yet:
/// name and office filled in, the e-mail address left for the organizer.
fn proposed_targets(c: &Campaign) -> Vec<TargetRow> {
    if !c.targets.is_empty() {
        return Vec::new();
    }
    c.recipients
        .iter()
        .filter_map(|r| {
            Some(TargetRow {
                name: r.name.clone()?,
                title: r.office().unwrap_or_default(),
                proposed: true,
                ..TargetRow::default()
            })
        })
        .take(MAX_ROWS)
        .collect()
}

/// Text that may span lines, trimmed: `None` when empty or refused.
fn text(p: &mut Problems, field: &str, value: &str, max: usize) -> Option<String> {
    checked(p, field, value, max, true)
}

fn checked(
    p: &mut Problems,
    field: &str,
    value: &str,
    max: usize,
    newlines: bool,
) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if let Err(problem) = check_text(value, newlines) {
        p.add(field, problem.to_string());
        return None;
    }
    if value.chars().count() > max {
        p.add(field, format!("Use at most {max} characters."));
        return None;
    }
    Some(value.to_string())
}

/// A `datetime-local` value (read in `zone`) or an RFC 3339 time.
fn parse_closes_at(s: &str, zone: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
                .and_then(|t| zone.from_local_datetime(&t).earliest())
                .map(|t| t.with_timezone(&Utc))
        })
}

/// The zone an organizer reads times in: the schedule's, else UTC.
fn schedule_zone(delivery: &DeliverySchedule) -> chrono_tz::Tz {
    match delivery {
        DeliverySchedule::Daily { tz, .. } | DeliverySchedule::Weekly { tz, .. } => *tz,
        _ => chrono_tz::UTC,
    }
}

/// The delivery schedule in words, with its next time when it has one.
pub fn next_delivery(delivery: &str, now: DateTime<Utc>) -> String {
    let Ok(schedule) = DeliverySchedule::parse(delivery) else {
        return String::new();
    };
    match &schedule {
        DeliverySchedule::Manual => "Only when an organizer delivers by hand.".into(),
        DeliverySchedule::OnClose => "Once, when the campaign closes.".into(),
        DeliverySchedule::Every(n) => format!("Each time {n} new signatures have been confirmed."),
        DeliverySchedule::Daily { tz, .. } | DeliverySchedule::Weekly { tz, .. } => {
            match schedule.next_after(now) {
                Some(at) => format!(
                    "Next delivery: {} ({} UTC).",
                    at.with_timezone(tz).format("%A %-d %B %Y, %H:%M %Z"),
                    at.format("%H:%M")
                ),
                None => String::new(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        Fields::parse(Some("application/x-www-form-urlencoded"), body.as_bytes())
    }

    const VALID: [(&str, &str); 4] = [
        ("title", "Stop the dam"),
        ("slug", "stop-the-dam"),
        ("delivery", "manual"),
        ("body", "Please halt the dam."),
    ];

    #[test]
    fn asks_follow_their_positions_and_removed_or_blank_rows_are_dropped() {
        let mut pairs = VALID.to_vec();
        pairs.extend([
            ("ask-1-text", "First"),
            ("ask-1-position", "3"),
            ("ask-2-text", "Second"),
            ("ask-2-position", "1"),
            ("ask-3-text", "Gone"),
            ("ask-3-remove", "yes"),
            ("ask-4-text", "Added"),
            ("ask-4-position", ""),
            ("ask-5-text", " "),
        ]);
        let checked = EditForm::read(&form(&pairs))
            .check(Utc::now(), None)
            .unwrap();
        assert_eq!(checked.asks, vec!["Second", "First", "Added"]);
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let f = form(&[
            ("title", ""),
            ("slug", "Not A Slug"),
            ("goal", "-3"),
            ("closes_at", "soon"),
            ("delivery", "hourly"),
            ("reply_to", "nobody"),
            ("body", "Please halt the dam."),
            ("ask-1-text", "One"),
            ("ask-1-position", "first"),
            ("target-1-name", "Jane"),
            ("target-1-email", "jane@example"),
            ("target-1-timezone", "Mars/Olympus"),
        ]);
        let problems = EditForm::read(&f).check(Utc::now(), None).unwrap_err();
        let fields: Vec<&str> = problems.all().iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "title",
                "slug",
                "goal",
                "closes_at",
                "delivery",
                "reply_to",
                "ask-1-position",
                "target-1-email",
                "target-1-timezone"
            ]
        );
    }

    #[test]
    fn the_next_daily_delivery_is_spelled_out_in_its_time_zone_and_utc() {
        let now = Utc.with_ymd_and_hms(2027, 1, 4, 10, 0, 0).unwrap();
        assert_eq!(
            next_delivery("daily 09:00 Europe/Brussels", now),
            "Next delivery: Tuesday 5 January 2027, 09:00 CET (08:00 UTC)."
        );
        assert_eq!(
            next_delivery("every 500", now),
            "Each time 500 new signatures have been confirmed."
        );
    }
}
