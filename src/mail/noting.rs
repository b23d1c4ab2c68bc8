//! Noting sends as they begin, many rows per statement. Every send asks, at the last moment
//! before its body leaves, whether its row is still its drain's to send; the asks that arrive
//! while one statement runs go together in the next, so a drain with eight connections busy
//! makes one round trip for up to eight messages, and a lone send waits for no one.

use super::outbox;
use crate::db::{self, DbPool};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// The most rows one noting statement carries.
const NOTE_GROUP: usize = 256;

/// One send's question: may row `id` be sent now?
type Ask = (Uuid, oneshot::Sender<bool>);

/// The sending side: cheap to clone, one per drain run.
#[derive(Clone)]
pub struct Notes {
    asks: mpsc::UnboundedSender<Ask>,
}

impl Notes {
    /// A noter for rows held under `lease`, and the loop that answers it; the loop ends when
    /// every `Notes` is dropped.
    pub fn new(pool: &DbPool, lease: Uuid) -> (Notes, impl std::future::Future<Output = ()> + '_) {
        let (asks, rx) = mpsc::unbounded_channel();
        (Notes { asks }, answer_all(pool, lease, rx))
    }

    /// Notes that the send of row `id` begins; `false` when it may not (the lease no longer
    /// holds it, it was cancelled or held, or the database did not answer).
    pub async fn begin(&self, id: Uuid) -> bool {
        let (tx, rx) = oneshot::channel();
        if self.asks.send((id, tx)).is_err() {
            return false;
        }
        rx.await.unwrap_or(false)
    }
}

async fn answer_all(pool: &DbPool, lease: Uuid, mut rx: mpsc::UnboundedReceiver<Ask>) {
    while let Some(first) = rx.recv().await {
        let mut group = vec![first];
        while group.len() < NOTE_GROUP {
            match rx.try_recv() {
                Ok(ask) => group.push(ask),
                Err(_) => break,
            }
        }
        let ids: Vec<Uuid> = group.iter().map(|(id, _)| *id).collect();
        let noted = db::run(pool, move |conn| outbox::begin_sends(conn, lease, &ids)).await;
        let noted = match noted {
            Ok(noted) => noted,
            Err(e) => {
                tracing::warn!(error = %e, sends = group.len(),
                    "could not note the sends' start: left for later");
                Vec::new()
            }
        };
        for (id, answer) in group {
            let _ = answer.send(noted.contains(&id));
        }
    }
}
