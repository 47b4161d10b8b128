//! A persistent Source/Minecraft RCON link: one TCP connection, one command at a time.
//!
//! The connection is taken out of its slot for each exchange and put back only when the
//! exchange completed, so a caller that gives up half-way (timeout, dropped request) leaves no
//! half-read reply behind: the connection is dropped and the next command opens a new one.

use std::future::Future;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{broadcast, watch, Mutex};
use tokio::time::timeout;

use super::codec::{self, Frame, AUTH, AUTH_RESPONSE, BOGUS, EXECCOMMAND, RESPONSE_VALUE};
use crate::rcon::{check_command, Address, RconError, Timing};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SRCDS: replies end with the mirror-packet technique.
    Source,
    /// Vanilla Minecraft: one packet per read (body ≤ 1446 B), no pipelining, and replies end
    /// with the answer to a packet of unknown type.
    Minecraft,
}

impl Dialect {
    fn command_limit(self) -> usize {
        match self {
            // The server reads each packet with one read into 1460 bytes.
            Dialect::Minecraft => 1446,
            // The wiki's 4096-byte packet limit, with room to spare.
            Dialect::Source => 4000,
        }
    }
}

pub struct Link {
    address: Address,
    dialect: Dialect,
    timing: Timing,
    slot: Mutex<Option<Conn>>,
    closed: watch::Sender<bool>,
    /// Only BattlEye sends server messages; subscribers here simply never receive.
    messages: broadcast::Sender<String>,
}

fn closed_error() -> RconError {
    RconError::Disconnected("the link was closed".to_owned())
}

fn lost(e: std::io::Error) -> RconError {
    RconError::Disconnected(e.to_string())
}

impl Link {
    pub(crate) fn new(address: Address, dialect: Dialect, timing: Timing) -> Link {
        Link {
            address,
            dialect,
            timing,
            slot: Mutex::new(None),
            closed: watch::channel(false).0,
            messages: broadcast::channel(1).0,
        }
    }

    /// Runs `work` unless the link is closed meanwhile.
    async fn unless_closed<T>(&self, work: impl Future<Output = Result<T, RconError>>) -> Result<T, RconError> {
        let mut closed = self.closed.subscribe();
        tokio::select! {
            result = work => result,
            _ = closed.wait_for(|c| *c) => Err(closed_error()),
        }
    }

    pub async fn command(&self, command: &str) -> Result<String, RconError> {
        check_command(command, self.dialect.command_limit())?;
        let mut slot = self.slot.lock().await;
        if *self.closed.borrow() {
            return Err(closed_error());
        }
        let reused = slot.take();
        let was_open = reused.is_some();
        let result = self.unless_closed(self.attempt(reused, command)).await;
        let (conn, reply) = match result {
            // A connection found dead (the server restarted or dropped us): one new attempt.
            Err(RconError::Disconnected(_)) if was_open && !*self.closed.borrow() => {
                self.unless_closed(self.attempt(None, command)).await?
            }
            other => other?,
        };
        if !*self.closed.borrow() {
            *slot = Some(conn);
        }
        Ok(reply)
    }

    async fn attempt(&self, conn: Option<Conn>, command: &str) -> Result<(Conn, String), RconError> {
        let conn = match conn {
            Some(conn) => conn,
            None => self.login().await?,
        };
        let exchange = async {
            match self.dialect {
                Dialect::Source => source_exchange(conn, command).await,
                Dialect::Minecraft => minecraft_exchange(conn, command).await,
            }
        };
        timeout(self.timing.reply, exchange)
            .await
            .unwrap_or(Err(RconError::Timeout))
    }

    pub async fn connect(&self) -> Result<(), RconError> {
        let mut slot = self.slot.lock().await;
        if *self.closed.borrow() {
            return Err(closed_error());
        }
        if slot.is_none() {
            *slot = Some(self.unless_closed(self.login()).await?);
        }
        Ok(())
    }

    async fn login(&self) -> Result<Conn, RconError> {
        // Vanilla Minecraft never authenticates an empty password.
        if self.dialect == Dialect::Minecraft && self.address.password.is_empty() {
            return Err(RconError::AuthFailed);
        }
        if self.address.password.len() > self.dialect.command_limit() || self.address.password.contains('\0') {
            return Err(RconError::AuthFailed);
        }
        let work = async {
            let stream = TcpStream::connect((self.address.host.as_str(), self.address.port))
                .await
                .map_err(|e| RconError::Disconnected(format!("cannot reach {:?}: {e}", self.address)))?;
            let _ = stream.set_nodelay(true);
            let mut conn = Conn {
                stream,
                buf: Vec::new(),
                next_id: 1,
            };
            let id = conn.take_id();
            conn.send(&codec::encode(id, AUTH, self.address.password.as_bytes()))
                .await?;
            // SRCDS sends an empty RESPONSE_VALUE before the AUTH_RESPONSE; Minecraft does not.
            loop {
                let frame = conn.read().await?;
                match frame {
                    Frame {
                        kind: AUTH_RESPONSE,
                        id: -1,
                        ..
                    } => return Err(RconError::AuthFailed),
                    Frame {
                        kind: AUTH_RESPONSE,
                        id: got,
                        ..
                    } if got == id => return Ok(conn),
                    Frame {
                        kind: AUTH_RESPONSE,
                        id: got,
                        ..
                    } => {
                        return Err(RconError::Protocol(format!(
                            "login answered for request {got}, not {id}"
                        )))
                    }
                    _ => continue,
                }
            }
        };
        timeout(self.timing.login, work)
            .await
            .unwrap_or(Err(RconError::Timeout))
    }

    pub fn messages(&self) -> broadcast::Receiver<String> {
        self.messages.subscribe()
    }

    pub fn close(&self) {
        self.closed.send_replace(true);
        if let Ok(mut slot) = self.slot.try_lock() {
            slot.take();
        }
    }
}

struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    next_id: i32,
}

impl Conn {
    /// Each command takes two ids: its own and the end marker's (`id + 1`). Ids stay positive.
    fn take_id(&mut self) -> i32 {
        let id = self.next_id;
        self.next_id = if id >= i32::MAX - 3 { 1 } else { id + 2 };
        id
    }

    /// One packet in one write (Minecraft reads each packet with a single read).
    async fn send(&mut self, packet: &[u8]) -> Result<(), RconError> {
        self.stream.write_all(packet).await.map_err(lost)
    }

    async fn read(&mut self) -> Result<Frame, RconError> {
        loop {
            if let Some((frame, used)) = codec::decode(&self.buf)? {
                self.buf.drain(..used);
                return Ok(frame);
            }
            let mut chunk = [0u8; 8192];
            let n = self.stream.read(&mut chunk).await.map_err(lost)?;
            if n == 0 {
                return Err(RconError::Disconnected(
                    "the game server closed the connection".to_owned(),
                ));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// The next packet for request `id` or its end marker `id + 1`; anything else (the mirror
    /// trick's trailing packet from the previous command) is skipped.
    async fn read_for(&mut self, id: i32) -> Result<Frame, RconError> {
        loop {
            let frame = self.read().await?;
            if frame.kind == AUTH_RESPONSE && frame.id == -1 {
                // The server forgot our login (e.g. its password changed).
                return Err(RconError::AuthFailed);
            }
            if frame.id == id || frame.id == id + 1 {
                return Ok(frame);
            }
        }
    }
}

fn text(body: Vec<u8>) -> String {
    String::from_utf8_lossy(&body).into_owned()
}

/// SRCDS splits long output over several packets without a "more" flag: an empty
/// RESPONSE_VALUE sent right after the command is mirrored back after the last part.
async fn source_exchange(mut conn: Conn, command: &str) -> Result<(Conn, String), RconError> {
    let id = conn.take_id();
    let mut packets = codec::encode(id, EXECCOMMAND, command.as_bytes());
    packets.extend(codec::encode(id + 1, RESPONSE_VALUE, b""));
    conn.send(&packets).await?;
    let mut body = Vec::new();
    loop {
        let frame = conn.read_for(id).await?;
        if frame.id != id {
            // The mirror; its trailing `00 00 00 01 00 00 00 00` packet is skipped by the next read.
            return Ok((conn, text(body)));
        }
        body.extend(frame.body);
    }
}

/// Vanilla Minecraft writes every 4096-character fragment before it reads again, so a packet
/// of unknown type sent after the first fragment is answered after the last one.
async fn minecraft_exchange(mut conn: Conn, command: &str) -> Result<(Conn, String), RconError> {
    let id = conn.take_id();
    conn.send(&codec::encode(id, EXECCOMMAND, command.as_bytes())).await?;
    let first = conn.read_for(id).await?;
    if first.id != id {
        return Err(RconError::Protocol(format!(
            "reply to request {} before request {id}",
            first.id
        )));
    }
    let mut body = first.body;
    conn.send(&codec::encode(id + 1, BOGUS, b"")).await?;
    loop {
        let frame = conn.read_for(id).await?;
        if frame.id != id {
            return Ok((conn, text(body)));
        }
        body.extend(frame.body);
    }
}
