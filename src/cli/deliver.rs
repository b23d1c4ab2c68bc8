//! `undersign deliver`: the cron job. Closes, cuts and queues what is due, sends the outbox,
//! and says what it did.

use crate::config::Settings;
use crate::jobs::deliver;
use crate::startup::{drain, open_database};

pub async fn run(
    settings: &Settings,
    dry_run: bool,
    max_seconds: Option<u64>,
) -> anyhow::Result<()> {
    let pool = open_database(settings).await?;
    let drain = drain(settings, &pool)?;
    let report = deliver::run(
        &pool,
        &drain,
        crate::worker::DueWork::of(settings),
        dry_run,
        max_seconds,
    )
    .await?;
    for line in crate::batches::report::pass_lines(&report.batches, report.dry_run) {
        println!("{line}");
    }
    for a in &report.anonymised {
        println!(
            "retention: {} {} signatures of {} (closed {}, kept {} days)",
            if report.dry_run {
                "would anonymise"
            } else {
                "anonymised"
            },
            a.signatures,
            a.slug,
            a.closed_at.format("%Y-%m-%d"),
            settings.retention_days
        );
    }
    if report.dry_run {
        println!(
            "{} e-mail(s) due; nothing sent (dry run)",
            report.due_before
        );
    } else {
        let a = report.alerts;
        if a.fanned_out > 0 || a.finished > 0 {
            println!(
                "alerts: {} fanned out ({} messages queued), {} finished sending",
                a.fanned_out, a.queued, a.finished
            );
        }
        let d = report.drained;
        println!(
            "sent {}, retrying later {}, failed {}{}",
            d.sent,
            d.retrying,
            d.failed,
            if d.lease_lost > 0 {
                format!(", {} taken over by another worker", d.lease_lost)
            } else {
                String::new()
            }
        );
    }
    Ok(())
}
