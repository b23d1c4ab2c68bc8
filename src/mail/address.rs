//! The `To:` header of a message to a named person, written so that every mail client reads
//! the name back whole: an ASCII name as one quoted string, any other as RFC 2047
//! encoded-words that end only between characters and, wherever the name has a space, at a
//! space — never "Secreta ry" — each line folded within 78 characters.

use base64::Engine as _;

/// The longest encoded-word RFC 2047 allows.
const MAX_WORD: usize = 75;
/// `=?utf-8?b?` … `?=`.
const WORD_OVERHEAD: usize = "=?utf-8?b??=".len();
/// Characters of a header line before it should be folded.
const LINE: usize = 78;

/// The value of a `To:` header for `address` with the display `name` (already free of line
/// breaks and control characters), e.g. `"Ana Babić, Minister" <ana@gov.example>`.
pub fn to_header(name: Option<&str>, address: &str) -> String {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return address.to_string();
    };
    let display = if name.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        quoted(name)
    } else {
        encoded_words(name)
    };
    fold(&format!("{display} <{address}>"))
}

/// `"name"`, with `"` and `\` escaped.
fn quoted(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `name` as base64 encoded-words separated by spaces. Each word carries whole words of the
/// name with the space that follows them, so decoders (which drop the spaces between
/// encoded-words) give the name back exactly; a name-word too long for one encoded-word is
/// cut between characters.
fn encoded_words(name: &str) -> String {
    let most = (MAX_WORD - WORD_OVERHEAD) / 4 * 3;
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    for piece in name.split_inclusive(' ') {
        if current.len() + piece.len() <= most {
            current.push_str(piece);
            continue;
        }
        if !current.is_empty() {
            chunks.push(std::mem::take(&mut current));
        }
        for c in piece.chars() {
            if current.len() + c.len_utf8() > most {
                chunks.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
        .iter()
        .map(|chunk| {
            format!(
                "=?utf-8?b?{}?=",
                base64::engine::general_purpose::STANDARD.encode(chunk)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Folds `value` at its spaces (a quoted string may be folded at a space, and encoded-words
/// are separated by them) so lines stay within [`LINE`] where they can.
fn fold(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    super::build::break_at_spaces(value, "To: ".len(), LINE, "\r\n ", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(value: &str) -> String {
        let unfolded = value.replace("\r\n ", " ");
        let display = unfolded
            .rsplit_once(" <")
            .map_or(unfolded.as_str(), |(d, _)| d);
        if let Some(quoted) = display.strip_prefix('"') {
            return quoted
                .trim_end_matches('"')
                .replace("\\\"", "\"")
                .replace("\\\\", "\\");
        }
        display
            .split(' ')
            .map(|word| {
                let b64 = word.trim_start_matches("=?utf-8?b?").trim_end_matches("?=");
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .expect("base64");
                String::from_utf8(bytes).expect("each encoded-word is whole characters")
            })
            .collect()
    }

    #[test]
    fn an_ascii_name_is_one_quoted_string_even_with_commas_and_quotes() {
        let name = "Permanent Under-Secretary of State for Foreign, Commonwealth and \"Development\" Affairs";
        let value = to_header(Some(name), "pus@fcdo.example");
        assert!(value.starts_with("\"Permanent Under-Secretary"), "{value}");
        assert!(!value.contains("=?"), "{value}");
        assert!(value.split("\r\n").all(|l| l.len() <= LINE), "{value}");
        assert_eq!(decode(&value), name);
        assert!(value.ends_with("<pus@fcdo.example>"));
    }

    #[test]
    fn a_non_ascii_name_is_cut_into_encoded_words_at_spaces_only() {
        let name = "Госпожа Постоянный заместитель министра иностранных дел Российской Федерации Анна Бабич";
        let value = to_header(Some(name), "mid@mid.example");
        assert_eq!(decode(&value), name);
        for word in value
            .replace("\r\n ", " ")
            .split(' ')
            .filter(|w| w.starts_with("=?"))
        {
            assert!(word.len() <= MAX_WORD, "{word}");
            let b64 = word.trim_start_matches("=?utf-8?b?").trim_end_matches("?=");
            let text = String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .unwrap(),
            )
            .unwrap();
            assert!(
                text.ends_with(' ') || name.ends_with(&text),
                "each encoded-word ends at a space: {text:?}"
            );
        }
        let long_word = "Ђ".repeat(60);
        assert_eq!(
            decode(&to_header(Some(&long_word), "a@b.example")),
            long_word
        );
        assert_eq!(to_header(None, "a@b.example"), "a@b.example");
    }
}
