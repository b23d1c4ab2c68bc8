//! `undersign bounces ingest`: one message that came back, on stdin, as an MTA hands it to a
//! pipe (Postfix `pipe`, a `.forward` or procmail line). Exit 0 for anything read or safely
//! ignored; 75 (EX_TEMPFAIL, "try again later") only when it could not be recorded, so the
//! MTA keeps the message and delivers it again.

use crate::bounces::{Class, Ingest, Ingested};
use crate::config::Settings;
use crate::db;
use crate::mail::pop3;
use crate::startup::open_database;
use clap::Subcommand;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

/// The most of one message read; a larger one is read up to here (no bounce is that big).
const MAX_MESSAGE: u64 = 16 * 1024 * 1024;

#[derive(Debug, Subcommand)]
pub enum BouncesCommand {
    /// Read one bounce, complaint or auto-reply on stdin and act on it: a hard bounce
    /// suppresses the address (or fails the petition target), three soft bounces in an
    /// address's last five messages suppress it, a complaint stops every alert to the
    /// supporter; auto-replies change nothing. For a Postfix pipe or a .forward line; given
    /// files or directories (a maildir's new/ and cur/), reads every message in them instead.
    Ingest {
        /// Messages to read instead of stdin: files, or directories of one message per file.
        paths: Vec<PathBuf>,
    },
    /// Read every message waiting in the POP3 mailbox UNDERSIGN_BOUNCE_MAILBOX
    /// (pop3s://user:password@host) as `ingest` would, deleting each once it is recorded.
    /// For cron, where no MTA can pipe to `ingest`.
    Fetch {
        /// Read at most N messages this run.
        #[arg(long, value_name = "N")]
        max: Option<usize>,
    },
}

/// What reading a message needs from the settings, owned so it can move to the database's
/// thread.
struct Reader {
    key: crate::config::SecretKey,
    bounce_address: Option<crate::mail::verp::BounceAddress>,
    domain: String,
    kinds: crate::mail::MailKinds,
}

impl Reader {
    fn of(settings: &Settings) -> Reader {
        Reader {
            key: settings.secret_key.clone(),
            bounce_address: settings.bounce_address.clone(),
            domain: settings.message_id_domain(),
            kinds: crate::mail_kinds::all(settings),
        }
    }

    fn ingest(&self) -> Ingest<'_> {
        Ingest {
            key: self.key.bytes(),
            bounce_address: self.bounce_address.as_ref(),
            message_id_domain: &self.domain,
            kinds: &self.kinds,
        }
    }
}

/// The MTA should keep the message and try again: nothing was recorded.
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
pub struct TryAgainLater(pub anyhow::Error);

pub async fn run(settings: &Settings, command: BouncesCommand) -> anyhow::Result<()> {
    match command {
        BouncesCommand::Ingest { paths } if paths.is_empty() => ingest(settings).await,
        BouncesCommand::Ingest { paths } => ingest_files(settings, paths).await,
        BouncesCommand::Fetch { max } => fetch(settings, max).await,
    }
}

/// Every message file named by `paths`: files as given, directories' files (one level, and
/// a maildir's `new` and `cur`), in name order.
fn message_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut found = Vec::new();
        for dir in [path.clone(), path.join("new"), path.join("cur")] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let entry = entry?;
                if entry.file_type()?.is_file() {
                    found.push(entry.path());
                }
            }
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

async fn ingest_files(settings: &Settings, paths: Vec<PathBuf>) -> anyhow::Result<()> {
    let files = message_files(&paths)?;
    let pool = open_database(settings)
        .await
        .map_err(|e| TryAgainLater(e.context("the database is not reachable")))?;
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(files.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let reader = Reader::of(settings);
    let shown = bar.clone();
    let (tally, unreadable) = db::run(&pool, move |conn| {
        let ingest = reader.ingest();
        let mut tally: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut unreadable = Vec::new();
        for file in &files {
            match std::fs::read(file) {
                Ok(raw) => {
                    let done = ingest.run(conn, &raw[..raw.len().min(MAX_MESSAGE as usize)])?;
                    *tally.entry(done.class.as_str()).or_default() += 1;
                }
                Err(e) => unreadable.push(format!("{}: {e}", file.display())),
            }
            shown.inc(1);
        }
        anyhow::Ok((tally, unreadable))
    })
    .await
    .map_err(|e| TryAgainLater(e.context("could not record the messages")))?;
    bar.finish_and_clear();
    for line in &unreadable {
        eprintln!("not read: {line}");
    }
    println!("{}", summary(&tally));
    Ok(())
}

/// `3 messages read: auto_reply 1, hard 2`.
fn summary(tally: &BTreeMap<&'static str, usize>) -> String {
    let total: usize = tally.values().sum();
    let parts: Vec<String> = tally
        .iter()
        .map(|(class, n)| format!("{class} {n}"))
        .collect();
    if parts.is_empty() {
        return "0 messages read".into();
    }
    format!("{total} messages read: {}", parts.join(", "))
}

async fn fetch(settings: &Settings, max: Option<usize>) -> anyhow::Result<()> {
    let Some(mailbox) = settings.bounce_mailbox.clone() else {
        anyhow::bail!(
            "set UNDERSIGN_BOUNCE_MAILBOX (e.g. pop3s://bounces:PASSWORD@mail.act.example) to fetch bounces"
        );
    };
    let pool = open_database(settings)
        .await
        .map_err(|e| TryAgainLater(e.context("the database is not reachable")))?;
    let reader = Reader::of(settings);
    let tally = db::run(&pool, move |conn| {
        let ingest = reader.ingest();
        let mut session = pop3::Session::open(&mailbox)?;
        let waiting = session.count()?;
        let mut tally: BTreeMap<&'static str, usize> = BTreeMap::new();
        for n in 1..=waiting.min(max.unwrap_or(usize::MAX)) {
            let raw = session.retrieve(n)?;
            // Recorded first, deleted after: a message whose record failed stays for next time.
            let done = ingest.run(conn, &raw)?;
            session.delete(n)?;
            *tally.entry(done.class.as_str()).or_default() += 1;
        }
        session.quit()?;
        anyhow::Ok(tally)
    })
    .await
    .map_err(|e| TryAgainLater(e.context("could not fetch the bounces")))?;
    println!("{}", summary(&tally));
    Ok(())
}

async fn ingest(settings: &Settings) -> anyhow::Result<()> {
    let mut raw = Vec::new();
    std::io::stdin()
        .take(MAX_MESSAGE)
        .read_to_end(&mut raw)
        .map_err(|e| {
            TryAgainLater(anyhow::Error::new(e).context("cannot read the message on stdin"))
        })?;
    let pool = open_database(settings)
        .await
        .map_err(|e| TryAgainLater(e.context("the database is not reachable")))?;
    let reader = Reader::of(settings);
    let done = db::run(&pool, move |conn| reader.ingest().run(conn, &raw))
        .await
        .map_err(|e| TryAgainLater(e.context("could not record the message")))?;
    println!("{}", describe(&done));
    Ok(())
}

/// One line saying what the message was and what it changed; no address.
fn describe(done: &Ingested) -> String {
    let what = match done.class {
        Class::Hard => "hard bounce",
        Class::Soft => "soft bounce",
        Class::Complaint => "complaint",
        Class::AutoReply => "auto-reply (ignored)",
        Class::Delivered => "delivery notice (ignored)",
        Class::Unsubscribe => "unsubscribe request",
        Class::Unreadable => "unreadable (kept for an organizer)",
    };
    let status = done
        .status
        .as_deref()
        .map(|s| format!(" {s}"))
        .unwrap_or_default();
    let answers = match done.outbox_id {
        Some(id) => format!(" for message {id}"),
        None => " that names none of our messages".to_string(),
    };
    let effect = match (done.recorded, done.suppressed) {
        (false, _) => ": already recorded, nothing changed",
        (true, true) => ": address suppressed",
        (true, false) => "",
    };
    format!("{what}{status}{answers}{effect}")
}
