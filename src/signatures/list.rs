//! The organizers' view of a campaign's signatures: newest first, held ones only, or a search
//! by name prefix or by e-mail address, one page at a time by keyset (the last row's id),
//! never by OFFSET; and the waiting and held figures, read from tallies, never counted.

use super::SignatureState;
use crate::db::schema::campaign_tallies;
use crate::db::types::CampaignId;
use crate::domain::email::SignerEmail;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// The longest search accepted: longer than any name or address.
pub const SEARCH_MAX_CHARS: usize = 300;

/// Which signatures a page lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// Every signature, newest first.
    All,
    /// Held signatures, and those waiting for a confirmation the daily mail cap kept back,
    /// newest first, narrowed by the filter.
    Held(HeldFilter),
    /// Names starting with this text (case-insensitive), in name order.
    NamePrefix(String),
    /// The signatures of the supporter with this canonical address (a few rows at most).
    Email(String),
}

/// What the held list is narrowed to; an empty part narrows nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct HeldFilter {
    /// The start of the name (case-insensitive).
    pub name: String,
    /// The e-mail domain, e.g. `mailinator.com`.
    pub domain: String,
    /// The keyed hash of the IP address, as the list shows it.
    pub ip: String,
    /// Submitted at or after this time.
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Submitted before this time.
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

impl HeldFilter {
    pub fn is_empty(&self) -> bool {
        *self == HeldFilter::default()
    }
}

impl Listing {
    /// What a search box holds: an address when it has an `@`, else the start of a name.
    /// `Err` carries the message for an address that cannot be one.
    pub fn search(input: &str) -> Result<Listing, String> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(Listing::All);
        }
        // PostgreSQL text cannot hold NUL, and no name holds a control character.
        if input.chars().any(char::is_control) {
            return Err("Please search without control characters.".into());
        }
        if input.chars().count() > SEARCH_MAX_CHARS {
            return Err(format!(
                "Please search with at most {SEARCH_MAX_CHARS} characters."
            ));
        }
        if input.contains('@') {
            return SignerEmail::parse(input)
                .map(|e| Listing::Email(e.canonical().to_string()))
                .map_err(|e| e.to_string());
        }
        Ok(Listing::NamePrefix(input.nfc().collect()))
    }
}

/// One signature as the admin lists it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Listed {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Text)]
    pub country: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub comment: Option<String>,
    #[diesel(sql_type = Text)]
    pub state: SignatureState,
    #[diesel(sql_type = Nullable<Text>)]
    pub held_reason: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub confirmed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub mail_capped_at: Option<DateTime<Utc>>,
}

impl Listed {
    /// The state in words: confirmed, waiting for confirmation, held (and why), invalid.
    pub fn state_label(&self) -> String {
        match (self.state, &self.confirmed_at, &self.held_reason) {
            (SignatureState::Counted, Some(_), _) => "confirmed".into(),
            (SignatureState::Counted, None, _) if self.mail_capped_at.is_some() => {
                "waiting: no confirmation e-mail sent (this address's daily limit)".into()
            }
            (SignatureState::Counted, None, _) => "waiting for confirmation".into(),
            (SignatureState::Held, _, Some(reason)) => {
                format!("held: {}", reason.replace('_', " "))
            }
            (state, _, _) => state.as_str().to_string(),
        }
    }

    /// Waiting for a confirmation e-mail that the daily cap kept back: releasing it sends one.
    pub fn mail_capped(&self) -> bool {
        self.state == SignatureState::Counted
            && self.confirmed_at.is_none()
            && self.mail_capped_at.is_some()
    }

    /// The address split before its `@`, where a narrow column may wrap it.
    pub fn email_parts(&self) -> (&str, &str) {
        self.email.rsplit_once('@').unwrap_or((&self.email, ""))
    }

    /// The country's English name (the code when it is not a known one).
    pub fn country_name(&self) -> &str {
        crate::domain::country::Country::name_of(&self.country).unwrap_or(&self.country)
    }

    /// When it was submitted, in UTC to the minute.
    pub fn signed_at(&self) -> String {
        self.created_at.format("%Y-%m-%d %H:%M").to_string()
    }

    /// When it was confirmed, or a dash.
    pub fn confirmed_label(&self) -> String {
        self.confirmed_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "–".into())
    }
}

/// One page of signatures and the cursor of the next, when there is one.
#[derive(Debug, Clone)]
pub struct Page {
    pub rows: Vec<Listed>,
    pub next: Option<Uuid>,
}

const COLUMNS: &str = "SELECT s.id, s.name, p.email, s.country, s.comment, s.state, \
     s.held_reason, s.created_at, s.confirmed_at, s.mail_capped_at \
     FROM signatures s JOIN supporters p ON p.id = s.supporter_id";

/// Up to `limit` signatures of `campaign` after the row `after`.
pub fn page(
    conn: &mut PgConnection,
    campaign: CampaignId,
    listing: &Listing,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Page> {
    // One more row than shown tells whether a next page exists.
    let fetch = limit + 1;
    let after_id = |column: &str| match after {
        Some(_) => format!("AND s.id {column} $3"),
        None => "AND $3::uuid IS NULL".into(),
    };
    let sql = match listing {
        Listing::All => format!(
            "{COLUMNS} WHERE s.campaign_id = $1 {} ORDER BY s.id DESC LIMIT $2",
            after_id("<")
        ),
        // Each half reads its own partial index.
        // The filter travels as JSON in $4.
        Listing::Held(_) => format!(
            "SELECT * FROM ( \
               ({COLUMNS} WHERE s.campaign_id = $1 AND s.state = 'held' {after} {matching} \
                ORDER BY s.id DESC LIMIT $2) \
               UNION ALL \
               ({COLUMNS} WHERE s.campaign_id = $1 AND s.mail_capped_at IS NOT NULL \
                  AND s.state = 'counted' AND s.confirmed_at IS NULL {after} {matching} \
                ORDER BY s.id DESC LIMIT $2) \
             ) s ORDER BY s.id DESC LIMIT $2",
            after = after_id("<"),
            matching = "AND starts_with(lower(s.name), lower($4::jsonb->>'name')) \
                AND ($4::jsonb->>'domain' = '' \
                     OR split_part(p.email_canonical, '@', 2) = lower($4::jsonb->>'domain')) \
                AND ($4::jsonb->>'ip' = '' OR s.ip_hash = $4::jsonb->>'ip') \
                AND (jsonb_typeof($4::jsonb->'since') IS DISTINCT FROM 'string' \
                     OR s.created_at >= ($4::jsonb->>'since')::timestamptz) \
                AND (jsonb_typeof($4::jsonb->'until') IS DISTINCT FROM 'string' \
                     OR s.created_at < ($4::jsonb->>'until')::timestamptz)"
        ),
        // The two halves read the one-per-supporter index and the held index.
        Listing::Email(_) => format!(
            "SELECT * FROM ( \
               ({COLUMNS} WHERE s.campaign_id = $1 AND s.state <> 'held' AND s.supporter_id = \
                  (SELECT id FROM supporters WHERE email_canonical = $4)) \
               UNION ALL \
               ({COLUMNS} WHERE s.campaign_id = $1 AND s.state = 'held' AND s.supporter_id = \
                  (SELECT id FROM supporters WHERE email_canonical = $4)) \
             ) s WHERE true {} ORDER BY s.id DESC LIMIT $2",
            after_id("<")
        ),
        Listing::NamePrefix(_) => {
            let key = "lower(s.name COLLATE \"und-x-icu\") COLLATE \"C\"";
            let after = match after {
                Some(_) => format!(
                    "AND ({key}, s.id) > ((SELECT lower(name COLLATE \"und-x-icu\") COLLATE \"C\" \
                       FROM signatures \
                       WHERE id = $3 AND campaign_id = $1), $3)"
                ),
                None => "AND $3::uuid IS NULL".into(),
            };
            format!(
                "{COLUMNS} WHERE s.campaign_id = $1 \
                 AND {key} >= lower($4 COLLATE \"und-x-icu\") COLLATE \"C\" \
                 AND {key} < (lower($4 COLLATE \"und-x-icu\") || chr(1114111)) COLLATE \"C\" \
                 {after} \
                 ORDER BY {key}, s.id LIMIT $2"
            )
        }
    };
    let filter;
    let text = match listing {
        Listing::Email(t) | Listing::NamePrefix(t) => t.as_str(),
        Listing::Held(f) => {
            filter = serde_json::to_string(f).unwrap_or_else(|_| "{}".into());
            filter.as_str()
        }
        Listing::All => "",
    };
    let mut rows: Vec<Listed> = diesel::sql_query(sql)
        .bind::<SqlUuid, _>(campaign.0)
        .bind::<BigInt, _>(fetch)
        .bind::<Nullable<SqlUuid>, _>(after)
        .bind::<Text, _>(text)
        .load(conn)?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(Page { rows, next })
}

/// Signatures of `campaign` waiting for a confirmation e-mail the daily cap kept back: few,
/// read on their own partial index.
pub fn mail_capped(conn: &mut PgConnection, campaign: CampaignId) -> QueryResult<i64> {
    use crate::db::schema::signatures;
    signatures::table
        .filter(signatures::campaign_id.eq(campaign))
        .filter(signatures::mail_capped_at.is_not_null())
        .filter(signatures::state.eq(SignatureState::Counted))
        .filter(signatures::confirmed_at.is_null())
        .count()
        .get_result(conn)
}

/// Signatures of `campaign` waiting for confirmation, and held for review, from the tallies.
pub fn waiting_and_held(conn: &mut PgConnection, campaign: CampaignId) -> QueryResult<(i64, i64)> {
    let shards: Vec<(i64, i64)> = campaign_tallies::table
        .filter(campaign_tallies::campaign_id.eq(campaign))
        .select((campaign_tallies::unconfirmed, campaign_tallies::held))
        .load(conn)?;
    Ok(shards
        .into_iter()
        .fold((0, 0), |(w, h), (dw, dh)| (w + dw, h + dh)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_with_an_at_sign_is_an_address_and_anything_else_a_name() {
        assert_eq!(Listing::search("  ").unwrap(), Listing::All);
        assert_eq!(
            Listing::search(" Ana@Example.ORG ").unwrap(),
            Listing::Email("ana@example.org".into())
        );
        assert_eq!(
            Listing::search("Ana Hor").unwrap(),
            Listing::NamePrefix("Ana Hor".into())
        );
        assert_eq!(
            Listing::search("A\u{0301}na").unwrap(),
            Listing::NamePrefix("\u{00C1}na".into()),
            "names are stored NFC, so the search is too"
        );
        assert!(Listing::search("ana@").is_err());
        assert!(
            Listing::search("an\0a").is_err(),
            "NUL cannot reach the database"
        );
        assert!(Listing::search(&"a".repeat(SEARCH_MAX_CHARS + 1)).is_err());
    }
}
