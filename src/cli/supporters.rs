//! `undersign supporters …`: import a supporter list from CSV, with a progress bar on stderr
//! when it is a terminal.

use crate::config::Settings;
use crate::db;
use crate::organizers::audit::Actor;
use crate::startup::open_database;
use crate::supporters::import::{self, ImportReport};
use crate::supporters::record;
use anyhow::Context;
use clap::Subcommand;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum SupportersCommand {
    /// Add supporters from a CSV file with a header row: email, name, country, consent_date
    /// (and optionally source, language); comma or semicolon separated. Bad rows are reported
    /// by line and skipped; addresses already on the list are left alone; addresses that
    /// unsubscribed, bounced or complained are never enrolled again.
    Import {
        file: PathBuf,
        /// Count valid, invalid, already present and refused rows; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where these supporters came from, for rows without a source column.
        #[arg(long, value_name = "NAME", default_value = "import")]
        source: String,
    },
    /// Print, as JSON, everything held on the supporter with address EMAIL (a subject-access
    /// request): their record, consents, signatures and the batches that carried them to
    /// which officials, and the alerts they received.
    Export { email: String },
    /// Erase the supporter with address EMAIL: their name, address, postcode, comment and IP
    /// hash go everywhere (their signatures stay counted, as anonymous), mail not yet sent to
    /// them is cancelled, and an unsubscribed address stays on the do-not-mail list as a
    /// keyed hash.
    Erase { email: String },
}

pub async fn run(settings: &Settings, command: SupportersCommand) -> anyhow::Result<()> {
    match command {
        SupportersCommand::Import {
            file,
            dry_run,
            source,
        } => import_file(settings, file, dry_run, source).await,
        SupportersCommand::Export { email } => {
            let pool = open_database(settings).await?;
            let doc = db::run(&pool, move |conn| {
                let id = record::find(conn, &email)?;
                record::export(conn, Actor::CommandLine, id)
            })
            .await?;
            println!("{}", serde_json::to_string_pretty(&doc)?);
            Ok(())
        }
        SupportersCommand::Erase { email } => {
            let pool = open_database(settings).await?;
            let done = db::run(&pool, move |conn| {
                let id = record::find(conn, &email)?;
                record::erase(conn, Actor::CommandLine, id)
            })
            .await?;
            println!(
                "erased: {} signatures kept as anonymous, {} messages stripped, {} unsent messages cancelled",
                done.signatures, done.messages, done.cancelled
            );
            Ok(())
        }
    }
}

async fn import_file(
    settings: &Settings,
    path: PathBuf,
    dry_run: bool,
    source: String,
) -> anyhow::Result<()> {
    let file =
        std::fs::File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let pool = open_database(settings).await?;
    let key = settings.secret_key.clone();
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let shown = bar.clone();
    let report = db::run(&pool, move |conn| {
        let reader = std::io::BufReader::with_capacity(1 << 16, file);
        import::import(
            conn,
            key.bytes(),
            reader,
            &source,
            dry_run,
            Actor::CommandLine,
            &|at| shown.set_position(at),
        )
    })
    .await?;
    bar.finish_and_clear();
    print_report(&report);
    Ok(())
}

fn print_report(report: &ImportReport) {
    for problem in &report.problems {
        eprintln!("line {}: {}", problem.line, problem.reason);
    }
    if report.invalid as usize > report.problems.len() {
        eprintln!(
            "… and {} more bad rows",
            report.invalid as usize - report.problems.len()
        );
    }
    println!("valid: {}", report.valid);
    println!("invalid: {}", report.invalid);
    println!("already present: {}", report.already_present);
    println!(
        "refused (unsubscribed, bounced or complained): {}",
        report.refused
    );
    if report.dry_run {
        println!("would add: {} (dry run: nothing changed)", report.added);
    } else {
        println!("added: {}", report.added);
    }
}
