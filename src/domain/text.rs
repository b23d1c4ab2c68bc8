//! Free text a supporter types into the sign form: the shared check that keeps control,
//! bidi and invisible characters out of anything we store or put in an e-mail, and the two
//! optional fields built on it, [`Postcode`] and [`Comment`].

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The most combining marks one base character may carry. Scripts that stack marks (Hebrew
/// points, Devanagari signs, Vietnamese tones) use two or three; more is "Zalgo" text that
/// spills over the lines around it.
pub const MARKS_PER_CHARACTER_MAX: usize = 4;

/// Why a piece of typed text was refused by [`check_text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextProblem {
    /// A control character such as NUL, a tab, or a line break where none is allowed.
    #[error("This text contains a control character, such as a tab or a line break.")]
    ControlCharacter,
    /// A character that silently reverses or isolates the direction of the text around it.
    #[error(
        "This text contains invisible formatting characters that change the direction of the text."
    )]
    BidiControl,
    /// A character that shows nothing at all, such as a zero width space.
    #[error("This text contains invisible characters, such as a zero width space.")]
    InvisibleCharacter,
    /// More than [`MARKS_PER_CHARACTER_MAX`] accents or other combining marks on one character.
    #[error("This text piles too many accents or marks on one character.")]
    TooManyMarks,
}

/// Refuses control characters (NUL, CR, TAB, ...), bidi overrides and isolates, and
/// invisible characters that only hide or disguise text.
///
/// With `allow_newlines`, a plain `'\n'` is accepted; callers turn CR LF into LF first.
/// The zero width joiner and non-joiner are accepted: Persian, Indic and other scripts need them.
pub fn check_text(s: &str, allow_newlines: bool) -> Result<(), TextProblem> {
    let mut marks = 0;
    for c in s.chars() {
        marks = if is_combining_mark(c) { marks + 1 } else { 0 };
        if marks > MARKS_PER_CHARACTER_MAX {
            return Err(TextProblem::TooManyMarks);
        }
        if c == '\n' && allow_newlines {
            continue;
        }
        if c.is_control() {
            return Err(TextProblem::ControlCharacter);
        }
        if is_bidi_control(c) {
            return Err(TextProblem::BidiControl);
        }
        if is_invisible(c) {
            return Err(TextProblem::InvisibleCharacter);
        }
    }
    Ok(())
}

/// Embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069): they can make text
/// read differently from how it is stored.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters with no visible form and no use in what a supporter types into our form.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers, used for blank-looking text
            | '\u{200B}' // zero width space
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{2060}'..='\u{2064}' // word joiner and invisible operators
            | '\u{206A}'..='\u{206F}' // deprecated format characters
            | '\u{FEFF}' // zero width no-break space, byte order mark
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
            | '\u{E0000}'..='\u{E007F}' // tag characters, used to smuggle hidden text
    )
}

/// Whether `s` shows anything: a character other than whitespace, combining marks, joiners,
/// direction marks, variation selectors and blank-looking symbols.
pub fn has_visible_text(s: &str) -> bool {
    s.chars().any(|c| {
        !c.is_whitespace()
            && !is_combining_mark(c)
            && !matches!(
                c,
                '\u{034F}' // combining grapheme joiner
                    | '\u{061C}' // Arabic letter mark
                    | '\u{180B}'..='\u{180F}' // Mongolian variation selectors and vowel separator
                    | '\u{200C}'..='\u{200F}' // joiners and direction marks
                    | '\u{2800}' // braille blank, used for blank-looking text
                    | '\u{FE00}'..='\u{FE0F}' // variation selectors
                    | '\u{E0100}'..='\u{E01EF}' // variation selectors supplement
            )
    })
}

/// Replaces every run of whitespace with one space. Callers trim and run [`check_text`] first,
/// so only spaces of some width are left to collapse.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// The longest postcode we keep, in characters.
pub const POSTCODE_MAX_CHARS: usize = 16;

/// A supporter's postcode: NFC, trimmed, inner spaces collapsed, ASCII letters upper-cased,
/// at most [`POSTCODE_MAX_CHARS`] letters, digits, spaces and hyphens of any script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postcode(String);

/// Why a postcode was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    /// Longer than [`POSTCODE_MAX_CHARS`].
    #[error("Please shorten your postcode to at most {max} characters.", max = POSTCODE_MAX_CHARS)]
    TooLong,
    /// Something other than letters, digits, spaces and hyphens, or no letter or digit at all.
    #[error("A postcode can only contain letters, digits, spaces and hyphens. Please check yours, or leave it empty.")]
    InvalidCharacters,
}

impl Postcode {
    /// Parses the optional postcode field: empty or only whitespace is `Ok(None)`.
    pub fn parse(input: &str) -> Result<Option<Self>, PostcodeError> {
        let normalised: String = input.nfc().collect();
        let trimmed = normalised.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        check_text(trimmed, false).map_err(|_| PostcodeError::InvalidCharacters)?;
        let collapsed = collapse_whitespace(trimmed).to_ascii_uppercase();
        if collapsed.chars().count() > POSTCODE_MAX_CHARS {
            return Err(PostcodeError::TooLong);
        }
        let allowed = |c: char| c.is_alphanumeric() || c == ' ' || c == '-';
        if !collapsed.chars().all(allowed) || !collapsed.chars().any(char::is_alphanumeric) {
            return Err(PostcodeError::InvalidCharacters);
        }
        Ok(Some(Self(collapsed)))
    }

    /// The postcode as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Postcode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The longest comment we keep, in characters.
pub const COMMENT_MAX_CHARS: usize = 1000;
/// The most lines a comment may have.
pub const COMMENT_MAX_LINES: usize = 20;

/// A supporter's comment: NFC, trimmed, line breaks as LF, at most [`COMMENT_MAX_CHARS`]
/// characters on at most [`COMMENT_MAX_LINES`] lines, free of control and bidi characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment(String);

/// Why a comment was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CommentError {
    /// Longer than [`COMMENT_MAX_CHARS`]; carries the length the supporter typed.
    #[error("Please shorten your comment to at most {max} characters (it has {0}).", max = COMMENT_MAX_CHARS)]
    TooLong(usize),
    /// More than [`COMMENT_MAX_LINES`] lines.
    #[error("Please keep your comment to at most {max} lines.", max = COMMENT_MAX_LINES)]
    TooManyLines,
    /// A control character other than a line break.
    #[error("Your comment contains a control character, such as a tab. Please remove it.")]
    ControlCharacter,
    /// A bidi override or isolate.
    #[error("Your comment contains invisible formatting characters that change the direction of the text. Please type it again rather than pasting it.")]
    BidiControl,
    /// A zero width space or a similar invisible character.
    #[error("Your comment contains invisible characters, such as a zero width space. Please type it again rather than pasting it.")]
    InvisibleCharacter,
    /// Too many combining marks on one character.
    #[error("Your comment piles too many accents or marks on one character. Please type it again rather than pasting it.")]
    TooManyMarks,
    /// Nothing that shows: only joiners, marks or blank-looking characters.
    #[error("Your comment has no visible text. Please write something, or leave it empty.")]
    NothingVisible,
}

impl From<TextProblem> for CommentError {
    fn from(problem: TextProblem) -> Self {
        match problem {
            TextProblem::ControlCharacter => Self::ControlCharacter,
            TextProblem::BidiControl => Self::BidiControl,
            TextProblem::InvisibleCharacter => Self::InvisibleCharacter,
            TextProblem::TooManyMarks => Self::TooManyMarks,
        }
    }
}

impl Comment {
    /// Parses the optional comment field: empty or only whitespace is `Ok(None)`.
    pub fn parse(input: &str) -> Result<Option<Self>, CommentError> {
        let normalised: String = input
            .replace("\r\n", "\n")
            .replace(['\r', '\u{2028}', '\u{2029}'], "\n")
            .nfc()
            .collect();
        let trimmed = normalised.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        check_text(trimmed, true)?;
        if !has_visible_text(trimmed) {
            return Err(CommentError::NothingVisible);
        }
        let chars = trimmed.chars().count();
        if chars > COMMENT_MAX_CHARS {
            return Err(CommentError::TooLong(chars));
        }
        if trimmed.split('\n').count() > COMMENT_MAX_LINES {
            return Err(CommentError::TooManyLines);
        }
        Ok(Some(Self(trimmed.to_owned())))
    }

    /// The comment as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Comment {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_text_sorts_each_forbidden_character_into_its_problem() {
        let zalgo = format!("a{}", "\u{0301}".repeat(MARKS_PER_CHARACTER_MAX + 1));
        let rows = [
            ("nul\0", TextProblem::ControlCharacter),
            ("tab\there", TextProblem::ControlCharacter),
            ("carriage\rreturn", TextProblem::ControlCharacter),
            ("line\nfeed", TextProblem::ControlCharacter),
            ("delete\u{7F}", TextProblem::ControlCharacter),
            ("next line\u{85}", TextProblem::ControlCharacter),
            ("override \u{202E}", TextProblem::BidiControl),
            ("embedding \u{202A}", TextProblem::BidiControl),
            ("isolate \u{2066}", TextProblem::BidiControl),
            ("pop isolate \u{2069}", TextProblem::BidiControl),
            ("zero\u{200B}width", TextProblem::InvisibleCharacter),
            ("\u{FEFF}bom", TextProblem::InvisibleCharacter),
            ("line\u{2028}separator", TextProblem::InvisibleCharacter),
            (
                "paragraph\u{2029}separator",
                TextProblem::InvisibleCharacter,
            ),
            ("tag\u{E0041}", TextProblem::InvisibleCharacter),
            ("\u{3164}", TextProblem::InvisibleCharacter),
            (zalgo.as_str(), TextProblem::TooManyMarks),
        ];
        for (input, expected) in rows {
            assert_eq!(check_text(input, false), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn check_text_accepts_newlines_only_when_allowed() {
        assert_eq!(check_text("one\ntwo", true), Ok(()));
        assert_eq!(
            check_text("one\r\ntwo", true),
            Err(TextProblem::ControlCharacter)
        );
        assert_eq!(
            check_text("one\ttwo", true),
            Err(TextProblem::ControlCharacter)
        );
    }

    #[test]
    fn check_text_accepts_joiners_and_text_in_any_script() {
        for input in [
            "مهدی\u{200C}زاده",
            "അന്\u{200D}വര്\u{200D}",
            "Անի Հակոբյան",
            "שלום\u{200F} עולם",
            "👩\u{200D}👩\u{200D}👧",
            "Tiếng Việt",
            "שָׁלוֹם",
            "प्रिया",
            "a\u{0301}\u{0302}\u{0303}\u{0304}",
        ] {
            assert_eq!(check_text(input, false), Ok(()), "{input:?}");
        }
    }

    #[test]
    fn postcodes_are_trimmed_collapsed_and_upper_cased() {
        let rows = [
            ("  sw1a 1aa ", "SW1A 1AA"),
            ("10115", "10115"),
            ("0010", "0010"),
            ("h3z  2y7", "H3Z 2Y7"),
            ("1234-567", "1234-567"),
            ("AZ 1000", "AZ 1000"),
            ("\u{00A0}0105\u{00A0}", "0105"),
            ("١٢٣٤٥", "١٢٣٤٥"),
            ("ab\u{3000}12", "AB 12"),
        ];
        for (input, expected) in rows {
            let postcode = Postcode::parse(input).unwrap().unwrap();
            assert_eq!(postcode.as_str(), expected, "{input:?}");
        }
    }

    #[test]
    fn an_empty_postcode_is_no_postcode() {
        assert_eq!(Postcode::parse(""), Ok(None));
        assert_eq!(Postcode::parse("   \t "), Ok(None));
    }

    #[test]
    fn postcodes_with_other_characters_or_too_long_are_refused_with_a_message() {
        const LONG: &str = "Please shorten your postcode to at most 16 characters.";
        const CHARACTERS: &str = "A postcode can only contain letters, digits, spaces and hyphens. Please check yours, or leave it empty.";
        use PostcodeError::*;
        let rows = [
            ("12345678901234567", TooLong, LONG),
            ("SW1A/1AA", InvalidCharacters, CHARACTERS),
            ("=1+1", InvalidCharacters, CHARACTERS),
            ("---", InvalidCharacters, CHARACTERS),
            ("10\t115", InvalidCharacters, CHARACTERS),
            ("10\u{0}115", InvalidCharacters, CHARACTERS),
            ("\u{202E}10115", InvalidCharacters, CHARACTERS),
            ("10115\u{200B}", InvalidCharacters, CHARACTERS),
        ];
        for (input, error, message) in rows {
            assert_eq!(Postcode::parse(input), Err(error), "{input:?}");
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn comments_keep_their_line_breaks_as_plain_newlines() {
        let comment = Comment::parse("  First line.\r\nSecond line.\rThird.\u{2028}Fourth.\n ")
            .unwrap()
            .unwrap();
        assert_eq!(
            comment.as_str(),
            "First line.\nSecond line.\nThird.\nFourth."
        );
    }

    #[test]
    fn comments_are_nfc_normalised() {
        let comment = Comment::parse("Jose\u{301} says hi").unwrap().unwrap();
        assert_eq!(comment.as_ref(), "José says hi");
    }

    #[test]
    fn an_empty_comment_is_no_comment() {
        assert_eq!(Comment::parse(""), Ok(None));
        assert_eq!(Comment::parse(" \r\n\n  "), Ok(None));
    }

    #[test]
    fn comments_at_the_limits_are_accepted() {
        let longest = "a".repeat(COMMENT_MAX_CHARS);
        assert!(Comment::parse(&longest).unwrap().is_some());
        let tallest = vec!["line"; COMMENT_MAX_LINES].join("\n");
        assert!(Comment::parse(&tallest).unwrap().is_some());
        let armenian = "ա".repeat(COMMENT_MAX_CHARS);
        assert!(Comment::parse(&armenian).unwrap().is_some());
    }

    #[test]
    fn bad_comments_are_refused_with_a_message() {
        const TOO_LONG: &str =
            "Please shorten your comment to at most 1000 characters (it has 1001).";
        const TOO_MANY_LINES: &str = "Please keep your comment to at most 20 lines.";
        const CONTROL: &str =
            "Your comment contains a control character, such as a tab. Please remove it.";
        const BIDI: &str = "Your comment contains invisible formatting characters that change the direction of the text. Please type it again rather than pasting it.";
        const INVISIBLE: &str = "Your comment contains invisible characters, such as a zero width space. Please type it again rather than pasting it.";
        const MARKS: &str = "Your comment piles too many accents or marks on one character. Please type it again rather than pasting it.";
        const NOTHING: &str =
            "Your comment has no visible text. Please write something, or leave it empty.";
        let zalgo = format!("Hx{}", "\u{0301}".repeat(MARKS_PER_CHARACTER_MAX + 1));
        let too_long = "a".repeat(COMMENT_MAX_CHARS + 1);
        let too_tall = vec!["line"; COMMENT_MAX_LINES + 1].join("\n");
        let rows = [
            (too_long.as_str(), CommentError::TooLong(1001), TOO_LONG),
            (
                too_tall.as_str(),
                CommentError::TooManyLines,
                TOO_MANY_LINES,
            ),
            ("tab\there", CommentError::ControlCharacter, CONTROL),
            ("nul\0here", CommentError::ControlCharacter, CONTROL),
            ("\u{202E}txet", CommentError::BidiControl, BIDI),
            (
                "hid\u{200B}den",
                CommentError::InvisibleCharacter,
                INVISIBLE,
            ),
            (zalgo.as_str(), CommentError::TooManyMarks, MARKS),
            ("\u{200C}\u{200D}", CommentError::NothingVisible, NOTHING),
            (
                "\u{2800}\u{2800}\n\u{200F}",
                CommentError::NothingVisible,
                NOTHING,
            ),
            ("\u{FE0F}\u{0301}", CommentError::NothingVisible, NOTHING),
        ];
        for (input, error, message) in rows {
            assert_eq!(Comment::parse(input), Err(error), "{input:?}");
            assert_eq!(error.to_string(), message);
        }
    }
}
