//! The live roster of every monitored server, as its poller last saw it. Pollers write, HTTP
//! handlers read; entries are small and replaced whole, so a plain lock is enough.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::model::{LiveSummary, RconStatus, ServerPlayers};
use crate::ids::ServerId;

#[derive(Clone, Default)]
pub struct LiveBoard(Arc<RwLock<HashMap<ServerId, ServerPlayers>>>);

impl LiveBoard {
    pub fn get(&self, server: ServerId) -> Option<ServerPlayers> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).get(&server).cloned()
    }

    pub fn update(&self, server: ServerId, change: impl FnOnce(&mut ServerPlayers)) {
        let mut map = self.0.write().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry(server).or_insert_with(|| ServerPlayers {
            monitored: true,
            rcon: None,
            polled_at: None,
            live: None,
            players: Vec::new(),
        });
        change(entry);
    }

    pub fn remove(&self, server: ServerId) {
        self.0.write().unwrap_or_else(|e| e.into_inner()).remove(&server);
    }

    /// For the server list's badges.
    pub fn summary(&self, server: ServerId) -> (Option<LiveSummary>, Option<RconStatus>) {
        let map = self.0.read().unwrap_or_else(|e| e.into_inner());
        map.get(&server)
            .map_or((None, None), |s| (s.live.clone(), s.rcon.clone()))
    }
}
