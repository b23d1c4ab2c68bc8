//! Typed settings read once from the environment and passed explicitly; secrets stay wrapped.

use crate::domain::alert_cap::AlertCap;
use crate::mail::pop3::Mailbox;
use crate::mail::verp::BounceAddress;
use anyhow::{bail, Context};
use ipnet::IpNet;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Where the database comes from.
#[derive(Debug, Clone)]
pub enum DatabaseSource {
    /// `DATABASE_URL`.
    Url(SecretString),
    /// The managed local cluster under the data directory.
    Local,
}

/// Where e-mail goes.
#[derive(Debug, Clone)]
pub enum MailSink {
    /// `SMTP_URL`.
    Smtp(SecretString),
    /// `.eml` files in this directory.
    Files(PathBuf),
}

/// Everything the service needs to know about its surroundings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseSource,
    pub mail: MailSink,
    /// Absolute base for links in e-mails, without a trailing slash.
    pub base_url: String,
    pub secret_key: SecretKey,
    pub bind: String,
    pub data_dir: PathBuf,
    /// The `From:` mailbox, e.g. `River Commons <actions@rivercommons.example>`.
    pub from: String,
    pub trusted_proxies: Vec<IpNet>,
    /// The installation's privacy notice, linked from actions that name none of their own.
    pub privacy_url: Option<String>,
    /// IPv6 clients are rate-limited per network of this prefix length (default 64).
    pub ipv6_limit_prefix: u8,
    /// How long a request body may take to arrive, counted from its headers (the web server
    /// adds time for large bodies); [`DEFAULT_BODY_TIMEOUT`] unless a test sets another.
    pub body_timeout: std::time::Duration,
    /// `UNDERSIGN_METRICS_TOKEN`: a bearer token that opens `/metrics` from anywhere.
    pub metrics_token: Option<SecretString>,
    /// `UNDERSIGN_METRICS_ALLOW`: client addresses that may read `/metrics` without a token.
    pub metrics_allow: Vec<IpNet>,
    /// Signs every message when set.
    pub dkim: Option<DkimSettings>,
    /// `UNDERSIGN_ATTACHMENT_MAX`: the largest CSV attached to a batch message, in bytes; a
    /// larger one is linked instead.
    pub attachment_max: usize,
    /// `UNDERSIGN_ALERT_CAP`: how many alerts one supporter may receive per day and week.
    pub alert_cap: AlertCap,
    /// `UNDERSIGN_MAIL_RATE`: messages per second for the whole installation, shared by
    /// every process through the database; unset, as fast as the SMTP server takes them.
    pub mail_rate: Option<f64>,
    /// `UNDERSIGN_BOUNCE_ADDRESS`: every message's envelope sender is this mailbox with a
    /// token naming the message (VERP); unset, the sender's own address.
    pub bounce_address: Option<BounceAddress>,
    /// `UNDERSIGN_BOUNCE_MAILBOX`: the POP3 mailbox `bounces fetch` reads, for installations
    /// that cannot pipe bounces to `bounces ingest`.
    pub bounce_mailbox: Option<Mailbox>,
    /// `UNDERSIGN_RETENTION_DAYS`: days after a campaign closes that its signatures keep
    /// their names, postcodes, comments and IP hashes (then `deliver` anonymises them).
    pub retention_days: u32,
    /// `UNDERSIGN_FLAG_HOURLY`: signatures from one IP hash or e-mail domain in one hour above
    /// which a campaign's dashboard flags it.
    pub flag_hourly: u32,
}

/// Signatures from one IP hash or domain in an hour above which a dashboard flags them.
pub const DEFAULT_FLAG_HOURLY: u32 = 100;

/// Days after a campaign closes that its signatures keep the signers' details.
pub const DEFAULT_RETENTION_DAYS: u32 = 180;

/// DKIM signing for the sender's domain: `UNDERSIGN_DKIM_KEY_FILE` (an RSA key in PKCS#1 PEM,
/// or an Ed25519 key as base64 of its 32 bytes) and `UNDERSIGN_DKIM_SELECTOR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DkimSettings {
    pub key_file: PathBuf,
    pub selector: String,
}

/// The key behind tokens, cookies and the hashes of IP addresses.
#[derive(Debug, Clone)]
pub struct SecretKey(std::sync::Arc<SecretBox<Vec<u8>>>);

impl SecretKey {
    pub fn new(bytes: Vec<u8>) -> Self {
        SecretKey(std::sync::Arc::new(SecretBox::new(Box::new(bytes))))
    }
    pub fn bytes(&self) -> &[u8] {
        self.0.expose_secret()
    }
}

const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// The network an ISP gives one home or phone.
pub const DEFAULT_IPV6_PREFIX: u8 = 64;
/// How long a request body may take to arrive, counted from its headers.
pub const DEFAULT_BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The largest CSV attached to a batch message when `UNDERSIGN_ATTACHMENT_MAX` is not set: 5 MB.
pub const DEFAULT_ATTACHMENT_MAX: usize = 5 * 1024 * 1024;

impl Settings {
    /// Reads the environment (see the README for each variable).
    pub fn from_env() -> anyhow::Result<Settings> {
        Settings::from_env_binding(None)
    }

    /// Reads the environment, listening on `bind` when given (`serve --bind`) instead of
    /// `UNDERSIGN_BIND`. Without `UNDERSIGN_BASE_URL`, links in e-mails point at the address
    /// actually listened on.
    pub fn from_env_binding(bind: Option<String>) -> anyhow::Result<Settings> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let data_dir = PathBuf::from(var("UNDERSIGN_DATA_DIR").unwrap_or_else(|| "var".into()));
        let bind = bind
            .or_else(|| var("UNDERSIGN_BIND"))
            .unwrap_or_else(|| DEFAULT_BIND.into());
        let base_url = var("UNDERSIGN_BASE_URL").unwrap_or_else(|| format!("http://{bind}"));
        let secret_key = match var("UNDERSIGN_SECRET_KEY") {
            Some(key) => parse_secret_key(&key)?,
            None => local_secret_key(&data_dir)?,
        };
        let trusted_proxies = var("UNDERSIGN_TRUSTED_PROXIES")
            .map(|v| parse_networks("UNDERSIGN_TRUSTED_PROXIES", &v))
            .transpose()?
            .unwrap_or_default();
        let metrics_allow = var("UNDERSIGN_METRICS_ALLOW")
            .map(|v| parse_networks("UNDERSIGN_METRICS_ALLOW", &v))
            .transpose()?
            .unwrap_or_default();
        let ipv6_limit_prefix = var("UNDERSIGN_IPV6_PREFIX")
            .map(|v| parse_ipv6_prefix(&v))
            .transpose()?
            .unwrap_or(DEFAULT_IPV6_PREFIX);
        let dkim = match (
            var("UNDERSIGN_DKIM_KEY_FILE"),
            var("UNDERSIGN_DKIM_SELECTOR"),
        ) {
            (Some(key_file), Some(selector)) => Some(DkimSettings {
                key_file: key_file.into(),
                selector,
            }),
            (None, None) => None,
            _ => bail!("set both UNDERSIGN_DKIM_KEY_FILE and UNDERSIGN_DKIM_SELECTOR, or neither"),
        };
        let attachment_max = match var("UNDERSIGN_ATTACHMENT_MAX") {
            Some(v) => v.trim().parse::<usize>().map_err(|_| {
                anyhow::anyhow!(
                    "UNDERSIGN_ATTACHMENT_MAX must be a number of bytes, such as 5000000"
                )
            })?,
            None => DEFAULT_ATTACHMENT_MAX,
        };
        let alert_cap = match var("UNDERSIGN_ALERT_CAP") {
            Some(v) => {
                AlertCap::parse(&v).map_err(|e| anyhow::anyhow!("UNDERSIGN_ALERT_CAP: {e}"))?
            }
            None => AlertCap::default(),
        };
        let mail_rate = var("UNDERSIGN_MAIL_RATE")
            .map(|v| parse_mail_rate(&v))
            .transpose()?;
        let bounce_address = var("UNDERSIGN_BOUNCE_ADDRESS")
            .map(|v| BounceAddress::parse(&v).map_err(anyhow::Error::msg))
            .transpose()?;
        let bounce_mailbox = var("UNDERSIGN_BOUNCE_MAILBOX")
            .map(|v| Mailbox::parse(&v))
            .transpose()?;
        let retention_days = match var("UNDERSIGN_RETENTION_DAYS") {
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| *d > 0)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "UNDERSIGN_RETENTION_DAYS must be a number of days above 0, such as 180"
                    )
                })?,
            None => DEFAULT_RETENTION_DAYS,
        };
        let flag_hourly = match var("UNDERSIGN_FLAG_HOURLY") {
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "UNDERSIGN_FLAG_HOURLY must be a number of signatures above 0, such as 100"
                    )
                })?,
            None => DEFAULT_FLAG_HOURLY,
        };
        let settings = Settings {
            database: var("DATABASE_URL")
                .map(|url| DatabaseSource::Url(url.into()))
                .unwrap_or(DatabaseSource::Local),
            mail: var("SMTP_URL")
                .map(|url| MailSink::Smtp(url.into()))
                .unwrap_or_else(|| MailSink::Files(data_dir.join("mail"))),
            base_url: base_url.trim_end_matches('/').to_string(),
            secret_key,
            bind,
            from: var("UNDERSIGN_FROM").unwrap_or_else(|| "Undersign <undersign@localhost>".into()),
            trusted_proxies,
            privacy_url: var("UNDERSIGN_PRIVACY_URL"),
            ipv6_limit_prefix,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            metrics_token: var("UNDERSIGN_METRICS_TOKEN").map(SecretString::from),
            metrics_allow,
            data_dir,
            dkim,
            attachment_max,
            alert_cap,
            mail_rate,
            bounce_address,
            bounce_mailbox,
            retention_days,
            flag_hourly,
        };
        settings.check()?;
        Ok(settings)
    }

    /// Rejects settings that would only fail later, with the variable to fix.
    pub fn check(&self) -> anyhow::Result<()> {
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            bail!("UNDERSIGN_BASE_URL must start with http:// or https://");
        }
        self.from
            .parse::<lettre::message::Mailbox>()
            .with_context(|| format!("UNDERSIGN_FROM is not a valid mailbox: {:?}", self.from))?;
        if let Some(url) = self
            .privacy_url
            .as_deref()
            .filter(|u| !crate::domain::web_address::is_http_url(u))
        {
            bail!("UNDERSIGN_PRIVACY_URL must be an http:// or https:// address, not {url:?}");
        }
        if let MailSink::Smtp(url) = &self.mail {
            let url = url.expose_secret();
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                bail!("SMTP_URL must start with smtp:// or smtps://");
            }
        }
        Ok(())
    }

    /// Whether the base URL is HTTPS, so browsers may be told to use nothing else.
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// The domain of generated Message-IDs: the sender's.
    pub fn message_id_domain(&self) -> String {
        self.from
            .parse::<lettre::message::Mailbox>()
            .map(|from| from.email.domain().to_string())
            .unwrap_or_else(|_| "localhost".to_string())
    }

    /// Whether `peer` may tell us the client's address in `X-Forwarded-For`.
    pub fn is_trusted_proxy(&self, peer: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(&peer))
    }
}

fn parse_secret_key(key: &str) -> anyhow::Result<SecretKey> {
    let key = key.trim();
    if key.len() < 32 {
        bail!("UNDERSIGN_SECRET_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`)");
    }
    Ok(SecretKey::new(key.as_bytes().to_vec()))
}

/// Reads the key from the data directory, generating it on first run (mode 0600).
fn local_secret_key(data_dir: &Path) -> anyhow::Result<SecretKey> {
    use rand::RngCore;
    use std::os::unix::fs::OpenOptionsExt;
    let path = data_dir.join("secret_key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return parse_secret_key(&existing);
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let key = hex::encode(bytes);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, key.as_bytes()));
    match written {
        Ok(()) => parse_secret_key(&key),
        // Another process generated it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            parse_secret_key(&std::fs::read_to_string(&path)?)
        }
        Err(e) => Err(e).with_context(|| format!("cannot write {}", path.display())),
    }
}

fn parse_mail_rate(value: &str) -> anyhow::Result<f64> {
    match value.trim().parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 && rate <= 100_000.0 => Ok(rate),
        _ => bail!("UNDERSIGN_MAIL_RATE must be messages per second above 0, such as 50"),
    }
}

fn parse_ipv6_prefix(value: &str) -> anyhow::Result<u8> {
    match value.trim().trim_start_matches('/').parse::<u8>() {
        Ok(prefix) if (16..=128).contains(&prefix) => Ok(prefix),
        _ => bail!("UNDERSIGN_IPV6_PREFIX must be a prefix length from 16 to 128, such as 64"),
    }
}

/// Reads `variable`'s comma-separated CIDRs and single addresses.
fn parse_networks(variable: &str, value: &str) -> anyhow::Result<Vec<IpNet>> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .with_context(|| format!("{variable}: {s:?} is not an IP address or CIDR"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_proxies_accept_cidrs_and_single_addresses() {
        let nets = parse_networks("X", "10.0.0.0/8, 127.0.0.1,::1").unwrap();
        assert_eq!(nets.len(), 3);
        assert!(parse_networks("X", "10.0.0.0/8, nonsense").is_err());
    }

    #[test]
    fn the_ipv6_prefix_is_a_length_from_16_to_128() {
        assert_eq!(parse_ipv6_prefix("64").unwrap(), 64);
        assert_eq!(parse_ipv6_prefix("/56").unwrap(), 56);
        for bad in ["0", "8", "129", "sixty-four", ""] {
            assert!(parse_ipv6_prefix(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn short_secret_keys_are_refused() {
        assert!(parse_secret_key("short").is_err());
        assert!(parse_secret_key(&"k".repeat(32)).is_ok());
    }
}
