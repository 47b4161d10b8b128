//! Console latency: a simulator prints `tick <unix µs>` every 10 ms through its normal console
//! path (`ticks` in its control file); a client subscribed to the `console` channel compares
//! each stamp with the time the frame reached it. Same machine, same clock. The same ticks are
//! also measured on many clients while another server floods, which they do not follow.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;

use crate::panel::Panel;
use crate::report::percentile;
use crate::sim::Server;
use crate::ws::{self, next_text};

const TICKS: usize = 1000;
const INTERVAL_MS: u64 = 10;

pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Ticks that never arrived (the stream went quiet for 30 s or ended).
    pub missing: usize,
}

pub async fn measure(panel: &Panel, server: &Server) -> Latency {
    let mut ws = ws::subscribe(panel, server.id, &["console"]).await;
    server.control(&format!("ticks {TICKS} {INTERVAL_MS}"));
    let mut delays_us = Vec::with_capacity(TICKS);
    while delays_us.len() < TICKS {
        let Some(text) = next_text(&mut ws, Duration::from_secs(30)).await else {
            break;
        };
        let arrived = unix_micros();
        if let Some(written) = tick_stamp(&text) {
            delays_us.push(arrived.saturating_sub(written));
        }
    }
    delays_us.sort_unstable();
    Latency {
        p50_ms: percentile(&delays_us, 0.50) / 1000.0,
        p99_ms: percentile(&delays_us, 0.99) / 1000.0,
        missing: TICKS - delays_us.len(),
    }
}

fn unix_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// The stamp in a console frame's line `L <date> - <time>: tick <µs>`.
fn tick_stamp(frame: &str) -> Option<u64> {
    let rest = frame.split_once(": tick ")?.1;
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    rest[..digits].parse().ok()
}

/// Ticks of server A (10 a second) measured while server B floods.
const QUIET_TICKS: usize = 100;
const QUIET_INTERVAL_MS: u64 = 100;
const FLOOD_LINES: u32 = 1_000_000;

pub struct DuringFlood {
    pub clients: usize,
    pub p99_ms: f64,
    /// Frames `lagged` notices said were dropped, over all clients.
    pub lagged: u64,
    /// Ticks of A some client never received.
    pub lost: usize,
}

/// `clients` follow server A's console, which prints a tick every 100 ms, while server B prints
/// a million lines: A's latency over every client, and what B's flood cost them.
pub async fn during_flood(panel: &Panel, a: &Server, b: &Server, clients: usize) -> DuringFlood {
    let conns: Vec<_> = futures_util::stream::iter(0..clients)
        .map(|_| ws::subscribe(panel, a.id, &["console"]))
        .buffer_unordered(32)
        .collect()
        .await;
    let readers: Vec<_> = conns.into_iter().map(|ws| tokio::spawn(follow_ticks(ws))).collect();
    a.control(&format!("ticks {QUIET_TICKS} {QUIET_INTERVAL_MS}"));
    b.control(&format!("flood {FLOOD_LINES} flood-b"));
    let (mut delays_us, mut lagged, mut lost) = (Vec::new(), 0, 0);
    for reader in readers {
        let (delays, missed) = reader.await.expect("reader");
        lost += QUIET_TICKS - delays.len();
        lagged += missed;
        delays_us.extend(delays);
    }
    delays_us.sort_unstable();
    DuringFlood {
        clients,
        p99_ms: percentile(&delays_us, 0.99) / 1000.0,
        lagged,
        lost,
    }
}

/// One client's tick delays, and the frames it was told it lost; stops at the last tick or
/// when ticks stop coming.
async fn follow_ticks(mut ws: ws::Ws) -> (Vec<u64>, u64) {
    let (mut delays, mut missed) = (Vec::with_capacity(QUIET_TICKS), 0);
    while delays.len() < QUIET_TICKS {
        let Some(text) = next_text(&mut ws, Duration::from_secs(30)).await else {
            break;
        };
        let arrived = unix_micros();
        if let Some(n) = ws::lagged(&text) {
            missed += n;
        } else if let Some(written) = tick_stamp(&text) {
            delays.push(arrived.saturating_sub(written));
        }
    }
    (delays, missed)
}
