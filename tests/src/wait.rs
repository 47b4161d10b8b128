//! Waiting for what the panel does in the background (a status, an event, a stored line, a
//! command the game received), in one place instead of a polling loop in each test.

use std::fmt::Display;
use std::time::{Duration, Instant};

/// How often a wait looks again; short next to every deadline the tests give.
const INTERVAL: Duration = Duration::from_millis(100);

/// Runs `probe` until it returns `Ok`, and returns that value. `Err` carries what was seen
/// instead; if `within` passes first, fails with `what` was awaited and the last thing seen.
/// A probe may itself fail the test when it sees something that must never happen.
pub async fn eventually<T, S: Display>(what: &str, within: Duration, probe: impl AsyncFnMut() -> Result<T, S>) -> T {
    match try_eventually(within, probe).await {
        Ok(value) => value,
        Err(last) => panic!("{what}: still not so after {within:?}; last seen: {last}"),
    }
}

/// [`eventually`] that hands back the last thing seen instead of failing, for a wait whose
/// failure message needs more than that (e.g. the server's events).
pub async fn try_eventually<T, S>(within: Duration, mut probe: impl AsyncFnMut() -> Result<T, S>) -> Result<T, S> {
    let deadline = Instant::now() + within;
    loop {
        match probe().await {
            Ok(value) => return Ok(value),
            Err(last) if Instant::now() >= deadline => return Err(last),
            Err(_) => tokio::time::sleep(INTERVAL).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn returns_the_first_value_accepted() {
        let mut calls = 0;
        let got = eventually("the third call", Duration::from_secs(5), async || {
            calls += 1;
            if calls == 3 {
                Ok(calls)
            } else {
                Err(calls)
            }
        })
        .await;
        assert_eq!(got, 3);
    }

    #[tokio::test]
    #[should_panic(expected = "a value that never comes: still not so after 200ms; last seen: seen ")]
    async fn fails_naming_what_was_awaited_and_the_last_value() {
        let mut calls = 0;
        eventually("a value that never comes", Duration::from_millis(200), async || {
            calls += 1;
            Err::<(), _>(format!("seen {calls}"))
        })
        .await;
    }
}
