//! Signed download links for a batch's CSV (`/d/{token}`), for when the CSV is too large to
//! attach. The token names the batch message and its expiry and carries a keyed hash of both,
//! so nothing needs storing and a changed or expired link is refused.

use super::signers::{Coverage, CsvPages};
use crate::db::schema::{batch_targets, campaigns};
use crate::tokens::keyed_hash;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

/// How long a download link works.
pub const VALID_FOR: Duration = Duration::days(30);

/// The token for `batch_target_id`, valid until `expires`.
pub fn token(key: &[u8], batch_target_id: Uuid, expires: DateTime<Utc>) -> String {
    let payload = format!("{}.{}", batch_target_id.simple(), expires.timestamp());
    let mac = keyed_hash(key, &format!("download:{payload}"));
    format!("{payload}.{mac}")
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Invalid,
    Expired,
}

/// The batch message a token names, if it is genuine and not expired at `now`.
pub fn verify(key: &[u8], token: &str, now: DateTime<Utc>) -> Result<Uuid, Refused> {
    let mut parts = token.split('.');
    let (Some(id), Some(expires), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refused::Invalid);
    };
    let expected = keyed_hash(key, &format!("download:{id}.{expires}"));
    // Compared without stopping at the first difference, so timing tells nothing.
    let differs = expected.len() != mac.len()
        || expected
            .bytes()
            .zip(mac.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            != 0;
    if differs {
        return Err(Refused::Invalid);
    }
    let id = Uuid::try_parse(id).map_err(|_| Refused::Invalid)?;
    let expires = expires.parse::<i64>().map_err(|_| Refused::Invalid)?;
    if now.timestamp() > expires {
        return Err(Refused::Expired);
    }
    Ok(id)
}

/// What a download link serves: the CSV of one batch message.
#[derive(Debug, Clone)]
pub struct Download {
    pub filename: String,
    coverage: Coverage,
    first_number: i64,
    postcode: bool,
}

/// The download of batch message `id`, if it still exists.
pub fn open(conn: &mut PgConnection, id: Uuid) -> anyhow::Result<Option<Download>> {
    let row: Option<(Uuid, i32, i32, i64, i64, String, bool)> = batch_targets::table
        .inner_join(campaigns::table)
        .filter(batch_targets::id.eq(id))
        .select((
            batch_targets::campaign_id,
            batch_targets::from_seq,
            batch_targets::to_seq,
            batch_targets::first_number,
            batch_targets::last_number,
            campaigns::slug,
            campaigns::include_postcode,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(campaign_id, from_seq, to_seq, first, last, slug, postcode)| Download {
            filename: format!("{slug}-signatures-{first}-{last}.csv"),
            coverage: Coverage {
                campaign_id,
                from_seq,
                to_seq,
                pending: false,
            },
            first_number: first,
            postcode,
        },
    ))
}

impl Download {
    /// The download's CSV, to be read a page at a time.
    pub fn pages(&self, conn: &mut PgConnection) -> anyhow::Result<CsvPages> {
        CsvPages::start(conn, &self.coverage, self.first_number, self.postcode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_batch_until_it_expires() {
        let id = Uuid::now_v7();
        let now = Utc::now();
        let t = token(b"key", id, now + VALID_FOR);
        assert_eq!(verify(b"key", &t, now), Ok(id));
        assert_eq!(
            verify(b"key", &t, now + VALID_FOR + Duration::seconds(1)),
            Err(Refused::Expired)
        );
    }

    #[test]
    fn a_changed_or_foreign_token_is_refused() {
        let id = Uuid::now_v7();
        let now = Utc::now();
        let t = token(b"key", id, now + VALID_FOR);
        assert_eq!(verify(b"other key", &t, now), Err(Refused::Invalid));
        let later = t.replacen('.', ".9", 1);
        assert_eq!(verify(b"key", &later, now), Err(Refused::Invalid));
        for junk in ["", "a.b", "a.b.c.d", "../../etc/passwd"] {
            assert_eq!(verify(b"key", junk, now), Err(Refused::Invalid), "{junk}");
        }
    }
}
