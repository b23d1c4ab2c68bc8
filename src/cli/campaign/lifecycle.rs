//! `undersign campaign launch|close|reopen SLUG`: moves a campaign and says what happened;
//! refusals exit non-zero, and repeating a move changes nothing.

use crate::campaigns::lifecycle::{self, Move, Moved};
use crate::campaigns::CampaignStatus;
use crate::config::Settings;
use crate::db;
use crate::organizers::audit::Actor;
use crate::startup::open_database;
use anyhow::bail;

pub async fn run(settings: &Settings, slug: String, wanted: Move) -> anyhow::Result<()> {
    let pool = open_database(settings).await?;
    let lookup = slug.clone();
    let moved = db::run(&pool, move |conn| {
        lifecycle::apply(conn, &lookup, wanted, Actor::CommandLine)
    })
    .await?;
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
