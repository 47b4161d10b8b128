//! What one WebSocket session receives: a receiver per [`Topic`] it follows, read as one
//! stream in `seq` order, so that the last `seq` a client saw is a safe place to resume from.
//!
//! Order across receivers: the bus hands a frame to all its topics before it raises
//! [`Bus::published`], so every frame below a value read from it can be received already. A
//! turn reads that value first, takes from each receiver what is there, and sends the lowest
//! `seq` first among frames below it; a receiver found empty cannot hold one of those later in
//! the turn, so it is not asked again until the next turn.

use std::sync::Arc;

use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use super::{Bus, Frame, Receiver, Topic};

struct Feed {
    topic: Topic,
    rx: Receiver,
    /// A frame taken from `rx` and not sent yet.
    head: Option<Arc<Frame>>,
    /// Found empty in this turn.
    dry: bool,
}

impl Feed {
    fn new(topic: Topic, rx: Receiver) -> Feed {
        Feed {
            topic,
            rx,
            head: None,
            dry: false,
        }
    }
}

pub enum Next {
    Frame(Arc<Frame>),
    /// This many frames of one topic were lost because the session fell too far behind.
    Lagged(u64),
    Closed,
    /// Nothing more in this turn.
    Empty,
}

#[derive(Default)]
pub struct Feeds(Vec<Feed>);

impl Feeds {
    /// Follows exactly `topics`; the receivers of topics still followed keep what waits in them.
    pub fn follow(&mut self, bus: &Bus, topics: &[Topic]) {
        self.0.retain(|feed| topics.contains(&feed.topic));
        for &topic in topics {
            if !self.0.iter().any(|feed| feed.topic == topic) {
                self.0.push(Feed::new(topic, bus.subscribe(topic)));
            }
        }
    }

    /// Replaces every receiver (after a resume, which subscribes in step with its replay).
    pub fn replace(&mut self, receivers: Vec<(Topic, Receiver)>) {
        self.0 = receivers.into_iter().map(|(topic, rx)| Feed::new(topic, rx)).collect();
    }

    /// Waits until something can be sent: `None` when a frame is waiting, else a lag or the
    /// end of the bus. Cancel-safe: a frame is only taken in the poll that returns it.
    pub async fn ready(&mut self) -> Option<Next> {
        if self.0.iter().any(|feed| feed.head.is_some()) {
            return None;
        }
        let (received, index) = match self.0.as_mut_slice() {
            [] => std::future::pending().await,
            // The common case (one server followed) waits without allocating.
            [feed] => (feed.rx.recv().await, 0),
            feeds => {
                let waiting = feeds.iter_mut().map(|feed| Box::pin(feed.rx.recv()));
                let (received, index, _) = futures_util::future::select_all(waiting).await;
                (received, index)
            }
        };
        match received {
            Ok(frame) => {
                self.0[index].head = Some(frame);
                None
            }
            Err(RecvError::Lagged(missed)) => Some(Next::Lagged(missed)),
            Err(RecvError::Closed) => Some(Next::Closed),
        }
    }

    /// Starts a turn: the bound below which frames are sent in it.
    pub fn turn(&mut self, bus: &Bus) -> u64 {
        self.0.iter_mut().for_each(|feed| feed.dry = false);
        match self.0.len() {
            // One receiver is in order by itself.
            0 | 1 => u64::MAX,
            _ => bus.published(),
        }
    }

    /// The next frame of this turn, lowest `seq` first.
    pub fn next(&mut self, below: u64) -> Next {
        for feed in self.0.iter_mut().filter(|feed| feed.head.is_none() && !feed.dry) {
            match feed.rx.try_recv() {
                Ok(frame) => feed.head = Some(frame),
                Err(TryRecvError::Empty) => feed.dry = true,
                Err(TryRecvError::Lagged(missed)) => return Next::Lagged(missed),
                Err(TryRecvError::Closed) => return Next::Closed,
            }
        }
        let lowest = self
            .0
            .iter_mut()
            .filter(|feed| feed.head.as_ref().is_some_and(|frame| frame.seq < below))
            .min_by_key(|feed| feed.head.as_ref().map_or(u64::MAX, |frame| frame.seq));
        match lowest.and_then(|feed| feed.head.take()) {
            Some(frame) => Next::Frame(frame),
            None => Next::Empty,
        }
    }

    /// Whether frames taken in a turn wait for the next one.
    pub fn holding(&self) -> bool {
        self.0.iter().any(|feed| feed.head.is_some())
    }
}
