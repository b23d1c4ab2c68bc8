//! A supporter's e-mail address as typed into the sign form: [`SignerEmail`], which keeps the
//! address to send to (local part as typed, domain in lower-case punycode) and the canonical
//! form that finds a second signature from the same address.

use std::net::Ipv4Addr;

use unicode_normalization::UnicodeNormalization;

use super::text::check_text;

/// The longest address we accept, in bytes, as sent.
pub const EMAIL_MAX_BYTES: usize = 254;
/// The longest local part (before the `@`), in bytes.
pub const LOCAL_PART_MAX_BYTES: usize = 64;
/// The longest domain, in bytes of its punycode form.
pub const DOMAIN_MAX_BYTES: usize = 253;
/// The longest label of a domain, in bytes of its punycode form.
pub const LABEL_MAX_BYTES: usize = 63;

/// A supporter's e-mail address, checked and split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerEmail {
    as_typed: String,
    canonical: String,
    /// Where the domain starts in `as_typed`.
    domain_start: usize,
}

/// Why an e-mail address was refused; the message speaks to the supporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing but whitespace.
    #[error("Please enter your e-mail address.")]
    Empty,
    /// The address, its local part or its domain is longer than e-mail allows.
    #[error("That e-mail address is too long. Please check it.")]
    TooLong,
    /// A space inside the address.
    #[error("Please remove the spaces from your e-mail address.")]
    ContainsSpace,
    /// A control, bidi or invisible character.
    #[error("Your e-mail address contains invisible characters. Please type it again rather than pasting it.")]
    HiddenCharacter,
    /// No single `@`, a quoted local part, a comment, or characters that have no place there.
    #[error("That doesn't look like an e-mail address: it should look like name@example.org.")]
    Invalid,
    /// The part after the `@` is not a domain name.
    #[error("The part after the @ is not a valid domain name. Please check it: it should look like example.org.")]
    InvalidDomain,
    /// `[1.2.3.4]`, `[IPv6:...]` or a bare IP address after the `@`.
    #[error("Please use an address at a domain name, not an IP address.")]
    IpLiteral,
    /// A domain without a dot, such as `localhost`.
    #[error("Please enter the full domain name after the @, such as example.org.")]
    SingleLabelDomain,
}

impl SignerEmail {
    /// Parses what the supporter typed into the e-mail field.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        // Bounds the work done on a pasted wall of text; the exact limit is checked at the end.
        if trimmed.len() > 4 * EMAIL_MAX_BYTES {
            return Err(EmailError::TooLong);
        }
        check_text(trimmed, false).map_err(|_| EmailError::HiddenCharacter)?;
        if trimmed.contains(char::is_whitespace) {
            return Err(EmailError::ContainsSpace);
        }
        // Quoted local parts and comments are legal but rare, and mostly seen in abuse.
        if trimmed.contains(['"', '(', ')', '\\']) {
            return Err(EmailError::Invalid);
        }
        let (local, domain) = match trimmed.split_once('@') {
            Some((local, domain)) if !domain.contains('@') => (local, domain),
            _ => return Err(EmailError::Invalid),
        };
        check_local_part(local)?;
        let domain = parse_domain(domain)?;

        let as_typed = format!("{local}@{domain}");
        if as_typed.len() > EMAIL_MAX_BYTES {
            return Err(EmailError::TooLong);
        }
        let canonical_local: String = local.nfc().collect::<String>().to_lowercase();
        Ok(Self {
            canonical: format!("{canonical_local}@{domain}"),
            domain_start: local.len() + 1,
            as_typed,
        })
    }

    /// The address to send to: the local part exactly as typed, `@`, the domain in
    /// lower-case punycode.
    pub fn as_typed(&self) -> &str {
        &self.as_typed
    }

    /// The key that finds duplicate signatures: the whole address lower-cased (the local part
    /// NFC-normalised too), the domain in punycode.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The mailbox the address delivers to, as providers treat it: the canonical form without
    /// a `+tag`, and for Gmail without the dots of the local part and with `googlemail.com`
    /// read as `gmail.com`. It caps how many e-mails one inbox gets; duplicates are still
    /// found on [`canonical`](Self::canonical), so two addresses stay two signers.
    pub fn mailbox(&self) -> String {
        let (local, domain) = self
            .canonical
            .rsplit_once('@')
            .unwrap_or((self.canonical.as_str(), ""));
        let local = match local.split_once('+') {
            Some((base, _)) if !base.is_empty() => base,
            _ => local,
        };
        match domain {
            "gmail.com" | "googlemail.com" => format!("{}@gmail.com", local.replace('.', "")),
            _ => format!("{local}@{domain}"),
        }
    }

    /// The domain in lower-case ASCII (punycode for international domains).
    pub fn domain(&self) -> &str {
        &self.as_typed[self.domain_start..]
    }
}

impl AsRef<str> for SignerEmail {
    fn as_ref(&self) -> &str {
        &self.as_typed
    }
}

/// A dot-atom of RFC 5322 characters, with letters, digits and combining marks of any script
/// for international (SMTPUTF8) addresses.
fn check_local_part(local: &str) -> Result<(), EmailError> {
    if local.is_empty() {
        return Err(EmailError::Invalid);
    }
    if local.len() > LOCAL_PART_MAX_BYTES {
        return Err(EmailError::TooLong);
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailError::Invalid);
    }
    let allowed = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric() || c == '.' || "!#$%&'*+-/=?^_`{|}~".contains(c)
        } else {
            c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
        }
    };
    if local.chars().all(allowed) {
        Ok(())
    } else {
        Err(EmailError::Invalid)
    }
}

/// Turns the part after the `@` into a lower-case ASCII domain of at least two labels.
fn parse_domain(domain: &str) -> Result<String, EmailError> {
    if domain.is_empty() {
        return Err(EmailError::Invalid);
    }
    if domain.starts_with('[') {
        return Err(EmailError::IpLiteral);
    }
    let ascii = idna::domain_to_ascii(domain)
        .map_err(|_| EmailError::InvalidDomain)?
        .to_ascii_lowercase();
    if ascii.parse::<Ipv4Addr>().is_ok() {
        return Err(EmailError::IpLiteral);
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    let is_numeric = |label: &str| !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit());
    if labels.len() > 1 && labels.iter().all(|label| is_numeric(label)) {
        return Err(EmailError::IpLiteral);
    }
    if labels.len() < 2 {
        return Err(EmailError::SingleLabelDomain);
    }
    if ascii.len() > DOMAIN_MAX_BYTES {
        return Err(EmailError::TooLong);
    }
    let label_ok = |label: &str| {
        (1..=LABEL_MAX_BYTES).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let tld = labels.last().copied().unwrap_or_default();
    if !labels.iter().all(|label| label_ok(label)) || is_numeric(tld) {
        return Err(EmailError::InvalidDomain);
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(input: &str) -> SignerEmail {
        match SignerEmail::parse(input) {
            Ok(email) => email,
            Err(error) => panic!("{input:?} was refused: {error}"),
        }
    }

    #[test]
    fn valid_addresses_are_accepted_with_their_send_and_duplicate_forms() {
        // (typed, as_typed, canonical, domain)
        #[rustfmt::skip]
        let rows = [
            ("jane@example.org", "jane@example.org", "jane@example.org", "example.org"),
            ("  jane@example.org \n", "jane@example.org", "jane@example.org", "example.org"),
            ("Jane.Doe@Example.ORG", "Jane.Doe@example.org", "jane.doe@example.org", "example.org"),
            ("user+tag@mail.example.co.uk", "user+tag@mail.example.co.uk", "user+tag@mail.example.co.uk", "mail.example.co.uk"),
            ("o'brien@example.ie", "o'brien@example.ie", "o'brien@example.ie", "example.ie"),
            ("a!#$%&'*+-/=?^_`{|}~z@example.org", "a!#$%&'*+-/=?^_`{|}~z@example.org", "a!#$%&'*+-/=?^_`{|}~z@example.org", "example.org"),
            ("first.middle.last@my-site.example", "first.middle.last@my-site.example", "first.middle.last@my-site.example", "my-site.example"),
            ("x@123.example", "x@123.example", "x@123.example", "123.example"),
            ("x@a.b.c.d.example", "x@a.b.c.d.example", "x@a.b.c.d.example", "a.b.c.d.example"),
            ("user@bücher.example", "user@xn--bcher-kva.example", "user@xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("User@BÜCHER.Example", "User@xn--bcher-kva.example", "user@xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("user@xn--bcher-kva.example", "user@xn--bcher-kva.example", "user@xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("user@ｅｘａｍｐｌｅ.org", "user@example.org", "user@example.org", "example.org"),
        ];
        for (input, as_typed, canonical, domain) in rows {
            let email = parsed(input);
            assert_eq!(email.as_typed(), as_typed, "{input:?}");
            assert_eq!(email.as_ref(), as_typed, "{input:?}");
            assert_eq!(email.canonical(), canonical, "{input:?}");
            assert_eq!(email.domain(), domain, "{input:?}");
        }
    }

    #[test]
    fn variants_of_one_inbox_share_a_mailbox_but_stay_separate_signers() {
        let rows = [
            ("ana.p+petition@gmail.com", "anap@gmail.com"),
            ("A.N.A.P@GoogleMail.com", "anap@gmail.com"),
            ("anap@gmail.com", "anap@gmail.com"),
            ("Ana.P+x@example.org", "ana.p@example.org"),
            ("ana.p@example.org", "ana.p@example.org"),
            ("+only@example.org", "+only@example.org"),
            ("Анна+tag@Пример.РФ", "анна@xn--e1afmkfd.xn--p1ai"),
        ];
        for (input, mailbox) in rows {
            assert_eq!(parsed(input).mailbox(), mailbox, "{input:?}");
        }
        assert_ne!(
            parsed("ana.p+1@gmail.com").canonical(),
            parsed("anap@gmail.com").canonical()
        );
    }

    #[test]
    fn cyrillic_domains_are_stored_as_punycode() {
        let email = parsed("ivan@пример.рф");
        assert_eq!(email.domain(), "xn--e1afmkfd.xn--p1ai");
        assert_eq!(email.as_typed(), "ivan@xn--e1afmkfd.xn--p1ai");
    }

    #[test]
    fn armenian_domains_are_stored_as_punycode() {
        let email = parsed("ani@օրինակ.հայ");
        assert_eq!(email.domain(), "xn--y9atn0a2c3a.xn--y9a3aq");
    }

    #[test]
    fn international_local_parts_are_kept_as_typed_and_lower_cased_for_duplicates() {
        let email = parsed("Анна@Пример.РФ");
        assert_eq!(email.as_typed(), "Анна@xn--e1afmkfd.xn--p1ai");
        assert_eq!(email.canonical(), "анна@xn--e1afmkfd.xn--p1ai");

        let hindi = parsed("संपर्क@example.in");
        assert_eq!(hindi.as_typed(), "संपर्क@example.in");

        let greek = parsed("Μαρία@παράδειγμα.δοκιμή");
        assert_eq!(greek.canonical(), "μαρία@xn--hxajbheg2az3al.xn--jxalpdlp");
    }

    #[test]
    fn the_same_address_typed_two_ways_has_one_canonical_form() {
        let composed = parsed("JOSÉ@Example.org");
        let decomposed = parsed("jose\u{301}@EXAMPLE.ORG");
        assert_eq!(composed.canonical(), decomposed.canonical());
        assert_eq!(
            parsed("Jane@bücher.example").canonical(),
            parsed("jane@XN--BCHER-KVA.example").canonical()
        );
    }

    #[test]
    fn addresses_at_the_length_limits_are_accepted() {
        let local = "a".repeat(LOCAL_PART_MAX_BYTES);
        assert!(SignerEmail::parse(&format!("{local}@example.org")).is_ok());
        let label = "b".repeat(LABEL_MAX_BYTES);
        assert!(SignerEmail::parse(&format!("x@{label}.example")).is_ok());
        // 64 + 1 + 189 = 254 bytes
        let domain = format!(
            "{}.{}.{}.org",
            "c".repeat(63),
            "d".repeat(63),
            "e".repeat(57)
        );
        let longest = format!("{local}@{domain}");
        assert_eq!(longest.len(), EMAIL_MAX_BYTES);
        assert!(SignerEmail::parse(&longest).is_ok());
    }

    #[test]
    fn invalid_addresses_are_refused_with_a_message() {
        const EMPTY: &str = "Please enter your e-mail address.";
        const LONG: &str = "That e-mail address is too long. Please check it.";
        const SPACE: &str = "Please remove the spaces from your e-mail address.";
        const HIDDEN: &str = "Your e-mail address contains invisible characters. Please type it again rather than pasting it.";
        const INVALID: &str =
            "That doesn't look like an e-mail address: it should look like name@example.org.";
        const DOMAIN: &str = "The part after the @ is not a valid domain name. Please check it: it should look like example.org.";
        const IP: &str = "Please use an address at a domain name, not an IP address.";
        const SINGLE: &str = "Please enter the full domain name after the @, such as example.org.";

        let long_local = format!("{}@example.org", "a".repeat(65));
        let long_label = format!("x@{}.example", "b".repeat(64));
        let long_total = format!(
            "{}@{}.{}.{}.org",
            "a".repeat(64),
            "c".repeat(63),
            "d".repeat(63),
            "e".repeat(58)
        );
        let long_domain = format!(
            "x@{}.{}.{}.{}.org",
            "c".repeat(63),
            "d".repeat(63),
            "e".repeat(63),
            "f".repeat(63)
        );
        let wall_of_text = "a".repeat(5000);

        use EmailError::*;
        let rows: Vec<(&str, EmailError, &str)> = vec![
            ("", Empty, EMPTY),
            ("   ", Empty, EMPTY),
            ("\t\r\n", Empty, EMPTY),
            (&long_local, TooLong, LONG),
            (&long_total, TooLong, LONG),
            (&long_domain, TooLong, LONG),
            (&wall_of_text, TooLong, LONG),
            ("jane doe@example.org", ContainsSpace, SPACE),
            ("jane@exam ple.org", ContainsSpace, SPACE),
            ("jane\u{00A0}@example.org", ContainsSpace, SPACE),
            ("jane\0@example.org", HiddenCharacter, HIDDEN),
            (
                "jane@example.org\r\nBcc: all@example.org",
                HiddenCharacter,
                HIDDEN,
            ),
            ("jane\t@example.org", HiddenCharacter, HIDDEN),
            ("\u{202E}gro.elpmaxe@enaj", HiddenCharacter, HIDDEN),
            ("ja\u{200B}ne@example.org", HiddenCharacter, HIDDEN),
            ("jane", Invalid, INVALID),
            ("jane.example.org", Invalid, INVALID),
            ("jane@", Invalid, INVALID),
            ("@example.org", Invalid, INVALID),
            ("@", Invalid, INVALID),
            ("jane@doe@example.org", Invalid, INVALID),
            ("\"jane\"@example.org", Invalid, INVALID),
            ("\"jane@doe\"@example.org", Invalid, INVALID),
            ("jane(work)@example.org", Invalid, INVALID),
            ("jane@example.org(work)", Invalid, INVALID),
            ("ja\\ne@example.org", Invalid, INVALID),
            (".jane@example.org", Invalid, INVALID),
            ("jane.@example.org", Invalid, INVALID),
            ("ja..ne@example.org", Invalid, INVALID),
            ("<jane@example.org>", Invalid, INVALID),
            ("Jane <jane@example.org>", ContainsSpace, SPACE),
            ("jane,joe@example.org", Invalid, INVALID),
            ("jane;@example.org", Invalid, INVALID),
            ("jane:@example.org", Invalid, INVALID),
            ("jane[1]@example.org", Invalid, INVALID),
            ("jane«@example.org", Invalid, INVALID),
            ("jane@[1.2.3.4]", IpLiteral, IP),
            ("jane@[IPv6:2001:db8::1]", IpLiteral, IP),
            ("jane@1.2.3.4", IpLiteral, IP),
            ("jane@127.0.0.1", IpLiteral, IP),
            ("jane@1.2.3.4.5", IpLiteral, IP),
            ("jane@localhost", SingleLabelDomain, SINGLE),
            ("jane@LOCALHOST", SingleLabelDomain, SINGLE),
            ("jane@org", SingleLabelDomain, SINGLE),
            ("jane@bücher", SingleLabelDomain, SINGLE),
            ("jane@example..org", InvalidDomain, DOMAIN),
            ("jane@.example.org", InvalidDomain, DOMAIN),
            ("jane@example.org.", InvalidDomain, DOMAIN),
            ("jane@-example.org", InvalidDomain, DOMAIN),
            ("jane@example-.org", InvalidDomain, DOMAIN),
            ("jane@exa_mple.org", InvalidDomain, DOMAIN),
            ("jane@exam<ple.org", InvalidDomain, DOMAIN),
            ("jane@example.123", InvalidDomain, DOMAIN),
            ("jane@example.org:25", InvalidDomain, DOMAIN),
            ("jane@xn--zz.example", InvalidDomain, DOMAIN),
            (&long_label, InvalidDomain, DOMAIN),
        ];
        for (input, error, message) in rows {
            assert_eq!(SignerEmail::parse(input), Err(error), "{input:?}");
            assert_eq!(error.to_string(), message, "{input:?}");
        }
    }
}
