//! Supporters as alert recipients: the list (imports, counts, search), the unsubscribe link
//! every alert carries, and what following it does. The link is a keyed token, so it needs no stored state and cannot be
//! guessed for someone else's address.

pub mod import;
pub mod list;
pub mod record;

use crate::db::schema::supporters;
use crate::mail::suppressions::{self, Reason};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

fn mac(key: &[u8], supporter: Uuid) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(b"unsubscribe:");
    mac.update(supporter.as_bytes());
    mac
}

/// The token in `/unsubscribe/{token}` for `supporter`: its id and 128 bits of HMAC.
pub fn unsubscribe_token(key: &[u8], supporter: Uuid) -> String {
    let tag = mac(key, supporter).finalize().into_bytes();
    let mut bytes = supporter.as_bytes().to_vec();
    bytes.extend_from_slice(&tag[..16]);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The supporter a token was made for, if it is genuine.
pub fn supporter_of(key: &[u8], token: &str) -> Option<Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    if bytes.len() != 32 {
        return None;
    }
    let supporter = Uuid::from_slice(&bytes[..16]).ok()?;
    mac(key, supporter)
        .verify_truncated_left(&bytes[16..])
        .ok()
        .map(|()| supporter)
}

/// Stops alerts to `supporter` and puts their address on the do-not-mail list. Returns
/// false when no such supporter exists; unsubscribing twice is harmless.
pub fn unsubscribe(conn: &mut PgConnection, key: &[u8], supporter: Uuid) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let email: Option<String> = supporters::table
            .find(supporter)
            .select(supporters::email_canonical)
            .for_update()
            .first(conn)
            .optional()?;
        let Some(email) = email else {
            return Ok(false);
        };
        diesel::update(
            supporters::table
                .find(supporter)
                .filter(supporters::unsubscribed_at.is_null()),
        )
        .set(supporters::unsubscribed_at.eq(Utc::now()))
        .execute(conn)?;
        suppressions::add(conn, key, &[(&email, Reason::Unsubscribed, None)])?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsubscribe_token_names_its_supporter_and_cannot_be_forged() {
        let key = b"a key of thirty-two bytes or more!!";
        let id = Uuid::now_v7();
        let token = unsubscribe_token(key, id);
        assert_eq!(token.len(), 43);
        assert_eq!(supporter_of(key, &token), Some(id));
        assert_eq!(
            supporter_of(b"another key entirely, also long", &token),
            None
        );
        let other = unsubscribe_token(key, Uuid::now_v7());
        let forged = format!("{}{}", &token[..21], &other[21..]);
        assert_eq!(supporter_of(key, &forged), None);
        assert_eq!(supporter_of(key, "not a token"), None);
    }
}
