//! Console latency: a simulator prints `tick <unix µs>` every 10 ms through its normal console
//! path (`ticks` in its control file); a client subscribed to the `console` channel compares
//! each stamp with the time the frame reached it. Same machine, same clock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
