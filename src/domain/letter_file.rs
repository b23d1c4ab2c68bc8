//! Letter files as organizers write them: an optional TOML front matter between `+++` lines
//! (campaign settings and overrides), then the letter. Front matter wins over what the
//! letter parser extracts.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::letter::{parse_letter, recipient_named, Letter};
use super::schedule::{parse_tz, DeliverySchedule, ScheduleError};
use super::settings::{self, SettingError};
use super::window::DeliveryWindow;

/// The settings an organizer may put in the front matter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub headline: Option<String>,
    pub intro: Option<String>,
    pub asks: Option<Vec<String>>,
    pub goal: Option<i64>,
    pub closes_at: Option<DateTime<Utc>>,
    pub delivery: Option<DeliverySchedule>,
    /// When targets may receive batches, in each target's time zone.
    pub delivery_window: Option<DeliveryWindow>,
    /// Fewest new signatures worth a scheduled batch (signatures are never held > 7 days).
    pub delivery_min: Option<i32>,
    /// Reply-To of the batch messages.
    pub reply_to: Option<String>,
    /// Show "N signatures delivered to X on D" on the action page.
    pub public_log: bool,
    /// Give the targets the signers' postcodes.
    pub include_postcode: bool,
    pub targets: Vec<TargetSpec>,
    /// Who runs the action, when the signer block does not say (or says it differently).
    pub organisation: Option<String>,
    /// The address of the organisation's privacy notice (http or https).
    pub privacy_url: Option<String>,
}

/// An official the petition is delivered to, from a `[[targets]]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub name: String,
    pub title: Option<String>,
    pub email: String,
    /// The target's time zone (a name such as Europe/Zagreb); default the schedule's.
    pub timezone: Option<String>,
}

/// A parsed letter file: its settings and the letter with front-matter headline, intro and
/// asks already merged in.
#[derive(Debug, Clone, PartialEq)]
pub struct LetterFile {
    pub front: FrontMatter,
    pub letter: Letter,
}

impl From<SettingError> for LetterFileError {
    fn from(e: SettingError) -> Self {
        // Not a `source`: the message already says all of it, once.
        LetterFileError::Setting(e)
    }
}

/// Why a letter file could not be read. Messages are meant for the organizer.
#[derive(Debug, thiserror::Error)]
pub enum LetterFileError {
    #[error("the front matter opened by +++ on line {line} is never closed; add a line with only +++ after the settings")]
    UnterminatedFrontMatter { line: usize },
    #[error("front matter, line {line}: {message}")]
    Toml { line: usize, message: String },
    #[error(
        "front matter, line {line}: unknown setting `{key}`; the accepted settings are {ACCEPTED}"
    )]
    UnknownKey { line: usize, key: String },
    /// A setting the editor would refuse too, in the same words.
    #[error("{key}: {0}", key = .0.key())]
    Setting(SettingError),
    #[error("closes_at \"{0}\" is not a date and time with a time zone; write it like 2027-03-01T17:00:00Z")]
    BadClosesAt(String),
    #[error("target {index} ({name}): {reason}")]
    TargetBadTimezone {
        index: usize,
        name: String,
        reason: ScheduleError,
    },
    #[error("target {index} has no name")]
    TargetWithoutName { index: usize },
    #[error("target {index} ({name}) has no e-mail address")]
    TargetWithoutEmail { index: usize, name: String },
    #[error("target {index} ({name}): \"{email}\" is not an e-mail address")]
    TargetBadEmail {
        index: usize,
        name: String,
        email: String,
    },
    #[error("line {line} holds a control character (such as NUL) that no letter contains; remove it and paste the letter again")]
    ControlCharacter { line: usize },
    #[error("the front matter that starts on line {line} writes a control character (such as \\u0000) in a setting; remove it")]
    ControlCharacterInSettings { line: usize },
    #[error("the letter has {0} asks; a letter may have at most {MAX_ASKS}")]
    TooManyAsks(usize),
    #[error("the letter has {0} targets; a campaign may have at most {MAX_TARGETS}")]
    TooManyTargets(usize),
    #[error("the file has no letter text; paste the letter after the front matter")]
    EmptyLetter,
}

const ACCEPTED: &str = "slug, title, headline, intro, asks, goal, closes_at, delivery, delivery_window, delivery_min, reply_to, public_log, include_postcode, organisation, privacy_url and [[targets]] with name, title, email and timezone";

/// The front matter exactly as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFront {
    slug: Option<String>,
    title: Option<String>,
    headline: Option<String>,
    intro: Option<String>,
    asks: Option<Vec<String>>,
    goal: Option<i64>,
    closes_at: Option<Written>,
    delivery: Option<String>,
    delivery_window: Option<String>,
    delivery_min: Option<i64>,
    reply_to: Option<String>,
    public_log: Option<bool>,
    include_postcode: Option<bool>,
    #[serde(default)]
    targets: Vec<TargetSpec>,
    organisation: Option<String>,
    privacy_url: Option<String>,
}

/// `closes_at` as written: a TOML date-time or a quoted string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Written {
    DateTime(toml::value::Datetime),
    Text(String),
    Other(toml::Value),
}

/// The most asks one letter may have: a list longer than this is not a letter's asks.
pub const MAX_ASKS: usize = 100;
/// The most targets one campaign may have.
pub const MAX_TARGETS: usize = 5_000;

/// Reads a letter file: front matter (if any), then the letter.
pub fn parse_letter_file(input: &str) -> Result<LetterFile, LetterFileError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    if let Some(at) = input.find(|c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(LetterFileError::ControlCharacter {
            line: input[..at].matches('\n').count() + 1,
        });
    }
    let (mut front, letter_text) = match split_front_matter(input)? {
        Some((toml_text, first_line, letter_text)) => {
            (read_front_matter(&toml_text, first_line)?, letter_text)
        }
        None => (FrontMatter::default(), input.to_string()),
    };
    if letter_text.trim().is_empty() {
        return Err(LetterFileError::EmptyLetter);
    }
    let mut letter = parse_letter(&letter_text);
    if let Some(headline) = &front.headline {
        letter.headline = Some(headline.clone());
    }
    if let Some(intro) = &front.intro {
        letter.intro = Some(intro.clone());
    }
    if let Some(asks) = &front.asks {
        letter.asks = asks.clone();
    }
    if letter.asks.len() > MAX_ASKS {
        return Err(LetterFileError::TooManyAsks(letter.asks.len()));
    }
    if front.targets.len() > MAX_TARGETS {
        return Err(LetterFileError::TooManyTargets(front.targets.len()));
    }
    for target in front.targets.iter_mut().filter(|t| t.title.is_none()) {
        target.title = recipient_named(&letter.recipients, &target.name).and_then(|r| r.office());
    }
    Ok(LetterFile { front, letter })
}

/// Splits `+++`-fenced front matter from the letter: the TOML text, the file line on which
/// it starts, and the letter text. None when the file has no front matter.
fn split_front_matter(input: &str) -> Result<Option<(String, usize, String)>, LetterFileError> {
    let normalised = input.replace("\r\n", "\n");
    let lines: Vec<&str> = normalised.split('\n').collect();
    let Some(open) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return Ok(None);
    };
    if lines[open].trim() != "+++" {
        return Ok(None);
    }
    let close = lines[open + 1..]
        .iter()
        .position(|l| l.trim() == "+++")
        .map(|i| open + 1 + i)
        .ok_or(LetterFileError::UnterminatedFrontMatter { line: open + 1 })?;
    let toml_text = lines[open + 1..close].join("\n");
    let letter_text = lines[close + 1..].join("\n");
    Ok(Some((toml_text, open + 2, letter_text)))
}

/// Parses and checks the front matter; `first_line` is the file line of its first TOML line.
/// The first string in `value` holding a control character other than a line break or tab
/// (TOML writes one as `\u0000`), which no setting may contain and the database cannot store.
fn has_control_character(value: &toml::Value) -> bool {
    match value {
        toml::Value::String(s) => {
            s.contains(|c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        }
        toml::Value::Array(items) => items.iter().any(has_control_character),
        toml::Value::Table(table) => table.iter().any(|(k, v)| {
            has_control_character(&toml::Value::String(k.clone())) || has_control_character(v)
        }),
        _ => false,
    }
}

fn read_front_matter(toml_text: &str, first_line: usize) -> Result<FrontMatter, LetterFileError> {
    if toml::from_str::<toml::Value>(toml_text).is_ok_and(|v| has_control_character(&v)) {
        return Err(LetterFileError::ControlCharacterInSettings { line: first_line });
    }
    let raw: RawFront = toml::from_str(toml_text).map_err(|e| {
        let line = first_line
            + e.span()
                .and_then(|span| toml_text.get(..span.start))
                .map_or(0, |before| before.matches('\n').count());
        let message = e.message().trim().to_string();
        match message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split_once('`'))
        {
            Some((key, _)) => LetterFileError::UnknownKey {
                line,
                key: key.to_string(),
            },
            None => LetterFileError::Toml { line, message },
        }
    })?;
    let goal = raw
        .goal
        .map(|g| settings::goal(&g.to_string()))
        .transpose()?
        .flatten();
    let closes_at = raw.closes_at.map(closes_at).transpose()?;
    let delivery = raw
        .delivery
        .as_deref()
        .map(settings::delivery)
        .transpose()?;
    let delivery_window = raw
        .delivery_window
        .as_deref()
        .map(settings::delivery_window)
        .transpose()?
        .flatten();
    let delivery_min = raw
        .delivery_min
        .map(|n| settings::delivery_min(&n.to_string()))
        .transpose()?
        .flatten();
    let reply_to = raw
        .reply_to
        .as_deref()
        .map(settings::reply_to)
        .transpose()?
        .flatten();
    let mut targets = Vec::with_capacity(raw.targets.len());
    for (i, target) in raw.targets.into_iter().enumerate() {
        targets.push(check_target(i + 1, target)?);
    }
    let text = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let privacy_url = raw
        .privacy_url
        .as_deref()
        .map(settings::privacy_url)
        .transpose()?
        .flatten();
    Ok(FrontMatter {
        slug: text(raw.slug),
        title: text(raw.title),
        headline: text(raw.headline),
        intro: text(raw.intro),
        asks: raw.asks.map(|asks| {
            asks.into_iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect()
        }),
        goal,
        closes_at,
        delivery,
        delivery_window,
        delivery_min,
        reply_to,
        public_log: raw.public_log.unwrap_or(false),
        include_postcode: raw.include_postcode.unwrap_or(false),
        targets,
        organisation: text(raw.organisation),
        privacy_url,
    })
}

/// `closes_at` as a TOML offset date-time or as a quoted RFC 3339 string.
fn closes_at(value: Written) -> Result<DateTime<Utc>, LetterFileError> {
    let written = match value {
        Written::Text(s) => s,
        Written::DateTime(d) => d.to_string(),
        Written::Other(v) => v.to_string(),
    };
    DateTime::parse_from_rfc3339(written.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| LetterFileError::BadClosesAt(written))
}

fn check_target(index: usize, target: TargetSpec) -> Result<TargetSpec, LetterFileError> {
    let name = target.name.trim().to_string();
    let email = target.email.trim().to_string();
    if name.is_empty() {
        return Err(LetterFileError::TargetWithoutName { index });
    }
    if email.is_empty() {
        return Err(LetterFileError::TargetWithoutEmail { index, name });
    }
    if !email.contains('@') {
        return Err(LetterFileError::TargetBadEmail { index, name, email });
    }
    let title = target
        .title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let timezone = match target.timezone.as_deref().map(str::trim) {
        Some(tz) => Some(
            parse_tz(tz)
                .map_err(|reason| LetterFileError::TargetBadTimezone {
                    index,
                    name: name.clone(),
                    reason,
                })?
                .name()
                .to_string(),
        ),
        None => None,
    };
    Ok(TargetSpec {
        name,
        title,
        email,
        timezone,
    })
}

#[cfg(test)]
mod tests {
    use super::super::letter::{Recipient, Signer};
    use super::*;
    use chrono::{NaiveTime, TimeZone, Weekday};

    const MARKDOWN: &str = include_str!("../../tests/fixtures/letters/markdown-front-matter.md");

    fn error_of(input: &str) -> String {
        parse_letter_file(input).expect_err(input).to_string()
    }

    #[test]
    fn the_organisation_and_a_web_privacy_notice_are_read_and_other_addresses_refused() {
        let file = parse_letter_file(
            "+++\norganisation = \" Friends of the Varna \"\nprivacy_url = \"https://varna.example/privacy\"\n+++\nDear Minister,\n\nPlease act.\n",
        )
        .expect("valid letter file");
        assert_eq!(
            file.front.organisation.as_deref(),
            Some("Friends of the Varna")
        );
        assert_eq!(
            file.front.privacy_url.as_deref(),
            Some("https://varna.example/privacy")
        );
        for bad in [
            "javascript:alert(1)",
            "varna.example/privacy",
            "ftp://varna.example/p",
        ] {
            assert_eq!(
                error_of(&format!("+++\nprivacy_url = \"{bad}\"\n+++\nDear Minister,\n")),
                "privacy_url: Write the privacy notice's web address, such as https://example.org/privacy, in at most 2,000 characters."
            );
        }
    }

    #[test]
    fn front_matter_settings_are_read_and_win_over_the_letter() {
        let file = parse_letter_file(MARKDOWN).expect("valid letter file");

        assert_eq!(
            file.front,
            FrontMatter {
                slug: Some("save-eastside-wetlands".into()),
                title: Some("Save the Eastside wetlands".into()),
                headline: Some("Keep the bulldozers out of the Eastside wetlands".into()),
                intro: None,
                asks: None,
                goal: Some(2500),
                closes_at: Utc.with_ymd_and_hms(2027, 4, 30, 18, 0, 0).single(),
                delivery: Some(DeliverySchedule::Weekly {
                    weekday: Weekday::Mon,
                    at: NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"),
                    tz: chrono_tz::Europe::Brussels,
                }),
                delivery_window: None,
                delivery_min: None,
                reply_to: None,
                public_log: false,
                include_postcode: false,
                targets: vec![
                    TargetSpec {
                        name: "Councillor Priya Raman".into(),
                        title: Some("Chair, Planning Committee".into()),
                        email: "priya.raman@riverton.example".into(),
                        timezone: None,
                    },
                    TargetSpec {
                        name: "Mayor Tomás Herrera".into(),
                        title: None,
                        email: "mayor@riverton.example".into(),
                        timezone: None,
                    },
                ],
                organisation: None,
                privacy_url: None,
            }
        );
        assert_eq!(
            file.letter.headline.as_deref(),
            Some("Keep the bulldozers out of the Eastside wetlands")
        );
        assert_eq!(
            file.letter.intro.as_deref(),
            Some(
                "The city wants to drain the last wetland on the east bank for a parking garage. \
                 Tell the Planning Committee to vote no."
            )
        );
        assert_eq!(
            file.letter.recipients,
            vec![Recipient {
                name: Some("Councillor Priya Raman".into()),
                title: Some("Chair, Planning Committee".into()),
                organisation: Some("Riverton City Council".into()),
                address: vec![],
            }]
        );
        assert_eq!(
            file.letter.asks,
            vec![
                "**Reject** planning application 27/0412".to_string(),
                "Designate the Eastside wetlands as a local nature reserve".to_string(),
                "Commission a flood-risk study for the east bank before any new building is approved."
                    .to_string(),
            ]
        );
        assert_eq!(
            file.letter.signer,
            Some(Signer {
                name: Some("Lena Fischer".into()),
                title: Some("Coordinator".into()),
                organisation: Some("Friends of Eastside".into()),
                contact: vec!["lena@friendsofeastside.example".into()],
            })
        );
    }

    #[test]
    fn front_matter_intro_and_asks_replace_the_extracted_ones() {
        let input = "+++\r\nintro = \"  Our own intro.  \"\r\nasks = [\"Stop the dam.\", \"  \", \"Hear the villages.\"]\r\n+++\r\n";
        let input = format!(
            "\u{feff}{input}{}",
            include_str!("../../tests/fixtures/letters/river-commons-dam.txt")
        );

        let file = parse_letter_file(&input).expect("valid letter file");

        assert_eq!(file.front.intro.as_deref(), Some("Our own intro."));
        assert_eq!(file.letter.intro.as_deref(), Some("Our own intro."));
        assert_eq!(
            file.letter.asks,
            vec![
                "Stop the dam.".to_string(),
                "Hear the villages.".to_string()
            ]
        );
        assert_eq!(
            file.letter.headline.as_deref(),
            Some(
                "Regional leaders must halt the Varna Gorge dam until affected villages are heard"
            )
        );
    }

    #[test]
    fn delivery_settings_and_target_time_zones_are_read() {
        let input = "+++\ndelivery = \"daily 09:00 UTC\"\ndelivery_window = \"mon-fri 09:00-17:00\"\ndelivery_min = 10\nreply_to = \" campaigns@rivercommons.example \"\npublic_log = true\ninclude_postcode = true\n[[targets]]\nname = \"Jane Roe\"\nemail = \"jane@ministry.example\"\ntimezone = \"europe/zagreb\"\n+++\nDear Ms. Roe,\n";

        let front = parse_letter_file(input).expect("valid letter file").front;

        assert_eq!(
            front.delivery_window.map(|w| w.to_string()).as_deref(),
            Some("mon,tue,wed,thu,fri 09:00-17:00")
        );
        assert_eq!(front.delivery_min, Some(10));
        assert_eq!(
            front.reply_to.as_deref(),
            Some("campaigns@rivercommons.example")
        );
        assert!(front.public_log);
        assert!(front.include_postcode);
        assert_eq!(front.targets[0].timezone.as_deref(), Some("Europe/Zagreb"));
    }

    #[test]
    fn bad_delivery_settings_are_refused_with_a_clear_message() {
        let letter = "\nDear Ms. Roe,\n";
        let cases = [
            ("delivery_window = \"weekdays\"", "delivery_window: Write the window as days and hours, such as mon-fri 09:00-17:00, or only hours, such as 09:00-17:00."),
            ("delivery_min = 0", "delivery_min: Write the smallest batch as a whole number of signatures, such as 10."),
            ("reply_to = \"nobody\"", "reply_to: Write the Reply-To as one e-mail address, such as campaigns@example.org."),
            ("[[targets]]\nname = \"Jane Roe\"\nemail = \"jane@example.org\"\ntimezone = \"Mars/Olympus\"", "target 1 (Jane Roe): \"Mars/Olympus\" is not a known time zone; use a name such as Europe/Brussels, America/New_York or UTC"),
        ];
        for (setting, message) in cases {
            let input = format!("+++\n{setting}\n+++{letter}");
            assert_eq!(error_of(&input), message, "{setting}");
        }
    }

    #[test]
    fn a_target_without_a_title_takes_it_from_the_recipient_block_with_the_same_name() {
        let input = format!(
            "+++\n[[targets]]\nname = \"marta kovac\"\nemail = \"marta@energy.example\"\n\
             [[targets]]\nname = \"Ilir Deda\"\ntitle = \"Governor\"\nemail = \"ilir@north.example\"\n\
             [[targets]]\nname = \"Jane Roe\"\nemail = \"jane@energy.example\"\n+++\n{}",
            include_str!("../../tests/fixtures/letters/river-commons-dam.txt")
        );

        let file = parse_letter_file(&input).expect("valid letter file");

        let titles: Vec<Option<&str>> = file
            .front
            .targets
            .iter()
            .map(|t| t.title.as_deref())
            .collect();
        assert_eq!(
            titles,
            vec![
                Some("Minister of Energy, Ministry of Energy and Mines"),
                Some("Governor"),
                None
            ]
        );
    }

    #[test]
    fn a_file_without_front_matter_is_all_letter() {
        let text = include_str!("../../tests/fixtures/letters/river-commons-dam.txt");

        let file = parse_letter_file(text).expect("valid letter file");

        assert_eq!(file.front, FrontMatter::default());
        assert_eq!(file.letter, parse_letter(text));
    }

    #[test]
    fn closes_at_may_be_quoted_or_a_toml_date_time_with_any_offset() {
        for written in ["\"2027-03-01T18:00:00+01:00\"", "2027-03-01T17:00:00Z"] {
            let input = format!("+++\ncloses_at = {written}\n+++\nDear Ms. Roe,\n");

            let file = parse_letter_file(&input).expect(written);

            assert_eq!(
                file.front.closes_at,
                Utc.with_ymd_and_hms(2027, 3, 1, 17, 0, 0).single(),
                "{written}"
            );
        }
    }

    #[test]
    fn invalid_letter_files_are_refused_with_a_clear_message() {
        let letter = "\nDear Ms. Roe,\n\nPlease act.\n";
        let cases = [
            (
                format!("+++\nslug = \"x\"\n{letter}"),
                "the front matter opened by +++ on line 1 is never closed; add a line with only +++ after the settings".to_string(),
            ),
            (
                format!("+++\nslug = \"x\"\ngoal = = 5\n+++{letter}"),
                "front matter, line 3: invalid string\nexpected `\"`, `'`".to_string(),
            ),
            (
                format!("+++\nslug = \"x\"\ngaol = 5\n+++{letter}"),
                "front matter, line 3: unknown setting `gaol`; the accepted settings are slug, title, headline, intro, asks, goal, closes_at, delivery, delivery_window, delivery_min, reply_to, public_log, include_postcode, organisation, privacy_url and [[targets]] with name, title, email and timezone".to_string(),
            ),
            (
                format!("+++\n[[targets]]\nname = \"Jane Roe\"\nemail = \"jane@example.org\"\nphone = \"123\"\n+++{letter}"),
                "front matter, line 5: unknown setting `phone`; the accepted settings are slug, title, headline, intro, asks, goal, closes_at, delivery, delivery_window, delivery_min, reply_to, public_log, include_postcode, organisation, privacy_url and [[targets]] with name, title, email and timezone".to_string(),
            ),
            (
                format!("+++\ngoal = \"many\"\n+++{letter}"),
                "front matter, line 2: invalid type: string \"many\", expected i64".to_string(),
            ),
            (
                format!("+++\ngoal = 0\n+++{letter}"),
                "goal: Write the goal as a whole number of signatures from 1 to 1,000,000,000, such as 5000.".to_string(),
            ),
            (
                format!("+++\ngoal = -10\n+++{letter}"),
                "goal: Write the goal as a whole number of signatures from 1 to 1,000,000,000, such as 5000.".to_string(),
            ),
            (
                format!("+++\ncloses_at = \"next Friday\"\n+++{letter}"),
                "closes_at \"next Friday\" is not a date and time with a time zone; write it like 2027-03-01T17:00:00Z".to_string(),
            ),
            (
                format!("+++\ncloses_at = 2027-03-01T17:00:00\n+++{letter}"),
                "closes_at \"2027-03-01T17:00:00\" is not a date and time with a time zone; write it like 2027-03-01T17:00:00Z".to_string(),
            ),
            (
                format!("+++\ncloses_at = 5\n+++{letter}"),
                "closes_at \"5\" is not a date and time with a time zone; write it like 2027-03-01T17:00:00Z".to_string(),
            ),
            (
                format!("+++\ndelivery = \"hourly\"\n+++{letter}"),
                "delivery: \"hourly\" is not a delivery schedule; write one of: manual, on close, every 500, daily 09:00 Europe/Brussels, weekly mon 09:00 UTC.".to_string(),
            ),
            (
                format!("+++\n[[targets]]\nname = \"  \"\nemail = \"jane@example.org\"\n+++{letter}"),
                "target 1 has no name".to_string(),
            ),
            (
                format!("+++\n[[targets]]\nname = \"Jane Roe\"\nemail = \"jane@example.org\"\n[[targets]]\nname = \"John Doe\"\nemail = \" \"\n+++{letter}"),
                "target 2 (John Doe) has no e-mail address".to_string(),
            ),
            (
                format!("+++\n[[targets]]\nname = \"Jane Roe\"\nemail = \"jane.example.org\"\n+++{letter}"),
                "target 1 (Jane Roe): \"jane.example.org\" is not an e-mail address".to_string(),
            ),
            (
                format!("+++\n[[targets]]\nname = \"Jane Roe\"\n+++{letter}"),
                "front matter, line 2: missing field `email`".to_string(),
            ),
            (
                "+++\nslug = \"x\"\n+++\n \n\t\n".to_string(),
                "the file has no letter text; paste the letter after the front matter".to_string(),
            ),
            (
                "\u{feff}  \r\n".to_string(),
                "the file has no letter text; paste the letter after the front matter".to_string(),
            ),
        ];
        for (input, message) in cases {
            assert_eq!(error_of(&input), message, "input {input:?}");
        }
    }
}
