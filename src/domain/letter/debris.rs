//! Recognising the furniture of a web page pasted around a letter: invitations to download,
//! open or print the letter, photo credits and captions, share and follow buttons, cookie
//! banners, breadcrumbs, "Read more"/"Related" blocks, press-release markers and a sender's
//! one-line letterhead. Classes of lines, not fixed sentences.

use super::debris_words::{
    BLOCK_HEADINGS, CLICK_PHRASES, CREDIT_LABELS, DEBRIS_LINES, DEBRIS_OPENINGS, DOCUMENT_WORDS,
    HOME_WORDS, HOW_WORDS, PRINT_WORDS, SHARE_FILLERS, SHARE_WORDS, STRONG_VERBS, WEAK_VERBS,
};
use super::text::{clean, key, word_count};

/// Whether a line is web-page furniture rather than text.
pub(super) fn is_debris(line: &str) -> bool {
    let raw = line.trim();
    if raw.starts_with("![") || raw.starts_with("<img") || is_end_mark(raw) {
        return true;
    }
    let lower = key(line);
    if lower.is_empty() {
        return false;
    }
    let words = word_count(&lower);
    if DEBRIS_LINES.contains(&lower.trim_end_matches(['→', '»', '>', ' ']).trim())
        || is_block_heading(line)
    {
        return true;
    }
    if words <= 14 && DEBRIS_OPENINGS.iter().any(|o| lower.starts_with(o)) {
        let phrase_only = lower.starts_with("sign ") || lower.starts_with("add your name");
        return !phrase_only || words <= 5;
    }
    is_share_line(&lower)
        || is_document_link(line, &lower, words)
        || is_credit(line)
        || words <= 40 && CREDIT_LABELS.iter().any(|l| lower.contains(l))
        || is_cookie_notice(&lower, words)
        || is_breadcrumb(&lower)
        || is_letterhead(&lower)
}

/// The heading of a block of links to other pages: "Related", "Read more", "See also".
pub(super) fn is_block_heading(line: &str) -> bool {
    let lower = key(line);
    BLOCK_HEADINGS.contains(&lower.as_str())
}

/// "###" or "-30-": the end of a press release.
fn is_end_mark(raw: &str) -> bool {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(
        compact.as_str(),
        "###" | "-30-" | "-ends-" | "–ends–" | "ends"
    )
}

fn tokens(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|t| !t.is_empty())
        .collect()
}

/// "Share on Facebook", "Follow us on Instagram", "Facebook | X | E-mail".
fn is_share_line(lower: &str) -> bool {
    let tokens = tokens(lower);
    tokens.len() >= 2
        && tokens.iter().any(|t| SHARE_WORDS.contains(t))
        && tokens.iter().all(|t| {
            SHARE_WORDS.contains(t) || SHARE_FILLERS.contains(t) || DEBRIS_LINES.contains(t)
        })
}

/// An invitation to get the letter as a file, whatever the word order: "You can download the
/// full letter here.", "To print the letter, click here.", "The letter is also available as
/// a PDF (340 KB)." A wrapped line inside a paragraph (starting in lower case) is left alone,
/// and so is "The council votes … Read the letter below": reading words count only with
/// "here" or a file.
fn is_document_link(line: &str, lower: &str, words: usize) -> bool {
    let starts_upper = clean(line)
        .chars()
        .find(|c| c.is_alphabetic())
        .is_none_or(|c| !c.is_lowercase());
    if words > 24 || !starts_upper {
        return false;
    }
    let tokens = tokens(lower);
    let has = |list: &[&str]| tokens.iter().any(|t| list.iter().any(|w| t.starts_with(w)));
    let file = tokens
        .iter()
        .any(|t| matches!(*t, "pdf" | "docx" | "doc" | "odt"))
        || tokens
            .windows(2)
            .any(|w| w[0].chars().all(|c| c.is_ascii_digit()) && is_size_unit(w[1]))
        || tokens.iter().any(|t| is_size(t));
    let document = has(DOCUMENT_WORDS) || file;
    let here = tokens.iter().any(|t| HOW_WORDS.contains(t));
    let prints = tokens.iter().any(|t| PRINT_WORDS.contains(t));
    CLICK_PHRASES.iter().any(|p| lower.contains(p))
        || (has(STRONG_VERBS) || prints) && document
        || file && words <= 6
        || has(WEAK_VERBS) && document && (here || file)
        || file && (here || lower.contains("available"))
}

fn is_size_unit(token: &str) -> bool {
    matches!(token, "kb" | "mb" | "kib" | "mib" | "кб" | "мб")
}

/// "340kb", "2mb".
fn is_size(token: &str) -> bool {
    let digits = token.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && is_size_unit(&token[digits..])
}

/// A photo credit without a label: a name and an agency separated by a slash,
/// "Jo Martins / Greenfield Friends".
fn is_credit(line: &str) -> bool {
    let text = clean(line);
    let Some((person, agency)) = text.split_once('/') else {
        return false;
    };
    let capitalised = |part: &str| {
        let part = part.trim();
        let words = word_count(part);
        (1..=5).contains(&words)
            && part.chars().next().is_some_and(char::is_uppercase)
            && !part.ends_with(['.', '!', '?', ':', ';', ','])
            && !part.contains('/')
            && part.chars().filter(|c| c.is_ascii_digit()).count() == 0
    };
    capitalised(person) && capitalised(agency)
}

/// A cookie banner's text or buttons.
fn is_cookie_notice(lower: &str, words: usize) -> bool {
    const CUES: &[&str] = &[
        "use",
        "uses",
        "accept",
        "consent",
        "settings",
        "preferences",
        "agree",
        "policy",
        "manage",
        "reject",
        "allow",
        "continuing",
        "используем",
        "использует",
        "согласие",
        "принять",
        "istifadə",
    ];
    words <= 40
        && (lower.contains("cookie") || lower.contains("kuki"))
        && tokens(lower).iter().any(|t| CUES.contains(t))
}

/// "Home › News › Open letters".
fn is_breadcrumb(lower: &str) -> bool {
    let parts: Vec<&str> = lower
        .split(['›', '»', '>', '|', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() >= 2 && HOME_WORDS.contains(&parts[0]) && parts.iter().all(|p| word_count(p) <= 6)
}

/// "River Commons e.V. · Uferweg 3 · 10115 Berlin": a sender's address on one line.
fn is_letterhead(lower: &str) -> bool {
    let separated = [" · ", " | ", " • "].iter().any(|s| lower.contains(s));
    let digits = lower
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= 4);
    separated && digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitations_to_get_the_letter_are_debris_whatever_their_word_order() {
        for line in [
            "Download the letter (PDF, 120 KB)",
            "You can download the full letter here.",
            "The full letter can be downloaded here (PDF, 210 KB).",
            "The letter is also available in Hungarian as a PDF (340 KB).",
            "To print the letter, click here.",
            "Click here to read the letter",
            "Read the full text of the letter here.",
            "Print this letter",
            "Open the letter as a PDF",
            "Letter (PDF, 2MB)",
            "Den Brief können Sie hier herunterladen.",
            "Vous pouvez télécharger la lettre ici.",
            "Скачать письмо (PDF, 200 КБ)",
            "Полный текст письма можно прочитать здесь.",
            "Məktubu buradan yükləyin.",
        ] {
            assert!(is_debris(line), "{line:?} is debris");
        }
    }

    #[test]
    fn sentences_that_mention_the_letter_stay() {
        for line in [
            "The council votes on the sale on 1 March. Read the letter below and add your name.",
            "We have written to the minister.",
            "download speeds in the valley are the slowest in the country, and the letter",
            "Websites still set tracking cookies.",
            "This page",
            "Ministry of Energy and Mines",
            "Jane Roe",
        ] {
            assert!(!is_debris(line), "{line:?} is text");
        }
    }

    #[test]
    fn credits_captions_share_buttons_cookie_banners_and_breadcrumbs_are_debris() {
        for line in [
            "Jo Martins / Greenfield Friends",
            "Ágnes Kovács/Tisza Alliance",
            "Trucks queue on the A22 near Vipiteno at 2 a.m. Photo: Luca Bianchi / Valley Voices",
            "Marco Rossi outside his home. (Photo: Valley Voices)",
            "Фото: Иван Петров",
            "Share on Facebook",
            "Share via e-mail",
            "Follow us on Instagram",
            "Facebook | X | WhatsApp",
            "We use cookies to improve your experience. By continuing to browse, you agree to our use of cookies.",
            "Accept all cookies",
            "Cookie settings",
            "This website uses cookies. Manage preferences",
            "Reject all",
            "Home › News › Open letters",
            "Related",
            "Related articles:",
            "Read more",
            "Читайте также",
            "FOR IMMEDIATE RELEASE",
            "Media contact: Rui Santos, press@oceanosvivos.example",
            "###",
        ] {
            assert!(is_debris(line), "{line:?} is debris");
        }
    }
}
