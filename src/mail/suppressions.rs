//! The do-not-mail list: addresses that must never be mailed again (a hard bounce, a
//! complaint) or never sent an alert again (an unsubscribe). It holds no readable address,
//! only a keyed hash (HMAC-SHA-256 under the secret key) of the canonical address, so the
//! list of people who said no names nobody, and survives the erasure of their record.

use crate::db::schema::{supporters, suppressions};
use diesel::prelude::*;
use diesel::sql_types::{Array, Nullable, Text};
use std::collections::HashMap;

/// Why an address is on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The supporter asked for no more alerts: transactional mail (their own confirmation)
    /// still reaches them.
    Unsubscribed,
    /// A permanent delivery failure: nothing is sent to the address again.
    Bounced,
    /// The recipient reported a message as spam: nothing is sent to the address again.
    Complained,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Unsubscribed => "unsubscribed",
            Reason::Bounced => "bounced",
            Reason::Complained => "complained",
        }
    }

    pub fn parse(name: &str) -> Option<Reason> {
        [Reason::Unsubscribed, Reason::Bounced, Reason::Complained]
            .into_iter()
            .find(|reason| reason.as_str() == name)
    }

    /// Whether the reason stops every message, not only alerts.
    pub fn stops_all_mail(self) -> bool {
        !matches!(self, Reason::Unsubscribed)
    }
}

/// The canonical form of an address the list is keyed on: the whole address lower-cased,
/// as supporters' addresses are compared.
pub fn canonical(address: &str) -> String {
    address.trim().to_lowercase()
}

/// The stored form of `address` on the list.
pub fn address_hash(key: &[u8], address: &str) -> String {
    crate::tokens::keyed_hash(key, &format!("do-not-mail:{}", canonical(address)))
}

/// Puts each `(address, reason, detail)` on the list (an address already on it keeps its
/// first entry, except that a bounce or complaint outranks an unsubscribe), and marks a
/// supporter with a suppressed address so alerts' audiences leave them out.
pub fn add(
    conn: &mut PgConnection,
    key: &[u8],
    entries: &[(&str, Reason, Option<&str>)],
) -> QueryResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let hashes: Vec<String> = entries
        .iter()
        .map(|(a, _, _)| address_hash(key, a))
        .collect();
    let reasons: Vec<&str> = entries.iter().map(|(_, r, _)| r.as_str()).collect();
    let details: Vec<Option<&str>> = entries.iter().map(|(_, _, d)| *d).collect();
    diesel::sql_query(
        "INSERT INTO suppressions (address_hash, reason, detail) \
         SELECT DISTINCT ON (h) h, r, d FROM unnest($1::text[], $2::text[], $3::text[]) AS v(h, r, d) \
         ORDER BY h, r = 'unsubscribed' \
         ON CONFLICT (address_hash) DO UPDATE SET reason = excluded.reason, detail = excluded.detail, \
             created_at = now() \
         WHERE suppressions.reason = 'unsubscribed' AND excluded.reason <> 'unsubscribed'",
    )
    .bind::<Array<Text>, _>(&hashes)
    .bind::<Array<Text>, _>(&reasons)
    .bind::<Array<Nullable<Text>>, _>(&details)
    .execute(conn)?;
    let stopping: Vec<(String, &str)> = entries
        .iter()
        .filter(|(_, reason, _)| reason.stops_all_mail())
        .map(|(address, reason, _)| (canonical(address), reason.as_str()))
        .collect();
    if !stopping.is_empty() {
        let (addresses, reasons): (Vec<String>, Vec<&str>) = stopping.into_iter().unzip();
        diesel::sql_query(
            "UPDATE supporters s SET suppressed_at = now(), suppressed_reason = v.reason \
             FROM unnest($1::text[], $2::text[]) AS v(address, reason) \
             WHERE s.email_canonical = v.address \
               AND (s.suppressed_reason IS NULL OR v.reason = 'complained')",
        )
        .bind::<Array<Text>, _>(&addresses)
        .bind::<Array<Text>, _>(&reasons)
        .execute(conn)?;
    }
    Ok(())
}

/// Takes `address` off the list where it is there only because its supporter unsubscribed
/// (they have opted in again); a bounce or complaint stays.
pub fn remove_unsubscribe(conn: &mut PgConnection, key: &[u8], address: &str) -> QueryResult<()> {
    diesel::delete(
        suppressions::table
            .find(address_hash(key, address))
            .filter(suppressions::reason.eq(Reason::Unsubscribed.as_str())),
    )
    .execute(conn)?;
    Ok(())
}

/// Which of `addresses` are on the list, and why (keyed by the address as given).
pub fn lookup<'a>(
    conn: &mut PgConnection,
    key: &[u8],
    addresses: impl IntoIterator<Item = &'a str>,
) -> QueryResult<HashMap<&'a str, Reason>> {
    let by_hash: HashMap<String, &'a str> = addresses
        .into_iter()
        .map(|address| (address_hash(key, address), address))
        .collect();
    if by_hash.is_empty() {
        return Ok(HashMap::new());
    }
    let hashes: Vec<&String> = by_hash.keys().collect();
    let found: Vec<(String, String)> = suppressions::table
        .filter(suppressions::address_hash.eq_any(hashes))
        .select((suppressions::address_hash, suppressions::reason))
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter_map(|(hash, reason)| Some((*by_hash.get(&hash)?, Reason::parse(&reason)?)))
        .collect())
}

/// Hashes the readable rows an older release kept (`suppressions_readable`, left by the
/// migration that introduced the hashed list, which cannot hash without the key), together
/// with every supporter who had unsubscribed, then drops them. Runs after every migration;
/// does nothing once done.
pub fn hash_readable_rows(conn: &mut PgConnection, key: &[u8]) -> QueryResult<usize> {
    #[derive(QueryableByName)]
    struct Present {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        present: bool,
    }
    let legacy =
        diesel::sql_query("SELECT to_regclass('suppressions_readable') IS NOT NULL AS present")
            .get_result::<Present>(conn)?
            .present;
    if !legacy {
        return Ok(0);
    }
    conn.transaction(|conn| {
        #[derive(QueryableByName)]
        struct Readable {
            #[diesel(sql_type = Text)]
            email_canonical: String,
            #[diesel(sql_type = Text)]
            reason: String,
        }
        let rows: Vec<Readable> = diesel::sql_query(
            "SELECT email_canonical, reason FROM suppressions_readable FOR UPDATE",
        )
        .load(conn)?;
        let unsubscribed: Vec<String> = supporters::table
            .filter(supporters::unsubscribed_at.is_not_null())
            .select(supporters::email_canonical)
            .load(conn)?;
        let mut entries: Vec<(&str, Reason, Option<&str>)> = rows
            .iter()
            .map(|r| {
                (
                    r.email_canonical.as_str(),
                    Reason::Bounced,
                    Some(r.reason.as_str()),
                )
            })
            .collect();
        entries.extend(
            unsubscribed
                .iter()
                .map(|address| (address.as_str(), Reason::Unsubscribed, None)),
        );
        add(conn, key, &entries)?;
        diesel::sql_query("DROP TABLE suppressions_readable").execute(conn)?;
        Ok(entries.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_keys_an_address_on_its_canonical_form_and_never_holds_it() {
        let key = b"a key of thirty-two bytes or more!!";
        let hash = address_hash(key, " Ana.Petrovic@RiverCommons.example ");
        assert_eq!(hash, address_hash(key, "ana.petrovic@rivercommons.example"));
        assert!(!hash.contains("ana"), "{hash}");
        assert_ne!(
            hash,
            address_hash(
                b"another key entirely, also long!!",
                "ana.petrovic@rivercommons.example"
            )
        );
        assert_ne!(
            hash,
            crate::tokens::keyed_hash(key, "ana.petrovic@rivercommons.example")
        );
    }
}
