//! Values read from a [`Table`] and kept while nothing has written it since: what every request
//! reads and little changes costs no query. A value is tagged with the table's write count
//! taken *before* it was read, so a write that lands during the read makes it stale at once.

use std::sync::{Arc, Mutex};

use super::{Db, Table};
use crate::error::ApiResult;

pub struct Snapshot<T> {
    table: Table,
    slot: Mutex<Option<(u64, Arc<T>)>>,
}

impl<T> Snapshot<T> {
    pub fn new(table: Table) -> Snapshot<T> {
        Snapshot {
            table,
            slot: Mutex::new(None),
        }
    }

    /// The kept value if it is current, else what `read` returns (kept for the next caller).
    pub async fn get<F, Fut>(&self, db: &Db, read: F) -> ApiResult<Arc<T>>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = ApiResult<T>>,
    {
        let count = db.writes(self.table);
        if let Some((at, value)) = &*self.slot.lock().unwrap_or_else(|e| e.into_inner()) {
            if *at == count {
                return Ok(value.clone());
            }
        }
        let value = Arc::new(read().await?);
        let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        // A slower reader must not replace what a reader after a newer write put there.
        if slot.as_ref().is_none_or(|(at, _)| *at <= count) {
            *slot = Some((count, value.clone()));
        }
        Ok(value)
    }
}
