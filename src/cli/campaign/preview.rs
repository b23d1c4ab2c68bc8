//! `undersign campaign preview SLUG [--target EMAIL] [--send-test-to ADDR]`: the next batch
//! message to each target as it would be sent now, printed, or sent to one address marked
//! `[TEST]`. Changes nothing about the campaign.

use crate::config::Settings;
use crate::db;
use crate::organizers::audit::Actor;
use crate::startup::{drain, open_database};

/// Prints each target's next message: headers and text.
pub async fn print(
    settings: &Settings,
    slug: String,
    target: Option<String>,
) -> anyhow::Result<()> {
    let pool = open_database(settings).await?;
    let (base_url, key) = (settings.base_url.clone(), settings.secret_key.clone());
    let attachment_max = settings.attachment_max;
    let messages = db::run(&pool, move |conn| {
        let ctx = crate::batches::message::BatchContext {
            base_url: &base_url,
            secret_key: key.bytes(),
            attachment_max,
            now: chrono::Utc::now(),
        };
        crate::batches::preview(conn, &slug, target.as_deref(), &ctx, false)
    })
    .await?;
    for (i, next) in messages.iter().enumerate() {
        if i > 0 {
            println!("\n{}\n", "=".repeat(72));
        }
        print!("{}", crate::batches::report::next_lines(next));
    }
    Ok(())
}

/// Queues a test copy of each target's next message to `to` and sends it at once.
pub async fn send_test(
    settings: &Settings,
    slug: String,
    target: Option<String>,
    to: String,
) -> anyhow::Result<()> {
    let pool = open_database(settings).await?;
    let domain = settings.message_id_domain();
    let copies = db::run(&pool, move |conn| {
        crate::batches::queue_test_copies(
            conn,
            &slug,
            target.as_deref(),
            &to,
            &domain,
            Actor::CommandLine,
        )
    })
    .await?;
    if copies.queued == 0 {
        println!("nothing new to deliver, so no test copy was sent");
        return Ok(());
    }
    let sent = drain(settings, &pool)?.run(None).await?;
    let queued = copies.queued;
    println!(
        "{queued} test cop{} queued; sent {}, retrying later {}, failed {}",
        if queued == 1 { "y" } else { "ies" },
        sent.sent,
        sent.retrying,
        sent.failed
    );
    if copies.nothing_new > 0 {
        println!(
            "{} target(s) skipped: nothing new to deliver to them",
            copies.nothing_new
        );
    }
    Ok(())
}
