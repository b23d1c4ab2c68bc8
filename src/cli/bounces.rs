//! `undersign bounces ingest`: one message that came back, on stdin, as an MTA hands it to a
//! pipe (Postfix `pipe`, a `.forward` or procmail line). Exit 0 for anything read or safely
//! ignored; 75 (EX_TEMPFAIL, "try again later") only when it could not be recorded, so the
//! MTA keeps the message and delivers it again.

use crate::bounces::{Class, Ingest, Ingested};
use crate::config::Settings;
use crate::db;
use crate::startup::open_database;
use clap::Subcommand;
use std::io::Read;

/// The most of one message read; a larger one is read up to here (no bounce is that big).
const MAX_MESSAGE: u64 = 16 * 1024 * 1024;

#[derive(Debug, Subcommand)]
pub enum BouncesCommand {
    /// Read one bounce, complaint or auto-reply on stdin and act on it: a hard bounce
    /// suppresses the address (or fails the petition target), three soft bounces in an
    /// address's last five messages suppress it, a complaint stops every alert to the
    /// supporter; auto-replies change nothing. For a Postfix pipe or a .forward line.
    Ingest,
}

/// The MTA should keep the message and try again: nothing was recorded.
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
pub struct TryAgainLater(pub anyhow::Error);

pub async fn run(settings: &Settings, command: BouncesCommand) -> anyhow::Result<()> {
    match command {
        BouncesCommand::Ingest => ingest(settings).await,
    }
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
    let (key, bounce_address) = (settings.secret_key.clone(), settings.bounce_address.clone());
    let domain = settings.message_id_domain();
    let kinds = crate::mail_kinds::all(settings);
    let done = db::run(&pool, move |conn| {
        Ingest {
            key: key.bytes(),
            bounce_address: bounce_address.as_ref(),
            message_id_domain: &domain,
            kinds: &kinds,
        }
        .run(conn, &raw)
    })
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
