//! `undersign campaign list`: every campaign with its status, count and goal, as a table.

use crate::campaigns;
use crate::config::Settings;
use crate::db;
use crate::startup::open_database;

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
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
