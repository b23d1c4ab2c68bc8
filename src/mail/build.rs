//! Builds the wire message from a [`Composed`]: headers, a text part (and an HTML part
//! beside it), attachments, and a DKIM signature when the installation has a key.
//!
//! Bodies go out as 7bit or 8bit with their lines as written whenever every line fits the
//! 998-octet limit: quoted-printable's soft line breaks would split long links.

use super::{header_safe, Composed};
use crate::config::DkimSettings;
use anyhow::Context;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::Message;

/// The longest line SMTP carries (RFC 5322), without its CRLF.
const MAX_LINE: usize = 998;

/// Builds messages from one sender, optionally signing them.
pub struct Builder {
    from: Mailbox,
    dkim: Option<DkimConfig>,
}

impl Builder {
    pub fn new(from: Mailbox, dkim: Option<DkimConfig>) -> Builder {
        Builder { from, dkim }
    }

    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// The wire message, from `sender` in its envelope (the From address, or its own VERP
    /// address).
    pub fn build(
        &self,
        c: &Composed,
        message_id: &str,
        sender: lettre::Address,
    ) -> anyhow::Result<Message> {
        let address: lettre::Address = c.to.parse().context("invalid recipient address")?;
        // The display name is written by our own encoder (lettre cuts encoded-words
        // mid-word): its output is ASCII from a name cleaned of line breaks and controls.
        let name = c.to_name.as_deref().map(header_safe);
        let to = super::address::to_header(name.as_deref(), address.as_ref());
        let envelope = lettre::address::Envelope::new(Some(sender), vec![address])
            .context("no envelope for the recipient")?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .raw_header(HeaderValue::dangerous_new_pre_encoded(
                HeaderName::new_from_ascii_str("To"),
                to.clone(),
                to,
            ))
            .envelope(envelope)
            .subject(header_safe(&c.subject))
            .message_id(Some(header_safe(message_id)));
        let h = &c.headers;
        if let Some(reply_to) = &h.reply_to {
            builder = builder.reply_to(reply_to.parse().context("invalid Reply-To mailbox")?);
        }
        if let Some(id) = &h.in_reply_to {
            builder = builder.in_reply_to(header_safe(id));
        }
        if let Some(ids) = &h.references {
            builder = builder.references(header_safe(ids));
        }
        let raw = [
            ("List-Id", h.list_id.as_deref()),
            ("List-Unsubscribe", h.list_unsubscribe.as_deref()),
            ("Feedback-ID", h.feedback_id.as_deref()),
            (
                "List-Unsubscribe-Post",
                h.one_click_unsubscribe
                    .then_some("List-Unsubscribe=One-Click"),
            ),
            (
                "Auto-Submitted",
                h.auto_submitted.then_some("auto-generated"),
            ),
        ];
        for (name, value) in raw {
            if let Some(value) = value {
                builder = builder.raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str(name),
                    header_safe(value),
                ));
            }
        }
        let text = part(ContentType::TEXT_PLAIN, &c.text);
        let body = match &c.html {
            Some(html) => Content::Multi(
                MultiPart::alternative()
                    .singlepart(text)
                    .singlepart(part(ContentType::TEXT_HTML, html)),
            ),
            None => Content::Single(text),
        };
        let body = if c.attachments.is_empty() {
            body
        } else {
            let mut mixed = match body {
                Content::Single(text) => MultiPart::mixed().singlepart(text),
                Content::Multi(alternative) => MultiPart::mixed().multipart(alternative),
            };
            for file in &c.attachments {
                let content_type = ContentType::parse(&file.content_type)
                    .with_context(|| format!("invalid content type {:?}", file.content_type))?;
                mixed = mixed.singlepart(
                    Attachment::new(header_safe(&file.filename))
                        .body(file.bytes.clone(), content_type),
                );
            }
            Content::Multi(mixed)
        };
        let mut message = match body {
            Content::Single(part) => builder.singlepart(part)?,
            Content::Multi(parts) => builder.multipart(parts)?,
        };
        if let Some(dkim) = &self.dkim {
            message.sign(dkim);
        }
        Ok(message)
    }
}

enum Content {
    Single(SinglePart),
    Multi(MultiPart),
}

/// A text part sent as written (7bit or 8bit) when its lines fit — a line too long for SMTP
/// (a long paragraph, a letter's HTML) is broken at spaces, which never fall inside a link —
/// else, for a line that has no space to break at, as lettre chooses.
fn part(content_type: ContentType, text: &str) -> SinglePart {
    let crlf = fold_long_lines(
        &text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\n', "\r\n"),
    );
    let fits = crlf.split("\r\n").all(|line| line.len() <= MAX_LINE) && !crlf.contains('\0');
    let body = if fits {
        let encoding = if crlf.is_ascii() {
            ContentTransferEncoding::SevenBit
        } else {
            ContentTransferEncoding::EightBit
        };
        Body::dangerous_pre_encoded(crlf.into_bytes(), encoding)
    } else {
        Body::new(crlf)
    };
    SinglePart::builder().header(content_type).body(body)
}

/// `crlf` with every line longer than [`MAX_LINE`] octets broken at its spaces into lines
/// that fit (a space is whitespace in HTML and a line end in plain text; a URL has none).
fn fold_long_lines(crlf: &str) -> String {
    if crlf.split("\r\n").all(|line| line.len() <= MAX_LINE) {
        return crlf.to_string();
    }
    let mut out = String::with_capacity(crlf.len() + crlf.len() / MAX_LINE * 2);
    for (i, line) in crlf.split("\r\n").enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        break_at_spaces(line, 0, MAX_LINE, "\r\n", &mut out);
    }
    out
}

/// Writes `line` to `out`, replacing a space with `line_break` wherever the next word would
/// take the line (`width` octets in already) past `max`; the break's own indent counts.
pub(super) fn break_at_spaces(
    line: &str,
    mut width: usize,
    max: usize,
    line_break: &str,
    out: &mut String,
) {
    let indent = line_break.trim_start_matches(['\r', '\n']).len();
    for (j, word) in line.split(' ').enumerate() {
        if j > 0 {
            if width + 1 + word.len() > max {
                out.push_str(line_break);
                width = indent;
            } else {
                out.push(' ');
                width += 1;
            }
        }
        out.push_str(word);
        width += word.len();
    }
}

/// Reads the DKIM key named in `settings` for signing as `domain`.
pub fn dkim_config(settings: &DkimSettings, domain: &str) -> anyhow::Result<DkimConfig> {
    let key = std::fs::read_to_string(&settings.key_file).with_context(|| {
        format!(
            "UNDERSIGN_DKIM_KEY_FILE: cannot read {}",
            settings.key_file.display()
        )
    })?;
    let key = key.trim();
    let (algorithm, key) = if key.contains("-----BEGIN RSA PRIVATE KEY-----") {
        (DkimSigningAlgorithm::Rsa, key.to_string())
    } else if key.contains("-----BEGIN") {
        anyhow::bail!(
            "UNDERSIGN_DKIM_KEY_FILE: use an RSA key in PKCS#1 PEM (`openssl rsa -traditional`) \
             or an Ed25519 key as base64 of its 32 bytes"
        );
    } else {
        (DkimSigningAlgorithm::Ed25519, key.to_string())
    };
    let key = DkimSigningKey::new(&key, algorithm)
        .map_err(|e| anyhow::anyhow!("UNDERSIGN_DKIM_KEY_FILE holds no usable key: {e}"))?;
    let relaxed = DkimCanonicalization {
        header: DkimCanonicalizationType::Relaxed,
        body: DkimCanonicalizationType::Relaxed,
    };
    let headers = [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "Reply-To",
        "In-Reply-To",
        "References",
        "List-Id",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "Feedback-ID",
        "MIME-Version",
        "Content-Type",
    ]
    .into_iter()
    .map(HeaderName::new_from_ascii_str)
    .collect();
    Ok(DkimConfig::new(
        settings.selector.clone(),
        domain.to_string(),
        key,
        headers,
        relaxed,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paragraph_too_long_for_one_line_is_broken_at_spaces_and_its_links_stay_whole() {
        let link = "https://act.example/c/a-very-long-campaign-name?with=some&query=parameters";
        let paragraph = format!(
            "<p>{} {link} {}</p>",
            "Слово ".repeat(120).trim_end(),
            "word ".repeat(150).trim_end()
        );
        let folded = fold_long_lines(&format!("<html>\r\n{paragraph}\r\n</html>"));
        assert!(
            folded.split("\r\n").all(|l| l.len() <= MAX_LINE),
            "{folded}"
        );
        assert!(folded.split("\r\n").any(|l| l.contains(link)));
        assert_eq!(
            folded.replace("\r\n", " "),
            format!("<html> {paragraph} </html>")
        );
        let short = "short\r\nlines";
        assert_eq!(fold_long_lines(short), short);
    }
}
