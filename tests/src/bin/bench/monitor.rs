//! The panel's own footprint: its resident memory sampled from /proc while something runs, and
//! the CPU it spends over a window (utime + stime against wall time).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

use crate::panel::{rss_kib, Panel};

/// Samples VmRSS every 100 ms until asked for the peak.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    task: JoinHandle<u64>,
}

impl RssSampler {
    pub fn start(pid: u32) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let task = tokio::spawn(async move {
            let mut peak = 0;
            while !stopped.load(Ordering::Relaxed) {
                peak = peak.max(rss_kib(pid));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            peak.max(rss_kib(pid))
        });
        RssSampler { stop, task }
    }

    /// The highest VmRSS seen, in KiB.
    pub async fn peak(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.expect("RSS sampler")
    }
}

pub struct Footprint {
    pub rss_peak_kib: u64,
    /// Of one core.
    pub cpu_percent: f64,
}

/// The panel's peak memory and CPU share over `window` of whatever it is doing now.
pub async fn footprint(panel: &Panel, window: Duration) -> Footprint {
    let rss = RssSampler::start(panel.pid);
    let (started, ticks) = (Instant::now(), panel.cpu_ticks());
    tokio::time::sleep(window).await;
    let busy = (panel.cpu_ticks() - ticks) as f64 / clock_ticks_per_second();
    let cpu_percent = 100.0 * busy / started.elapsed().as_secs_f64();
    Footprint {
        rss_peak_kib: rss.peak().await,
        cpu_percent,
    }
}

/// The unit of utime/stime in /proc (USER_HZ, 100 on every Linux build seen).
fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
        .unwrap_or(100.0)
}
