//! The one event bus: every live update (status, console, log, metrics, players, event, job)
//! is a numbered [`Frame`] published here and fanned out to WebSocket sessions. A bounded ring
//! of recent frames lets a reconnecting client resume from the last `seq` it saw.
//!
//! Fan-out is per [`Topic`]: a session receives only the frames of the servers it follows (or,
//! following every server, of the channels it wants), so a flood on one server fills only the
//! backlogs of the sessions that asked for it.

mod feeds;
pub mod job;
pub mod payloads;
pub mod routes;
pub mod tickets;
pub mod ws;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use utoipa::ToSchema;

use crate::ids::ServerId;

/// Frames kept for resuming; older ones are answered with `lagged`.
pub const RING: usize = 4096;
/// Frames a session may fall behind on one topic before it is told it lagged. A console burst is two frames
/// per line (`console` and `log`); frames are shared, so this costs a pointer per slot.
pub const BACKLOG: usize = 8192;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// A server's state changed: a `StatusData`.
    Status,
    /// A raw console/log line: a `ConsoleData`.
    Console,
    /// A parsed log entry: a `LogData`.
    Log,
    /// A server's or the host's figures.
    Metrics,
    /// A server's roster after a poll (the body of `GET /servers/{id}/players`).
    Players,
    /// A row of a server's event timeline (the body of an item of `GET /servers/{id}/events`).
    Event,
    /// Progress of long-running work: a `JobData`.
    Job,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Status,
        Channel::Console,
        Channel::Log,
        Channel::Metrics,
        Channel::Players,
        Channel::Event,
        Channel::Job,
    ];
}

/// One server → client message of the WebSocket stream.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Frame {
    /// Increases by one per published frame (not per session), so gaps show what was filtered
    /// out or missed; send the last one seen as `resume` when reconnecting.
    pub seq: u64,
    #[serde(rename = "type")]
    pub channel: Channel,
    #[schema(value_type = Option<i64>)]
    pub server_id: Option<ServerId>,
    pub ts: DateTime<Utc>,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// The frame as JSON, made once and shared (not copied) by every session that sends it
    /// as is.
    #[serde(skip)]
    text: std::sync::OnceLock<bytestring::ByteString>,
}

impl Frame {
    pub fn new(seq: u64, channel: Channel, server_id: Option<ServerId>, data: serde_json::Value) -> Frame {
        Frame {
            seq,
            channel,
            server_id,
            ts: Utc::now(),
            data,
            text: std::sync::OnceLock::new(),
        }
    }

    /// The JSON text of this frame (serialised on first use, then shared).
    pub fn text(&self) -> bytestring::ByteString {
        self.text
            .get_or_init(|| serde_json::to_string(self).unwrap_or_default().into())
            .clone()
    }
}

/// A stream of frames a session can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Every frame of one server.
    Server(ServerId),
    /// One channel's frames of every server and of the host.
    Every(Channel),
}

type Sender = broadcast::Sender<Arc<Frame>>;
pub type Receiver = broadcast::Receiver<Arc<Frame>>;

struct Inner {
    next_seq: u64,
    ring: VecDeque<Arc<Frame>>,
    /// Made when a session first follows the topic.
    servers: HashMap<ServerId, Sender>,
    every: [Option<Sender>; Channel::ALL.len()],
}

impl Inner {
    fn sender(&mut self, topic: Topic) -> &Sender {
        match topic {
            Topic::Server(id) => {
                if !self.servers.contains_key(&id) {
                    // Servers nobody follows any more are forgotten when another one is followed.
                    self.servers.retain(|_, tx| tx.receiver_count() > 0);
                }
                self.servers.entry(id).or_insert_with(|| broadcast::channel(BACKLOG).0)
            }
            Topic::Every(channel) => self.every[channel as usize].get_or_insert_with(|| broadcast::channel(BACKLOG).0),
        }
    }
}

#[derive(Clone)]
pub struct Bus {
    inner: Arc<Mutex<Inner>>,
    /// The seq after the last frame handed to every topic: frames below it can all be received.
    published: Arc<AtomicU64>,
    sessions: Arc<AtomicUsize>,
    /// Frames sessions were told they missed (`lagged`), for the metrics.
    lagged: Arc<AtomicU64>,
}

impl Default for Bus {
    fn default() -> Self {
        Bus {
            inner: Arc::new(Mutex::new(Inner {
                next_seq: 1,
                ring: VecDeque::with_capacity(RING),
                servers: HashMap::new(),
                every: Default::default(),
            })),
            published: Arc::new(AtomicU64::new(1)),
            sessions: Arc::default(),
            lagged: Arc::default(),
        }
    }
}

/// Counts an open session while it lives.
pub struct SessionCount(Arc<AtomicUsize>);

impl Drop for SessionCount {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What a resume request gets: the frames after `seq`, or how many are gone for good.
pub enum Resume {
    Frames(Vec<Arc<Frame>>),
    Gone { missed: u64 },
}

impl Bus {
    /// Numbers the frame, keeps it for resuming and hands it to the sessions that follow it.
    pub fn publish(&self, channel: Channel, server_id: Option<ServerId>, data: serde_json::Value) {
        self.publish_all(server_id, [(channel, data)]);
    }

    /// [`Bus::publish`] for many frames of one server at once, such as the lines of one read of
    /// a log: sessions woken by the first find the rest already there, instead of waking again
    /// for each.
    pub fn publish_all(
        &self,
        server_id: Option<ServerId>,
        frames: impl IntoIterator<Item = (Channel, serde_json::Value)>,
    ) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        for (channel, data) in frames {
            let frame = Arc::new(Frame::new(inner.next_seq, channel, server_id, data));
            inner.next_seq += 1;
            if inner.ring.len() == RING {
                inner.ring.pop_front();
            }
            inner.ring.push_back(frame.clone());
            // Sent under the lock so that every topic holds frames in seq order, and a frame
            // below `published` can be received from every topic it went to.
            if let Some(tx) = server_id.and_then(|id| inner.servers.get(&id)) {
                let _ = tx.send(frame.clone());
            }
            if let Some(tx) = &inner.every[channel as usize] {
                let _ = tx.send(frame);
            }
            self.published.store(inner.next_seq, Ordering::Release);
        }
    }

    pub fn subscribe(&self, topic: Topic) -> Receiver {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .sender(topic)
            .subscribe()
    }

    /// The seq after the last frame published; every frame below it is in its topics.
    pub fn published(&self) -> u64 {
        self.published.load(Ordering::Acquire)
    }

    /// Subscribes to `topics` and, in the same step, returns the kept frames after `seq`, so
    /// nothing falls between the replay and the live stream.
    pub fn resume(&self, seq: u64, topics: &[Topic]) -> (Vec<(Topic, Receiver)>, Resume) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let receivers = topics
            .iter()
            .map(|&topic| (topic, inner.sender(topic).subscribe()))
            .collect();
        let oldest = inner.ring.front().map_or(inner.next_seq, |f| f.seq);
        let resume = if seq.saturating_add(1) < oldest {
            Resume::Gone {
                missed: oldest - seq - 1,
            }
        } else {
            Resume::Frames(inner.ring.iter().filter(|f| f.seq > seq).cloned().collect())
        };
        (receivers, resume)
    }

    /// Counts a session as open until the returned value is dropped.
    pub fn session_opened(&self) -> SessionCount {
        self.sessions.fetch_add(1, Ordering::Relaxed);
        SessionCount(self.sessions.clone())
    }

    /// Sessions currently open.
    pub fn sessions(&self) -> usize {
        self.sessions.load(Ordering::Relaxed)
    }

    pub fn count_lagged(&self, missed: u64) {
        self.lagged.fetch_add(missed, Ordering::Relaxed);
    }

    pub fn lagged_total(&self) -> u64 {
        self.lagged.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_numbered_and_resumable() {
        let bus = Bus::default();
        for i in 0..10 {
            bus.publish(Channel::Console, Some(ServerId(1)), serde_json::json!({"line": i}));
        }
        let (_, resume) = bus.resume(7, &[]);
        let Resume::Frames(frames) = resume else {
            panic!("frames expected")
        };
        assert_eq!(frames.iter().map(|f| f.seq).collect::<Vec<_>>(), [8, 9, 10]);
        for i in 0..(RING as u64 + 5) {
            bus.publish(Channel::Console, None, serde_json::json!({"line": i}));
        }
        match bus.resume(3, &[]).1 {
            // 4111 frames published, the last 4096 kept: 16 is the oldest, 4..=15 are gone.
            Resume::Gone { missed } => assert_eq!(missed, 12),
            Resume::Frames(_) => panic!("frame 4 is no longer kept"),
        }
        let (mut rx, resume) = bus.resume(u64::MAX - 1, &[Topic::Server(ServerId(2))]);
        assert!(matches!(resume, Resume::Frames(ref f) if f.is_empty()));
        bus.publish(Channel::Status, Some(ServerId(2)), serde_json::json!({}));
        assert_eq!(rx[0].1.try_recv().map(|f| f.seq).ok(), Some(RING as u64 + 16));
        assert_eq!(bus.published(), RING as u64 + 17);
    }

    #[test]
    fn topics_get_only_their_frames() {
        let bus = Bus::default();
        let mut a = bus.subscribe(Topic::Server(ServerId(1)));
        let mut status = bus.subscribe(Topic::Every(Channel::Status));
        bus.publish(Channel::Console, Some(ServerId(2)), serde_json::json!({}));
        bus.publish(Channel::Console, Some(ServerId(1)), serde_json::json!({}));
        bus.publish(Channel::Status, None, serde_json::json!({}));
        bus.publish(Channel::Status, Some(ServerId(2)), serde_json::json!({}));
        assert_eq!(a.try_recv().map(|f| f.seq).ok(), Some(2));
        assert!(a.try_recv().is_err());
        assert_eq!(status.try_recv().map(|f| f.seq).ok(), Some(3));
        assert_eq!(status.try_recv().map(|f| f.seq).ok(), Some(4));
        assert!(status.try_recv().is_err());
    }
}
