//! The worker that `serve` runs beside the web server, so that one process is enough for a
//! small installation: it drains the outbox continuously (confirmation e-mails leave within
//! seconds) and, every [`DUE_EVERY`], does the rest of what `deliver` does — closing
//! campaigns past their closing time, cutting the batches that are due and queuing their
//! messages, fanning out the alerts whose time has come. Both are the same library functions `deliver` runs, safe to overlap with any
//! number of `deliver` runs and other `serve` processes.

use crate::db::{self, DbPool};
use crate::domain::alert_cap::AlertCap;
use crate::mail::drain::{Drain, DrainError};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often an idle worker looks for due mail.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// How long the worker waits after the SMTP server refused our credentials.
const AUTH_PAUSE: Duration = Duration::from_secs(60);
/// How often `serve` closes, cuts and queues what is due, as a cron `deliver` would.
pub const DUE_EVERY: Duration = Duration::from_secs(30);

/// A running worker; stop it with [`DeliveryWorker::stop`].
pub struct DeliveryWorker {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

/// What the due work needs from the settings.
#[derive(Debug, Clone, Copy)]
pub struct DueWork {
    pub cap: AlertCap,
    pub retention_days: u32,
    pub flag_hourly: u32,
}

impl DueWork {
    pub fn of(settings: &crate::config::Settings) -> DueWork {
        DueWork {
            cap: settings.alert_cap,
            retention_days: settings.retention_days,
            flag_hourly: settings.flag_hourly,
        }
    }
}

impl DeliveryWorker {
    /// Starts draining the outbox, and every `due_every` (when given) runs the due delivery
    /// work over `pool`.
    pub fn spawn(
        drain: Drain,
        pool: DbPool,
        due_every: Option<Duration>,
        due: DueWork,
    ) -> DeliveryWorker {
        let (stop, mut stopped) = watch::channel(false);
        let handle = tokio::spawn(async move {
            let mut due_at = Instant::now();
            loop {
                if let Some(every) = due_every.filter(|_| Instant::now() >= due_at) {
                    run_due(&pool, &drain, due).await;
                    due_at = Instant::now() + every;
                }
                let wait = match drain.run(None).await {
                    Ok(_) => IDLE_POLL,
                    Err(DrainError::AuthFailed(_)) => AUTH_PAUSE,
                    Err(e) => {
                        tracing::error!(error = %e, "worker: drain failed");
                        Duration::from_secs(5)
                    }
                };
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stopped.changed() => return,
                }
            }
        });
        DeliveryWorker { stop, handle }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

/// Closes, cuts and queues what is due, anonymises what retention is over for, and fans out
/// due alerts; a failure is logged and tried again next time.
async fn run_due(pool: &DbPool, drain: &Drain, due: DueWork) {
    let domain = drain.message_id_domain();
    let now = chrono::Utc::now();
    let done = db::run(pool, move |conn| {
        crate::batches::run_due(conn, now, &domain, false)?;
        crate::signatures::retention::run(conn, now, due.retention_days, false)?;
        crate::signatures::surges::run(conn, now, due.flag_hourly)?;
        anyhow::Ok(crate::alerts::due::run_due(conn, now, due.cap, &domain)?)
    })
    .await;
    if let Err(e) = done {
        tracing::error!(error = %e, "worker: the due delivery work failed");
    }
}
