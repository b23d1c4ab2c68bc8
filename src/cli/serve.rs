//! `undersign serve`: the web app, and beside it the worker that sends queued mail and runs
//! due deliveries (unless `--no-worker`).

use crate::config::Settings;
use crate::db;
use crate::startup::{drain, open_database};
use crate::web::Application;
use crate::worker::{self, DeliveryWorker};
use std::io::Write;

pub async fn run(settings: Settings, no_worker: bool) -> anyhow::Result<()> {
    let pool = open_database(&settings).await?;
    let drain = drain(&settings, &pool)?;
    let base_url = settings.base_url.clone();
    let setup = db::run(&pool, |conn| {
        anyhow::Ok(crate::organizers::setup::issue_if_needed(conn)?)
    })
    .await?;
    let due = worker::DueWork::of(&settings);
    let app = Application::build(settings, pool.clone())?;
    println!(
        "Undersign is serving on {base_url} (listening on port {})",
        app.port()
    );
    if let Some(token) = setup {
        // Ignoring a closed stdout: a supervisor that stopped reading must not stop us.
        let _ = writeln!(
            std::io::stdout(),
            "No organizer exists yet. Create the first one within 24 hours at:\n  {}",
            crate::urls::absolute(&base_url, &crate::urls::admin_setup(&token))
        );
    }
    let worker = (!no_worker)
        .then(|| DeliveryWorker::spawn(drain, pool.clone(), Some(worker::DUE_EVERY), due));
    let served = app.run_until_stopped().await;
    if let Some(worker) = worker {
        worker.stop().await;
    }
    served?;
    Ok(())
}
