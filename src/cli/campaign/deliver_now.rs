//! `undersign campaign deliver-now SLUG`: cuts a batch now and queues it to every target,
//! whatever the schedule, and says what it cut, queued and left waiting.

use crate::config::Settings;
use crate::db;
use crate::organizers::audit::Actor;
use crate::startup::open_database;

pub async fn run(settings: &Settings, slug: String) -> anyhow::Result<()> {
    let pool = open_database(settings).await?;
    let domain = settings.message_id_domain();
    let done = db::run(&pool, move |conn| {
        crate::batches::deliver_now(conn, &slug, chrono::Utc::now(), &domain, Actor::CommandLine)
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
        println!("`undersign serve` sends them within seconds, or the next `undersign deliver`");
    }
    Ok(())
}
