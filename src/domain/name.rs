//! A supporter's name as typed into the sign form: [`SignerName`], NFC-normalised, on one
//! line, free of control, bidi and invisible characters and of anything a mail client would
//! turn into a link, so it is safe to show on a page, in an export and in an e-mail.

use std::fmt;

use unicode_normalization::UnicodeNormalization;

use super::text::{check_text, collapse_whitespace, TextProblem};
use super::web_address::contains_web_address;

/// The longest name we keep, in characters after NFC normalisation.
pub const NAME_MAX_CHARS: usize = 120;

/// A supporter's name: NFC, trimmed, inner whitespace collapsed to single spaces,
/// 1..=[`NAME_MAX_CHARS`] characters with at least one letter, in any script.
/// It never contains CR, LF, NUL or any other control character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerName(String);

/// Why a name was refused; the message speaks to the supporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Nothing but whitespace.
    #[error("Please enter your name.")]
    Empty,
    /// Longer than [`NAME_MAX_CHARS`].
    #[error("Please shorten your name to at most {max} characters.", max = NAME_MAX_CHARS)]
    TooLong,
    /// A tab, line break, NUL or other control character.
    #[error("Your name contains a control character, such as a tab or a line break. Please type it on one line.")]
    ControlCharacter,
    /// A bidi override or isolate.
    #[error("Your name contains invisible formatting characters. Please type it again rather than pasting it.")]
    BidiControl,
    /// A zero width space or a similar invisible character.
    #[error("Your name contains invisible characters, such as a zero width space. Please type it again rather than pasting it.")]
    InvisibleCharacter,
    /// Only digits, punctuation or symbols.
    #[error("Please enter your name using letters.")]
    NoLetters,
    /// More than a few accents or other marks piled on one letter.
    #[error("Your name piles too many accents or marks on one letter. Please type it again rather than pasting it.")]
    TooManyMarks,
    /// A web address, a domain name or an e-mail address.
    #[error("Please enter just your name, without a web address or an e-mail address.")]
    ContainsLink,
    /// An IP address such as `127.0.0.1`, which a mail client would also turn into a link.
    #[error("Please enter just your name, without an IP address.")]
    ContainsIpAddress,
}

impl From<TextProblem> for NameError {
    fn from(problem: TextProblem) -> Self {
        match problem {
            TextProblem::ControlCharacter => Self::ControlCharacter,
            TextProblem::BidiControl => Self::BidiControl,
            TextProblem::InvisibleCharacter => Self::InvisibleCharacter,
            TextProblem::TooManyMarks => Self::TooManyMarks,
        }
    }
}

impl SignerName {
    /// Parses what the supporter typed into the name field.
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let normalised: String = input.nfc().collect();
        let trimmed = normalised.trim();
        if trimmed.is_empty() {
            return Err(NameError::Empty);
        }
        check_text(trimmed, false)?;
        // Direction marks are invisible and have no place in a name typed on one line.
        if trimmed.contains(['\u{200E}', '\u{200F}', '\u{061C}']) {
            return Err(NameError::BidiControl);
        }
        let name = collapse_whitespace(trimmed);
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(NameError::TooLong);
        }
        if !name.chars().any(char::is_alphabetic) {
            return Err(NameError::NoLetters);
        }
        // Mail clients read full-width letters and every dot spelling (`。．｡`) as ASCII.
        let folded = folded_for_links(&name);
        if contains_ip_address(&folded) {
            return Err(NameError::ContainsIpAddress);
        }
        if contains_web_address(&folded) {
            return Err(NameError::ContainsLink);
        }
        Ok(Self(name))
    }

    /// The name as stored and shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `name` as a link finder sees it: compatibility forms folded (full-width `ｅｘａｍｐｌｅ`,
/// `．`, `｡`) and the ideographic full stop read as a dot.
fn folded_for_links(name: &str) -> String {
    name.nfkc()
        .map(|c| if c == '\u{3002}' { '.' } else { c })
        .collect()
}

/// Whether a word of `text` is an IPv4 address in dotted form (decimal, octal or hex parts,
/// as browsers read them: `127.0.0.1`, `0x7f.0.0.1`) or an IPv6 address.
fn contains_ip_address(text: &str) -> bool {
    text.split_whitespace().any(|word| {
        let word = word.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == ':'));
        let host = word.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.contains(':') {
            return host.matches(':').count() >= 2 && host.parse::<std::net::Ipv6Addr>().is_ok();
        }
        let parts: Vec<&str> = host.split('.').collect();
        parts.len() == 4
            && parts.iter().all(|part| {
                let hex = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X"));
                match hex {
                    Some(digits) => {
                        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit())
                    }
                    None => !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()),
                }
            })
    })
}

impl AsRef<str> for SignerName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SignerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(input: &str) -> String {
        match SignerName::parse(input) {
            Ok(name) => name.to_string(),
            Err(error) => panic!("{input:?} was refused: {error}"),
        }
    }

    #[test]
    fn names_in_any_script_are_accepted_as_typed() {
        let rows = [
            "Jane Doe",
            "Анна Петрова",
            "Μαρία Παπαδοπούλου",
            "王小明",
            "山田 太郎",
            "김민준",
            "Nguyễn Văn An",
            "Zoë O'Brien-Smith",
            "Jean-Luc d'Artagnan Jr.",
            "Ngũgĩ wa Thiong'o",
            "Łukasz Żółć",
            "אברהם כהן",
            "X Æ A-12",
        ];
        for input in rows {
            assert_eq!(accepted(input), input);
        }
    }

    #[test]
    fn armenian_names_are_accepted() {
        assert_eq!(accepted("Անի Հակոբյան"), "Անի Հակոբյան");
    }

    #[test]
    fn azerbaijani_names_with_schwa_and_dotted_i_are_accepted() {
        assert_eq!(accepted("Əli İsmayılov"), "Əli İsmayılov");
        assert_eq!(accepted("ƏLİ İSMAYILOV"), "ƏLİ İSMAYILOV");
    }

    #[test]
    fn georgian_names_are_accepted() {
        assert_eq!(accepted("ნინო ბერიძე"), "ნინო ბერიძე");
    }

    #[test]
    fn arabic_names_are_accepted() {
        assert_eq!(accepted("ليلى حسن"), "ليلى حسن");
    }

    #[test]
    fn hindi_names_with_combining_marks_are_accepted() {
        assert_eq!(accepted("अनीता शर्मा"), "अनीता शर्मा");
        assert_eq!(accepted("प्रिया"), "प्रिया");
    }

    #[test]
    fn persian_names_keep_the_zero_width_non_joiner() {
        let name = "علی مهدی\u{200C}زاده";
        assert_eq!(accepted(name), name);
    }

    #[test]
    fn names_keep_the_zero_width_joiner() {
        let name = "അന്\u{200D}വര്\u{200D}";
        assert_eq!(accepted(name), name);
    }

    #[test]
    fn decomposed_accents_are_composed() {
        let name = accepted("Jose\u{301}");
        assert_eq!(name, "José");
        assert_eq!(name.chars().count(), 4);
    }

    #[test]
    fn names_are_trimmed_and_inner_whitespace_collapses_to_one_space() {
        let rows = [
            ("  Jane Doe  ", "Jane Doe"),
            ("Jane    Doe", "Jane Doe"),
            ("Jane\u{00A0}Doe", "Jane Doe"),
            ("山田\u{3000}太郎", "山田 太郎"),
            ("\n Jane Doe \r\n", "Jane Doe"),
        ];
        for (input, expected) in rows {
            assert_eq!(accepted(input), expected, "{input:?}");
        }
    }

    #[test]
    fn names_of_up_to_120_characters_are_accepted_counting_characters_not_bytes() {
        assert_eq!(accepted(&"a".repeat(120)).len(), 120);
        assert_eq!(accepted(&"ա".repeat(120)).chars().count(), 120);
        assert_eq!(accepted(&"e\u{301}".repeat(120)).chars().count(), 120);
    }

    #[test]
    fn bad_names_are_refused_with_a_message() {
        const EMPTY: &str = "Please enter your name.";
        const LONG: &str = "Please shorten your name to at most 120 characters.";
        const CONTROL: &str = "Your name contains a control character, such as a tab or a line break. Please type it on one line.";
        const BIDI: &str = "Your name contains invisible formatting characters. Please type it again rather than pasting it.";
        const INVISIBLE: &str = "Your name contains invisible characters, such as a zero width space. Please type it again rather than pasting it.";
        const NO_LETTERS: &str = "Please enter your name using letters.";
        const MARKS: &str = "Your name piles too many accents or marks on one letter. Please type it again rather than pasting it.";
        const LINK: &str =
            "Please enter just your name, without a web address or an e-mail address.";
        const IP: &str = "Please enter just your name, without an IP address.";
        let too_long = "a".repeat(121);
        let zalgo = format!("a{}", "\u{0301}".repeat(119));
        use NameError::*;
        let rows = [
            ("", Empty, EMPTY),
            ("   \t ", Empty, EMPTY),
            (too_long.as_str(), TooLong, LONG),
            ("Jane\0Doe", ControlCharacter, CONTROL),
            ("Jane\rDoe", ControlCharacter, CONTROL),
            ("Jane\nBcc: x@example.org", ControlCharacter, CONTROL),
            ("Jane\tDoe", ControlCharacter, CONTROL),
            ("Jane\0", ControlCharacter, CONTROL),
            ("Jane \u{202E}eoD", BidiControl, BIDI),
            ("\u{202D}Jane", BidiControl, BIDI),
            ("Jane \u{2067}Doe\u{2069}", BidiControl, BIDI),
            ("Ja\u{200B}ne", InvisibleCharacter, INVISIBLE),
            ("\u{FEFF}Jane", InvisibleCharacter, INVISIBLE),
            ("Jane\u{2028}Doe", InvisibleCharacter, INVISIBLE),
            ("Jane\u{2029}Doe", InvisibleCharacter, INVISIBLE),
            ("!!!", NoLetters, NO_LETTERS),
            ("12345", NoLetters, NO_LETTERS),
            ("- . -", NoLetters, NO_LETTERS),
            ("١٢٣", NoLetters, NO_LETTERS),
            ("\u{200D}\u{200C}", NoLetters, NO_LETTERS),
            ("Jane\u{200E}", BidiControl, BIDI),
            ("\u{200F}ليلى", BidiControl, BIDI),
            ("ليلى\u{061C}", BidiControl, BIDI),
            (zalgo.as_str(), TooManyMarks, MARKS),
            ("Click https://evil.example/confirm now", ContainsLink, LINK),
            ("www.evil.example", ContainsLink, LINK),
            ("Visit evil.example", ContainsLink, LINK),
            ("EVIL.COM", ContainsLink, LINK),
            ("Ana ana@example.org", ContainsLink, LINK),
            ("mailto:ana@example.org", ContainsLink, LINK),
            ("Ann evil\u{3002}example", ContainsLink, LINK),
            ("Ann evil\u{FF0E}example", ContainsLink, LINK),
            ("Ann evil\u{FF61}example", ContainsLink, LINK),
            (
                "Ann \u{FF45}\u{FF56}\u{FF49}\u{FF4C}\u{FF0E}\u{FF43}\u{FF4F}\u{FF4D}",
                ContainsLink,
                LINK,
            ),
            ("Ann ana\u{FF20}example\u{3002}org", ContainsLink, LINK),
            ("Ann 127.0.0.1", ContainsIpAddress, IP),
            ("Ann 127\u{3002}0\u{3002}0\u{3002}1", ContainsIpAddress, IP),
            (
                "Ann \u{FF11}\u{FF12}\u{FF17}\u{FF0E}0\u{FF0E}0\u{FF0E}1",
                ContainsIpAddress,
                IP,
            ),
            ("Ann 0x7f.0.0.1", ContainsIpAddress, IP),
            ("Ann http://10.0.0.1/x", ContainsLink, LINK),
            ("Ann (192.168.1.1)", ContainsIpAddress, IP),
            ("Ann [::1]", ContainsIpAddress, IP),
            ("Ann 2001:db8::1", ContainsIpAddress, IP),
        ];
        for (input, error, message) in rows {
            assert_eq!(SignerName::parse(input), Err(error), "{input:?}");
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn names_in_full_width_letters_and_with_ideographic_stops_are_kept_as_typed() {
        for name in [
            "山田。太郎",
            "Ｊａｎｅ Ｄｏｅ",
            "J.R.R. Tolkien",
            "Louis XIV 1.0",
            "Ana 12:30",
        ] {
            assert_eq!(accepted(name), name);
        }
    }

    #[test]
    fn names_with_any_line_break_or_nul_inside_are_refused() {
        let inputs = [
            "a\r\nb",
            "a\rb",
            "a\nb",
            "a\0b",
            "a\u{85}b",
            "a\u{2028}b",
            "a\u{0B}b",
            "a\u{0C}b",
        ];
        for input in inputs {
            assert!(SignerName::parse(input).is_err(), "{input:?}");
        }
    }
}
