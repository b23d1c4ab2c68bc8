//! The command line (`undersign --help`): serve the web app, run the delivery cron job,
//! migrate, and manage campaigns.

use crate::campaigns::lifecycle::{self, Move, Moved};
use crate::campaigns::{self, import, CampaignStatus};
use crate::config::{DatabaseSource, Settings};
use crate::db::{self, local, DbPool};
use crate::domain::letter_file;
use crate::jobs::deliver;
use crate::mail::drain::{Drain, SEND_CONNECTIONS};
use crate::mail::transport::Mailer;
use crate::mail::RenderContext;
use crate::web::Application;
use crate::worker::{self, DeliveryWorker};
use anyhow::{bail, Context};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "undersign", version, about = "Turn a letter to officials into a public action, collect signatures, and deliver the petition by e-mail.", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app (and, unless --no-worker, send queued e-mail continuously and close,
    /// cut and queue due petition deliveries every 30 seconds).
    Serve {
        /// Address to listen on [env: UNDERSIGN_BIND, default 127.0.0.1:8080].
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
        /// Do not send e-mail or run due deliveries from this process (leave both to
        /// `undersign deliver`).
        #[arg(long)]
        no_worker: bool,
    },
    /// The cron job: send everything that is due, then exit. Safe to overlap with itself and
    /// with `serve`.
    Deliver {
        /// Report what is due without sending anything.
        #[arg(long)]
        dry_run: bool,
        /// Stop after about N seconds, leaving the rest for the next run.
        #[arg(long, value_name = "N")]
        max_seconds: Option<u64>,
    },
    /// Apply database migrations.
    Migrate,
    /// Create, list and export campaigns.
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// Manage organizer accounts.
    #[command(subcommand)]
    User(crate::organizers::cli::UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Create a campaign from a letter file (plain text or Markdown with optional TOML front matter).
    Import {
        /// The letter file.
        file: PathBuf,
        /// Open it for signatures right away (otherwise it stays a draft).
        #[arg(long)]
        launch: bool,
    },
    /// List every campaign with its status and count.
    List,
    /// Open a draft for signatures (it needs a target with an e-mail address).
    Launch { slug: String },
    /// Stop taking signatures.
    Close { slug: String },
    /// Take signatures again after a close (removing a closing time that has passed).
    Reopen { slug: String },
    /// Export a campaign's confirmed signatures.
    Export {
        slug: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
    /// Cut a batch now and send it to every target, whatever the schedule (the only way a
    /// `manual` campaign delivers).
    DeliverNow { slug: String },
    /// The delivery log: each batch message per target, with its state.
    Deliveries { slug: String },
    /// Let a target whose mail server refused it for good (5xx) receive again: clears its
    /// failed mark, so the next delivery sends it every signature it has not received.
    RetryTarget {
        /// The campaign's slug.
        slug: String,
        /// The target's e-mail address, as in the letter file's [[targets]].
        email: String,
    },
    /// Print the next batch message to each target (headers and text) as it would be sent
    /// now; changes nothing.
    Preview {
        slug: String,
        /// Only the target with this address.
        #[arg(long, value_name = "EMAIL")]
        target: Option<String>,
        /// Send it to this address only, subject marked [TEST], instead of printing it.
        #[arg(long, value_name = "ADDR")]
        send_test_to: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Csv,
}

/// Runs `cli` to completion.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let bind = match &cli.command {
        Command::Serve { bind, .. } => bind.clone(),
        _ => None,
    };
    let settings = Settings::from_env_binding(bind)?;
    match cli.command {
        Command::Serve { no_worker, .. } => {
            let pool = open_database(&settings).await?;
            let drain = drain(&settings, &pool)?;
            let base_url = settings.base_url.clone();
            let setup = db::run(&pool, |conn| {
                Ok(crate::organizers::setup::issue_if_needed(conn)?)
            })
            .await?;
            let app = Application::build(settings, pool.clone())?;
            println!(
                "Undersign is serving on {base_url} (listening on port {})",
                app.port()
            );
            if let Some(token) = setup {
                // Ignoring a closed stdout: a supervisor that stopped reading must not stop us.
                let _ = writeln!(
                    std::io::stdout(),
                    "No organizer exists yet. Create the first one within 24 hours at:\n  {}",
                    crate::web::urls::absolute(&base_url, &crate::web::urls::admin_setup(&token))
                );
            }
            let worker = (!no_worker)
                .then(|| DeliveryWorker::spawn(drain, pool.clone(), Some(worker::DUE_EVERY)));
            let served = app.run_until_stopped().await;
            if let Some(worker) = worker {
                worker.stop().await;
            }
            served?;
            Ok(())
        }
        Command::Deliver {
            dry_run,
            max_seconds,
        } => {
            let pool = open_database(&settings).await?;
            let drain = drain(&settings, &pool)?;
            let report = deliver::run(&pool, &drain, dry_run, max_seconds).await?;
            for line in crate::batches::report::pass_lines(&report.batches, report.dry_run) {
                println!("{line}");
            }
            if report.dry_run {
                println!(
                    "{} e-mail(s) due; nothing sent (dry run)",
                    report.due_before
                );
            } else {
                let d = report.drained;
                println!(
                    "sent {}, retrying later {}, failed {}{}",
                    d.sent,
                    d.retrying,
                    d.failed,
                    if d.lease_lost > 0 {
                        format!(", {} taken over by another worker", d.lease_lost)
                    } else {
                        String::new()
                    }
                );
            }
            Ok(())
        }
        Command::Migrate => {
            open_database(&settings).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Campaign(command) => campaign(&settings, command).await,
        Command::User(command) => {
            let pool = open_database(&settings).await?;
            crate::organizers::cli::run(&pool, command).await
        }
    }
}

async fn campaign(settings: &Settings, command: CampaignCommand) -> anyhow::Result<()> {
    match command {
        CampaignCommand::Import { file, launch } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let parsed = letter_file::parse_letter_file(&text).with_context(|| {
                format!("{} is not a letter file Undersign can read", file.display())
            })?;
            let pool = open_database(settings).await?;
            let imported = db::run(&pool, move |conn| {
                Ok(import::import(conn, &parsed, &text, launch)?)
            })
            .await?;
            println!("id      {}", imported.id);
            println!("slug    {}", imported.slug);
            println!("title   {}", imported.title);
            println!(
                "status  {}",
                if imported.launched { "live" } else { "draft" }
            );
            println!("asks    {}", imported.asks);
            println!("targets {}", imported.targets);
            println!("url     {}/c/{}", settings.base_url, imported.slug);
            if !imported.launched {
                let token = crate::tokens::preview_token(settings.secret_key.bytes(), imported.id);
                println!(
                    "preview {}/c/{}?preview={token}",
                    settings.base_url, imported.slug
                );
            }
            if imported.targets == 0 {
                eprintln!("note: no targets with e-mail addresses; add [[targets]] to the front matter so the petition can be delivered");
            }
            Ok(())
        }
        CampaignCommand::List => {
            let pool = open_database(settings).await?;
            let all = db::run(&pool, |conn| campaigns::list(conn, None)).await?;
            let now = chrono::Utc::now();
            println!(
                "{:<8} {:>10} {:>8}  {:<40} title",
                "status", "signatures", "goal", "slug"
            );
            for c in all {
                println!(
                    "{:<8} {:>10} {:>8}  {:<40} {}",
                    c.status(now).as_str(),
                    c.signatures,
                    c.row
                        .goal
                        .map(|g| g.to_string())
                        .unwrap_or_else(|| "-".into()),
                    c.row.slug,
                    c.row.title
                );
            }
            Ok(())
        }
        CampaignCommand::Launch { slug } => change(settings, slug, Move::Launch).await,
        CampaignCommand::Close { slug } => change(settings, slug, Move::Close).await,
        CampaignCommand::Reopen { slug } => change(settings, slug, Move::Reopen).await,
        CampaignCommand::Export {
            slug,
            format: ExportFormat::Csv,
        } => {
            let pool = open_database(settings).await?;
            let lookup = slug.clone();
            let rows = db::run(&pool, move |conn| {
                crate::signatures::export::confirmed(conn, &lookup)
            })
            .await?;
            let Some(rows) = rows else {
                bail!("no campaign with the slug {slug:?}");
            };
            let mut out = std::io::stdout().lock();
            crate::signatures::export::write_csv(&mut out, &rows)?;
            Ok(())
        }
        CampaignCommand::DeliverNow { slug } => {
            let pool = open_database(settings).await?;
            let domain = settings.message_id_domain();
            let done = db::run(&pool, move |conn| {
                crate::batches::deliver_now(conn, &slug, chrono::Utc::now(), &domain)
            })
            .await?;
            if done.cut.is_none() && done.dispatched.is_empty() && done.waiting.is_empty() {
                println!("{}: nothing new to deliver", done.slug);
                return Ok(());
            }
            if done.cut.is_none() {
                println!("{}: no new signatures to cut", done.slug);
            }
            for line in crate::batches::report::pass_lines(std::slice::from_ref(&done), false) {
                println!("{line}");
            }
            if !done.dispatched.is_empty() {
                println!(
                    "`undersign serve` sends them within seconds, or the next `undersign deliver`"
                );
            }
            Ok(())
        }
        CampaignCommand::Preview {
            slug,
            target,
            send_test_to: Some(to),
        } => {
            let pool = open_database(settings).await?;
            let domain = settings.message_id_domain();
            let copies = db::run(&pool, move |conn| {
                crate::batches::queue_test_copies(conn, &slug, target.as_deref(), &to, &domain)
            })
            .await?;
            if copies.queued == 0 {
                println!("nothing new to deliver, so no test copy was sent");
                return Ok(());
            }
            let sent = drain(settings, &pool)?.run(None).await?;
            let queued = copies.queued;
            println!(
                "{queued} test cop{} queued; sent {}, retrying later {}, failed {}",
                if queued == 1 { "y" } else { "ies" },
                sent.sent,
                sent.retrying,
                sent.failed
            );
            if copies.nothing_new > 0 {
                println!(
                    "{} target(s) skipped: nothing new to deliver to them",
                    copies.nothing_new
                );
            }
            Ok(())
        }
        CampaignCommand::Preview {
            slug,
            target,
            send_test_to: None,
        } => {
            let pool = open_database(settings).await?;
            let (base_url, key) = (settings.base_url.clone(), settings.secret_key.clone());
            let attachment_max = settings.attachment_max;
            let messages = db::run(&pool, move |conn| {
                let ctx = crate::batches::message::BatchContext {
                    base_url: &base_url,
                    secret_key: key.bytes(),
                    attachment_max,
                    now: chrono::Utc::now(),
                };
                crate::batches::preview(conn, &slug, target.as_deref(), &ctx, false)
            })
            .await?;
            for (i, next) in messages.iter().enumerate() {
                if i > 0 {
                    println!("\n{}\n", "=".repeat(72));
                }
                print!("{}", crate::batches::report::next_lines(next));
            }
            Ok(())
        }
        CampaignCommand::RetryTarget { slug, email } => {
            let pool = open_database(settings).await?;
            let lookup = slug.clone();
            let retry = db::run(&pool, move |conn| {
                crate::batches::delivery::retry_target(conn, &lookup, &email)
            })
            .await?;
            for line in crate::batches::report::retry_lines(&slug, &retry) {
                println!("{line}");
            }
            Ok(())
        }
        CampaignCommand::Deliveries { slug } => {
            let pool = open_database(settings).await?;
            let lookup = slug.clone();
            let found = db::run(&pool, move |conn| {
                let Some(c) = campaigns::find_by_slug(conn, &lookup)? else {
                    return Ok(None);
                };
                let log = crate::batches::delivery::log(conn, c.id())?;
                let waiting = crate::batches::targets::waiting(conn, c.id(), chrono::Utc::now())?;
                Ok(Some((log, waiting)))
            })
            .await?;
            let Some((log, waiting)) = found else {
                bail!("no campaign with the slug {slug:?}");
            };
            if log.is_empty() && waiting.is_empty() {
                println!("{slug}: nothing delivered yet");
            }
            if !log.is_empty() {
                for line in crate::batches::report::log_lines(&log) {
                    println!("{line}");
                }
            }
            for line in crate::batches::report::waiting_lines(&waiting) {
                println!("{line}");
            }
            Ok(())
        }
    }
}

/// Launches, closes or reopens `slug` and says what happened; refusals exit non-zero.
async fn change(settings: &Settings, slug: String, wanted: Move) -> anyhow::Result<()> {
    let pool = open_database(settings).await?;
    let lookup = slug.clone();
    let moved = db::run(&pool, move |conn| lifecycle::apply(conn, &lookup, wanted)).await?;
    let url = format!("{}/c/{slug}", settings.base_url);
    match moved {
        Ok(Moved::Done(CampaignStatus::Closed)) => {
            println!("closed {slug}: it no longer takes signatures")
        }
        Ok(Moved::Done(_)) => {
            let verb = if wanted == Move::Launch { "launched" } else { "reopened" };
            println!("{verb} {slug}: it takes signatures at {url}");
        }
        Ok(Moved::ReopenedWithoutClosingTime(at)) => println!(
            "reopened {slug}: it takes signatures at {url}; its closing time ({}) had passed and was removed, so it stays open until you close it",
            at.format("%Y-%m-%d %H:%M UTC")
        ),
        Ok(Moved::Already(status)) => {
            println!("{slug} is already {}; nothing changed", status.as_str())
        }
        Err(refused) => {
            bail!("cannot {} {slug}: {refused}", wanted.verb());
        }
    }
    Ok(())
}

/// Connects to `DATABASE_URL` or starts the managed local cluster, then migrates.
/// The outbox drain as `settings` ask: the mailer, its connections and DKIM key.
pub fn drain(settings: &Settings, pool: &DbPool) -> anyhow::Result<Drain> {
    let mut mailer = Mailer::new(&settings.mail, &settings.from, SEND_CONNECTIONS)?;
    if let Some(dkim) = &settings.dkim {
        mailer = mailer.with_dkim(dkim)?;
    }
    Ok(Drain::new(
        pool.clone(),
        mailer,
        RenderContext::new(settings),
        crate::mail_kinds::all(settings),
    ))
}

pub async fn open_database(settings: &Settings) -> anyhow::Result<DbPool> {
    let url = match &settings.database {
        DatabaseSource::Url(url) => url.clone(),
        DatabaseSource::Local => {
            let root = settings.data_dir.clone();
            tokio::task::spawn_blocking(move || {
                let cluster =
                    local::LocalCluster::ensure_running(&root, local::Durability::Durable)?;
                cluster.create_database("undersign")?;
                Ok::<_, anyhow::Error>(cluster.url("undersign"))
            })
            .await??
        }
    };
    let pool = tokio::task::spawn_blocking(move || {
        let pool = db::connect(&url, 10)?;
        let mut conn = pool.get()?;
        db::migrate(&mut conn)?;
        Ok::<_, anyhow::Error>(pool)
    })
    .await??;
    Ok(pool)
}
