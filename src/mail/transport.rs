//! The way out: SMTP (pooled, TLS as the URL asks) or `.eml` files for a local install, and
//! the classification of what the server answered.

use super::header_safe;
use super::smtp::{SmtpFailure, SmtpPool};
use crate::config::MailSink;
use anyhow::Context;
use lettre::message::{header::ContentType, Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::Duration;

/// How long one whole message may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone)]
enum Way {
    Smtp(Arc<SmtpPool>),
    /// `smtps://`: lettre's pooled transport, TLS from the first byte.
    Smtps(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, std::path::PathBuf),
}

/// Sends built messages from one sender mailbox.
#[derive(Clone)]
pub struct Mailer {
    way: Way,
    from: Mailbox,
}

/// What became of one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendResult {
    Sent,
    /// 4xx, timeouts, refused or dropped connections: try again later.
    Transient(String),
    /// 5xx or an address that cannot be written: never try again.
    Permanent(String),
    /// The server refused our credentials: nobody's fault but the configuration's.
    AuthFailed(String),
}

/// One message as the outbox hands it over.
pub struct Envelope<'a> {
    pub to: &'a str,
    pub to_name: Option<&'a str>,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub message_id: &'a str,
}

impl Mailer {
    pub fn new(sink: &MailSink, from: &str) -> anyhow::Result<Mailer> {
        let from: Mailbox = from
            .parse()
            .context("UNDERSIGN_FROM is not a valid mailbox")?;
        let way = match sink {
            MailSink::Smtp(url) if url.expose_secret().starts_with("smtps://") => Way::Smtps(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .context("SMTP_URL is not a valid smtps:// URL")?
                    .pool_config(
                        lettre::transport::smtp::PoolConfig::new()
                            .max_size(super::outbox::SEND_CONCURRENCY as u32),
                    )
                    .build(),
            ),
            MailSink::Smtp(url) => Way::Smtp(Arc::new(
                SmtpPool::from_url(url.expose_secret(), super::outbox::SEND_CONCURRENCY)
                    .context("SMTP_URL is not a valid smtp:// URL")?,
            )),
            MailSink::Files(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                Way::Files(AsyncFileTransport::<Tokio1Executor>::new(dir), dir.clone())
            }
        };
        Ok(Mailer { way, from })
    }

    /// The domain for Message-IDs: the sender's.
    pub fn domain(&self) -> String {
        self.from.email.domain().to_string()
    }

    pub async fn send(&self, envelope: &Envelope<'_>) -> SendResult {
        let message = match self.build(envelope) {
            Ok(message) => message,
            Err(e) => return SendResult::Permanent(format!("message could not be built: {e}")),
        };
        match &self.way {
            Way::Smtp(smtp) => {
                let raw = message.formatted();
                bounded(
                    smtp.send(message.envelope(), &raw),
                    |failure| match failure {
                        SmtpFailure::Smtp(e) => classify(&e),
                        other => SendResult::Transient(format!("SMTP: {other}")),
                    },
                )
                .await
            }
            Way::Smtps(smtp) => bounded(smtp.send(message), |e| classify(&e)).await,
            Way::Files(files, dir) => match files.send(message).await {
                Ok(id) => {
                    // Without SMTP, a newcomer reads the e-mails here.
                    tracing::info!(file = %dir.join(format!("{id}.eml")).display(), "e-mail written");
                    SendResult::Sent
                }
                Err(e) => SendResult::Transient(format!("writing the .eml file failed: {e}")),
            },
        }
    }

    fn build(&self, e: &Envelope<'_>) -> anyhow::Result<Message> {
        let address: lettre::Address = e.to.parse().context("invalid recipient address")?;
        let to = Mailbox::new(
            e.to_name.map(header_safe).filter(|n| !n.is_empty()),
            address,
        );
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(header_safe(e.subject))
            .message_id(Some(e.message_id.to_string()));
        let message = match e.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                e.text.to_string(),
                html.to_string(),
            ))?,
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(e.text.to_string())?,
        };
        Ok(message)
    }
}

/// Runs one SMTP send within [`SEND_TIMEOUT`] (a connection abandoned here is dropped with
/// the future) and turns its outcome into a [`SendResult`].
async fn bounded<T, E>(
    sending: impl std::future::Future<Output = Result<T, E>>,
    failed: impl FnOnce(E) -> SendResult,
) -> SendResult {
    match tokio::time::timeout(SEND_TIMEOUT, sending).await {
        Ok(Ok(_)) => SendResult::Sent,
        Ok(Err(e)) => failed(e),
        Err(_) => SendResult::Transient(format!(
            "SMTP: no answer within {} s",
            SEND_TIMEOUT.as_secs()
        )),
    }
}

fn classify(e: &lettre::transport::smtp::Error) -> SendResult {
    let code = e.status().map(u16::from);
    let text = match code {
        Some(code) => format!("SMTP {code}: {e}"),
        None => format!("SMTP: {e}"),
    };
    match code {
        Some(530 | 534 | 535 | 538) => SendResult::AuthFailed(text),
        // Syntax and sequence errors say the conversation went wrong (for instance a pooled
        // connection left mid-transaction), not that the address is bad.
        Some(500..=504) => SendResult::Transient(text),
        _ if e.is_permanent() => SendResult::Permanent(text),
        _ => SendResult::Transient(text),
    }
}
