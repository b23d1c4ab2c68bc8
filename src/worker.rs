//! The outbox worker that `serve` runs beside the web server, so confirmation e-mails leave
//! within seconds. It runs the same drain as `deliver`.

use crate::mail::drain::{Drain, DrainError};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often an idle worker looks for due mail.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// How long the worker waits after the SMTP server refused our credentials.
const AUTH_PAUSE: Duration = Duration::from_secs(60);

/// A running worker; stop it with [`OutboxWorker::stop`].
pub struct OutboxWorker {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl OutboxWorker {
    pub fn spawn(drain: Drain) -> OutboxWorker {
        let (stop, mut stopped) = watch::channel(false);
        let handle = tokio::spawn(async move {
            loop {
                let wait = match drain.run(None).await {
                    Ok(_) => IDLE_POLL,
                    Err(DrainError::AuthFailed(_)) => AUTH_PAUSE,
                    Err(e) => {
                        tracing::error!(error = %e, "outbox worker: drain failed");
                        Duration::from_secs(5)
                    }
                };
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stopped.changed() => return,
                }
            }
        });
        OutboxWorker { stop, handle }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}
