//! Recognising the labelled and formulaic lines of a letter: salutation, subject, cc, "To:",
//! closing and enclosure lines.

use super::text::{clean, key, word_count};
use super::words::{
    BARE_CLOSINGS, BARE_SALUTATIONS, CC_LABELS, CLOSINGS, CLOSING_SENTENCES, ENCLOSURE_LABELS,
    SALUTATIONS, SUBJECT_LABELS, TO_LABELS,
};

/// Whether the line opens the letter with a salutation ("Dear Minister Kovač:").
pub(super) fn is_salutation(line: &str) -> bool {
    let text = clean(line);
    let lower = text.to_lowercase();
    if text.chars().count() > 120 || !SALUTATIONS.iter().any(|s| lower.starts_with(s)) {
        return false;
    }
    let punctuated = text.ends_with([',', ':', '!', ';', '՝']);
    let bare = BARE_SALUTATIONS.iter().any(|s| lower.starts_with(s)) && !text.ends_with('.');
    (punctuated || bare) && closing_of(line).is_none()
}

/// A closing line ("Sincerely,"), split from a name written on the same line
/// ("Sincerely, Ana Petrović" gives "Sincerely," and "Ana Petrović").
pub(super) fn closing_of(line: &str) -> Option<(String, Option<String>)> {
    let text = clean(line);
    let lower = key(&text);
    if text.chars().count() > 60 || text.ends_with(['.', '?', ':']) {
        return None;
    }
    if CLOSINGS.contains(&lower.as_str()) || BARE_CLOSINGS.contains(&lower.as_str()) {
        return Some((text, None));
    }
    let (formula, name) = text.split_once(", ")?;
    let formula_key = formula.to_lowercase();
    (CLOSINGS.contains(&formula_key.as_str()) && word_count(name) <= 5)
        .then(|| (format!("{formula},"), Some(name.trim().to_string())))
}

/// Whether the paragraph is a French closing sentence ("Veuillez agréer, Madame, …").
pub(super) fn is_closing_sentence(line: &str) -> bool {
    let lower = clean(line).to_lowercase().replace('’', "'");
    CLOSING_SENTENCES.iter().any(|s| lower.starts_with(s))
}

/// The text after a label such as "Re:" or "**Betreff:**", when the line starts with one.
fn after_label(line: &str, labels: &[&str]) -> Option<String> {
    let text = clean(line);
    let (label, rest) = text.split_once(':')?;
    let label = label.trim().trim_end_matches('.').to_lowercase();
    labels
        .contains(&label.as_str())
        .then(|| rest.trim().to_string())
}

/// The subject after its label ("Re: Licensing vote" gives "Licensing vote").
pub(super) fn subject_of(line: &str) -> Option<String> {
    after_label(line, SUBJECT_LABELS).filter(|s| !s.is_empty())
}

/// The list after a cc label ("cc: Parliamentary Committee on Energy").
pub(super) fn cc_of(line: &str) -> Option<String> {
    after_label(line, CC_LABELS)
}

/// Whether the line lists what came with the letter ("Enclosure: survey", "Encl. photos").
pub(super) fn is_enclosure(line: &str) -> bool {
    let lower = clean(line).to_lowercase();
    after_label(line, ENCLOSURE_LABELS).is_some()
        || ["encl. ", "enc. ", "encl ", "anl. "]
            .iter()
            .any(|a| lower.starts_with(a))
}

/// The addressee after a "To:" label.
pub(super) fn to_of(line: &str) -> Option<String> {
    after_label(line, TO_LABELS).filter(|s| !s.is_empty())
}
