//! `job` frames: progress of long-running work (uploads), so every client watching the
//! server sees it start, advance and end. Progress is sent at most every 250 ms.

use std::time::{Duration, Instant};

use super::payloads::{JobData, JobState};
use super::Bus;
use crate::ids::ServerId;

const EVERY: Duration = Duration::from_millis(250);

pub struct Job {
    bus: Bus,
    server: ServerId,
    id: String,
    kind: &'static str,
    subject: String,
    /// Expected size, when known.
    total: Option<u64>,
    sent: Option<Instant>,
}

impl Job {
    pub fn start(bus: &Bus, server: ServerId, kind: &'static str, subject: &str, total: Option<u64>) -> Job {
        let mut job = Job {
            bus: bus.clone(),
            server,
            id: format!("{kind}-{:08x}", rand::random::<u32>()),
            kind,
            subject: subject.to_owned(),
            total,
            sent: None,
        };
        job.publish(JobState::Running, 0, None);
        job
    }

    pub fn progress(&mut self, done: u64) {
        if self.sent.is_none_or(|t| t.elapsed() >= EVERY) {
            self.publish(JobState::Running, done, None);
        }
    }

    pub fn done(mut self, done: u64) {
        self.publish(JobState::Done, done, None);
    }

    pub fn failed(mut self, done: u64, error: &str) {
        self.publish(JobState::Failed, done, Some(error));
    }

    fn publish(&mut self, state: JobState, done: u64, error: Option<&str>) {
        self.sent = Some(Instant::now());
        let data = JobData {
            id: &self.id,
            kind: self.kind,
            subject: &self.subject,
            state,
            done_bytes: done,
            total_bytes: self.total,
            error,
        };
        self.bus.send(Some(self.server), &data);
    }
}
