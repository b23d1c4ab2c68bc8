//! Finding the asks: the bulleted or numbered list in the body that the letter urges, as
//! ordered items with their markers and list punctuation removed.

use super::text::{clean, clean_keeping_markdown, indent};
use super::words::ASK_INTROS;

/// The kind of marker, so that one list does not run into another.
#[derive(Clone, Copy, PartialEq)]
enum Family {
    Bullet(char),
    Number,
    Letter,
}

struct Marker<'a> {
    family: Family,
    indent: usize,
    content: &'a str,
}

/// The list marker that opens a line, if any: •, -, *, +, –, —, ▪, "1.", "1)", "(1)", "a)",
/// "a.", "(a)", "ii)".
fn marker(line: &str) -> Option<Marker<'_>> {
    let indent = indent(line);
    let text = line.trim_start();
    let mut chars = text.chars();
    let first = chars.next()?;
    if "•·-*+–—▪◦●‣○■□➢►✓✔".contains(first) {
        let rest = chars.as_str();
        return rest.starts_with(char::is_whitespace).then(|| Marker {
            family: Family::Bullet(first),
            indent,
            content: rest.trim(),
        });
    }
    let (label, rest) = if let Some(inner) = text.strip_prefix('(') {
        let (label, rest) = inner.split_once(')')?;
        (label, rest)
    } else {
        let end = text.find(['.', ')'])?;
        (&text[..end], &text[end + 1..])
    };
    if !rest.starts_with(char::is_whitespace) || rest.trim().is_empty() {
        return None;
    }
    let family =
        if !label.is_empty() && label.len() <= 2 && label.chars().all(|c| c.is_ascii_digit()) {
            Family::Number
        } else if label.chars().count() == 1 && label.chars().all(char::is_alphabetic)
            || !label.is_empty() && label.len() <= 4 && label.chars().all(|c| "ivx".contains(c))
        {
            Family::Letter
        } else {
            return None;
        };
    Some(Marker {
        family,
        indent,
        content: rest.trim(),
    })
}

/// Whether `line` opens a list item.
pub(super) fn starts_item(line: &str) -> bool {
    marker(line).is_some()
}

/// One list found in the body, with the few lines of text that lead into it.
struct List {
    items: Vec<Vec<String>>,
    lead_in: String,
    starts_at: usize,
}

/// The asks of a letter body given as paragraphs of lines; a Markdown letter's asks keep their
/// inline Markdown.
pub(super) fn asks_in(paragraphs: &[Vec<String>], markdown: bool) -> Vec<String> {
    let mut lines: Vec<Option<&str>> = Vec::new();
    for paragraph in paragraphs {
        if !lines.is_empty() {
            lines.push(None);
        }
        lines.extend(paragraph.iter().map(|l| Some(l.as_str())));
    }
    let lists = lists_in(&lines);
    let introduces = |text: &str| ASK_INTROS.iter().any(|p| text.contains(p));
    let first_intro = lines
        .iter()
        .position(|l| l.is_some_and(|l| introduces(&l.to_lowercase())));
    let chosen = lists
        .iter()
        .find(|list| introduces(&list.lead_in))
        .or_else(|| {
            let intro = first_intro?;
            lists.iter().find(|list| list.starts_at > intro)
        })
        .or_else(|| lists.first());
    chosen
        .map(|list| {
            list.items
                .iter()
                .map(|item| ask_text(item, markdown))
                .collect()
        })
        .unwrap_or_default()
}

fn lists_in(lines: &[Option<&str>]) -> Vec<List> {
    let mut lists = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(first) = lines[i]
            .and_then(marker)
            .filter(|_| may_start_list(lines, i))
        else {
            i += 1;
            continue;
        };
        let mut items = vec![vec![first.content.to_string()]];
        let mut blank_before = false;
        let mut j = i + 1;
        while j < lines.len() {
            let Some(line) = lines[j] else {
                blank_before = true;
                j += 1;
                continue;
            };
            let last = items.last_mut();
            let next =
                marker(line).filter(|m| m.family == first.family && m.indent <= first.indent + 1);
            match (next, last) {
                (Some(m), _) => items.push(vec![m.content.to_string()]),
                (None, Some(item)) if indent(line) > first.indent => {
                    item.push(line.trim().to_string())
                }
                (None, Some(item)) if !blank_before && !ends_item(item) => {
                    item.push(line.trim().to_string())
                }
                _ => break,
            }
            blank_before = false;
            j += 1;
        }
        lists.push(List {
            items,
            lead_in: lead_in(lines, i),
            starts_at: i,
        });
        i = j;
    }
    lists
}

/// A list starts at the top of a paragraph or right after a line that introduces it; a
/// marker-like line inside running prose is a wrapped line, not a list.
fn may_start_list(lines: &[Option<&str>], i: usize) -> bool {
    match i.checked_sub(1).and_then(|p| lines[p]) {
        None => true,
        Some(previous) => {
            let previous = previous.trim_end();
            previous.ends_with(':')
                || ASK_INTROS
                    .iter()
                    .any(|p| previous.to_lowercase().contains(p))
        }
    }
}

/// Whether an item's text ends like a finished item (so an unindented line after it is prose).
fn ends_item(item: &[String]) -> bool {
    item.last()
        .is_some_and(|l| l.trim_end().ends_with(['.', '!', '?', ';', '։']))
}

/// The up to three non-blank lines before a list, lower-case.
fn lead_in(lines: &[Option<&str>], start: usize) -> String {
    let mut before: Vec<&str> = lines[..start]
        .iter()
        .rev()
        .flatten()
        .take(3)
        .copied()
        .collect();
    before.reverse();
    before.join(" ").to_lowercase()
}

/// An item's lines as one ask, without list punctuation ("; and", ";", ", and", " or").
fn ask_text(item: &[String], markdown: bool) -> String {
    let joined = item.join(" ");
    let mut text = if markdown {
        clean_keeping_markdown(&joined)
    } else {
        clean(&joined)
    };
    const CONJUNCTIONS: &[&str] = &[
        " and", " or", " and/or", " und", " oder", " et", " ou", " y", " o", " e", " и", " і",
        " та", " և", " ու", " და",
    ];
    loop {
        let before = text.len();
        let lower = text.to_lowercase();
        if let Some(cut) = CONJUNCTIONS
            .iter()
            .find(|c| lower.ends_with(*c))
            .and_then(|c| text.len().checked_sub(c.len()))
            .filter(|cut| text.is_char_boundary(*cut))
        {
            text.truncate(cut);
        }
        text = text
            .trim_end()
            .trim_end_matches([';', ','])
            .trim_end()
            .to_string();
        if text.len() == before {
            return text;
        }
    }
}
