//! A persistent BattlEye RCon link: one task owns the UDP socket, the login, the sequence
//! numbers and the keepalive; callers hand it commands and wait for their reply.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::time::{sleep_until, Instant};

use super::codec::{self, Incoming, Reassembly, MAX_COMMAND};
use crate::rcon::{check_command, Address, RconError, Timing};

/// Commands on the wire at once: the sequence space is 256, and a game answers one at a time anyway.
const MAX_IN_FLIGHT: usize = 16;
/// Server message sequences remembered to drop resends (the server resends for 10 s).
const SEEN_MESSAGES: usize = 128;
/// The longest wait between attempts to restore a dead link for message subscribers.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

type Reply<T> = oneshot::Sender<Result<T, RconError>>;

enum Request {
    Command { text: String, reply: Reply<String> },
    Connect { reply: Reply<()> },
}

pub struct Link {
    requests: mpsc::UnboundedSender<Request>,
    /// The task, until the first use starts it (no I/O before that).
    idle: Mutex<Option<Actor>>,
    messages: broadcast::Sender<String>,
    closed: watch::Sender<bool>,
}

fn closed_error() -> RconError {
    RconError::Disconnected("the link was closed".to_owned())
}

impl Link {
    pub(crate) fn new(address: Address, timing: Timing) -> Link {
        let (requests, rx) = mpsc::unbounded_channel();
        let (messages, _) = broadcast::channel(256);
        let (closed, closed_rx) = watch::channel(false);
        let actor = Actor {
            address,
            timing,
            rx,
            closed: closed_rx,
            messages: messages.clone(),
            session: None,
            queue: VecDeque::new(),
            connect_waiters: Vec::new(),
            reconnect_at: None,
            backoff: Duration::from_secs(1),
            ever_logged_in: false,
        };
        Link {
            requests,
            idle: Mutex::new(Some(actor)),
            messages,
            closed,
        }
    }

    fn start(&self) {
        let actor = self.idle.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(actor) = actor {
            tokio::spawn(actor.run());
        }
    }

    async fn ask<T>(&self, request: impl FnOnce(Reply<T>) -> Request) -> Result<T, RconError> {
        if *self.closed.borrow() {
            return Err(closed_error());
        }
        self.start();
        let (tx, rx) = oneshot::channel();
        self.requests.send(request(tx)).map_err(|_| closed_error())?;
        rx.await.unwrap_or_else(|_| Err(closed_error()))
    }

    pub async fn command(&self, command: &str) -> Result<String, RconError> {
        check_command(command, MAX_COMMAND)?;
        let text = command.to_owned();
        self.ask(|reply| Request::Command { text, reply }).await
    }

    pub async fn connect(&self) -> Result<(), RconError> {
        self.ask(|reply| Request::Connect { reply }).await
    }

    pub fn messages(&self) -> broadcast::Receiver<String> {
        self.messages.subscribe()
    }

    pub fn close(&self) {
        self.closed.send_replace(true);
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
}

/// A command waiting for a free slot, a login, or its reply.
struct Queued {
    text: String,
    reply: Reply<String>,
    /// Sent on a link that was already up: after a dead link it is retried once on a new login.
    may_retry: bool,
}

struct Pending {
    /// `None` for a keepalive.
    waiter: Option<Queued>,
    deadline: Instant,
    parts: Reassembly,
}

/// One login's worth of state; a new login starts afresh (sequence 0, no remembered messages).
struct Session {
    socket: UdpSocket,
    logged_in: bool,
    login_deadline: Instant,
    next_seq: u8,
    pending: HashMap<u8, Pending>,
    seen: VecDeque<u8>,
    last_command: Instant,
}

struct Actor {
    address: Address,
    timing: Timing,
    rx: mpsc::UnboundedReceiver<Request>,
    closed: watch::Receiver<bool>,
    messages: broadcast::Sender<String>,
    session: Option<Session>,
    queue: VecDeque<Queued>,
    connect_waiters: Vec<Reply<()>>,
    /// When to log in again for message subscribers after the link died.
    reconnect_at: Option<Instant>,
    backoff: Duration,
    ever_logged_in: bool,
}

async fn receive(socket: Option<&UdpSocket>, buf: &mut [u8]) -> std::io::Result<usize> {
    match socket {
        Some(socket) => socket.recv(buf).await,
        None => std::future::pending().await,
    }
}

impl Actor {
    async fn run(mut self) {
        let mut buf = vec![0u8; 65_536];
        loop {
            let wake = self.next_wake();
            tokio::select! {
                changed = self.closed.changed() => {
                    if changed.is_err() || *self.closed.borrow() {
                        break;
                    }
                }
                request = self.rx.recv() => match request {
                    Some(request) => self.accept(request).await,
                    None => break,
                },
                received = receive(self.session.as_ref().map(|s| &s.socket), &mut buf) => match received {
                    Ok(n) => self.datagram(&buf[..n]).await,
                    Err(e) => self.socket_failed(e).await,
                },
                () = sleep_until(wake) => self.tick().await,
            }
        }
        self.fail_everything(closed_error());
    }

    fn next_wake(&self) -> Instant {
        let mut wake = Instant::now() + Duration::from_secs(3600);
        if let Some(s) = &self.session {
            if s.logged_in {
                // While a command is on the wire its echo (or its deadline) says enough.
                match s.pending.values().map(|p| p.deadline).min() {
                    Some(deadline) => wake = wake.min(deadline),
                    None => wake = wake.min(s.last_command + self.timing.keepalive_every),
                }
            } else {
                wake = wake.min(s.login_deadline);
            }
        }
        if let Some(at) = self.reconnect_at {
            wake = wake.min(at);
        }
        wake
    }

    async fn accept(&mut self, request: Request) {
        match request {
            Request::Command { text, reply } => {
                let may_retry = self.session.as_ref().is_some_and(|s| s.logged_in);
                self.queue.push_back(Queued { text, reply, may_retry });
            }
            Request::Connect { reply } => {
                if self.session.as_ref().is_some_and(|s| s.logged_in) {
                    let _ = reply.send(Ok(()));
                    return;
                }
                self.connect_waiters.push(reply);
            }
        }
        if self.session.is_none() {
            self.start_login().await;
        }
        self.pump().await;
    }

    async fn open(&self) -> Result<UdpSocket, RconError> {
        let unreachable = |e: std::io::Error| RconError::Disconnected(format!("cannot reach {:?}: {e}", self.address));
        let target = tokio::net::lookup_host((self.address.host.as_str(), self.address.port))
            .await
            .map_err(unreachable)?
            .next()
            .ok_or_else(|| RconError::Disconnected(format!("{} has no address", self.address.host)))?;
        let local = if target.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
        let socket = UdpSocket::bind(local).await.map_err(unreachable)?;
        socket.connect(target).await.map_err(unreachable)?;
        Ok(socket)
    }

    async fn start_login(&mut self) {
        self.reconnect_at = None;
        let socket = match self.open().await {
            Ok(socket) => socket,
            Err(e) => return self.login_failed(e),
        };
        if let Err(e) = socket.send(&codec::login(&self.address.password)).await {
            return self.login_failed(RconError::Disconnected(e.to_string()));
        }
        let now = Instant::now();
        self.session = Some(Session {
            socket,
            logged_in: false,
            login_deadline: now + self.timing.login,
            next_seq: 0,
            pending: HashMap::new(),
            seen: VecDeque::new(),
            last_command: now,
        });
    }

    fn login_failed(&mut self, error: RconError) {
        self.session = None;
        for queued in self.queue.drain(..) {
            let _ = queued.reply.send(Err(error.clone()));
        }
        for waiter in self.connect_waiters.drain(..) {
            let _ = waiter.send(Err(error.clone()));
        }
        if self.ever_logged_in && self.messages.receiver_count() > 0 {
            self.reconnect_at = Some(Instant::now() + self.backoff);
            self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// Sends queued commands while there is room on the wire.
    async fn pump(&mut self) {
        while let Some(session) = &self.session {
            let in_flight = session.pending.values().filter(|p| p.waiter.is_some()).count();
            if !session.logged_in || in_flight >= MAX_IN_FLIGHT {
                return;
            }
            let Some(queued) = self.queue.pop_front() else {
                return;
            };
            self.dispatch(Some(queued), self.timing.reply).await;
        }
    }

    async fn dispatch(&mut self, waiter: Option<Queued>, wait: Duration) {
        let Some(session) = &mut self.session else {
            return;
        };
        // At most MAX_IN_FLIGHT + 1 sequences are taken, so a free one is always found.
        let mut seq = session.next_seq;
        while session.pending.contains_key(&seq) {
            seq = seq.wrapping_add(1);
        }
        session.next_seq = seq.wrapping_add(1);
        let text = waiter.as_ref().map_or("", |w| w.text.as_str());
        let sent = session.socket.send(&codec::command(seq, text)).await;
        let now = Instant::now();
        session.last_command = now;
        session.pending.insert(
            seq,
            Pending {
                waiter,
                deadline: now + wait,
                parts: Reassembly::default(),
            },
        );
        if sent.is_err() {
            self.link_died().await;
        }
    }

    async fn datagram(&mut self, datagram: &[u8]) {
        let Some(session) = &mut self.session else {
            return;
        };
        match codec::decode(datagram) {
            Some(Incoming::Login { ok }) if !session.logged_in => {
                if !ok {
                    return self.login_failed(RconError::AuthFailed);
                }
                session.logged_in = true;
                session.last_command = Instant::now();
                self.ever_logged_in = true;
                self.backoff = Duration::from_secs(1);
                for waiter in self.connect_waiters.drain(..) {
                    let _ = waiter.send(Ok(()));
                }
                self.pump().await;
            }
            Some(Incoming::Reply { seq, part, body }) if session.logged_in => {
                let Some(pending) = session.pending.get_mut(&seq) else {
                    return;
                };
                let whole = match part {
                    None => Some(body.to_vec()),
                    Some(part) => pending.parts.add(part, body),
                };
                if let Some(whole) = whole {
                    if let Some(Pending { waiter: Some(w), .. }) = session.pending.remove(&seq) {
                        let _ = w.reply.send(Ok(String::from_utf8_lossy(&whole).into_owned()));
                    }
                    self.pump().await;
                }
            }
            Some(Incoming::Message { seq, body }) if session.logged_in => {
                // Every copy is acked (the first ack may have been lost), but emitted once.
                let _ = session.socket.send(&codec::ack(seq)).await;
                if !session.seen.contains(&seq) {
                    if session.seen.len() == SEEN_MESSAGES {
                        session.seen.pop_front();
                    }
                    session.seen.push_back(seq);
                    let _ = self.messages.send(String::from_utf8_lossy(body).into_owned());
                }
            }
            _ => {}
        }
    }

    async fn socket_failed(&mut self, error: std::io::Error) {
        match &self.session {
            Some(s) if !s.logged_in => self.login_failed(RconError::Disconnected(format!(
                "{:?} does not answer: {error}",
                self.address
            ))),
            _ => self.link_died().await,
        }
    }

    async fn tick(&mut self) {
        let now = Instant::now();
        if self.session.is_none() {
            if self.reconnect_at.is_some_and(|at| at <= now) {
                self.start_login().await;
            }
            return;
        }
        let Some(session) = &self.session else {
            return;
        };
        if !session.logged_in {
            if session.login_deadline <= now {
                self.login_failed(RconError::Timeout);
            }
        } else if session.pending.values().any(|p| p.deadline <= now) {
            self.link_died().await;
        } else if session.pending.is_empty() && session.last_command + self.timing.keepalive_every <= now {
            self.dispatch(None, self.timing.dead_after).await;
        }
    }

    /// No echo in time: the server restarted or dropped us. Commands sent on the old link are
    /// retried once on a new login; a new login also keeps message subscribers fed.
    async fn link_died(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        let mut retry: Vec<Queued> = Vec::new();
        for waiter in session.pending.into_values().filter_map(|p| p.waiter) {
            if waiter.may_retry {
                retry.push(Queued {
                    may_retry: false,
                    ..waiter
                });
            } else {
                let _ = waiter.reply.send(Err(RconError::Timeout));
            }
        }
        for queued in retry.into_iter().rev() {
            self.queue.push_front(queued);
        }
        if !self.queue.is_empty() || !self.connect_waiters.is_empty() || self.messages.receiver_count() > 0 {
            self.start_login().await;
        }
    }

    fn fail_everything(&mut self, error: RconError) {
        if let Some(session) = self.session.take() {
            for waiter in session.pending.into_values().filter_map(|p| p.waiter) {
                let _ = waiter.reply.send(Err(error.clone()));
            }
        }
        self.ever_logged_in = false;
        self.login_failed(error);
    }
}
