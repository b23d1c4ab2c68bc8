//! `undersign migrate`: brings the database's schema up to date (every other command does it
//! too, on start).

use crate::config::Settings;
use crate::startup::open_database;

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    open_database(settings).await?;
    println!("database is up to date");
    Ok(())
}
