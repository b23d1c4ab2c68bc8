//! The signers a batch message carries, read in delivery order (batch, then confirmation
//! time) through a cursor, so that any number of them is read in constant memory; and the CSV
//! they are written to, with cells a spreadsheet would run as formulas defused.

use crate::signatures::export::defused;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamptz};
use std::ops::ControlFlow;
use uuid::Uuid;

/// Rows fetched per round trip.
const FETCH: usize = 2000;

/// Which signatures a message covers: the campaign's batches with `from_seq < seq <= to_seq`,
/// and, for a preview of the next message, the confirmed ones in no batch yet.
#[derive(Debug, Clone, Copy)]
pub struct Coverage {
    pub campaign_id: Uuid,
    pub from_seq: i32,
    pub to_seq: i32,
    pub pending: bool,
}

/// One signer as a target sees them: never their e-mail address.
#[derive(Debug, Clone, QueryableByName)]
pub struct Signer {
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub country: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub postcode: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub comment: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub confirmed_at: DateTime<Utc>,
}

/// Calls `each` with the covered signers in delivery order, a few thousand at a time, until it
/// breaks or none are left. Runs in its own transaction (a cursor needs one).
pub fn for_each(
    conn: &mut PgConnection,
    coverage: &Coverage,
    mut each: impl FnMut(&[Signer]) -> anyhow::Result<ControlFlow<()>>,
) -> anyhow::Result<()> {
    const COLUMNS: &str = "s.name, s.country, s.postcode, s.comment, s.confirmed_at";
    let batches: Vec<Uuid> = crate::db::schema::batches::table
        .filter(crate::db::schema::batches::campaign_id.eq(coverage.campaign_id))
        .filter(crate::db::schema::batches::seq.gt(coverage.from_seq))
        .filter(crate::db::schema::batches::seq.le(coverage.to_seq))
        .order(crate::db::schema::batches::seq)
        .select(crate::db::schema::batches::id)
        .load(conn)?;
    // Ids are formatted into the SQL (a cursor takes no parameters); a Uuid prints as hex.
    let mut queries: Vec<String> = batches
        .iter()
        .map(|id| {
            format!(
                "SELECT {COLUMNS} FROM batch_signatures m \
                 JOIN signatures s ON s.id = m.signature_id \
                 WHERE m.batch_id = '{id}' ORDER BY m.confirmed_at, m.signature_id"
            )
        })
        .collect();
    if coverage.pending {
        queries.push(format!(
            "SELECT {COLUMNS} FROM batch_pending p JOIN signatures s ON s.id = p.signature_id \
             WHERE p.campaign_id = '{}' ORDER BY p.confirmed_at, p.signature_id",
            coverage.campaign_id
        ));
    }
    conn.transaction(|conn| {
        for query in queries {
            diesel::sql_query(format!("DECLARE signers NO SCROLL CURSOR FOR {query}"))
                .execute(conn)?;
            loop {
                let rows: Vec<Signer> =
                    diesel::sql_query(format!("FETCH {FETCH} FROM signers")).load(conn)?;
                if rows.is_empty() {
                    break;
                }
                if each(&rows)?.is_break() {
                    return Ok(());
                }
            }
            diesel::sql_query("CLOSE signers").execute(conn)?;
        }
        Ok(())
    })
}

/// The first `n` covered signers.
pub fn first(
    conn: &mut PgConnection,
    coverage: &Coverage,
    n: usize,
) -> anyhow::Result<Vec<Signer>> {
    let mut out = Vec::with_capacity(n.min(FETCH));
    for_each(conn, coverage, |rows| {
        out.extend(rows.iter().take(n - out.len()).cloned());
        Ok(if out.len() >= n {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    })?;
    Ok(out)
}

/// Writes signers as CSV rows numbered from `first_number`, header first: UTF-8 with a byte
/// order mark and CRLF line ends, so spreadsheet programs read accented and Cyrillic names
/// right when an official double-clicks the file.
pub struct CsvWriter<W: std::io::Write> {
    csv: csv::Writer<W>,
    next_number: i64,
    postcode: bool,
}

impl<W: std::io::Write> CsvWriter<W> {
    pub fn new(mut out: W, first_number: i64, postcode: bool) -> anyhow::Result<Self> {
        out.write_all("\u{FEFF}".as_bytes())?;
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        let mut header = vec!["number", "name", "country"];
        if postcode {
            header.push("postcode");
        }
        header.extend(["comment", "signed_at"]);
        csv.write_record(&header)?;
        Ok(CsvWriter {
            csv,
            next_number: first_number,
            postcode,
        })
    }

    /// Field by field into one reused buffer: a million rows should cost the database's time,
    /// not an allocation per cell and a date format parsed per row.
    pub fn write(&mut self, rows: &[Signer]) -> anyhow::Result<()> {
        use std::fmt::Write as _;
        let mut cell = String::with_capacity(24);
        for s in rows {
            cell.clear();
            write!(cell, "{}", self.next_number)?;
            self.csv.write_field(&cell)?;
            self.csv.write_field(defused(&s.name).as_bytes())?;
            self.csv.write_field(defused(&s.country).as_bytes())?;
            if self.postcode {
                self.csv
                    .write_field(defused(s.postcode.as_deref().unwrap_or("")).as_bytes())?;
            }
            self.csv
                .write_field(defused(s.comment.as_deref().unwrap_or("")).as_bytes())?;
            cell.clear();
            crate::signatures::export::write_csv_time(&mut cell, s.confirmed_at);
            self.csv.write_field(&cell)?;
            self.csv.write_record(None::<&[u8]>)?;
            self.next_number += 1;
        }
        Ok(())
    }

    /// Flushes and gives the writer back.
    pub fn finish(self) -> anyhow::Result<W> {
        self.csv
            .into_inner()
            .map_err(|e| anyhow::anyhow!("writing the CSV failed: {}", e.error()))
    }
}

/// The covered signers as CSV in memory, or `None` once it would exceed `max` bytes.
pub fn csv_at_most(
    conn: &mut PgConnection,
    coverage: &Coverage,
    first_number: i64,
    postcode: bool,
    max: usize,
) -> anyhow::Result<Option<Vec<u8>>> {
    let mut writer = CsvWriter::new(Vec::new(), first_number, postcode)?;
    let mut too_big = false;
    for_each(conn, coverage, |rows| {
        writer.write(rows)?;
        too_big = writer.csv.get_ref().len() > max;
        Ok(if too_big {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    })?;
    let bytes = writer.finish()?;
    Ok((!too_big && bytes.len() <= max).then_some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(name: &str, comment: Option<&str>) -> Signer {
        Signer {
            name: name.into(),
            country: "HR".into(),
            postcode: Some("10000".into()),
            comment: comment.map(Into::into),
            confirmed_at: DateTime::parse_from_rfc3339("2027-03-04T09:30:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    #[test]
    fn the_csv_numbers_rows_quotes_what_needs_it_and_defuses_formulas() {
        let mut w = CsvWriter::new(Vec::new(), 41, false).unwrap();
        w.write(&[
            signer("Ana Petrović", Some("Stop it, \"now\"")),
            signer("=HYPERLINK(\"x\")", Some("@SUM(A1)")),
        ])
        .unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(
            text,
            "\u{FEFF}number,name,country,comment,signed_at\r\n\
             41,Ana Petrović,HR,\"Stop it, \"\"now\"\"\",2027-03-04 09:30 UTC\r\n\
             42,\"'=HYPERLINK(\"\"x\"\")\",HR,'@SUM(A1),2027-03-04 09:30 UTC\r\n"
        );
    }

    #[test]
    fn postcodes_are_in_the_csv_only_when_asked_for() {
        let mut w = CsvWriter::new(Vec::new(), 1, true).unwrap();
        w.write(&[signer("Ana", None)]).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(text.starts_with(
            "\u{FEFF}number,name,country,postcode,comment,signed_at\r\n1,Ana,HR,10000,,"
        ));
    }
}
