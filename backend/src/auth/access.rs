//! Changes to who a credential stands for (a user's role or account, their login sessions,
//! their API tokens), announced to the open WebSocket sessions so that each re-checks its
//! credential at once instead of keeping the rights it had when it connected.

use tokio::sync::broadcast;

/// Announcements kept for a session that is busy; one that misses some re-checks anyway.
const BACKLOG: usize = 256;

/// Sends the id of a user whose rights or credentials just changed. Announce after the change
/// is committed, so a re-check reads it.
#[derive(Clone)]
pub struct AccessChanges(broadcast::Sender<i64>);

impl Default for AccessChanges {
    fn default() -> Self {
        AccessChanges(broadcast::channel(BACKLOG).0)
    }
}

impl AccessChanges {
    pub fn changed(&self, user_id: i64) {
        // No receiver (no open socket) is not an error.
        let _ = self.0.send(user_id);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.0.subscribe()
    }
}
