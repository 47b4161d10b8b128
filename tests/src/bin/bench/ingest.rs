//! Log ingest: a simulator writes numbered lines to its console as fast as it can. Measured:
//! how fast the panel stores them (its `languard_log_lines_stored_total` counter, then every
//! line checked to be in the database exactly once) and delivers them as `log` frames; with a
//! second client that reads nothing until the end, that it is told what it missed while the
//! panel's memory stays put.

use std::time::{Duration, Instant};

use crate::monitor::RssSampler;
use crate::panel::Panel;
use crate::sim::Server;
use crate::ws::{self, lagged, next_text, Ws};

const STORED: &str = "languard_log_lines_stored_total";
const WAIT: Duration = Duration::from_secs(180);

pub struct Flood {
    pub lines: u32,
    /// From the first line's arrival (the first `log` frame) to the counter covering them all.
    pub stored_per_s: f64,
    /// The simulator's own writing time, from the same start: a bound on the rates.
    pub written_s: f64,
    pub delivery: Delivery,
    /// The client that read nothing until the lines were stored.
    pub sleeper: Option<Delivery>,
    pub rss_before_kib: u64,
    pub rss_peak_kib: u64,
    /// Every numbered line in the database once, or what is wrong.
    pub check: Result<(), String>,
}

/// What one client got of the flood's `log` frames.
pub struct Delivery {
    pub lines: u64,
    pub lagged: u64,
    first: Instant,
    last: Instant,
}

impl Delivery {
    pub fn per_second(&self) -> f64 {
        self.lines as f64 / (self.last - self.first).as_secs_f64()
    }
}

/// `lines` lines marked `marker`, with one reading client and, if `sleeper`, one that does not.
pub async fn flood(panel: &Panel, server: &Server, lines: u32, marker: &str, sleeper: bool) -> Flood {
    let before = panel.metric(STORED).await;
    let reader = ws::subscribe(panel, server.id, &["log"]).await;
    let sleeping = if sleeper {
        Some(ws::subscribe(panel, server.id, &["log"]).await)
    } else {
        None
    };
    let rss_before_kib = panel.rss_kib();
    let rss = RssSampler::start(panel.pid);
    let (mark, last) = (format!("{marker} "), format!("{marker} {lines}\""));
    let reading = tokio::spawn(deliver(reader, mark.clone(), last.clone()));
    server.control(&format!("flood {lines} {marker}"));
    let written = server.wait_control_done().await;
    let deadline = Instant::now() + WAIT;
    while panel.metric(STORED).await < before + u64::from(lines) {
        assert!(
            Instant::now() < deadline,
            "{marker}: not all lines stored within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stored = Instant::now();
    let delivery = reading.await.expect("reading client");
    // Read before the panel's 45 s idle limit closes a client that sent nothing.
    let sleeper = match sleeping {
        Some(ws) => Some(deliver(ws, mark, last).await),
        None => None,
    };
    let rss_peak_kib = rss.peak().await;
    Flood {
        lines,
        stored_per_s: f64::from(lines) / (stored - delivery.first).as_secs_f64(),
        written_s: written.saturating_duration_since(delivery.first).as_secs_f64(),
        delivery,
        sleeper,
        rss_before_kib,
        rss_peak_kib,
        check: check(panel, server, marker, lines).await,
    }
}

/// Reads `log` frames until the flood's last line, counting the flood's and what was dropped.
async fn deliver(mut ws: Ws, mark: String, last: String) -> Delivery {
    let (mut lines, mut missed, mut first) = (0, 0, None);
    loop {
        let text = next_text(&mut ws, WAIT)
            .await
            .expect("the flood's last line never arrived");
        if let Some(n) = lagged(&text) {
            missed += n;
            continue;
        }
        if !text.contains(&mark) {
            continue;
        }
        let now = Instant::now();
        first.get_or_insert(now);
        lines += 1;
        if text.contains(&last) {
            return Delivery {
                lines,
                lagged: missed,
                first: first.expect("first line"),
                last: now,
            };
        }
    }
}

/// Pages through the stored lines with the marker (newest first, with the cursor) and checks
/// that each number from 1 to `lines` is there exactly once.
async fn check(panel: &Panel, server: &Server, marker: &str, lines: u32) -> Result<(), String> {
    let mut seen = vec![0u32; lines as usize + 1];
    let (mut cursor, mut strays) = (None::<i64>, 0);
    loop {
        let after = cursor.map(|c| format!("&cursor={c}")).unwrap_or_default();
        let page = panel
            .get(&format!("/servers/{}/logs?q={marker}&limit=1000{after}", server.id))
            .await;
        for item in page["items"].as_array().expect("items") {
            let number = item["line"]
                .as_str()
                .and_then(|l| l.rsplit_once(' ')?.1.parse::<usize>().ok())
                .filter(|n| (1..=lines as usize).contains(n));
            match number {
                Some(n) => seen[n] += 1,
                None => strays += 1,
            }
        }
        match page["next_cursor"].as_i64() {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let missing = seen[1..].iter().filter(|&&n| n == 0).count();
    let repeated = seen[1..].iter().filter(|&&n| n > 1).count();
    if missing + repeated + strays == 0 {
        Ok(())
    } else {
        Err(format!(
            "{marker}: {missing} lines missing, {repeated} stored more than once, {strays} unexpected"
        ))
    }
}
