//! Importing supporters from a CSV file (`undersign supporters import`, and the admin's
//! upload): a header row naming `email`, `name`, `country` and `consent_date` (and optionally
//! `source` and `language`), comma- or semicolon-separated, UTF-8 with or without a BOM.
//!
//! The file is read as a stream: each row is checked and the good ones are written straight
//! into a `COPY` to a staging table, so memory stays flat however long the file; then one
//! set-based statement adds the new supporters. A bad row is reported with its line number
//! and skipped; an address already on the list is left as it is (a re-import changes
//! nothing); an address on the do-not-mail list — unsubscribed, bounced or complained — is
//! never enrolled again.

use crate::domain::country::Country;
use crate::domain::email::SignerEmail;
use crate::domain::name::SignerName;
use crate::mail::suppressions;
use crate::organizers::audit::{self, Action, Actor};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use std::cell::RefCell;
use std::io::Read;

/// Bad rows reported one by one; beyond this only counted.
pub const REPORTED_PROBLEMS: usize = 1_000;
/// The wording version stored as an imported supporter's consent.
pub const IMPORT_CONSENT_WORDING: &str = "import";

diesel::table! {
    /// The staging table an import copies into (temporary: dropped at commit).
    supporter_import (line) {
        line -> Int8,
        email -> Text,
        email_canonical -> Text,
        address_hash -> Text,
        name -> Text,
        country -> Text,
        language -> Nullable<Text>,
        source -> Text,
        consent_at -> Timestamptz,
    }
}

/// A row that was skipped, with its line in the file (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub line: u64,
    pub reason: String,
}

/// What an import did, or with `dry_run` would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Rows that read well (an address twice in the file counts once).
    pub valid: u64,
    pub invalid: u64,
    /// Valid rows whose address is already on the list: left as they are.
    pub already_present: u64,
    /// Valid rows whose address unsubscribed, bounced or complained: never enrolled again.
    pub refused: u64,
    /// Supporters added.
    pub added: u64,
    /// The first [`REPORTED_PROBLEMS`] bad rows.
    pub problems: Vec<Problem>,
    pub dry_run: bool,
}

/// Why a file could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not a supporter list: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Unavailable(#[from] crate::db::Unavailable),
}

/// Where each column of the file is.
struct Columns {
    email: usize,
    name: usize,
    country: usize,
    consent_date: usize,
    source: Option<usize>,
    language: Option<usize>,
}

impl Columns {
    fn of(header: &csv::StringRecord) -> Result<Columns, ImportError> {
        let find = |wanted: &str| {
            header.iter().position(|h| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(wanted)
            })
        };
        let required = |wanted: &str| {
            find(wanted).ok_or_else(|| {
                ImportError::Unreadable(format!(
                    "the header row has no {wanted:?} column (it needs email, name, country and consent_date)"
                ))
            })
        };
        Ok(Columns {
            email: required("email")?,
            name: required("name")?,
            country: required("country")?,
            consent_date: required("consent_date")?,
            source: find("source"),
            language: find("language"),
        })
    }
}

/// A consent date as files write it: `2026-11-30`, or a full RFC 3339 time.
fn consent_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// A language tag such as `hy` or `pt-BR`, lower-cased primary subtag.
fn language(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let mut parts = text.split(['-', '_']);
    let primary = parts.next().unwrap_or("");
    let well_formed = (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if well_formed {
        Ok(Some(primary.to_ascii_lowercase()))
    } else {
        Err(format!("{text:?} is not a language code such as en or hy"))
    }
}

/// One row checked: its staged CSV line, or why it was skipped.
fn staged_line(
    record: &csv::StringRecord,
    columns: &Columns,
    key: &[u8],
    default_source: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, String> {
    let field = |i: usize| record.get(i).unwrap_or("");
    let email = SignerEmail::parse(field(columns.email))
        .map_err(|e| format!("email {:?}: {e}", field(columns.email)))?;
    let name = SignerName::parse(field(columns.name)).map_err(|e| format!("name: {e}"))?;
    let country = Country::parse(field(columns.country)).map_err(|_| {
        format!(
            "country {:?} is not a two-letter country code",
            field(columns.country)
        )
    })?;
    let consent = consent_time(field(columns.consent_date)).ok_or_else(|| {
        format!(
            "consent_date {:?} is not a date such as 2026-11-30",
            field(columns.consent_date)
        )
    })?;
    if consent > now {
        return Err("consent_date is in the future".into());
    }
    let language = language(columns.language.map(field).unwrap_or(""))?;
    let source = columns
        .source
        .map(field)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(default_source);
    if source.chars().count() > 100 || source.chars().any(char::is_control) {
        return Err("source must be a short name without control characters".into());
    }
    Ok(vec![
        email.as_typed().to_string(),
        email.canonical().to_string(),
        suppressions::address_hash(key, email.canonical()),
        name.as_str().to_string(),
        country.code().to_string(),
        language.unwrap_or_default(),
        source.to_string(),
        consent.to_rfc3339(),
    ])
}

/// The delimiter of a file whose first line is `first`: a semicolon when the header has more
/// of them than commas.
fn delimiter(first: &[u8]) -> u8 {
    let line = first.split(|b| *b == b'\n').next().unwrap_or(first);
    let count = |c: u8| line.iter().filter(|b| **b == c).count();
    if count(b';') > count(b',') {
        b';'
    } else {
        b','
    }
}

/// Imports the CSV read from `file` (`on_row` is told the byte offset read so far, for a
/// progress bar), as `actor`; with `dry_run`, counts and changes nothing.
pub fn import(
    conn: &mut PgConnection,
    key: &[u8],
    mut file: impl Read,
    default_source: &str,
    dry_run: bool,
    actor: Actor,
    on_row: &dyn Fn(u64),
) -> Result<ImportReport, ImportError> {
    let mut head = vec![0u8; 8192];
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) => return Err(ImportError::Unreadable(e.to_string())),
        }
    }
    head.truncate(filled);
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head).to_vec();
    let delimiter = delimiter(&body);
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(std::io::Cursor::new(body).chain(file));
    let reader = RefCell::new(reader);
    let columns = {
        let mut reader = reader.borrow_mut();
        let header = reader
            .headers()
            .map_err(|e| ImportError::Unreadable(e.to_string()))?
            .clone();
        Columns::of(&header)?
    };
    let report = RefCell::new(ImportReport {
        dry_run,
        ..ImportReport::default()
    });
    let now = Utc::now();
    conn.transaction(|conn| {
        conn.batch_execute(
            "CREATE TEMP TABLE supporter_import (line bigint PRIMARY KEY, email text NOT NULL, \
                 email_canonical text NOT NULL, address_hash text NOT NULL, name text NOT NULL, \
                 country text NOT NULL, language text, source text NOT NULL, \
                 consent_at timestamptz NOT NULL) ON COMMIT DROP",
        )?;
        diesel::copy_from(supporter_import::table)
            .from_raw_data(supporter_import::table, |out| {
                let mut reader = reader.borrow_mut();
                let mut record = csv::StringRecord::new();
                let mut writer = csv::WriterBuilder::new().from_writer(out);
                loop {
                    match reader.read_record(&mut record) {
                        Ok(false) => break,
                        Ok(true) => {}
                        Err(e) => {
                            let line = e.position().map(|p| p.line()).unwrap_or(0);
                            note(&report, line, format!("the row cannot be read: {e}"));
                            continue;
                        }
                    }
                    let line = record.position().map(|p| p.line()).unwrap_or(0);
                    if record.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    on_row(record.position().map(|p| p.byte()).unwrap_or(0));
                    match staged_line(&record, &columns, key, default_source, now) {
                        Ok(fields) => {
                            let mut row = vec![line.to_string()];
                            row.extend(fields);
                            writer
                                .write_record(&row)
                                .map_err(|e| ImportError::Unreadable(e.to_string()))?;
                        }
                        Err(reason) => note(&report, line, reason),
                    }
                }
                writer
                    .flush()
                    .map_err(|e| ImportError::Unreadable(e.to_string()))?;
                Ok::<(), ImportError>(())
            })
            .with_format(diesel::pg::CopyFormat::Csv)
            .execute(conn)?;
        // Empty language fields arrive as empty strings.
        conn.batch_execute("UPDATE supporter_import SET language = NULL WHERE language = ''")?;
        #[derive(QueryableByName)]
        struct Counts {
            #[diesel(sql_type = BigInt)]
            valid: i64,
            #[diesel(sql_type = BigInt)]
            refused: i64,
            #[diesel(sql_type = BigInt)]
            present: i64,
        }
        let counts: Counts = diesel::sql_query(
            "WITH first AS (SELECT DISTINCT ON (email_canonical) * FROM supporter_import \
                            ORDER BY email_canonical, line) \
             SELECT count(*) AS valid, \
                    count(*) FILTER (WHERE x.address_hash IS NOT NULL \
                        OR s.unsubscribed_at IS NOT NULL OR s.suppressed_at IS NOT NULL) AS refused, \
                    count(*) FILTER (WHERE s.id IS NOT NULL AND x.address_hash IS NULL \
                        AND s.unsubscribed_at IS NULL AND s.suppressed_at IS NULL) AS present \
             FROM first f \
             LEFT JOIN suppressions x ON x.address_hash = f.address_hash \
             LEFT JOIN supporters s ON s.email_canonical = f.email_canonical",
        )
        .get_result(conn)?;
        let added = if dry_run {
            (counts.valid - counts.refused - counts.present) as usize
        } else {
            diesel::sql_query(
                "INSERT INTO supporters (id, email, email_canonical, name, country, language, \
                                         source, alerts_consent_at, alerts_consent_wording) \
                 SELECT uuid_v7(), f.email, f.email_canonical, f.name, f.country, \
                        f.language, f.source, f.consent_at, $1 \
                 FROM (SELECT DISTINCT ON (email_canonical) * FROM supporter_import \
                       ORDER BY email_canonical, line) f \
                 WHERE NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.address_hash = f.address_hash) \
                 ON CONFLICT (email_canonical) DO NOTHING",
            )
            .bind::<diesel::sql_types::Text, _>(IMPORT_CONSENT_WORDING)
            .execute(conn)?
        };
        let mut report = report.borrow_mut();
        report.valid = counts.valid as u64;
        report.refused = counts.refused as u64;
        report.already_present = counts.present as u64;
        report.added = added as u64;
        if !dry_run {
            audit::record(
                conn,
                actor,
                Action::ImportSupporters,
                None,
                serde_json::json!({
                    "source": default_source,
                    "added": report.added,
                    "already present": report.already_present,
                    "refused": report.refused,
                    "invalid": report.invalid,
                }),
            )?;
        }
        Ok::<(), ImportError>(())
    })?;
    Ok(report.into_inner())
}

fn note(report: &RefCell<ImportReport>, line: u64, reason: String) {
    let mut report = report.borrow_mut();
    report.invalid += 1;
    if report.problems.len() < REPORTED_PROBLEMS {
        report.problems.push(Problem { line, reason });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_what_the_header_uses() {
        assert_eq!(delimiter(b"email;name;country;consent_date\nx,y"), b';');
        assert_eq!(delimiter(b"email,name,country,consent_date"), b',');
    }

    #[test]
    fn consent_dates_read_as_days_or_times_and_languages_as_codes() {
        assert!(consent_time("2026-11-30").is_some());
        assert!(consent_time("2026-11-30T12:00:00+04:00").is_some());
        assert!(consent_time("30/11/2026").is_none());
        assert_eq!(language("hy").unwrap().as_deref(), Some("hy"));
        assert_eq!(language("pt-BR").unwrap().as_deref(), Some("pt"));
        assert_eq!(language("").unwrap(), None);
        assert!(language("Armenian").is_err());
    }
}
