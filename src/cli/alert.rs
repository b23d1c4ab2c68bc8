//! `undersign alert …`: send an alert written in a Markdown file (its subject in TOML front
//! matter), list alerts, and pause, resume or cancel one.

use crate::alerts::audience::{self, Reach, Spec};
use crate::alerts::compose::{self, DraftError, DraftInput};
use crate::alerts::control::{self, When};
use crate::alerts::{self, progress, Alert};
use crate::config::Settings;
use crate::db;
use crate::organizers::audit::Actor;
use crate::startup::open_database;
use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDateTime, Utc};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum AlertCommand {
    /// Send the alert in FILE (Markdown; `subject = "…"` in `+++` front matter) to the
    /// subscribed supporters, with a button to the action SLUG. It leaves after a 60-second
    /// undo window (`alert cancel`), or at --at.
    Send {
        /// The action it asks people to take.
        slug: String,
        file: PathBuf,
        /// When to send it: `2026-12-05T18:00:00Z` or `2026-12-05 18:00` (UTC).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// Only to supporters in this country (ISO 3166-1 alpha-2).
        #[arg(long, value_name = "CC")]
        country: Option<String>,
        /// Print how many it would reach and who would be left out, and why; send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Every alert with its state and progress.
    List,
    /// Stop an alert for good: what has not left never will.
    Cancel { id: String },
    /// Hold an alert's remaining messages until it is resumed.
    Pause { id: String },
    /// Send a paused alert's remaining messages.
    Resume { id: String },
}

#[derive(serde::Deserialize, Default)]
struct FrontMatter {
    subject: Option<String>,
    #[serde(default)]
    include_signed: bool,
}

/// Splits an alert file into its front matter and Markdown body.
fn read_file(text: &str) -> anyhow::Result<(FrontMatter, String)> {
    let text = text.trim_start_matches('\u{feff}');
    let Some(rest) = text.strip_prefix("+++") else {
        bail!("the file needs front matter with its subject, e.g.\n+++\nsubject = \"The vote is tomorrow\"\n+++");
    };
    let (front, body) = rest
        .split_once("\n+++")
        .context("the front matter has no closing +++ line")?;
    let front: FrontMatter = toml::from_str(front).context("the front matter is not valid TOML")?;
    Ok((front, body.trim_start_matches(['\r', '\n']).to_string()))
}

fn parse_time(text: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M")
        .map(|t| t.and_utc())
        .map_err(|_| anyhow::anyhow!("--at {text:?}: give a time such as 2026-12-05T18:00:00Z"))
}

fn print_reach(reach: &Reach) {
    println!("recipients: {}", reach.recipients);
    println!("left out: {}", reach.left_out());
    for (reason, count) in reach.reasons() {
        println!("  {reason}: {count}");
    }
}

async fn find(pool: &db::DbPool, id: String) -> anyhow::Result<Alert> {
    let wanted = id.clone();
    db::run(pool, move |conn| {
        anyhow::Ok(alerts::find_by_prefix(conn, &wanted)?)
    })
    .await?
    .with_context(|| {
        format!("no alert has an id starting with {id:?} (see `undersign alert list`)")
    })
}

pub async fn run(settings: &Settings, command: AlertCommand) -> anyhow::Result<()> {
    let pool = open_database(settings).await?;
    let cap = settings.alert_cap;
    let domain = settings.message_id_domain();
    match command {
        AlertCommand::Send {
            slug,
            file,
            at,
            country,
            dry_run,
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let (front, body) = read_file(&text)?;
            let when = at.as_deref().map(parse_time).transpose()?;
            let input = DraftInput {
                subject: front.subject.unwrap_or_default(),
                body,
                campaign: slug,
                audience: if country.is_some() {
                    "country".into()
                } else {
                    "all".into()
                },
                country: country.unwrap_or_default(),
                signers_of: String::new(),
                include_signed: front.include_signed.then(|| "yes".into()),
            };
            let outcome = db::run(&pool, move |conn| {
                let draft = match compose::check(conn, &input) {
                    Ok(draft) => draft,
                    Err(DraftError::Invalid(errors)) => {
                        let lines: Vec<String> = errors
                            .into_iter()
                            .map(|(field, e)| format!("{field}: {e}"))
                            .collect();
                        bail!("the alert needs fixing:\n{}", lines.join("\n"));
                    }
                    Err(e) => return Err(e.into()),
                };
                let spec = Spec {
                    id: None,
                    audience: draft.audience.clone(),
                    action: draft.action,
                    include_signed: draft.include_signed,
                };
                let reach = audience::reach(conn, &spec, cap)?;
                if dry_run {
                    return Ok((reach, None));
                }
                let id = compose::create(conn, Actor::CommandLine, &draft)?;
                let sent = control::send(
                    conn,
                    Actor::CommandLine,
                    id,
                    when.map(When::At).unwrap_or(When::Now),
                    cap,
                    &domain,
                )?;
                Ok((reach, Some((id, sent))))
            })
            .await?;
            let (reach, sent) = outcome;
            print_reach(&reach);
            match sent {
                None => println!("dry run: nothing sent"),
                Some((id, sent)) if sent.scheduled => {
                    println!("alert {id} scheduled for {}", sent.first_leaves_at.format("%Y-%m-%d %H:%M UTC"));
                }
                Some((id, sent)) => println!(
                    "alert {id}: {} messages queued; the first leave at {} (cancel before then with `undersign alert cancel {}`)",
                    sent.queued,
                    sent.first_leaves_at.format("%H:%M:%S UTC"),
                    &id.to_string()[..8]
                ),
            }
        }
        AlertCommand::List => {
            let rows = db::run(&pool, |conn| {
                let all = alerts::list(conn)?;
                let mut rows = Vec::new();
                for alert in all {
                    let p = progress::of(conn, &alert)?;
                    rows.push((alert, p));
                }
                anyhow::Ok(rows)
            })
            .await?;
            println!(
                "{:<8} {:<9} {:>8} {:>8} {:>7}  subject",
                "id", "state", "queued", "sent", "failed"
            );
            for (alert, p) in rows {
                println!(
                    "{:<8} {:<9} {:>8} {:>8} {:>7}  {}",
                    &alert.id.to_string()[..8],
                    alert.state.as_str(),
                    p.queued + p.retrying + p.held,
                    p.sent,
                    p.failed,
                    alert.subject
                );
            }
        }
        AlertCommand::Cancel { id } => {
            let alert = find(&pool, id).await?;
            let stopped = db::run(&pool, move |conn| {
                control::cancel(conn, Actor::CommandLine, alert.id)
            })
            .await?;
            println!("cancelled: {stopped} messages will not be sent");
        }
        AlertCommand::Pause { id } => {
            let alert = find(&pool, id).await?;
            let held = db::run(&pool, move |conn| {
                control::pause(
                    conn,
                    Some(Actor::CommandLine),
                    alert.id,
                    "paused from the command line",
                )
            })
            .await?;
            println!("paused: {held} messages held");
        }
        AlertCommand::Resume { id } => {
            let alert = find(&pool, id).await?;
            let released = db::run(&pool, move |conn| {
                control::resume(conn, Actor::CommandLine, alert.id)
            })
            .await?;
            println!("resumed: {released} messages due now");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_file_has_its_subject_in_front_matter() {
        let (front, body) =
            read_file("+++\nsubject = \"The vote is tomorrow\"\n+++\nSign **now**.\n").unwrap();
        assert_eq!(front.subject.as_deref(), Some("The vote is tomorrow"));
        assert_eq!(body, "Sign **now**.\n");
        assert!(read_file("Just a body").is_err());
        assert!(parse_time("2026-12-05 18:00").is_ok());
        assert!(parse_time("tomorrow").is_err());
    }
}
