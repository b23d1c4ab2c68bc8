//! The signers a batch message carries, read in delivery order (batch, then confirmation
//! time) a page at a time on the membership indexes, so that any number of them is read in
//! constant memory and no page needs the connection the one before it used; and the CSV they
//! are written to, with cells a spreadsheet would run as formulas defused.

use crate::db::schema::batches;
use crate::signatures::export::defused;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamptz};
use std::ops::ControlFlow;
use uuid::Uuid;

/// Rows read per page.
const PAGE: i64 = 2000;

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

/// A row with its place in the membership index, which the next page starts after.
#[derive(QueryableByName)]
struct Placed {
    #[diesel(embed)]
    signer: Signer,
    #[diesel(sql_type = Timestamptz)]
    placed_at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    placed_id: Uuid,
}

/// Where a reading of the covered signers has got to. Each page is one indexed query, so a
/// caller may take a connection for a page and give it back before it uses the rows (a
/// download waiting for a slow client holds nothing).
pub struct Reading {
    /// The covered batches still to read, in delivery order; `None` stands for the pending
    /// signatures after them.
    parts: std::collections::VecDeque<Option<Uuid>>,
    campaign_id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
}

impl Reading {
    /// A reading from the first covered signer.
    pub fn start(conn: &mut PgConnection, coverage: &Coverage) -> anyhow::Result<Reading> {
        let ids: Vec<Uuid> = batches::table
            .filter(batches::campaign_id.eq(coverage.campaign_id))
            .filter(batches::seq.gt(coverage.from_seq))
            .filter(batches::seq.le(coverage.to_seq))
            .order(batches::seq)
            .select(batches::id)
            .load(conn)?;
        let mut parts: std::collections::VecDeque<Option<Uuid>> =
            ids.into_iter().map(Some).collect();
        if coverage.pending {
            parts.push_back(None);
        }
        Ok(Reading {
            parts,
            campaign_id: coverage.campaign_id,
            after: None,
        })
    }

    /// The next page of signers, or `None` when all have been read.
    pub fn next_page(&mut self, conn: &mut PgConnection) -> anyhow::Result<Option<Vec<Signer>>> {
        const COLUMNS: &str = "s.name, s.country, s.postcode, s.comment, s.confirmed_at";
        while let Some(part) = self.parts.front().copied() {
            let (at, id) = match self.after {
                Some((at, id)) => (Some(at), id),
                None => (None, Uuid::nil()),
            };
            let query = match part {
                Some(_) => format!(
                    "SELECT {COLUMNS}, m.confirmed_at AS placed_at, m.signature_id AS placed_id \
                     FROM batch_signatures m JOIN signatures s ON s.id = m.signature_id \
                     WHERE m.batch_id = $1 AND (m.confirmed_at, m.signature_id) > (COALESCE($2, '-infinity'), $3) \
                     ORDER BY m.confirmed_at, m.signature_id LIMIT {PAGE}"
                ),
                None => format!(
                    "SELECT {COLUMNS}, p.confirmed_at AS placed_at, p.signature_id AS placed_id \
                     FROM batch_pending p JOIN signatures s ON s.id = p.signature_id \
                     WHERE p.campaign_id = $1 AND (p.confirmed_at, p.signature_id) > (COALESCE($2, '-infinity'), $3) \
                     ORDER BY p.confirmed_at, p.signature_id LIMIT {PAGE}"
                ),
            };
            let rows: Vec<Placed> = diesel::sql_query(query)
                .bind::<diesel::sql_types::Uuid, _>(part.unwrap_or(self.campaign_id))
                .bind::<Nullable<Timestamptz>, _>(at)
                .bind::<diesel::sql_types::Uuid, _>(id)
                .load(conn)?;
            if (rows.len() as i64) < PAGE {
                self.parts.pop_front();
                self.after = None;
            } else if let Some(last) = rows.last() {
                self.after = Some((last.placed_at, last.placed_id));
            }
            if !rows.is_empty() {
                return Ok(Some(rows.into_iter().map(|r| r.signer).collect()));
            }
        }
        Ok(None)
    }
}

/// Calls `each` with the covered signers in delivery order, a page at a time, until it breaks
/// or none are left.
pub fn for_each(
    conn: &mut PgConnection,
    coverage: &Coverage,
    mut each: impl FnMut(&[Signer]) -> anyhow::Result<ControlFlow<()>>,
) -> anyhow::Result<()> {
    let mut reading = Reading::start(conn, coverage)?;
    while let Some(rows) = reading.next_page(conn)? {
        if each(&rows)?.is_break() {
            break;
        }
    }
    Ok(())
}

/// The first `n` covered signers.
pub fn first(
    conn: &mut PgConnection,
    coverage: &Coverage,
    n: usize,
) -> anyhow::Result<Vec<Signer>> {
    let mut out = Vec::with_capacity(n.min(PAGE as usize));
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
    /// A CSV starting with its byte order mark and header.
    pub fn new(mut out: W, first_number: i64, postcode: bool) -> anyhow::Result<Self> {
        out.write_all("\u{FEFF}".as_bytes())?;
        let mut writer = CsvWriter::continuing(out, first_number, postcode);
        let mut header = vec!["number", "name", "country"];
        if postcode {
            header.push("postcode");
        }
        header.extend(["comment", "signed_at"]);
        writer.csv.write_record(&header)?;
        Ok(writer)
    }

    /// More rows of a CSV whose header has been written elsewhere.
    fn continuing(out: W, next_number: i64, postcode: bool) -> Self {
        CsvWriter {
            csv: csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(out),
            next_number,
            postcode,
        }
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

impl CsvWriter<Vec<u8>> {
    /// The bytes written since the last call, for a body sent a page at a time.
    pub fn take(&mut self) -> anyhow::Result<Vec<u8>> {
        let rest = CsvWriter::continuing(Vec::new(), self.next_number, self.postcode);
        std::mem::replace(self, rest).finish()
    }
}

/// The covered signers' CSV a page at a time, for a body that is sent as it is read.
pub struct CsvPages {
    reading: Option<Reading>,
    csv: CsvWriter<Vec<u8>>,
}

impl CsvPages {
    pub fn start(
        conn: &mut PgConnection,
        coverage: &Coverage,
        first_number: i64,
        postcode: bool,
    ) -> anyhow::Result<CsvPages> {
        Ok(CsvPages {
            reading: Some(Reading::start(conn, coverage)?),
            csv: CsvWriter::new(Vec::new(), first_number, postcode)?,
        })
    }

    /// The next page's rows as CSV (the first with the header), or `None` after the last.
    pub fn next(&mut self, conn: &mut PgConnection) -> anyhow::Result<Option<Vec<u8>>> {
        let Some(reading) = self.reading.as_mut() else {
            return Ok(None);
        };
        match reading.next_page(conn)? {
            Some(rows) => self.csv.write(&rows)?,
            None => self.reading = None,
        }
        Ok(Some(self.csv.take()?))
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
