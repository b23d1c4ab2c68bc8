//! A campaign's letter as one piece — date, recipients, subject, salutation, body, closing,
//! signer and cc — rendered once as HTML (the action page, HTML e-mail parts) and once as
//! plain text (text e-mail parts) from the same parts, so both say the same.

use super::Campaign;
use crate::domain::letter::{body_html_with, body_text_with, Links, SafeHtml};
use askama::Template;

/// The letter in both forms.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedLetter {
    /// Sanitised HTML: a Markdown body rendered, nothing the organizer typed left unescaped.
    pub html: SafeHtml,
    /// Plain text with paragraphs separated by blank lines and Markdown marks removed.
    pub text: String,
}

#[derive(Template)]
#[template(path = "letter/letter.html")]
struct LetterHtml<'a> {
    c: &'a Campaign,
    salutation: Option<&'a str>,
    body: SafeHtml,
}

#[derive(Template)]
#[template(path = "letter/letter.txt")]
struct LetterText<'a> {
    c: &'a Campaign,
    salutation: Option<&'a str>,
    body: String,
}

/// The campaign's letter as HTML and as plain text, as the action page shows it.
pub fn render_letter(c: &Campaign) -> Result<RenderedLetter, askama::Error> {
    render_letter_greeting(c, c.row.salutation.as_deref(), Links::AsWritten)
}

/// The letter with `salutation` in place of its own (how it greets the one target a message
/// goes to), its links on the site written as `links` says (absolute in an e-mail).
pub fn render_letter_greeting(
    c: &Campaign,
    salutation: Option<&str>,
    links: Links<'_>,
) -> Result<RenderedLetter, askama::Error> {
    let html = LetterHtml {
        c,
        salutation,
        body: body_html_with(&c.row.body, links),
    }
    .render()?;
    let text = LetterText {
        c,
        salutation,
        body: body_text_with(&c.row.body, links),
    }
    .render()?;
    Ok(RenderedLetter {
        html: SafeHtml::from_escaping_template(html),
        text: text.trim().to_string(),
    })
}
