//! A campaign's letter as one piece — date, recipients, subject, salutation, body, closing,
//! signer and cc — rendered once as HTML (the action page, HTML e-mail parts) and once as
//! plain text (text e-mail parts) from the same parts, so both say the same.

use super::Campaign;
use crate::domain::letter::{body_html, body_text, SafeHtml};
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

/// The campaign's letter as HTML and as plain text.
pub fn render_letter(c: &Campaign) -> Result<RenderedLetter, askama::Error> {
    render_letter_greeting(c, c.row.salutation.as_deref())
}

/// The letter with `salutation` in place of its own: how it greets the one target a message
/// goes to.
pub fn render_letter_greeting(
    c: &Campaign,
    salutation: Option<&str>,
) -> Result<RenderedLetter, askama::Error> {
    let html = LetterHtml {
        c,
        salutation,
        body: body_html(&c.row.body),
    }
    .render()?;
    let text = LetterText {
        c,
        salutation,
        body: body_text(&c.row.body),
    }
    .render()?;
    Ok(RenderedLetter {
        html: SafeHtml::from_escaping_template(html),
        text: text.trim().to_string(),
    })
}
