//! Counts every HTTP request by method and status class and keeps a latency histogram, with
//! atomics only (no lock on the request path).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

pub const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OTHER"];
pub const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];
/// Upper bounds of the latency buckets, in seconds (`+Inf` is the total count).
pub const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
pub struct HttpStats {
    requests: [[AtomicU64; CLASSES.len()]; METHODS.len()],
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// Sum of latencies in microseconds.
    sum_micros: AtomicU64,
}

/// A consistent-enough copy for one scrape.
pub struct HttpSnapshot {
    pub requests: Vec<(&'static str, &'static str, u64)>,
    /// Cumulative counts per bucket, as Prometheus wants them.
    pub buckets: Vec<(f64, u64)>,
    pub count: u64,
    pub sum_seconds: f64,
}

impl HttpStats {
    pub fn record(&self, method: &str, status: u16, seconds: f64) {
        let m = METHODS.iter().position(|x| *x == method).unwrap_or(METHODS.len() - 1);
        let c = usize::from((status / 100).clamp(1, 5) - 1);
        self.requests[m][c].fetch_add(1, Ordering::Relaxed);
        if let Some(b) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.buckets[b].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> HttpSnapshot {
        let mut requests = Vec::new();
        for (m, method) in METHODS.iter().enumerate() {
            for (c, class) in CLASSES.iter().enumerate() {
                let n = self.requests[m][c].load(Ordering::Relaxed);
                if n > 0 {
                    requests.push((*method, *class, n));
                }
            }
        }
        let mut running = 0;
        let buckets = BUCKETS
            .iter()
            .zip(&self.buckets)
            .map(|(bound, n)| {
                running += n.load(Ordering::Relaxed);
                (*bound, running)
            })
            .collect();
        HttpSnapshot {
            requests,
            buckets,
            count: self.count.load(Ordering::Relaxed),
            sum_seconds: self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
        }
    }
}

/// Middleware: times the request and counts it once the response is ready.
pub async fn count_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let stats: Option<Arc<HttpStats>> = req.app_data::<web::Data<HttpStats>>().map(|s| s.clone().into_inner());
    let method = req.method().as_str().to_owned();
    let res = next.call(req).await?;
    if let Some(stats) = stats {
        stats.record(&method, res.status().as_u16(), started.elapsed().as_secs_f64());
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_method_and_class_with_cumulative_buckets() {
        let stats = HttpStats::default();
        stats.record("GET", 200, 0.0005);
        stats.record("GET", 204, 0.02);
        stats.record("BREW", 418, 3.0);
        let s = stats.snapshot();
        assert_eq!(s.requests, [("GET", "2xx", 2), ("OTHER", "4xx", 1)]);
        assert_eq!(s.count, 3);
        assert_eq!(s.buckets[0], (0.001, 1));
        assert_eq!(s.buckets[4], (0.025, 2));
        // 3 s is above every bound: only in `+Inf` (the count).
        assert_eq!(s.buckets.last(), Some(&(1.0, 2)));
        assert!((s.sum_seconds - 3.0205).abs() < 1e-6);
    }
}
