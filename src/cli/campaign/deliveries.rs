//! `undersign campaign deliveries SLUG`: the delivery log, each batch message per target with
//! its state, and the batches waiting for a window or the daily rule with when they go.

use crate::campaigns;
use crate::config::Settings;
use crate::db;
use crate::startup::open_database;
use anyhow::bail;

pub async fn run(settings: &Settings, slug: String) -> anyhow::Result<()> {
    let pool = open_database(settings).await?;
    let lookup = slug.clone();
    let found = db::run(&pool, move |conn| {
        let Some(c) = campaigns::find_by_slug(conn, &lookup)? else {
            return anyhow::Ok(None);
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
    for line in crate::batches::report::log_lines(&log) {
        println!("{line}");
    }
    for line in crate::batches::report::waiting_lines(&waiting) {
        println!("{line}");
    }
    Ok(())
}
