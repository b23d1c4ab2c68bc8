//! The name of a campaign in its URLs (`/c/{slug}`): lower-case ASCII letters and digits
//! joined by single hyphens, at most 80 characters.

use std::fmt;

/// A slug that is valid by construction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Slug(String);

/// Why a slug was refused, in words an organizer can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("Please give the action an address (for example stop-the-dam).")]
    Empty,
    #[error("Use at most 80 characters.")]
    TooLong,
    #[error("Use only lower-case letters a–z, digits and single hyphens, with no hyphen at either end (for example stop-the-dam).")]
    Characters,
}

pub const MAX_LEN: usize = 80;

/// Slugs no campaign may have: the admin's own pages sit where a campaign's would
/// (`/admin/campaigns/new`).
pub const RESERVED: &[&str] = &["new"];

/// Whether `slug` is kept for the admin's own pages.
pub fn is_reserved(slug: &str) -> bool {
    RESERVED.contains(&slug)
}

impl Slug {
    pub fn parse(input: &str) -> Result<Slug, SlugError> {
        let slug = input.trim();
        if slug.is_empty() {
            return Err(SlugError::Empty);
        }
        if slug.len() > MAX_LEN {
            return Err(SlugError::TooLong);
        }
        let shaped = !slug.starts_with('-')
            && !slug.ends_with('-')
            && !slug.contains("--")
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !shaped {
            return Err(SlugError::Characters);
        }
        Ok(Slug(slug.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Slug {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// Whether `text` is a slug exactly as written (nothing to trim): the rule for `/c/{slug}`
/// and for a slug a letter file sets.
pub fn is_exact(text: &str) -> bool {
    Slug::parse(text).is_ok_and(|s| s.as_str() == text)
}

/// Reads the `{slug}` path segment, exactly as written: anything else (a space, a capital) is
/// a 404, not a 400 and not another address for the same page.
impl<'de> serde::Deserialize<'de> for Slug {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Slug, D::Error> {
        let s = String::deserialize(d)?;
        if !is_exact(&s) {
            return Err(serde::de::Error::custom("not a slug"));
        }
        Ok(Slug(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_with_capitals_spaces_or_double_hyphens_are_refused_with_a_reason() {
        for (bad, why) in [
            ("", SlugError::Empty),
            ("Stop", SlugError::Characters),
            ("stop the dam", SlugError::Characters),
            ("stop--dam", SlugError::Characters),
            ("-stop", SlugError::Characters),
            ("stop-", SlugError::Characters),
            ("stöp", SlugError::Characters),
        ] {
            assert_eq!(Slug::parse(bad), Err(why), "{bad:?}");
        }
        assert_eq!(Slug::parse(&"a".repeat(81)), Err(SlugError::TooLong));
        assert_eq!(
            Slug::parse(" stop-the-dam-2027 ").unwrap().as_str(),
            "stop-the-dam-2027"
        );
    }

    #[test]
    fn an_address_or_a_letter_file_takes_a_slug_only_exactly_as_written() {
        assert!(is_exact("stop-the-dam-2027"));
        for bad in [" stop-the-dam", "stop-the-dam ", "Stop", "stop--dam", ""] {
            assert!(!is_exact(bad), "{bad:?}");
        }
    }
}
