//! A bound on concurrent password hashing. Each argon2 hash takes 19 MiB and most of a core,
//! so only as many run at once as there are cores; a short queue waits for them, and beyond
//! it a sign-in is told to come back (503 with `Retry-After`) instead of piling up threads and
//! memory until the whole site slows down.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How many hashes may wait for a free core, per core.
const QUEUE_PER_CORE: usize = 4;
/// How long a queued hash waits for a core before giving up.
const LONGEST_WAIT: Duration = Duration::from_secs(5);

/// The gate every password hash and check goes through.
pub struct HashGate {
    cores: Semaphore,
    queued: AtomicUsize,
    queue: usize,
}

/// Too many hashes are running or waiting: try again shortly.
#[derive(Debug, thiserror::Error)]
#[error("too many password checks at once")]
pub struct Busy;

impl HashGate {
    /// A gate for `cores` hashes at a time.
    pub fn new(cores: usize) -> HashGate {
        let cores = cores.max(1);
        HashGate {
            cores: Semaphore::new(cores),
            queued: AtomicUsize::new(0),
            queue: cores * QUEUE_PER_CORE,
        }
    }

    /// A gate sized to this machine's cores.
    pub fn for_this_machine() -> HashGate {
        HashGate::new(std::thread::available_parallelism().map_or(2, usize::from))
    }

    /// Runs `work` on the blocking pool once a core is free; `Busy` when the queue is full or
    /// no core came free in time.
    pub async fn run<T, F>(&self, work: F) -> Result<anyhow::Result<T>, Busy>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        if self.queued.fetch_add(1, Ordering::SeqCst) >= self.queue {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy);
        }
        let permit = tokio::time::timeout(LONGEST_WAIT, self.cores.acquire()).await;
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let Ok(Ok(_permit)) = permit else {
            return Err(Busy);
        };
        Ok(tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| anyhow::anyhow!("password hashing stopped: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn beyond_the_cores_and_the_queue_a_hash_is_turned_away() {
        let gate = std::sync::Arc::new(HashGate::new(1));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let wait = std::sync::Arc::new(std::sync::Mutex::new(wait));
        let mut running = Vec::new();
        for _ in 0..1 + QUEUE_PER_CORE {
            let (gate, wait) = (gate.clone(), wait.clone());
            running.push(tokio::spawn(async move {
                gate.run(move || {
                    let _ = wait.lock().unwrap().recv();
                })
                .await
                .is_ok()
            }));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(gate.run(|| ()).await.is_err(), "the queue is full");
        for _ in 0..1 + QUEUE_PER_CORE {
            release.send(()).unwrap();
        }
        for r in running {
            assert!(r.await.unwrap(), "the queued hashes ran");
        }
        assert!(gate.run(|| ()).await.is_ok(), "and the gate is open again");
    }
}
