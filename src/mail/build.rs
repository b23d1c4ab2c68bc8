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

    pub fn build(&self, c: &Composed, message_id: &str) -> anyhow::Result<Message> {
        let address: lettre::Address = c.to.parse().context("invalid recipient address")?;
        let to = Mailbox::new(
            c.to_name
                .as_deref()
                .map(header_safe)
                .filter(|n| !n.is_empty()),
            address,
        );
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
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

/// A text part sent as written (7bit or 8bit) when its lines fit, else as lettre chooses.
fn part(content_type: ContentType, text: &str) -> SinglePart {
    let crlf = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n");
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
