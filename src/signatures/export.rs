//! Exporting a campaign's confirmed signatures as CSV, with cells that a spreadsheet would
//! run as formulas defused.

use super::SignatureState;
use crate::db::schema::{campaigns, signatures, supporters};
use crate::organizers::audit::{self, Action, Actor};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use std::io::Write;

/// One confirmed, counted signature.
#[derive(Debug, Queryable)]
pub struct ExportRow {
    pub name: String,
    pub email: String,
    pub country: String,
    pub postcode: Option<String>,
    pub comment: Option<String>,
    pub wants_updates: bool,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// The confirmed, counted signatures of the campaign `slug`, oldest first; `None` when no
/// such campaign exists.
pub fn confirmed(
    conn: &mut PgConnection,
    slug: &str,
    actor: Actor,
) -> anyhow::Result<Option<Vec<ExportRow>>> {
    let Some(id) = campaigns::table
        .filter(campaigns::slug.eq(slug))
        .select(campaigns::id)
        .first::<uuid::Uuid>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let rows = signatures::table
        .inner_join(supporters::table)
        .filter(signatures::campaign_id.eq(id))
        .filter(signatures::state.eq(SignatureState::Counted))
        .filter(signatures::confirmed_at.is_not_null())
        .order(signatures::confirmed_at.asc())
        .select((
            signatures::name,
            supporters::email,
            signatures::country,
            signatures::postcode,
            signatures::comment,
            signatures::wants_updates,
            signatures::confirmed_at,
        ))
        .load(conn)?;
    audit::record(
        conn,
        actor,
        Action::Export,
        Some(crate::db::types::CampaignId(id)),
        serde_json::json!({ "rows": rows.len(), "complete": true }),
    )?;
    Ok(Some(rows))
}

/// The CSV's first line.
pub const HEADER: &str = "name,email,country,postcode,comment,updates,confirmed_at";

pub fn write_csv(out: &mut impl Write, rows: &[ExportRow]) -> std::io::Result<()> {
    writeln!(out, "{HEADER}")?;
    write_rows(out, rows)
}

/// `rows` as CSV lines without the header (for exports written in pages).
pub fn write_rows(out: &mut impl Write, rows: &[ExportRow]) -> std::io::Result<()> {
    for r in rows {
        let fields = [
            cell(&r.name),
            cell(&r.email),
            cell(&r.country),
            cell(r.postcode.as_deref().unwrap_or("")),
            cell(r.comment.as_deref().unwrap_or("")),
            cell(if r.wants_updates { "yes" } else { "no" }),
            cell(&r.confirmed_at.map(csv_time).unwrap_or_default()),
        ];
        writeln!(out, "{}", fields.join(","))?;
    }
    Ok(())
}

/// A time as every CSV of signatures writes it, to the minute in UTC: `2027-03-04 09:30 UTC`.
pub fn csv_time(at: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(20);
    write_csv_time(&mut out, at);
    out
}

/// [`csv_time`] into a reused buffer, for writers of millions of rows.
pub fn write_csv_time(out: &mut String, at: DateTime<Utc>) {
    use chrono::{Datelike, Timelike};
    use std::fmt::Write as _;
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    );
}

/// First characters that make a spreadsheet read a cell as a formula: `= + - @`, their
/// full-width and small forms (some spreadsheets fold them to ASCII), tab and CR.
const FORMULA_STARTERS: [char; 14] = [
    '=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}', '\u{FE66}', '\u{FE62}',
    '\u{FE63}', '\u{FE6B}', '\t', '\r',
];

/// A CSV cell: quoted when needed, and prefixed with `'` when a spreadsheet would take it for
/// a formula.
pub fn cell(value: &str) -> String {
    let value = defused(value);
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.into_owned()
    }
}

/// `value` with a `'` in front when a spreadsheet would take it for a formula; quoting is left
/// to the caller (or to a CSV writer).
pub fn defused(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(FORMULA_STARTERS) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_writes_times_as_the_batch_csv_does() {
        let at = DateTime::parse_from_rfc3339("2027-03-04T09:30:59Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut out = Vec::new();
        write_rows(
            &mut out,
            &[ExportRow {
                name: "Ana".into(),
                email: "ana@example.org".into(),
                country: "HR".into(),
                postcode: None,
                comment: None,
                wants_updates: false,
                confirmed_at: Some(at),
            }],
        )
        .unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(line.ends_with(",no,2027-03-04 09:30 UTC\n"), "{line}");
        assert_eq!(csv_time(at), "2027-03-04 09:30 UTC");
    }

    #[test]
    fn cells_that_look_like_formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-2"), "'-2");
        for full_width in ["＝1+1", "＋1", "－2", "＠SUM(A1)", "﹦1"] {
            assert_eq!(cell(full_width), format!("'{full_width}"));
        }
        assert_eq!(cell("Ana, Petrović"), "\"Ana, Petrović\"");
        assert_eq!(cell("Ana"), "Ana");
    }
}
