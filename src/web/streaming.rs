//! Large bodies read from the database a page at a time (the officials' CSV at `/d/{token}`,
//! the organizers' export). A page takes a pool connection, is rendered, and the connection
//! goes back before the bytes wait for the client, so a client that stops reading holds no
//! connection and no transaction; one that leaves a chunk unread for [`STALL_LIMIT`] is given
//! up on. Each kind of download has a few [`Slots`]: beyond them the client is asked to come
//! back (503 with `Retry-After`) rather than taking the threads signing needs.

use crate::db::DbPool;
use crate::web::errors::PageError;
use actix_web::web::Bytes;
use diesel::PgConnection;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

/// How long a client may leave a chunk unread before its download is stopped.
pub const STALL_LIMIT: Duration = Duration::from_secs(60);

/// Downloads of one kind that may run at once.
#[derive(Clone)]
pub struct Slots {
    free: Arc<Semaphore>,
    busy: &'static str,
}

impl Slots {
    /// `n` slots; `busy` is what a client beyond them reads.
    pub fn new(n: usize, busy: &'static str) -> Slots {
        Slots {
            free: Arc::new(Semaphore::new(n)),
            busy,
        }
    }

    /// A slot held for as long as the download runs, or a 503 asking to come back.
    pub fn take(&self) -> Result<Slot, PageError> {
        self.free
            .clone()
            .try_acquire_owned()
            .map(Slot)
            .map_err(|_| PageError::Busy(self.busy))
    }
}

/// One running download's place; it frees itself when the download ends or is given up.
pub struct Slot(#[allow(dead_code)] OwnedSemaphorePermit);

/// A body read a page at a time.
pub trait Pages: Send + 'static {
    /// The next bytes to send (possibly empty), or `None` when the body is complete.
    fn next(&mut self, conn: &mut PgConnection) -> anyhow::Result<Option<Vec<u8>>>;

    /// Called once at the end, `complete` when the client took the whole body.
    fn finished(&mut self, _conn: &mut PgConnection, _complete: bool) -> anyhow::Result<()> {
        Ok(())
    }
}

/// The body of a streaming response fed by `pages` while `slot` is held. `what` names the
/// download in the log (never who asked for it).
pub fn body(
    pool: DbPool,
    slot: Slot,
    mut pages: impl Pages,
    what: &'static str,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let complete = loop {
            // The connection is back in the pool before the page waits for the client.
            let page = pool
                .get()
                .map_err(anyhow::Error::from)
                .and_then(|mut conn| pages.next(&mut conn));
            match page {
                Ok(Some(bytes)) if bytes.is_empty() => continue,
                Ok(Some(bytes)) => {
                    let sent =
                        runtime.block_on(tx.send_timeout(Ok(Bytes::from(bytes)), STALL_LIMIT));
                    if sent.is_err() {
                        tracing::info!(
                            download = what,
                            "download stopped: the client left or stopped reading"
                        );
                        break false;
                    }
                }
                Ok(None) => break true,
                Err(e) => {
                    // The client sees a cut-off body; the reason stays in the log.
                    tracing::warn!(download = what, error = format!("{e:#}"), "download failed");
                    let _ = tx.blocking_send(Err(std::io::Error::other("the download stopped")));
                    break false;
                }
            }
        };
        let finished = pool
            .get()
            .map_err(anyhow::Error::from)
            .and_then(|mut conn| pages.finished(&mut conn, complete));
        if let Err(e) = finished {
            tracing::warn!(
                download = what,
                error = format!("{e:#}"),
                "a download's end was not recorded"
            );
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    })
}
