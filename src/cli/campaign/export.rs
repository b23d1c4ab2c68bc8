//! `undersign campaign export SLUG`: the campaign's confirmed signatures as CSV on stdout.

use crate::config::Settings;
use crate::db;
use crate::organizers::audit::Actor;
use crate::startup::open_database;
use anyhow::bail;

pub async fn run(settings: &Settings, slug: String) -> anyhow::Result<()> {
    let pool = open_database(settings).await?;
    let lookup = slug.clone();
    let rows = db::run(&pool, move |conn| {
        crate::signatures::export::confirmed(conn, &lookup, Actor::CommandLine)
    })
    .await?;
    let Some(rows) = rows else {
        bail!("no campaign with the slug {slug:?}");
    };
    let mut out = std::io::stdout().lock();
    crate::signatures::export::write_csv(&mut out, &rows)?;
    Ok(())
}
