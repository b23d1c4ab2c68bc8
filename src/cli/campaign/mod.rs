//! `undersign campaign …`: create, list, open and close, export and deliver campaigns. One
//! file per subcommand.

mod deliver_now;
mod deliveries;
mod export;
mod import;
mod lifecycle;
mod list;
mod preview;
mod retry_target;

use crate::campaigns::lifecycle::Move;
use crate::config::Settings;
use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;

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

pub async fn run(settings: &Settings, command: CampaignCommand) -> anyhow::Result<()> {
    match command {
        CampaignCommand::Import { file, launch } => import::run(settings, &file, launch).await,
        CampaignCommand::List => list::run(settings).await,
        CampaignCommand::Launch { slug } => lifecycle::run(settings, slug, Move::Launch).await,
        CampaignCommand::Close { slug } => lifecycle::run(settings, slug, Move::Close).await,
        CampaignCommand::Reopen { slug } => lifecycle::run(settings, slug, Move::Reopen).await,
        CampaignCommand::Export {
            slug,
            format: ExportFormat::Csv,
        } => export::run(settings, slug).await,
        CampaignCommand::DeliverNow { slug } => deliver_now::run(settings, slug).await,
        CampaignCommand::Preview {
            slug,
            target,
            send_test_to: Some(to),
        } => preview::send_test(settings, slug, target, to).await,
        CampaignCommand::Preview {
            slug,
            target,
            send_test_to: None,
        } => preview::print(settings, slug, target).await,
        CampaignCommand::RetryTarget { slug, email } => {
            retry_target::run(settings, slug, email).await
        }
        CampaignCommand::Deliveries { slug } => deliveries::run(settings, slug).await,
    }
}
