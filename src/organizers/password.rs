//! Password storage: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane). Hashing is
//! slow on purpose, so callers run it on the blocking pool; an unknown account is checked
//! against a dummy hash so it costs the same time as a wrong password.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

/// OWASP's minimum for argon2id: m=19456 KiB, t=2, p=1.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;
/// Shortest password accepted for a new account.
pub const MIN_LENGTH: usize = 12;
/// Longest password accepted: hashing more than this is only a way to make us work.
pub const MAX_LENGTH: usize = 1024;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) to store for `password`.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

/// How a password check came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Right, but stored with weaker parameters: store this new hash.
    YesRehash(String),
}

/// Checks `password` against `stored`; with no stored hash (unknown account) it checks a dummy
/// so the answer takes as long and is always `No`.
pub fn verify(password: &str, stored: Option<&str>) -> Verified {
    let (stored, real) = match stored {
        Some(s) => (s, true),
        None => (dummy(), false),
    };
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verified::No;
    };
    // Verify with the parameters stored in the hash, so old hashes still work.
    if Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_err()
        || !real
    {
        return Verified::No;
    }
    if is_current(&parsed) {
        return Verified::Yes;
    }
    match hash(password) {
        Ok(new) => Verified::YesRehash(new),
        Err(_) => Verified::Yes,
    }
}

fn is_current(parsed: &PasswordHash<'_>) -> bool {
    let Ok(params) = Params::try_from(parsed) else {
        return false;
    };
    parsed.algorithm.as_str() == "argon2id"
        && params.m_cost() >= MEMORY_KIB
        && params.t_cost() >= PASSES
        && params.p_cost() >= LANES
}

fn dummy() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("no account has this password").unwrap_or_default())
}

/// A random password for `user add` without one: 20 characters from an unambiguous alphabet.
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Why a new password was refused.
pub fn check_new(password: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err("Use at least 12 characters.");
    }
    if length > MAX_LENGTH {
        return Err("Use at most 1024 characters.");
    }
    if password.chars().all(char::is_whitespace) {
        return Err("Use letters, digits or signs, not only spaces.");
    }
    if password.chars().any(char::is_control) {
        return Err("Leave out tabs, line breaks and other control characters.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let stored = hash("correct horse battery").unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert_eq!(
            verify("correct horse battery", Some(&stored)),
            Verified::Yes
        );
        assert_eq!(verify("wrong", Some(&stored)), Verified::No);
        assert_eq!(verify("correct horse battery", None), Verified::No);
    }

    #[test]
    fn a_hash_with_weaker_parameters_is_replaced_on_a_right_password() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(b"correct horse battery", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        let Verified::YesRehash(new) = verify("correct horse battery", Some(&weak)) else {
            panic!("a weak hash is replaced");
        };
        assert!(new.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    }

    #[test]
    fn generated_passwords_are_long_enough() {
        let p = generate();
        assert!(check_new(&p).is_ok());
        assert_ne!(p, generate());
        assert!(check_new("short").is_err());
    }

    #[test]
    fn passwords_of_only_spaces_or_with_control_characters_are_refused_with_a_message() {
        let rows = [
            (" ".repeat(12), "not only spaces"),
            ("\u{3000}".repeat(12), "not only spaces"),
            ("correct horse\tbattery".to_string(), "control characters"),
            ("correct horse\nbattery".to_string(), "control characters"),
            ("correct horse\0battery".to_string(), "control characters"),
        ];
        for (password, message) in rows {
            let refused = check_new(&password).expect_err(&format!("{password:?} is refused"));
            assert!(refused.contains(message), "{password:?}: {refused}");
        }
        assert!(check_new("  spaces inside are fine  ").is_ok());
    }
}
