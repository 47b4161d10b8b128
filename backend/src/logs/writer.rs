//! One task stores the lines of every tailer: it takes whatever batches are waiting (up to
//! [`MAX_ROWS`] lines) and writes them in one transaction. The channel is bounded, so when the
//! database falls behind the tailers wait and the lines wait in the game's file: nothing is
//! dropped, and memory stays bounded.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::store::{self, Batch};
use crate::db::Db;

/// Batches waiting before tailers are held back.
const QUEUE: usize = 64;
/// Most lines in one transaction.
const MAX_ROWS: usize = 20_000;

#[derive(Clone)]
pub struct LogWriter {
    tx: mpsc::Sender<Batch>,
    stored: Arc<AtomicU64>,
}

impl LogWriter {
    pub fn start(db: Db) -> LogWriter {
        let (tx, rx) = mpsc::channel(QUEUE);
        let stored = Arc::new(AtomicU64::new(0));
        tokio::spawn(run(db, rx, stored.clone()));
        LogWriter { tx, stored }
    }

    /// Waits while the queue is full. Fails only when the writer has ended (shutdown).
    pub async fn send(&self, batch: Batch) -> bool {
        self.tx.send(batch).await.is_ok()
    }

    /// Lines stored since the panel started.
    pub fn stored(&self) -> u64 {
        self.stored.load(Ordering::Relaxed)
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<Batch>, stored: Arc<AtomicU64>) {
    while let Some(first) = rx.recv().await {
        let mut rows = first.entries.len();
        let mut batches = vec![first];
        while rows < MAX_ROWS {
            match rx.try_recv() {
                Ok(batch) => {
                    rows += batch.entries.len();
                    batches.push(batch);
                }
                Err(_) => break,
            }
        }
        // A failed write is retried (the database may be restarting): the tailers wait meanwhile.
        let batches = Arc::new(batches);
        loop {
            match store::insert(&db, batches.clone()).await {
                Ok(()) => break,
                Err(e) => {
                    tracing::error!(error = ?e, lines = rows, "storing log lines failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        stored.fetch_add(rows as u64, Ordering::Relaxed);
    }
}
