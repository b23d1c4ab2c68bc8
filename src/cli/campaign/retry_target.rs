//! `undersign campaign retry-target SLUG EMAIL`: lets a target whose server refused it for
//! good receive again, and says what the next delivery will send it.

use crate::config::Settings;
use crate::db;
use crate::organizers::audit::Actor;
use crate::startup::open_database;

pub async fn run(settings: &Settings, slug: String, email: String) -> anyhow::Result<()> {
    let pool = open_database(settings).await?;
    let lookup = slug.clone();
    let retry = db::run(&pool, move |conn| {
        crate::batches::delivery::retry_target(conn, &lookup, &email, Actor::CommandLine)
    })
    .await?;
    for line in crate::batches::report::retry_lines(&slug, &retry) {
        println!("{line}");
    }
    Ok(())
}
