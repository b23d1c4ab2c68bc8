//! Recognising what a mail client or a page would turn into a link: web addresses, bare
//! domain names and e-mail addresses inside typed text.

/// Whether `text` holds a URL (`scheme://`, `www.`, `mailto:`), an e-mail address or a bare
/// domain name such as `evil.example`.
pub fn contains_web_address(text: &str) -> bool {
    let lower = text.to_lowercase();
    if lower.contains("://") || lower.contains("www.") || lower.contains("mailto:") {
        return true;
    }
    text.split_whitespace().any(|word| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        let host = word.split(['/', '?', '#', ':']).next().unwrap_or_default();
        is_email_address(host) || is_domain_name(host)
    })
}

/// Whether `url` is an absolute `http://` or `https://` address with a host: something a
/// page may link to (a privacy notice), unlike `javascript:` or a bare path.
pub fn is_http_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// `local@domain.tld`, with something before the `@` and a dotted domain after it.
fn is_email_address(word: &str) -> bool {
    word.split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && is_domain_name(domain))
}

/// Labels of letters, digits and hyphens joined by dots, ending in a top-level domain: two or
/// more letters in one case (`example`, `COM`, `рф`) or a punycode label. A title-case last
/// part (`J.R.Smith`, `St.John`) reads as a name, not a domain.
fn is_domain_name(word: &str) -> bool {
    let labels: Vec<&str> = word.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok =
        |label: &&str| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-');
    if !labels.iter().all(label_ok) {
        return false;
    }
    let tld = labels[labels.len() - 1];
    let letters = tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic);
    let one_case = tld.chars().all(char::is_lowercase) || tld.chars().all(char::is_uppercase);
    (letters && one_case) || tld.to_ascii_lowercase().starts_with("xn--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_domains_and_email_addresses_are_recognised_anywhere_in_the_text() {
        for text in [
            "Click https://evil.example/confirm now",
            "HTTP://EVIL.EXAMPLE",
            "ftp://x",
            "see www.evil.example",
            "Visit evil.example",
            "evil.example/path",
            "evil.example:8080",
            "(bit.ly)",
            "EVIL.COM",
            "shop.xn--p1ai",
            "Ana ana@example.org",
            "<ana@example.org>",
            "mailto:ana",
            "Ана пример.рф",
        ] {
            assert!(contains_web_address(text), "{text:?}");
        }
    }

    #[test]
    fn names_with_dots_and_at_signs_are_not_mistaken_for_addresses() {
        for text in [
            "Ana Petrović",
            "J.R.R. Tolkien",
            "J.R.Smith",
            "St.John Rivers",
            "Dr. med. Anna Schmidt",
            "Jean-Luc d'Artagnan Jr.",
            "Ana @ home",
            "A.B.",
            "Ana.Petrović",
        ] {
            assert!(!contains_web_address(text), "{text:?}");
        }
    }
}
