//! Login throttling: after `MAX_FAILURES` failed logins within `WINDOW` from one IP, or for
//! one username, further attempts get 429 with `Retry-After` until the oldest failure ages out.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{ApiError, ApiResult};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(60);
/// Above this many tracked keys, keys with no recent failure are dropped.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Long usernames are cut so that nobody can grow the map with megabyte-sized keys.
pub fn keys(ip: &str, username: &str) -> [String; 2] {
    let name: String = username.chars().take(64).collect();
    [format!("ip:{ip}"), format!("user:{name}")]
}

impl LoginThrottle {
    /// Counts an attempt before the (slow) password check, so that parallel requests cannot
    /// all slip through; [`LoginThrottle::succeeded`] takes it back.
    pub fn begin_attempt(&self, keys: &[String]) -> ApiResult<Instant> {
        let now = Instant::now();
        self.check_at(keys, now)?;
        self.record_at(keys, now);
        Ok(now)
    }

    pub fn succeeded(&self, keys: &[String], attempt: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            if let Some(times) = map.get_mut(key) {
                if let Some(i) = times.iter().rposition(|t| *t == attempt) {
                    times.remove(i);
                }
            }
        }
    }

    fn check_at(&self, keys: &[String], now: Instant) -> ApiResult<()> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = Duration::ZERO;
        for key in keys {
            if let Some(times) = map.get_mut(key) {
                times.retain(|t| now.duration_since(*t) < WINDOW);
                if times.len() >= MAX_FAILURES {
                    let oldest = times[times.len() - MAX_FAILURES];
                    wait = wait.max(WINDOW.saturating_sub(now.duration_since(oldest)));
                }
            }
        }
        if wait > Duration::ZERO {
            return Err(ApiError::TooManyRequests {
                retry_after: wait.as_secs_f64().ceil().max(1.0) as u64,
            });
        }
        Ok(())
    }

    fn record_at(&self, keys: &[String], now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > PRUNE_ABOVE {
            map.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for key in keys {
            let times = map.entry(key.clone()).or_default();
            times.push_back(now);
            while times.len() > MAX_FAILURES {
                times.pop_front();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifth_failure_locks_until_the_window_passes() {
        let throttle = LoginThrottle::default();
        let k = keys("10.0.0.1", "alice");
        let start = Instant::now();
        for i in 0..MAX_FAILURES {
            assert!(throttle.check_at(&k, start).is_ok(), "attempt {i}");
            throttle.record_at(&k, start);
        }
        // A success takes its own attempt back.
        let ok = LoginThrottle::default();
        let attempt = ok.begin_attempt(&k).unwrap();
        ok.succeeded(&k, attempt);
        assert!(ok.failures.lock().unwrap().values().all(|t| t.is_empty()));
        match throttle.check_at(&k, start + Duration::from_secs(20)) {
            Err(ApiError::TooManyRequests { retry_after }) => assert_eq!(retry_after, 40),
            other => panic!("{other:?}"),
        }
        // Another IP is locked too for the same username, but not for another one.
        assert!(throttle.check_at(&keys("10.0.0.2", "alice"), start).is_err());
        assert!(throttle.check_at(&keys("10.0.0.2", "bob"), start).is_ok());
        assert!(throttle.check_at(&k, start + WINDOW).is_ok());
    }
}
