//! Secrets handed to supporters (confirmation links) and keyed hashes of what we must not
//! store in the clear (IP addresses).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh 256-bit token, URL-safe, and the hash under which it is stored.
pub fn generate() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

/// The stored form of a token: only its SHA-256 is kept, so a database leak reveals no link.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` has the shape of one we issued (43 URL-safe characters); anything else is
/// refused before touching the database.
pub fn looks_valid(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A keyed hash of an IP address: equal addresses give equal hashes, but the address cannot
/// be recovered without the secret key.
pub fn keyed_hash(key: &[u8], value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(value.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

fn preview_mac(key: &[u8], campaign: uuid::Uuid) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(b"preview:");
    mac.update(campaign.as_bytes());
    mac
}

/// The token in a draft's preview link (`/c/{slug}?preview=…`): 128 bits of HMAC over the
/// campaign's id, so only someone given the link can see the draft, and it needs no storage.
pub fn preview_token(key: &[u8], campaign: uuid::Uuid) -> String {
    URL_SAFE_NO_PAD.encode(&preview_mac(key, campaign).finalize().into_bytes()[..16])
}

/// Whether `token` is the preview token of `campaign`.
pub fn is_preview_token(key: &[u8], campaign: uuid::Uuid, token: &str) -> bool {
    URL_SAFE_NO_PAD.decode(token).is_ok_and(|tag| {
        tag.len() == 16
            && preview_mac(key, campaign)
                .verify_truncated_left(&tag)
                .is_ok()
    })
}

/// Whether a secret someone presented equals the configured one, in time that does not
/// depend on where they differ (only digests are compared).
pub fn secrets_match(given: &str, expected: &str) -> bool {
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_unique_and_carry_256_bits() {
        let (a, hash_a) = generate();
        let (b, _) = generate();
        assert_ne!(a, b);
        assert!(looks_valid(&a));
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_eq!(hash(&a), hash_a);
        assert_ne!(hash_a, a);
    }

    #[test]
    fn malformed_tokens_are_recognised_without_a_lookup() {
        assert!(!looks_valid(""));
        assert!(!looks_valid("abc"));
        assert!(!looks_valid(&"a".repeat(42)));
        assert!(!looks_valid(&format!("{}%", "a".repeat(42))));
    }

    #[test]
    fn a_preview_token_opens_only_its_own_campaign_under_its_own_key() {
        let (one, two) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let token = preview_token(b"key one", one);
        assert!(is_preview_token(b"key one", one, &token));
        assert!(!is_preview_token(b"key one", two, &token));
        assert!(!is_preview_token(b"key two", one, &token));
        assert!(!is_preview_token(b"key one", one, ""));
        assert!(!is_preview_token(b"key one", one, &token[..10]));
    }

    #[test]
    fn secrets_match_only_when_equal() {
        assert!(secrets_match("s3cret-token", "s3cret-token"));
        assert!(!secrets_match("s3cret-tokeN", "s3cret-token"));
        assert!(!secrets_match("", "s3cret-token"));
    }

    #[test]
    fn ip_hashes_depend_on_the_key() {
        let a = keyed_hash(b"key one", "203.0.113.7");
        assert_eq!(a, keyed_hash(b"key one", "203.0.113.7"));
        assert_ne!(a, keyed_hash(b"key two", "203.0.113.7"));
        assert!(!a.contains("203"));
    }
}
