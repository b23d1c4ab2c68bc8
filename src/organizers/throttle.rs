//! Sign-in throttling kept in PostgreSQL, per account on each client network and per
//! network, so it holds across instances; each attempt is counted before its password is
//! checked. After a few failures each further one doubles the wait, up to a cap:
//! an attacker is slowed down, and a known organizer is never locked out for long. The key is
//! derived from the address typed, whether or not an account has it, so the answers reveal
//! nothing about which accounts exist.

use crate::db::schema::login_failures;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

/// Failures allowed on one account from one client network before waits begin.
pub const FREE_FAILURES: i32 = 5;
/// Failures allowed from one client network, whatever the accounts, before waits begin: more,
/// since several organizers may share an office's address.
pub const FREE_NETWORK_FAILURES: i32 = 20;
/// Failures older than this are forgotten.
pub const WINDOW: Duration = Duration::minutes(15);
/// The longest wait after any number of failures.
pub const MAX_WAIT: Duration = Duration::minutes(15);
const FIRST_WAIT_SECONDS: i64 = 2;

/// key, failures, last failed at, blocked until.
type FailureRow = (String, i32, DateTime<Utc>, Option<DateTime<Utc>>);

/// One counter an attempt is held to, and the failures it allows before waits begin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub free: i32,
}

/// The counters a sign-in attempt is held to: the account on this client network (so that
/// guesses elsewhere never keep the owner out), and the network across all accounts.
/// `account` is the address typed, read as its canonical form after NFKC (full-width letters
/// and ideographic full stops are the same account); `network` is the client's address as the
/// public side limits it (an IPv6 client by its prefix). Both are keyed hashes.
pub fn keys(secret: &[u8], account: &str, network: Option<&str>) -> Vec<Key> {
    let account = canonical_account(account);
    let network = network.unwrap_or("unknown");
    vec![
        Key {
            name: format!(
                "account:{}",
                crate::tokens::keyed_hash(secret, &format!("{account} {network}"))
            ),
            free: FREE_FAILURES,
        },
        Key {
            name: format!("network:{}", crate::tokens::keyed_hash(secret, network)),
            free: FREE_NETWORK_FAILURES,
        },
    ]
}

/// The account an address typed names, however it was spelled.
pub fn canonical_account(typed: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = typed
        .nfkc()
        .map(|c| if matches!(c, '\u{3002}') { '.' } else { c })
        .collect();
    match crate::domain::email::SignerEmail::parse(&folded) {
        Ok(email) => email.canonical().to_string(),
        Err(_) => folded.trim().to_lowercase(),
    }
}

/// Counts this attempt as a failure on every key before the password is checked, in one
/// transaction that locks the keys' rows, so concurrent guesses cannot all pass one check.
/// Returns the seconds to wait when a key is waiting already (nothing is counted then), or
/// `None` when the attempt may go on. A right password then calls [`succeeded`].
pub fn begin_attempt(
    conn: &mut PgConnection,
    keys: &[Key],
    now: DateTime<Utc>,
) -> QueryResult<Option<u64>> {
    let mut keys = keys.to_vec();
    keys.sort_by(|a, b| a.name.cmp(&b.name));
    conn.transaction(|conn| {
        let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
        diesel::insert_into(login_failures::table)
            .values(
                names
                    .iter()
                    .map(|name| {
                        (
                            login_failures::key.eq(*name),
                            login_failures::failures.eq(0),
                            login_failures::last_failed_at.eq(now),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
            .on_conflict_do_nothing()
            .execute(conn)?;
        let rows: Vec<FailureRow> = login_failures::table
            .filter(login_failures::key.eq_any(&names))
            .order(login_failures::key)
            .for_update()
            .load(conn)?;
        let waiting = rows.iter().filter_map(|r| r.3).filter(|u| *u > now).max();
        if let Some(until) = waiting {
            return Ok(Some((until - now).num_seconds().max(1) as u64));
        }
        for (name, failures, last, _) in rows {
            let free = keys.iter().find(|k| k.name == name).map_or(0, |k| k.free);
            let failures = if now - last > WINDOW { 1 } else { failures + 1 };
            diesel::update(login_failures::table.find(&name))
                .set((
                    login_failures::failures.eq(failures),
                    login_failures::last_failed_at.eq(now),
                    login_failures::blocked_until.eq(wait_after(failures, free).map(|w| now + w)),
                ))
                .execute(conn)?;
        }
        Ok(None)
    })
}

/// After a right password: the account's counter on this network is forgotten, and the
/// network's takes back the attempt counted for it.
pub fn succeeded(conn: &mut PgConnection, keys: &[Key]) -> QueryResult<()> {
    for key in keys {
        if key.free == FREE_FAILURES {
            clear(conn, std::slice::from_ref(&key.name))?;
        } else {
            diesel::update(login_failures::table.find(&key.name))
                .set((
                    login_failures::failures.eq(login_failures::failures - 1),
                    login_failures::blocked_until.eq(None::<DateTime<Utc>>),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Forgets the failures on `keys` after a successful sign-in.
pub fn clear(conn: &mut PgConnection, keys: &[String]) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::key.eq_any(keys))).execute(conn)
}

/// The wait after `failures` failures in the window on a key that allows `free`: none for
/// the first few, then doubling, never beyond [`MAX_WAIT`].
pub fn wait_after(failures: i32, free: i32) -> Option<Duration> {
    let over = failures - free;
    if over < 0 {
        return None;
    }
    let seconds = FIRST_WAIT_SECONDS.saturating_mul(1i64 << over.min(20));
    Some(Duration::seconds(seconds).min(MAX_WAIT))
}

/// Old rows, no longer of any use.
pub fn forget_before(conn: &mut PgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::last_failed_at.lt(before)))
        .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_a_few_failures_double_and_stop_growing() {
        let free = FREE_FAILURES;
        assert_eq!(wait_after(1, free), None);
        assert_eq!(wait_after(free - 1, free), None);
        assert_eq!(wait_after(free, free), Some(Duration::seconds(2)));
        assert_eq!(wait_after(free + 1, free), Some(Duration::seconds(4)));
        assert_eq!(wait_after(1000, free), Some(MAX_WAIT));
    }

    #[test]
    fn full_width_and_ideographic_spellings_of_an_address_are_one_account() {
        let plain = canonical_account("Ana@RiverCommons.example");
        for typed in [
            "ａｎａ@rivercommons.example",
            "ana＠rivercommons．example",
            "ana@rivercommons\u{3002}example",
            " ANA@rivercommons.example ",
        ] {
            assert_eq!(canonical_account(typed), plain, "{typed:?}");
        }
        let secret = b"a secret";
        let net = Some("2001:db8:1:2::/64");
        assert_eq!(
            keys(secret, "ａｎａ@rivercommons.example", net),
            keys(secret, "ana@rivercommons.example", net)
        );
        assert_ne!(
            keys(secret, "ana@rivercommons.example", net)[0],
            keys(secret, "ana@rivercommons.example", Some("203.0.113.7"))[0]
        );
    }
}
