//! The command line (`undersign --help`): serve the web app, run the delivery cron job,
//! migrate, and manage campaigns and organizers. One file per command, holding the words it
//! prints; the work itself is the library's.

mod alert;
pub mod bounces;
mod campaign;
mod deliver;
mod migrate;
mod serve;
mod supporters;
mod user;

pub use alert::AlertCommand;
pub use bounces::BouncesCommand;
pub use campaign::{CampaignCommand, ExportFormat};
pub use supporters::SupportersCommand;
pub use user::{RoleArg, UserCommand};

use crate::config::Settings;
use clap::{Parser, Subcommand};

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
    User(UserCommand),
    /// Manage the supporter list (imports).
    #[command(subcommand)]
    Supporters(SupportersCommand),
    /// Send, list, pause, resume and cancel action alerts.
    #[command(subcommand)]
    Alert(AlertCommand),
    /// Read mail that came back (bounces, complaints, auto-replies) and act on it.
    #[command(subcommand)]
    Bounces(BouncesCommand),
}

/// Runs `cli` to completion.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let bind = match &cli.command {
        Command::Serve { bind, .. } => bind.clone(),
        _ => None,
    };
    let settings = Settings::from_env_binding(bind)?;
    match cli.command {
        Command::Serve { no_worker, .. } => serve::run(settings, no_worker).await,
        Command::Deliver {
            dry_run,
            max_seconds,
        } => deliver::run(&settings, dry_run, max_seconds).await,
        Command::Migrate => migrate::run(&settings).await,
        Command::Campaign(command) => campaign::run(&settings, command).await,
        Command::User(command) => user::run(&settings, command).await,
        Command::Supporters(command) => supporters::run(&settings, command).await,
        Command::Alert(command) => alert::run(&settings, command).await,
        Command::Bounces(command) => bounces::run(&settings, command).await,
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn the_whole_command_tree_passes_claps_own_checks() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_and_subcommand_explains_itself_in_help() {
        fn walk(command: &clap::Command, path: &str) {
            for sub in command.get_subcommands() {
                let path = format!("{path} {}", sub.get_name());
                assert!(sub.get_about().is_some(), "`{path}` has no help text");
                walk(sub, &path);
            }
        }
        walk(&Cli::command(), "undersign");
    }
}
