//! Game output: a tailer per running server follows its captured stdout/stderr and the game's
//! own log file when the adapter names one, publishes each line raw (`console`) and parsed
//! (`log`), and stores the parsed lines through one batching writer; the API pages through
//! them and a retention job prunes them.

pub mod model;
pub mod routes;
pub mod store;
pub mod tailer;
pub mod writer;

use std::time::Duration;

use crate::db::{now, Db};

/// Deletes stored lines older than `days`, hourly.
pub async fn prune_forever(db: Db, days: i64) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        match store::prune(&db, now() - chrono::Duration::days(days)).await {
            Ok(0) => {}
            Ok(lines) => tracing::info!(lines, "pruned old log lines"),
            Err(e) => tracing::error!(error = ?e, "pruning log lines failed"),
        }
    }
}
