//! Single-use tickets for opening the WebSocket stream from a browser, so that no long-lived
//! token lands in a URL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::auth::Principal;

pub const TICKET_TTL: Duration = Duration::from_secs(30);

/// Single-use tickets: a random string standing for a principal for a few seconds.
#[derive(Clone, Default)]
pub struct Tickets(Arc<Mutex<HashMap<String, (Principal, Instant)>>>);

impl Tickets {
    pub fn issue(&self, principal: Principal) -> String {
        let ticket = hex::encode(rand::random::<[u8; 24]>());
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, (_, at)| at.elapsed() < TICKET_TTL);
        map.insert(ticket.clone(), (principal, Instant::now()));
        ticket
    }

    pub fn redeem(&self, ticket: &str) -> Option<Principal> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(ticket)
            .filter(|(_, at)| at.elapsed() < TICKET_TTL)
            .map(|(p, _)| p)
    }
}
