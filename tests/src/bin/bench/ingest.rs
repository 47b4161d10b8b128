//! Log ingest: a simulator writes numbered lines to its console as fast as it can. Measured:
//! how fast the panel stores them (its `languard_log_lines_stored_total` counter, then every
//! line checked to be in the database exactly once) and delivers them as `log` frames; with a
//! second client that reads nothing until the end, that it is told what it missed while the
//! panel's memory stays put.

use std::time::{Duration, Instant};

use crate::monitor::RssSampler;
use crate::panel::Panel;
use crate::sim::Server;
use crate::ws::{self, lagged, Next, Ws};

const STORED: &str = "languard_log_lines_stored_total";
const WAIT: Duration = Duration::from_secs(180);

pub struct Flood {
    pub lines: u32,
    /// From the first line's arrival (the first `log` frame) to the counter covering them all.
    pub stored_per_s: f64,
    /// The simulator's own writing time, from the same start: a bound on the rates (`None`:
    /// still writing when the bench stopped waiting).
    pub written_s: Option<f64>,
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
    /// The highest line number it saw: with `lagged` frames the rest is expected to be missing,
    /// without them every line up to here must have come.
    pub highest: u32,
    /// Why it stopped reading: the flood's last line, or what ended it before that.
    pub ended: Result<(), String>,
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Delivery {
    pub fn per_second(&self) -> f64 {
        match (self.first, self.last) {
            (Some(first), Some(last)) if last > first => self.lines as f64 / (last - first).as_secs_f64(),
            _ => 0.0,
        }
    }
}

/// `lines` lines marked `marker`, with one reading client and, if `sleeper`, one that does not.
/// Nothing here panics on what the panel does: a line that never came, a stream the panel
/// closed, lines not stored in time are all figures of the result.
pub async fn flood(panel: &Panel, server: &Server, lines: u32, marker: &str, sleeper: bool) -> Flood {
    let before = panel.metric(STORED).await;
    let reader = ws::subscribe(panel, server.id, &["log"]).await;
    let mut sleeping = if sleeper {
        Some(ws::subscribe(panel, server.id, &["log"]).await)
    } else {
        None
    };
    let rss_before_kib = panel.rss_kib();
    let rss = RssSampler::start(panel.pid);
    let reading = tokio::spawn(deliver(reader, marker.to_owned(), lines));
    let started = Instant::now();
    server.control(&format!("flood {lines} {marker}"));
    let written = server.wait_control_done(WAIT).await;
    let deadline = Instant::now() + WAIT;
    let mut pinged = Instant::now();
    let mut stored = panel.metric(STORED).await;
    while stored < before + u64::from(lines) && Instant::now() < deadline {
        // The sleeper reads nothing, but says it is alive well within the panel's 45 s idle
        // limit, as any real client's ping would.
        if let Some(ws) = sleeping.as_mut().filter(|_| pinged.elapsed() > Duration::from_secs(10)) {
            ws::keep_alive(ws).await;
            pinged = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        stored = panel.metric(STORED).await;
    }
    let stored_at = Instant::now();
    let delivery = match reading.await {
        Ok(delivery) => delivery,
        Err(e) => Delivery::failed(format!("the reading client's task failed: {e}")),
    };
    let sleeper = match sleeping {
        Some(ws) => Some(deliver(ws, marker.to_owned(), lines).await),
        None => None,
    };
    let rss_peak_kib = rss.peak().await;
    let since = delivery.first.unwrap_or(started);
    let mut check = check(panel, server, marker, lines).await;
    if stored < before + u64::from(lines) {
        let counted = format!(
            "{marker}: the panel counted {} of {lines} lines stored after waiting {WAIT:?}",
            stored.saturating_sub(before)
        );
        check = Err(match check {
            Ok(()) => counted,
            Err(e) => format!("{counted}; {e}"),
        });
    }
    Flood {
        lines,
        stored_per_s: f64::from(lines) / (stored_at - since).as_secs_f64(),
        written_s: written.map(|w| w.saturating_duration_since(since).as_secs_f64()),
        delivery,
        sleeper,
        rss_before_kib,
        rss_peak_kib,
        check,
    }
}

impl Delivery {
    fn failed(why: String) -> Delivery {
        Delivery {
            lines: 0,
            lagged: 0,
            highest: 0,
            ended: Err(why),
            first: None,
            last: None,
        }
    }
}

/// Reads `log` frames until the flood's last line (or until the stream ends or goes silent for
/// [`WAIT`]), counting the flood's lines and what the panel said was dropped.
async fn deliver(mut ws: Ws, marker: String, lines: u32) -> Delivery {
    let mut got = Delivery::failed(String::new());
    let mark = format!("{marker} ");
    loop {
        let text = match ws::next(&mut ws, WAIT).await {
            Next::Text(text) => text,
            Next::Closed(why) => {
                got.ended = Err(format!("{why} after line {} of {lines}", got.highest));
                return got;
            }
            Next::Silent => {
                got.ended = Err(format!("nothing for {WAIT:?} after line {} of {lines}", got.highest));
                return got;
            }
        };
        if let Some(n) = lagged(&text) {
            got.lagged += n;
            continue;
        }
        let Some(number) = line_number(&text, &mark) else {
            continue;
        };
        let now = Instant::now();
        got.first.get_or_insert(now);
        got.last = Some(now);
        got.lines += 1;
        got.highest = got.highest.max(number);
        if number == lines {
            got.ended = Ok(());
            return got;
        }
    }
}

/// The number of a flood line (`<marker> <n>`) in a frame's text.
fn line_number(text: &str, mark: &str) -> Option<u32> {
    let rest = &text[text.find(mark)? + mark.len()..];
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    rest[..digits].parse().ok()
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
    let numbers = |pick: fn(u32) -> bool| -> Vec<usize> { (1..seen.len()).filter(|&n| pick(seen[n])).collect() };
    let (missing, repeated) = (numbers(|n| n == 0), numbers(|n| n > 1));
    if missing.is_empty() && repeated.is_empty() && strays == 0 {
        Ok(())
    } else {
        let some = |list: &[usize]| format!("{:?}", &list[..list.len().min(10)]);
        Err(format!(
            "{marker}: {} lines missing (e.g. {}), {} stored more than once (e.g. {}), {strays} unexpected",
            missing.len(),
            some(&missing),
            repeated.len(),
            some(&repeated)
        ))
    }
}
