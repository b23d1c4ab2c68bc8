//! The letter importer: turns a letter as an organizer pastes it (plain text or Markdown,
//! possibly with the web page around it) into its parts. Pure functions, no I/O; a part the
//! letter does not contain stays empty, nothing is invented.

mod asks;
pub mod blocks;
mod dates;
mod debris;
mod debris_words;
mod names;
mod people;
mod recognise;
mod render;
mod text;
mod words;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_pages;

use debris::{is_block_heading, is_debris};
pub use names::recipient_named;
use recognise::{
    cc_of, closing_of, is_closing_sentence, is_enclosure, is_salutation, subject_of, to_of,
};
pub use render::{
    body_html, body_html_with, body_text, body_text_with, inline_html, inline_text, is_markdown,
    Links, SafeHtml,
};
use text::{clean, unwrap};

/// A letter split into its parts.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Letter {
    /// Title line when pasted from a web page.
    pub headline: Option<String>,
    /// The web page's text before the letter, paragraphs joined by "\n\n", debris removed.
    pub intro: Option<String>,
    /// The letter's date as written, e.g. "March 2, 2027" (a place before it removed).
    pub date: Option<String>,
    /// The addressees, in the order of their address blocks.
    pub recipients: Vec<Recipient>,
    /// The Re:/Subject:/Betreff:/Objet:/Asunto: line, without the label.
    pub subject: Option<String>,
    /// "Dear Minister Kovač and Governor Deda:"
    pub salutation: Option<String>,
    /// The text from after the salutation to before the closing, paragraphs verbatim and
    /// separated by "\n\n" (the list of asks included as written).
    pub body: String,
    /// The asks as ordered items: markers and list punctuation removed, a sentence-final
    /// full stop kept.
    pub asks: Vec<String>,
    /// "Sincerely,"
    pub closing: Option<String>,
    /// The first person signing, from the block under the closing.
    pub signer: Option<Signer>,
    /// Entries of cc: lines.
    pub cc: Vec<String>,
}

/// One addressee's block: name (honorific kept), title, organisation, address lines.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Recipient {
    pub name: Option<String>,
    pub title: Option<String>,
    pub organisation: Option<String>,
    pub address: Vec<String>,
}

/// The person signing: name, title, organisation and contact lines (e-mail, phone, web).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Signer {
    pub name: Option<String>,
    pub title: Option<String>,
    pub organisation: Option<String>,
    pub contact: Vec<String>,
}

/// What a paragraph is, judged from its lines.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Salutation,
    Subject,
    Cc,
    Enclosure,
    To,
    Closing,
    ClosingSentence,
    Date,
    Debris,
    Heading,
    Address,
    Text,
}

struct Para {
    lines: Vec<String>,
    kind: Kind,
}

/// Splits a letter into its parts, reading it the way a careful person would.
/// The body laid out for reading: paragraphs of display lines, where hard-wrapped prose is
/// joined into one line and each list item starts a line of its own.
pub fn body_paragraphs(body: &str) -> Vec<Vec<String>> {
    body.split("\n\n")
        .map(|paragraph| {
            let mut lines: Vec<String> = Vec::new();
            for line in paragraph.lines().map(str::trim).filter(|l| !l.is_empty()) {
                match lines.last_mut() {
                    Some(last) if !asks::starts_item(line) => {
                        last.push(' ');
                        last.push_str(line);
                    }
                    _ => lines.push(line.to_string()),
                }
            }
            lines
        })
        .filter(|lines| !lines.is_empty())
        .collect()
}

pub fn parse_letter(text: &str) -> Letter {
    let paras = split(&text::paragraphs(&text::normalise(text)));
    let (header_start, body_start) = layout(&paras);
    let mut letter = Letter::default();
    read_preamble(&paras[..header_start], &mut letter);
    read_header(&paras[header_start..body_start], &mut letter);

    let rest = &paras[body_start..];
    let end_at = rest
        .iter()
        .position(|p| matches!(p.kind, Kind::Cc | Kind::Enclosure));
    let signature_at = rest
        .iter()
        .position(|p| matches!(p.kind, Kind::Closing | Kind::ClosingSentence))
        .or_else(|| bare_signer_at(&rest[..end_at.unwrap_or(rest.len())]));
    let body_end = signature_at
        .into_iter()
        .chain(end_at)
        .min()
        .unwrap_or(rest.len());
    let mut body = &rest[..body_end];
    while let Some((last, before)) = body.split_last() {
        if last.kind != Kind::Debris {
            break;
        }
        body = before;
    }
    let body: Vec<Vec<String>> = body.iter().map(|p| p.lines.clone()).collect();
    letter.body = body
        .iter()
        .map(|p| p.join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n");
    letter.asks = asks::asks_in(&body, is_markdown(&letter.body));
    if let Some(at) = signature_at {
        read_signature(&rest[at..], &mut letter);
    }
    letter.cc.extend(
        rest[body_end..]
            .iter()
            .filter(|p| p.kind == Kind::Cc)
            .flat_map(cc_entries),
    );
    letter
}

/// The kind of a line that always stands apart from its neighbours.
fn anchor(line: &str) -> Option<Kind> {
    if is_salutation(line) {
        Some(Kind::Salutation)
    } else if subject_of(line).is_some() {
        Some(Kind::Subject)
    } else if cc_of(line).is_some() {
        Some(Kind::Cc)
    } else if is_enclosure(line) {
        Some(Kind::Enclosure)
    } else if to_of(line).is_some() {
        Some(Kind::To)
    } else if closing_of(line).is_some() {
        Some(Kind::Closing)
    } else if dates::date_in_line(line).is_some() {
        Some(Kind::Date)
    } else {
        None
    }
}

/// Paragraphs with their anchor lines split out and every part given its kind.
fn split(raw: &[Vec<String>]) -> Vec<Para> {
    let mut paras = Vec::new();
    for paragraph in raw {
        let mut current: Vec<String> = Vec::new();
        let mut kind: Option<Kind> = None;
        for line in paragraph {
            let line_kind = anchor(line);
            let continues = match (line_kind, kind) {
                (Some(Kind::Salutation), Some(Kind::Salutation)) => true,
                (Some(_), _) => false,
                (None, Some(Kind::Salutation | Kind::Closing | Kind::Date)) => false,
                (None, _) => true,
            };
            if !continues && !current.is_empty() {
                paras.push(finish(std::mem::take(&mut current), kind));
            }
            if !continues {
                kind = line_kind;
            }
            current.push(line.clone());
        }
        if !current.is_empty() {
            paras.push(finish(current, kind));
        }
    }
    paras
}

fn finish(lines: Vec<String>, anchor: Option<Kind>) -> Para {
    let first = lines.first().map(String::as_str).unwrap_or_default();
    let kind = anchor.unwrap_or_else(|| {
        if is_closing_sentence(first) {
            Kind::ClosingSentence
        } else if lines.iter().all(|l| is_debris(l)) || is_block_heading(first) {
            Kind::Debris
        } else if first.trim_start().starts_with('#') {
            Kind::Heading
        } else if people::is_address_block(&lines) {
            Kind::Address
        } else {
            Kind::Text
        }
    });
    Para { lines, kind }
}

/// Where the letter's header (date, recipients, subject, salutation) starts and where its
/// body starts; what comes before the header is the web page's preamble.
fn layout(paras: &[Para]) -> (usize, usize) {
    let first = |kind: Kind| paras.iter().position(|p| p.kind == kind);
    if let Some(at) = first(Kind::Salutation).or_else(|| first(Kind::Subject)) {
        return (header_start(paras, at), at + 1);
    }
    if let Some(at) = first(Kind::To) {
        let end = paras[at + 1..]
            .iter()
            .position(|p| !matches!(p.kind, Kind::Address | Kind::Date | Kind::Cc | Kind::To))
            .map_or(paras.len(), |i| at + 1 + i);
        return (header_start(paras, at), end);
    }
    // No salutation, subject or "To:": a leading heading is the headline, a leading date
    // and the address blocks under it are the header.
    let start = paras
        .iter()
        .take_while(|p| matches!(p.kind, Kind::Heading | Kind::Debris))
        .count();
    if paras.get(start).is_some_and(|p| p.kind == Kind::Date) {
        let end = paras[start + 1..]
            .iter()
            .position(|p| p.kind != Kind::Address)
            .map_or(paras.len(), |i| start + 1 + i);
        return (start, end);
    }
    (start, start)
}

/// Walks back from the paragraph at `anchor` over subject, cc, "To:", address blocks and the
/// letter's date. The date usually opens the letter; when it sits between the recipients
/// and the subject the walk goes on to the address blocks above it.
fn header_start(paras: &[Para], anchor: usize) -> usize {
    let mut start = anchor;
    let mut seen_recipient = false;
    let mut seen_date = false;
    for (i, para) in paras[..anchor].iter().enumerate().rev() {
        match para.kind {
            Kind::Subject | Kind::Cc => {}
            Kind::To => seen_recipient = true,
            Kind::Address if !(seen_date && para.lines.len() < 2) => seen_recipient = true,
            Kind::Date if !seen_date => seen_date = true,
            _ => break,
        }
        start = i;
        if para.kind == Kind::Date && seen_recipient {
            break;
        }
    }
    start
}

/// Headline and intro from the web page's text before the letter.
fn read_preamble(paras: &[Para], letter: &mut Letter) {
    let mut paras: Vec<&Para> = paras.iter().collect();
    // A sender's letterhead directly above the letter is not part of the page's text.
    while paras
        .last()
        .is_some_and(|p| p.kind == Kind::Address && p.lines.len() >= 2)
    {
        paras.pop();
    }
    let mut after_heading = false;
    let mut texts: Vec<(Kind, Vec<String>)> = paras
        .into_iter()
        .filter(|p| {
            // The links under a lone "Related" or "Read more" heading go with it.
            let links = after_heading && p.lines.iter().all(|l| is_link_title(l));
            after_heading =
                p.lines.len() == 1 && is_block_heading(&p.lines[0]) || after_heading && links;
            !links && !matches!(p.kind, Kind::Debris | Kind::Date)
        })
        .map(|p| {
            (
                p.kind,
                p.lines
                    .iter()
                    .filter(|l| !is_debris(l))
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect();
    if let Some((kind, lines)) = texts.first_mut() {
        if *kind == Kind::Heading || lines.len() == 1 {
            letter.headline = Some(clean(&lines.remove(0))).filter(|h| !h.is_empty());
        }
    }
    let intro: Vec<String> = texts
        .iter()
        .map(|(_, lines)| unwrap(lines))
        .filter(|p| !p.is_empty())
        .collect();
    letter.intro = (!intro.is_empty()).then(|| intro.join("\n\n"));
}

/// Date, recipients, subject, cc and salutation from the letter's header.
fn read_header(paras: &[Para], letter: &mut Letter) {
    for para in paras {
        let first = para.lines.first().map(String::as_str).unwrap_or_default();
        match para.kind {
            Kind::Date => letter.date = dates::date_in_line(first),
            Kind::Subject => {
                let mut parts = vec![subject_of(first).unwrap_or_default()];
                parts.extend(para.lines[1..].iter().map(|l| clean(l)));
                letter.subject = Some(parts.join(" ").trim().to_string());
            }
            Kind::Salutation => letter.salutation = Some(unwrap(&para.lines)),
            Kind::Cc => letter.cc.extend(cc_entries(para)),
            Kind::Address if para.lines.len() == 1 => letter
                .recipients
                .extend(people::recipients_from_to_line(&clean(first))),
            Kind::Address => letter
                .recipients
                .push(people::recipient_from_block(&para.lines)),
            Kind::To if para.lines.len() == 1 => letter.recipients.extend(
                people::recipients_from_to_line(&to_of(first).unwrap_or_default()),
            ),
            Kind::To => {
                let mut lines = para.lines.clone();
                lines[0] = to_of(first).unwrap_or_default();
                letter.recipients.push(people::recipient_from_block(&lines));
            }
            _ => {}
        }
    }
}

/// A line that reads as the title of another page in a list of links: short, no full stop.
fn is_link_title(line: &str) -> bool {
    let text = clean(line);
    text::word_count(&text) <= 12 && !text.ends_with(['.', '!', '?', ':'])
}

/// Where a signer block stands when no closing word precedes it: the first block after the
/// letter's last sentence that reads as a name over a title, organisation or contact lines.
fn bare_signer_at(paras: &[Para]) -> Option<usize> {
    let last_sentence = paras.iter().rposition(|p| {
        p.kind == Kind::Text
            && unwrap(&p.lines)
                .trim_end_matches(['"', '”', '»', ')'])
                .ends_with(['.', '!', '?', '։', '…'])
    })?;
    (last_sentence + 1..paras.len())
        .find(|&i| paras[i].kind == Kind::Address && people::is_signer_block(&paras[i].lines))
}

/// The closing (when there is one) and the signer block under it, up to the cc lines;
/// enclosure lines are left out.
fn read_signature(paras: &[Para], letter: &mut Letter) {
    let mut after = paras;
    let mut name = None;
    if let Some((closing, rest)) = paras.split_first() {
        if closing.kind == Kind::ClosingSentence {
            letter.closing = Some(unwrap(&closing.lines));
            after = rest;
        } else if let Some((formula, on_line)) = closing.lines.first().and_then(|l| closing_of(l)) {
            letter.closing = Some(formula);
            name = on_line;
            after = rest;
        }
    }
    let blocks: Vec<Vec<String>> = after
        .iter()
        .take_while(|p| p.kind != Kind::Cc)
        .filter(|p| p.kind != Kind::Enclosure)
        .map(|p| {
            p.lines
                .iter()
                .filter(|l| !is_debris(l))
                .cloned()
                .collect::<Vec<_>>()
        })
        .filter(|lines| !lines.is_empty())
        .collect();
    let mut first: Vec<String> = name.into_iter().collect();
    let mut later: Vec<&[String]> = blocks.iter().map(Vec::as_slice).collect();
    if !later.is_empty() {
        first.extend(later.remove(0).iter().cloned());
    }
    letter.signer = people::signer_from(&first, &later);
}

/// The entries of a cc paragraph: its lines split at ";" (or at "," when there is none).
fn cc_entries(para: &Para) -> Vec<String> {
    para.lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                cc_of(line).unwrap_or_default()
            } else {
                clean(line)
            }
        })
        .flat_map(|line| {
            let separator = if line.contains(';') { ';' } else { ',' };
            line.split(separator)
                .map(|entry| clean(entry).trim_end_matches('.').to_string())
                .filter(|entry| !entry.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}
