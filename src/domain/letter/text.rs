//! Text clean-up for the letter parser: line normalisation, paragraphs and Markdown markers.

/// The letter's lines with a BOM dropped, CRLF/CR turned into LF, non-breaking and other
/// fixed-width spaces turned into plain spaces, zero-width characters removed and trailing
/// whitespace trimmed. Tabs are kept (they count as indentation).
pub(super) fn normalise(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(|line| {
            line.chars()
                .filter(|c| !matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}'))
                .map(|c| match c {
                    '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{2009}' => ' ',
                    other => other,
                })
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

/// Splits lines into paragraphs at blank lines and Markdown horizontal rules.
pub(super) fn paragraphs(lines: &[String]) -> Vec<Vec<String>> {
    let mut paragraphs = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in lines {
        if line.trim().is_empty() || is_rule(line) {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.clone());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// A Markdown horizontal rule or setext underline: `---`, `***`, `___`, `===`.
fn is_rule(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let mut chars = compact.chars();
    match chars.next() {
        Some(first @ ('-' | '*' | '_' | '=')) => {
            compact.chars().count() >= 3 && chars.all(|c| c == first)
        }
        _ => false,
    }
}

/// Width of a line's leading whitespace, a tab counting as four columns.
pub(super) fn indent(line: &str) -> usize {
    line.chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// A line as a field value: trimmed, Markdown heading marks, emphasis markers, link targets
/// and hard-break backslashes removed, runs of whitespace collapsed.
pub(super) fn clean(line: &str) -> String {
    let mut text = line.trim();
    let unheaded = text.trim_start_matches('#');
    if unheaded.len() < text.len() && (unheaded.is_empty() || unheaded.starts_with(' ')) {
        text = unheaded;
    }
    let text = text.trim().strip_suffix('\\').unwrap_or(text.trim());
    let text = unlink(&text.replace("**", "").replace("__", ""));
    let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for mark in ['*', '_'] {
        if text.len() > 2 && text.starts_with(mark) && text.ends_with(mark) {
            text = text[1..text.len() - 1].trim().to_string();
        }
    }
    text
}

/// An ask of a Markdown letter as one line: like [`clean`], but its inline Markdown (emphasis,
/// strong, code, links) is kept, for the one renderer to show.
pub(super) fn clean_keeping_markdown(line: &str) -> String {
    let mut text = line.trim();
    let unheaded = text.trim_start_matches('#');
    if unheaded.len() < text.len() && (unheaded.is_empty() || unheaded.starts_with(' ')) {
        text = unheaded;
    }
    let text = text.trim().strip_suffix('\\').unwrap_or(text.trim());
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Markdown images are dropped and links `[text](target)` keep only their text.
fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|i| close + i) else {
            break;
        };
        let is_image = rest[..open].ends_with('!');
        let before = if is_image {
            &rest[..open - 1]
        } else {
            &rest[..open]
        };
        out.push_str(before);
        if !is_image {
            out.push_str(&rest[open + 1..close]);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Paragraph lines joined into one line of text, each cleaned.
pub(super) fn unwrap(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| clean(l))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lower-cased cleaned text with trailing punctuation removed, for comparing with phrases.
pub(super) fn key(line: &str) -> String {
    clean(line)
        .trim_end_matches(|c: char| {
            c.is_ascii_punctuation() && !matches!(c, ')' | '"' | '\'') || "՝։…»«–—".contains(c)
        })
        .trim()
        .to_lowercase()
}

/// Number of whitespace-separated words.
pub(super) fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}
