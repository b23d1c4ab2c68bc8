//! VERP: every message leaves with its own envelope sender, `<local>+<token>@<domain>` of
//! `UNDERSIGN_BOUNCE_ADDRESS`, so whatever comes back to that address names the outbox row it
//! answers. The token is the row's id and an HMAC over it under the secret key: a forged or
//! altered token names nothing. Only lowercase hex, so an MTA that folds case keeps it.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// Hex digits of the HMAC kept in a token (64 bits: forging one takes 2^64 guesses, each
/// costing the forger a mail the server ignores).
const MAC_HEX: usize = 16;

/// The bounce mailbox, split where its token goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BounceAddress {
    local: String,
    domain: String,
}

impl BounceAddress {
    /// Reads `UNDERSIGN_BOUNCE_ADDRESS`, e.g. `bounces@act.example`.
    pub fn parse(text: &str) -> Result<BounceAddress, String> {
        let text = text.trim();
        let refuse = || {
            format!(
                "UNDERSIGN_BOUNCE_ADDRESS {text:?} must be a plain address without '+', such as bounces@act.example"
            )
        };
        let (local, domain) = text.rsplit_once('@').ok_or_else(refuse)?;
        let plain = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
        };
        if !plain(local) || !plain(domain) || !domain.contains('.') {
            return Err(refuse());
        }
        // The local part's limit (RFC 5321: 64 octets) leaves room for the token.
        if local.len() + 1 + token_len() > 64 {
            return Err(format!(
                "UNDERSIGN_BOUNCE_ADDRESS: the part before '@' may have at most {} characters",
                64 - 1 - token_len()
            ));
        }
        Ok(BounceAddress {
            local: local.to_ascii_lowercase(),
            domain: domain.to_ascii_lowercase(),
        })
    }

    /// The envelope sender of outbox row `id`.
    pub fn sender(&self, key: &[u8], id: Uuid) -> String {
        format!("{}+{}@{}", self.local, token(key, id), self.domain)
    }

    /// Every token in `text` addressed to this mailbox (`local+token@domain`), in order.
    pub fn tokens_in<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let lower = text.to_ascii_lowercase();
        let prefix = format!("{}+", self.local);
        let suffix = format!("@{}", self.domain);
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = lower[from..].find(&prefix) {
            let start = from + at + prefix.len();
            let end = start + token_len();
            if lower.get(end..end + suffix.len()) == Some(suffix.as_str())
                && (from + at == 0 || !is_local_char(lower.as_bytes()[from + at - 1]))
            {
                let candidate = &text[start..end];
                if !found.contains(&candidate) {
                    found.push(candidate);
                }
            }
            from = start;
        }
        found
    }
}

fn is_local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._+".contains(&b)
}

fn token_len() -> usize {
    32 + 1 + MAC_HEX
}

fn mac(key: &[u8], id: Uuid) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(b"verp:");
    mac.update(id.as_bytes());
    hex::encode(mac.finalize().into_bytes())[..MAC_HEX].to_string()
}

/// The token naming row `id`: its id in hex, a dash, and the HMAC.
pub fn token(key: &[u8], id: Uuid) -> String {
    format!("{}-{}", id.simple(), mac(key, id))
}

/// The row a token names, when its HMAC is right; `None` for anything forged or altered.
pub fn verify(key: &[u8], token: &str) -> Option<Uuid> {
    let token = token.to_ascii_lowercase();
    let (id, given) = token.split_once('-')?;
    if id.len() != 32 || given.len() != MAC_HEX {
        return None;
    }
    let id = Uuid::parse_str(id).ok()?;
    let expected = mac(key, id);
    // Compared in constant time: the comparison must not tell a forger how much was right.
    let same = expected
        .bytes()
        .zip(given.bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    (same == 0).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a test secret key that is long enough";

    #[test]
    fn a_sender_carries_a_token_that_names_its_row_and_nothing_else() {
        let bounces = BounceAddress::parse("Bounces@Act.Example").unwrap();
        let id = Uuid::now_v7();
        let sender = bounces.sender(KEY, id);
        assert!(sender.starts_with("bounces+") && sender.ends_with("@act.example"));
        assert!(sender.split('@').next().unwrap().len() <= 64);
        let text = format!(
            "Final-Recipient: rfc822; ana@example.org\nReturn-Path: <{}>\n",
            sender.to_uppercase()
        );
        let found = bounces.tokens_in(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(verify(KEY, found[0]), Some(id));
    }

    #[test]
    fn a_forged_or_altered_token_names_no_row() {
        let id = Uuid::now_v7();
        let good = token(KEY, id);
        assert_eq!(verify(KEY, &good), Some(id));
        let mut altered = good.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(verify(KEY, std::str::from_utf8(&altered).unwrap()), None);
        let other_row = format!(
            "{}-{}",
            Uuid::now_v7().simple(),
            good.split('-').nth(1).unwrap()
        );
        assert_eq!(verify(KEY, &other_row), None);
        assert_eq!(verify(b"another key altogether", &good), None);
        for junk in ["", "-", "abc-def", &good[..good.len() - 1]] {
            assert_eq!(verify(KEY, junk), None, "{junk:?}");
        }
    }

    #[test]
    fn a_bounce_address_must_leave_room_for_its_token() {
        assert!(BounceAddress::parse("bounces@act.example").is_ok());
        for bad in [
            "bounces",
            "bounces+x@act.example",
            "@act.example",
            "b@localhost",
            &format!("{}@act.example", "b".repeat(20)),
        ] {
            assert!(BounceAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_for_another_mailbox_are_not_taken() {
        let bounces = BounceAddress::parse("bounces@act.example").unwrap();
        let t = token(KEY, Uuid::now_v7());
        assert!(bounces
            .tokens_in(&format!("xbounces+{t}@act.example"))
            .is_empty());
        assert!(bounces
            .tokens_in(&format!("bounces+{t}@other.example"))
            .is_empty());
        assert_eq!(
            bounces.tokens_in(&format!("<bounces+{t}@act.example>")),
            vec![t.as_str()]
        );
    }
}
