//! SMTP connections of our own for `smtp://` (plain or STARTTLS): lettre's protocol client on
//! sockets with `TCP_NODELAY`, pooled here. lettre's transport writes a message's closing `.`
//! as a separate small packet on a socket that waits for the previous one's acknowledgement,
//! so every message stalled for the server's delayed ACK (about 40 ms); with no delay set, a
//! connection carries messages as fast as the server answers. `smtps://` (TLS from the first
//! byte) stays with lettre's own transport.

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// How long connecting, the greeting and TLS may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// An idle connection older than this is checked with NOOP before it carries a message.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(20);

/// How the conversation is protected, as `SMTP_URL` asks.
enum Security {
    /// `smtp://host`: plain text (a relay on the same host or network).
    Plain,
    /// `smtp://host?tls=required` (or `opportunistic`): STARTTLS after the greeting.
    StartTls {
        params: TlsParameters,
        required: bool,
    },
}

/// Why a message could not be handed over.
#[derive(Debug, thiserror::Error)]
pub enum SmtpFailure {
    /// The server answered, or the conversation broke, as lettre reports it.
    #[error("{0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("cannot connect: {0}")]
    Connect(std::io::Error),
    #[error("no answer within {} s while connecting", CONNECT_TIMEOUT.as_secs())]
    ConnectTimeout,
    #[error("the server does not offer STARTTLS, and SMTP_URL requires TLS")]
    NoStartTls,
    /// The message needs an extension the server does not offer: it never will.
    #[error("{0}")]
    Unsupported(&'static str),
}

/// Whether a message was handed to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handed {
    Sent,
    /// The caller's `before_body` said no: the body was never transmitted.
    NotSent,
}

/// One mail transaction as lettre's `send` runs it (the same `SMTPUTF8` and `8BITMIME`
/// rules), with `before_body` between the server's `354` and the body.
async fn transaction<F>(
    conn: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    message: &[u8],
    before_body: F,
) -> Result<Handed, SmtpFailure>
where
    F: std::future::Future<Output = bool>,
{
    use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
    use lettre::transport::smtp::extension::{Extension, MailBodyParameter, MailParameter};
    let mut options = Vec::new();
    let non_ascii = envelope
        .from()
        .into_iter()
        .chain(envelope.to())
        .any(|a| !AsRef::<str>::as_ref(a).is_ascii());
    if non_ascii {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(SmtpFailure::Unsupported(
                "the envelope has non-ASCII addresses and the server does not offer SMTPUTF8",
            ));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !message.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(SmtpFailure::Unsupported(
                "the message is not ASCII and the server does not offer 8BITMIME",
            ));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    conn.command(Mail::new(envelope.from().cloned(), options))
        .await?;
    for to in envelope.to() {
        conn.command(Rcpt::new(to.clone(), Vec::new())).await?;
    }
    conn.command(Data).await?;
    if !before_body.await {
        return Ok(Handed::NotSent);
    }
    conn.message(message).await?;
    Ok(Handed::Sent)
}

/// A pool of SMTP connections to one server.
pub struct SmtpPool {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    max_idle: usize,
}

impl SmtpPool {
    /// Reads `smtp://[user:password@]host[:port][?tls=required|opportunistic]`, with lettre's
    /// default ports (25, or 587 with STARTTLS).
    pub fn from_url(url: &str, max_idle: usize) -> anyhow::Result<SmtpPool> {
        let parsed = url::Url::parse(url)?;
        let host = parsed
            .host_str()
            .ok_or_else(|| anyhow::anyhow!("SMTP_URL has no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let tls = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let (security, default_port) = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::Plain, 25),
            ("smtp", Some(mode @ ("required" | "opportunistic"))) => (
                Security::StartTls {
                    params: TlsParameters::new(host.clone())?,
                    required: mode == "required",
                },
                587,
            ),
            (scheme, tls) => anyhow::bail!(
                "SMTP_URL: unknown scheme {scheme:?} or tls={tls:?} (use smtp://, smtp://…?tls=required or smtps://)"
            ),
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = parsed
            .password()
            .map(|password| Credentials::new(decode(parsed.username()), decode(password)));
        let hello = match parsed.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_string()),
        };
        Ok(SmtpPool {
            port: parsed.port().unwrap_or(default_port),
            host,
            security,
            credentials,
            hello,
            idle: Mutex::new(Vec::new()),
            max_idle,
        })
    }

    /// Hands `message` over on a pooled connection (or a new one). A connection that saw an
    /// error is closed, never reused; one abandoned mid-send (a timeout) goes with its future.
    ///
    /// `before_body` runs once the server has said it will take the message (`354`), the
    /// last moment before it may arrive: a caller notes there that a send began, and when it
    /// answers `false` nothing is transmitted ([`Handed::NotSent`]).
    pub async fn send<F>(
        &self,
        envelope: &Envelope,
        message: &[u8],
        before_body: F,
    ) -> Result<Handed, SmtpFailure>
    where
        F: std::future::Future<Output = bool>,
    {
        let mut conn = match self.take_idle().await {
            Some(conn) => conn,
            None => self.connect().await?,
        };
        let handed = match transaction(&mut conn, envelope, message, before_body).await {
            Ok(handed) => handed,
            Err(e) => {
                conn.abort().await;
                return Err(e);
            }
        };
        if handed == Handed::NotSent {
            // The server waits for a body that will not come: closing the connection now,
            // without the final dot, makes it throw the message away. (`abort` would send
            // QUIT, which the server would read as body, and wait for an answer.)
            drop(conn);
            return Ok(handed);
        }
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < self.max_idle {
                idle.push((conn, Instant::now()));
            }
        }
        Ok(handed)
    }

    async fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let (mut conn, since) = self.idle.lock().ok()?.pop()?;
            if conn.has_broken() {
                continue;
            }
            if since.elapsed() < CHECK_AFTER_IDLE || conn.test_connected().await {
                return Some(conn);
            }
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SmtpFailure> {
        let connecting = async {
            let tcp = TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(SmtpFailure::Connect)?;
            tcp.set_nodelay(true).map_err(SmtpFailure::Connect)?;
            let mut conn =
                AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello).await?;
            if let Security::StartTls { params, required } = &self.security {
                if conn.can_starttls() {
                    conn.starttls(params.clone(), &self.hello).await?;
                } else if *required {
                    return Err(SmtpFailure::NoStartTls);
                }
            }
            if let Some(credentials) = &self.credentials {
                conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                    .await?;
            }
            Ok(conn)
        };
        tokio::time::timeout(CONNECT_TIMEOUT, connecting)
            .await
            .map_err(|_| SmtpFailure::ConnectTimeout)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_give_the_documented_ports_and_protection() {
        let plain = SmtpPool::from_url("smtp://relay.example", 8).unwrap();
        assert_eq!((plain.host.as_str(), plain.port), ("relay.example", 25));
        assert!(matches!(plain.security, Security::Plain));
        assert!(plain.credentials.is_none());

        let starttls =
            SmtpPool::from_url("smtp://user%40x:p%3Ass@mail.example?tls=required", 8).unwrap();
        assert_eq!(starttls.port, 587);
        assert!(matches!(
            starttls.security,
            Security::StartTls { required: true, .. }
        ));
        assert!(starttls.credentials.is_some());

        let custom = SmtpPool::from_url("smtp://127.0.0.1:2525/relay.example", 8).unwrap();
        assert_eq!(custom.port, 2525);
        assert!(matches!(custom.hello, ClientId::Domain(ref d) if d == "relay.example"));

        assert!(SmtpPool::from_url("http://mail.example", 8).is_err());
        assert!(SmtpPool::from_url("smtps://mail.example", 8).is_err());
        assert!(SmtpPool::from_url("smtp://mail.example?tls=sometimes", 8).is_err());
    }
}
