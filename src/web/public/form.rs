//! The sign form as submitted: raw strings, parsed into a [`NewSignature`] or a message per
//! field. Nothing a client sends here can make the server fail.

use crate::domain::country::Country;
use crate::domain::email::SignerEmail;
use crate::domain::name::SignerName;
use crate::domain::text::{Comment, Postcode};
use crate::signatures::NewSignature;
use std::collections::BTreeMap;

/// The fields of `POST /c/{slug}/sign`, as typed (kept to re-render the form). Each field's
/// limits live in its domain type alone; the form's `maxlength` attributes read them there.
#[derive(Debug, Clone, Default)]
pub struct SignForm {
    pub name: String,
    pub email: String,
    pub country: String,
    pub postcode: String,
    pub comment: String,
    pub updates: bool,
    /// The honeypot: hidden from people, filled in by bots.
    pub website: String,
}

const UNREADABLE: &str = "This contains characters we could not read. Please type it again.";

/// One message per field, keyed by the field's name.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// The fields in the order the form shows them (`form` is about the whole form).
const FORM_ORDER: [&str; 6] = ["form", "name", "email", "country", "postcode", "comment"];

/// The messages in the order of the fields on the page, so the summary reads top to bottom.
pub fn in_form_order(errors: &FieldErrors) -> Vec<(&'static str, &str)> {
    let mut listed: Vec<(&'static str, &str)> =
        errors.iter().map(|(f, m)| (*f, m.as_str())).collect();
    listed.sort_by_key(|(field, _)| FORM_ORDER.iter().position(|f| f == field));
    listed
}

/// The label of the `updates` checkbox: the consent wording stored with each consent, without
/// its version tag, so the page says exactly what the supporter is recorded as agreeing to.
pub fn consent_label() -> &'static str {
    let wording = crate::signatures::UPDATES_CONSENT_WORDING;
    wording.split_once(": ").map_or(wording, |(_, text)| text)
}

impl SignForm {
    /// Reads an `application/x-www-form-urlencoded` body. Invalid UTF-8 becomes U+FFFD (and
    /// is then refused by the field checks); the first value of a repeated field wins.
    pub fn from_body(body: &[u8]) -> SignForm {
        let mut form = SignForm::default();
        let mut seen = std::collections::HashSet::new();
        for (key, value) in form_urlencoded::parse(body) {
            if !seen.insert(key.clone()) {
                continue;
            }
            let value = value.into_owned();
            match key.as_ref() {
                "name" => form.name = value,
                "email" => form.email = value,
                "country" => form.country = value,
                "postcode" => form.postcode = value,
                "comment" => form.comment = value,
                "updates" => form.updates = !value.is_empty(),
                "website" => form.website = value,
                _ => {}
            }
        }
        form
    }

    /// Whether a bot filled in the honeypot.
    pub fn is_bot(&self) -> bool {
        !self.website.trim().is_empty()
    }

    /// The parsed signature, or a message for every field that needs fixing.
    pub fn parse(&self) -> Result<NewSignature, FieldErrors> {
        let mut errors = FieldErrors::new();
        // Bytes that were not UTF-8 arrive as U+FFFD: refuse them rather than store a guess.
        for (field, value) in [
            ("name", &self.name),
            ("email", &self.email),
            ("country", &self.country),
            ("postcode", &self.postcode),
            ("comment", &self.comment),
        ] {
            if value.contains('\u{FFFD}') {
                errors.insert(field, UNREADABLE.to_string());
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let name = SignerName::parse(&self.name).map_err(|e| errors.insert("name", e.to_string()));
        let email =
            SignerEmail::parse(&self.email).map_err(|e| errors.insert("email", e.to_string()));
        let country =
            Country::parse(&self.country).map_err(|e| errors.insert("country", e.to_string()));
        let postcode =
            Postcode::parse(&self.postcode).map_err(|e| errors.insert("postcode", e.to_string()));
        let comment =
            Comment::parse(&self.comment).map_err(|e| errors.insert("comment", e.to_string()));
        match (name, email, country, postcode, comment) {
            (Ok(name), Ok(email), Ok(country), Ok(postcode), Ok(comment)) => Ok(NewSignature {
                name,
                email,
                country,
                postcode,
                comment,
                wants_updates: self.updates,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_of_repeated_fields_wins_and_unknown_fields_are_ignored() {
        let form = SignForm::from_body(b"name=Ana&name=Bob&email=a%40example.org&x=1&updates=on");
        assert_eq!(form.name, "Ana");
        assert_eq!(form.email, "a@example.org");
        assert!(form.updates);
    }

    #[test]
    fn invalid_utf8_is_refused_with_a_message_not_an_error() {
        let form = SignForm::from_body(b"name=Ana%FF&email=a%40example.org&country=DE");
        let errors = form.parse().unwrap_err();
        assert_eq!(errors["name"], UNREADABLE);
    }

    #[test]
    fn messages_are_listed_in_the_order_of_the_fields() {
        let errors = SignForm::default().parse().unwrap_err();
        let fields: Vec<_> = in_form_order(&errors).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec!["name", "email", "country"]);
    }

    #[test]
    fn the_consent_label_is_the_stored_wording_without_its_version() {
        assert_eq!(
            consent_label(),
            "Keep me informed about this and related actions by e-mail. I can unsubscribe at any time."
        );
    }

    #[test]
    fn every_missing_field_gets_its_own_message() {
        let errors = SignForm::default().parse().unwrap_err();
        assert_eq!(
            errors.keys().copied().collect::<Vec<_>>(),
            vec!["country", "email", "name"]
        );
    }
}
