//! The bounce mailbox over POP3 (RFC 1939), for installations that cannot pipe mail to
//! `bounces ingest`: `pop3s://user:password@host[:995]` (TLS from the first byte, the
//! system's web PKI roots) or `pop3://…` (plain, for a server on the same machine). Each
//! message is read, recorded, and only then deleted; the deletions take effect at `QUIT`, so
//! a run cut short deletes nothing it did not record.

use anyhow::{bail, Context};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// How long the server may take to answer.
const TIMEOUT: Duration = Duration::from_secs(60);
/// The most of one message kept (a larger one is read to its end and cut here).
const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// Where the mailbox is: `UNDERSIGN_BOUNCE_MAILBOX`.
#[derive(Clone)]
pub struct Mailbox {
    host: String,
    port: u16,
    tls: bool,
    user: String,
    password: String,
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pop3{}://{}@{}:{}",
            if self.tls { "s" } else { "" },
            self.user,
            self.host,
            self.port
        )
    }
}

impl Mailbox {
    pub fn parse(text: &str) -> anyhow::Result<Mailbox> {
        let url = url::Url::parse(text.trim()).context(
            "UNDERSIGN_BOUNCE_MAILBOX is not a URL such as pop3s://user:password@mail.example",
        )?;
        let tls = match url.scheme() {
            "pop3s" => true,
            "pop3" => false,
            other => bail!("UNDERSIGN_BOUNCE_MAILBOX: {other}:// is not pop3s:// or pop3://"),
        };
        let host = url
            .host_str()
            .context("UNDERSIGN_BOUNCE_MAILBOX names no host")?
            .to_string();
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .context("UNDERSIGN_BOUNCE_MAILBOX: the user or password is not UTF-8")
        };
        let user = decode(url.username())?;
        let password = decode(url.password().unwrap_or_default())?;
        if user.is_empty() {
            bail!("UNDERSIGN_BOUNCE_MAILBOX names no user");
        }
        Ok(Mailbox {
            port: url.port().unwrap_or(if tls { 995 } else { 110 }),
            host,
            tls,
            user,
            password,
        })
    }
}

trait Stream: Read + Write {}
impl<T: Read + Write> Stream for T {}

/// A signed-in POP3 session.
pub struct Session {
    conn: BufReader<Box<dyn Stream + Send>>,
}

impl Session {
    /// Connects and signs in.
    pub fn open(mailbox: &Mailbox) -> anyhow::Result<Session> {
        let tcp = TcpStream::connect((mailbox.host.as_str(), mailbox.port)).with_context(|| {
            format!(
                "cannot reach the bounce mailbox at {}:{}",
                mailbox.host, mailbox.port
            )
        })?;
        tcp.set_read_timeout(Some(TIMEOUT))?;
        tcp.set_write_timeout(Some(TIMEOUT))?;
        let stream: Box<dyn Stream + Send> = if mailbox.tls {
            let roots =
                rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let config = rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
            let name = rustls::pki_types::ServerName::try_from(mailbox.host.clone())
                .context("the bounce mailbox's host is not a valid TLS name")?;
            let client = rustls::ClientConnection::new(Arc::new(config), name)?;
            Box::new(rustls::StreamOwned::new(client, tcp))
        } else {
            Box::new(tcp)
        };
        let mut session = Session {
            conn: BufReader::new(stream),
        };
        session
            .answer()
            .context("the bounce mailbox did not greet us")?;
        session.command(&format!("USER {}", mailbox.user))?;
        session
            .command(&format!("PASS {}", mailbox.password))
            .context("the bounce mailbox refused the user or password")?;
        Ok(session)
    }

    /// How many messages wait.
    pub fn count(&mut self) -> anyhow::Result<usize> {
        let stat = self.command("STAT")?;
        stat.split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .context("STAT gave no count")
    }

    /// Message `n` (from 1), whole.
    pub fn retrieve(&mut self, n: usize) -> anyhow::Result<Vec<u8>> {
        self.command(&format!("RETR {n}"))?;
        let mut message = Vec::new();
        let mut line = Vec::new();
        loop {
            line.clear();
            if self.conn.read_until(b'\n', &mut line)? == 0 {
                bail!("the bounce mailbox closed the connection mid-message");
            }
            let content = line
                .strip_suffix(b"\r\n")
                .or_else(|| line.strip_suffix(b"\n"))
                .unwrap_or(&line);
            if content == b"." {
                return Ok(message);
            }
            // Dot-stuffing (RFC 1939 §3): a line that starts with a dot was sent with two.
            let content = content
                .strip_prefix(b".")
                .filter(|_| content.starts_with(b".."))
                .unwrap_or(content);
            if message.len() < MAX_MESSAGE {
                message.extend_from_slice(content);
                message.extend_from_slice(b"\r\n");
            }
        }
    }

    /// Marks message `n` for deletion at `QUIT`.
    pub fn delete(&mut self, n: usize) -> anyhow::Result<()> {
        self.command(&format!("DELE {n}")).map(|_| ())
    }

    /// Ends the session: the marked messages are deleted now.
    pub fn quit(mut self) -> anyhow::Result<()> {
        self.command("QUIT").map(|_| ())
    }

    fn command(&mut self, line: &str) -> anyhow::Result<String> {
        let stream = self.conn.get_mut();
        stream.write_all(line.as_bytes())?;
        stream.write_all(b"\r\n")?;
        stream.flush()?;
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        self.answer().with_context(|| format!("{verb} was refused"))
    }

    /// One `+OK …` line (its text), or the `-ERR` as an error.
    fn answer(&mut self) -> anyhow::Result<String> {
        let mut line = String::new();
        if self.conn.read_line(&mut line)? == 0 {
            bail!("the bounce mailbox closed the connection");
        }
        let line = line.trim_end();
        match line.strip_prefix("+OK") {
            Some(rest) => Ok(rest.trim().to_string()),
            None => bail!(
                "the server said {:?}",
                line.chars().take(200).collect::<String>()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mailbox_url_names_its_server_and_account() {
        let m = Mailbox::parse("pop3s://bounces%40act.example:s%3Acret@mail.act.example").unwrap();
        assert_eq!(
            (m.host.as_str(), m.port, m.tls),
            ("mail.act.example", 995, true)
        );
        assert_eq!(
            (m.user.as_str(), m.password.as_str()),
            ("bounces@act.example", "s:cret")
        );
        assert!(
            !format!("{m:?}").contains("cret"),
            "the password is never printed"
        );
        assert_eq!(
            Mailbox::parse("pop3://u:p@127.0.0.1:1110").unwrap().port,
            1110
        );
        for bad in ["imap://u:p@h", "pop3s://h", "not a url"] {
            assert!(Mailbox::parse(bad).is_err(), "{bad}");
        }
    }
}
