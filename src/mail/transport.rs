//! The way out: SMTP (pooled, TLS as the URL asks) or `.eml` files for a local install, and
//! the classification of what the server answered.

use super::build::Builder;
use super::reply::redact_addresses;
use super::smtp::{Handed, SmtpFailure, SmtpPool};
use super::verp::BounceAddress;
use super::Composed;
use crate::config::{DkimSettings, MailSink, SecretKey};
use anyhow::Context;
use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// How long one whole message may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone)]
enum Way {
    Smtp(Arc<SmtpPool>),
    /// `smtps://`: lettre's pooled transport, TLS from the first byte.
    Smtps(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, std::path::PathBuf),
}

/// Sends built messages from one sender mailbox over at most `connections` connections.
#[derive(Clone)]
pub struct Mailer {
    way: Way,
    builder: Arc<Builder>,
    connections: usize,
    /// The VERP mailbox, and the key its tokens are made with.
    bounces: Option<Arc<(BounceAddress, SecretKey)>>,
}

/// What became of one send. Server replies carry no e-mail addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendResult {
    Sent,
    /// 4xx, timeouts, refused or dropped connections: try again later.
    Transient(String),
    /// 5xx or an address that cannot be written: never try again.
    Permanent(String),
    /// The server refused our credentials: nobody's fault but the configuration's.
    AuthFailed(String),
    /// Not sent, and never to be: what it was for no longer allows it (the recipient
    /// unsubscribed, the alert was cancelled). Nothing is wrong with the address.
    Withheld(String),
}

impl Mailer {
    /// A mailer for `sink` sending as `from`, holding up to `connections` SMTP connections
    /// (its caller sends that many messages at once).
    pub fn new(sink: &MailSink, from: &str, connections: usize) -> anyhow::Result<Mailer> {
        let from: Mailbox = from
            .parse()
            .context("UNDERSIGN_FROM is not a valid mailbox")?;
        let connections = connections.max(1);
        let way = match sink {
            MailSink::Smtp(url) if url.expose_secret().starts_with("smtps://") => Way::Smtps(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .context("SMTP_URL is not a valid smtps:// URL")?
                    .pool_config(
                        lettre::transport::smtp::PoolConfig::new().max_size(connections as u32),
                    )
                    .build(),
            ),
            MailSink::Smtp(url) => Way::Smtp(Arc::new(
                SmtpPool::from_url(url.expose_secret(), connections)
                    .context("SMTP_URL is not a valid smtp:// URL")?,
            )),
            MailSink::Files(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                Way::Files(AsyncFileTransport::<Tokio1Executor>::new(dir), dir.clone())
            }
        };
        Ok(Mailer {
            way,
            builder: Arc::new(Builder::new(from, None)),
            connections,
            bounces: None,
        })
    }

    /// Signs every message with DKIM for the sender's domain.
    pub fn with_dkim(mut self, dkim: &DkimSettings) -> anyhow::Result<Mailer> {
        let from = self.builder.from().clone();
        self.builder = Arc::new(Builder::new(
            from,
            Some(super::build::dkim_config(dkim, &self.domain())?),
        ));
        Ok(self)
    }

    /// Sends every message with the envelope sender of its own outbox row, under
    /// `UNDERSIGN_BOUNCE_ADDRESS` (see [`super::verp`]).
    pub fn with_bounces(mut self, address: &BounceAddress, key: &SecretKey) -> Mailer {
        self.bounces = Some(Arc::new((address.clone(), key.clone())));
        self
    }

    /// The envelope sender of outbox row `outbox_id`.
    fn envelope_sender(&self, outbox_id: Uuid) -> anyhow::Result<lettre::Address> {
        match self.bounces.as_deref() {
            Some((address, key)) => address
                .sender(key.bytes(), outbox_id)
                .parse()
                .context("the bounce address makes no valid envelope sender"),
            None => Ok(self.builder.from().email.clone()),
        }
    }

    /// How many messages this mailer can carry at once.
    pub fn connections(&self) -> usize {
        self.connections
    }

    /// The domain for Message-IDs: the sender's.
    pub fn domain(&self) -> String {
        self.builder.from().email.domain().to_string()
    }

    /// Sends `message`, outbox row `outbox_id`, under `message_id`.
    pub async fn send(&self, message: &Composed, message_id: &str, outbox_id: Uuid) -> SendResult {
        self.send_noting(message, message_id, outbox_id, std::future::ready(true))
            .await
            .unwrap_or_else(|| SendResult::Transient("not sent".into()))
    }

    /// Sends `message` under `message_id`, running `before_body` at the last moment before
    /// the message may arrive (over SMTP: once the server has answered `DATA` with `354`; for
    /// files: before the file is written). When it answers `false`, nothing is transmitted and
    /// the answer is `None`. Over `smtps://` lettre runs the whole transaction, so there is no
    /// such moment: `before_body` is not run and the message goes at least once, as ever.
    pub async fn send_noting(
        &self,
        message: &Composed,
        message_id: &str,
        outbox_id: Uuid,
        before_body: impl std::future::Future<Output = bool>,
    ) -> Option<SendResult> {
        let built = self
            .envelope_sender(outbox_id)
            .and_then(|sender| self.builder.build(message, message_id, sender));
        let message = match built {
            Ok(message) => message,
            Err(e) => {
                return Some(SendResult::Permanent(redact_addresses(&format!(
                    "message could not be built: {e:#}"
                ))))
            }
        };
        let result = match &self.way {
            Way::Smtp(smtp) => {
                let raw = message.formatted();
                let sending = smtp.send(message.envelope(), &raw, before_body);
                match tokio::time::timeout(SEND_TIMEOUT, sending).await {
                    Ok(Ok(Handed::Sent)) => SendResult::Sent,
                    Ok(Ok(Handed::NotSent)) => return None,
                    Ok(Err(SmtpFailure::Smtp(e))) => classify(&e),
                    Ok(Err(e @ SmtpFailure::Unsupported(_))) => {
                        SendResult::Permanent(format!("SMTP: {e}"))
                    }
                    Ok(Err(other)) => {
                        SendResult::Transient(redact_addresses(&format!("SMTP: {other}")))
                    }
                    Err(_) => timed_out(),
                }
            }
            Way::Smtps(smtp) => {
                match tokio::time::timeout(SEND_TIMEOUT, smtp.send(message)).await {
                    Ok(Ok(_)) => SendResult::Sent,
                    Ok(Err(e)) => classify(&e),
                    Err(_) => timed_out(),
                }
            }
            Way::Files(files, dir) => {
                if !before_body.await {
                    return None;
                }
                match files.send(message).await {
                    Ok(id) => {
                        // Without SMTP, a newcomer reads the e-mails here.
                        tracing::info!(file = %dir.join(format!("{id}.eml")).display(), "e-mail written");
                        SendResult::Sent
                    }
                    Err(e) => SendResult::Transient(format!("writing the .eml file failed: {e}")),
                }
            }
        };
        Some(result)
    }
}

/// What a send that outlived [`SEND_TIMEOUT`] became (the connection went with its future).
fn timed_out() -> SendResult {
    SendResult::Transient(format!(
        "SMTP: no answer within {} s",
        SEND_TIMEOUT.as_secs()
    ))
}

/// Sorts a server's answer; its text keeps no e-mail address.
fn classify(e: &lettre::transport::smtp::Error) -> SendResult {
    let code = e.status().map(u16::from);
    let text = redact_addresses(&match code {
        Some(code) => format!("SMTP {code}: {e}"),
        None => format!("SMTP: {e}"),
    });
    match code {
        Some(530 | 534 | 535 | 538) => SendResult::AuthFailed(text),
        // Syntax and sequence errors say the conversation went wrong (for instance a pooled
        // connection left mid-transaction), not that the address is bad.
        Some(500..=504) => SendResult::Transient(text),
        _ if e.is_permanent() => SendResult::Permanent(text),
        _ => SendResult::Transient(text),
    }
}
