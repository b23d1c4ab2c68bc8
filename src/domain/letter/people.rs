//! Reading the people in a letter: recipient address blocks, "To:" lines and the signer
//! block under the closing.

use super::text::{clean, word_count};
use super::words::{HONORIFICS, ORGANISATION_WORDS, STREET_SUFFIXES, STREET_WORDS, TITLE_WORDS};
use super::{Recipient, Signer};

fn has_word(line: &str, words: &[&str]) -> bool {
    line.to_lowercase()
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .any(|w| words.contains(&w) || words.contains(&w.trim_end_matches('.')))
}

/// Whether a line is part of a postal address: a street, number or postcode.
pub(super) fn is_address_line(line: &str) -> bool {
    let starts_with_number = line
        .trim()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit());
    let postcode = line
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= 4);
    let compound_street = line.split_whitespace().any(|w| {
        let w = w.to_lowercase();
        STREET_SUFFIXES
            .iter()
            .any(|s| w.ends_with(s) && w.len() > s.len())
    });
    starts_with_number || postcode || compound_street || has_word(line, STREET_WORDS)
}

/// Whether a line is an e-mail address, phone number or web address (with or without a
/// label such as "Tel:" or "E-mail:").
pub(super) fn is_contact_line(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    const LABELS: &[&str] = &[
        "tel",
        "tel.",
        "phone",
        "mobile",
        "mob",
        "fax",
        "email",
        "e-mail",
        "web",
        "website",
        "telefon",
        "tél",
        "téléphone",
        "teléfono",
        "courriel",
        "t",
        "m",
        "e",
        "w",
    ];
    if lower
        .split_once(':')
        .is_some_and(|(label, _)| LABELS.contains(&label.trim()))
    {
        return true;
    }
    let digits = lower.chars().filter(|c| c.is_ascii_digit()).count();
    let phone_shaped = digits >= 7
        && lower
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()./".contains(c));
    let single_token = !lower.contains(' ');
    let web = lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("www.")
        || single_token
            && lower.rsplit_once('.').is_some_and(|(host, tld)| {
                !host.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_alphabetic())
            });
    let email = lower
        .split_whitespace()
        .any(|w| w.contains('@') && w.len() > 2);
    phone_shaped || web || email
}

/// Whether a line reads as a person's name: short, each word capitalised except particles.
fn is_name_like(line: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "y", "bin", "al", "zu",
    ];
    let words = word_count(line);
    (1..=6).contains(&words)
        && line.split_whitespace().all(|w| {
            PARTICLES.contains(&w)
                || w.chars()
                    .find(|c| c.is_alphanumeric())
                    .is_none_or(|c| !c.is_lowercase())
        })
}

/// Whether a block reads as a signature: a person's name over their title, organisation or
/// contact lines (two to seven lines).
pub(super) fn is_signer_block(lines: &[String]) -> bool {
    let cleaned: Vec<String> = lines.iter().map(|l| clean(l)).collect();
    let Some((first, rest)) = cleaned.split_first() else {
        return false;
    };
    (1..=6).contains(&rest.len())
        && (is_name_like(first) || starts_with_honorific(first))
        && !is_organisation_line(first)
        && !is_address_line(first)
        && !is_contact_line(first)
}

/// Whether a paragraph looks like an address block: short lines, no sentences.
pub(super) fn is_address_block(lines: &[String]) -> bool {
    let sentence_end = |line: &str| {
        let last = line.split_whitespace().last().unwrap_or("");
        line.ends_with(['!', '?', ';', ':'])
            || line.ends_with('.') && last.chars().count() > 4 && last.matches('.').count() == 1
    };
    let cleaned: Vec<String> = lines.iter().map(|l| clean(l)).collect();
    let Some(first) = cleaned.first() else {
        return false;
    };
    let shaped = cleaned.len() <= 10
        && word_count(first) <= 8
        && cleaned.iter().all(|l| {
            l.chars().count() <= 80 && !sentence_end(l) && !l.starts_with(['-', '*', '•'])
        });
    shaped && (cleaned.len() > 1 || is_name_like(first) || starts_with_honorific(first))
}

/// Whether a line names a person by honorific ("Frau Dr. Weber", "cənab Babayev") or by
/// initials ("А. А. Козлову", "Kozlov A. A.").
fn is_person_line(line: &str) -> bool {
    let initials = line
        .split_whitespace()
        .filter(|w| {
            let mut chars = w.chars();
            chars.next().is_some_and(char::is_uppercase) && chars.as_str() == "."
        })
        .count();
    starts_with_honorific(line) || initials >= 1 && word_count(line) <= 4
}

fn starts_with_honorific(line: &str) -> bool {
    let lower = line.to_lowercase();
    HONORIFICS.iter().any(|h| {
        lower
            .strip_prefix(h)
            .is_some_and(|rest| rest.starts_with(['.', ' ']))
    })
}

/// Whether a line names an organisation, compound words included ("Bundesministerium").
fn is_organisation_line(line: &str) -> bool {
    const STEMS: &[&str] = &[
        "ministerium",
        "ministry",
        "ministère",
        "ministerio",
        "department",
        "council",
        "committee",
    ];
    let lower = line.to_lowercase();
    has_word(line, ORGANISATION_WORDS) || STEMS.iter().any(|s| lower.contains(s))
}

/// A recipient from the lines of an address block: name, then title, organisation and
/// address lines. A block that names the office before the person ("An das
/// Bundesministerium …", then "Frau Dr. …"; "Министру …", then "А. А. Козлову") is read in
/// that order.
pub(super) fn recipient_from_block(lines: &[String]) -> Recipient {
    let mut lines: Vec<String> = lines
        .iter()
        .map(|l| clean(l))
        .filter(|l| !l.is_empty())
        .collect();
    if lines.first().is_some_and(|l| {
        ["an", "an das", "an die", "an den", "à", "to"].contains(&l.to_lowercase().as_str())
    }) {
        lines.remove(0);
    }
    let mut recipient = Recipient::default();
    if lines.len() >= 2
        && !is_person_line(&lines[0])
        && !is_name_like(&lines[0])
        && !is_address_line(&lines[0])
        && is_person_line(&lines[1])
    {
        let office = lines.remove(0);
        recipient.name = Some(lines.remove(0));
        let split = lines
            .iter()
            .position(|l| is_address_line(l))
            .unwrap_or(lines.len());
        let (roles, address) = lines.split_at(split);
        let roles = (!roles.is_empty()).then(|| roles.join(", "));
        if is_organisation_line(&office) && !has_word(&office, TITLE_WORDS) {
            recipient.organisation = Some(office);
            recipient.title = roles;
        } else {
            recipient.title = Some(office);
            recipient.organisation = roles;
        }
        recipient.address = address.to_vec();
        return recipient;
    }
    let mut rest = lines.as_slice();
    if let Some((first, tail)) = rest.split_first() {
        if !is_address_line(first) {
            recipient.name = Some(first.clone());
            rest = tail;
        }
    }
    let split = rest
        .iter()
        .position(|l| is_address_line(l))
        .unwrap_or(rest.len());
    let (roles, address) = rest.split_at(split);
    match roles {
        [] => {}
        [only] if has_word(only, ORGANISATION_WORDS) && !has_word(only, TITLE_WORDS) => {
            recipient.organisation = Some(only.clone());
        }
        [only] => recipient.title = Some(only.clone()),
        [title, organisation, extra @ ..] => {
            recipient.title = Some(title.clone());
            recipient.organisation = Some(organisation.clone());
            recipient.address.extend(extra.iter().cloned());
        }
    }
    recipient.address.extend(address.iter().cloned());
    recipient
}

/// Recipients from the text of a "To:" line: several separated by ";", each written as
/// "name, title, organisation".
pub(super) fn recipients_from_to_line(text: &str) -> Vec<Recipient> {
    text.split(';')
        .map(|one| {
            let parts: Vec<String> = one
                .split(", ")
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            recipient_from_block(&parts)
        })
        .filter(|r| *r != Recipient::default())
        .collect()
}

/// Whether `line` holds what Cloudflare's e-mail obfuscation leaves of an address when a page
/// is copied ("[email protected]"): the address itself is not in the text, so it is left out
/// rather than invented.
pub(super) fn is_hidden_address(line: &str) -> bool {
    line.to_lowercase()
        .replace("&#160;", " ")
        .replace("&nbsp;", " ")
        .replace('\u{a0}', " ")
        .contains("[email protected]")
}

/// "Coordinator, Friends of Eastside" as its title and organisation, when the part before the
/// comma is a title and the part after is not.
fn title_and_organisation(line: &str) -> Option<(String, String)> {
    let (title, organisation) = line.split_once(", ")?;
    (has_word(title, TITLE_WORDS) && !has_word(organisation, TITLE_WORDS))
        .then(|| (title.trim().to_string(), organisation.trim().to_string()))
}

/// The signer from the block under the closing, with contact lines from the paragraphs
/// after it (further co-signers are left out).
pub(super) fn signer_from(block: &[String], later: &[&[String]]) -> Option<Signer> {
    let mut lines: Vec<String> = block
        .iter()
        .filter(|l| !is_hidden_address(l))
        .map(|l| clean(l))
        .map(|l| l.trim_start_matches("/s/").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if let [only] = lines.as_slice() {
        if only.contains(", ") && !is_contact_line(only) {
            lines = only.split(", ").map(str::to_string).collect();
        }
    }
    let mut signer = Signer::default();
    let mut roles = Vec::new();
    for line in lines {
        if is_contact_line(&line) {
            signer.contact.push(line);
        } else if signer.name.is_none() {
            signer.name = Some(line);
        } else if roles.len() >= 2 && is_address_line(&line) {
            signer.contact.push(line);
        } else {
            roles.push(line);
        }
    }
    match roles.as_slice() {
        [] => {}
        [only] if title_and_organisation(only).is_some() => {
            let (title, organisation) = title_and_organisation(only).unwrap_or_default();
            signer.title = Some(title);
            signer.organisation = Some(organisation);
        }
        [only] if has_word(only, TITLE_WORDS) => signer.title = Some(only.clone()),
        [only] => signer.organisation = Some(only.clone()),
        [title, organisation, ..] => {
            signer.title = Some(title.clone());
            signer.organisation = Some(organisation.clone());
        }
    }
    for paragraph in later {
        signer.contact.extend(
            paragraph
                .iter()
                .filter(|l| !is_hidden_address(l))
                .map(|l| clean(l))
                .filter(|l| is_contact_line(l)),
        );
    }
    (signer != Signer::default()).then_some(signer)
}
