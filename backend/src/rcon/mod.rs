//! RCON clients, pure protocol: BattlEye RCon over UDP, Source RCON over TCP and Minecraft's
//! variant of it. A [`Link`] is one persistent, lazily opened connection shared by everyone who
//! talks to a game server; [`send`] is the one-shot form used for graceful stops.

pub mod battleye;
pub mod source;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;

use crate::error::{ApiError, ErrorKind};
use crate::games::{RconFlavour, RconTarget};

/// What went wrong talking to a game server. The messages are meant for users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RconError {
    #[error("the game server refused the RCON password")]
    AuthFailed,
    #[error("the game server did not answer RCON in time")]
    Timeout,
    #[error("the RCON connection failed: {0}")]
    Disconnected(String),
    #[error("the game server broke the RCON protocol: {0}")]
    Protocol(String),
    #[error("the command is too long: this RCON protocol accepts at most {limit} bytes")]
    CommandTooLong { limit: usize },
    /// Refused before sending, e.g. a NUL character, which the protocols cannot carry.
    #[error("invalid command: {0}")]
    InvalidCommand(String),
}

/// How an RCON failure reaches an API client (the rooms above RCON all answer with [`ApiError`]).
impl From<RconError> for ApiError {
    fn from(err: RconError) -> Self {
        let message = format!("the game server's RCON: {err}");
        match err {
            RconError::AuthFailed => ApiError::BadGateway {
                kind: ErrorKind::RconAuthFailed,
                message,
            },
            RconError::Timeout => ApiError::GatewayTimeout(message),
            RconError::Disconnected(_) => ApiError::BadGateway {
                kind: ErrorKind::RconUnavailable,
                message,
            },
            RconError::Protocol(_) => ApiError::BadGateway {
                kind: ErrorKind::RconProtocol,
                message,
            },
            RconError::CommandTooLong { .. } | RconError::InvalidCommand(_) => {
                ApiError::validation("command", err.to_string())
            }
        }
    }
}

/// How long each step may take. Games under load answer slowly, not never; these stay well
/// above that while keeping a dead link from holding a caller for long.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Connect and log in.
    pub login: Duration,
    /// One command's whole reply.
    pub reply: Duration,
    /// BattlEye: an empty command after this much time without one (the server drops a client
    /// that sends no command for 45 s).
    pub keepalive_every: Duration,
    /// BattlEye: a keepalive not echoed within this means the link is dead.
    pub dead_after: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            login: Duration::from_secs(5),
            reply: Duration::from_secs(6),
            keepalive_every: Duration::from_secs(30),
            dead_after: Duration::from_secs(8),
        }
    }
}

/// One persistent RCON connection to a game server, shared (cheap Clone) by the player poller
/// and API callers. No I/O until first use; connects and logs in lazily; on a dead link the next
/// command reconnects (one retry at most per call). Concurrent `command` calls are safe
/// (BattlEye: multiplexed by sequence number; Source/Minecraft: serialised on the one connection).
#[derive(Clone)]
pub struct Link {
    inner: Arc<Inner>,
}

enum Inner {
    Battleye(battleye::Link),
    Stream(source::Link),
}

impl Link {
    /// A link to the game server on 127.0.0.1.
    pub fn new(target: RconTarget) -> Link {
        Link::with_host(target, "127.0.0.1")
    }

    /// A link to a game server on another host (name or address).
    pub fn with_host(target: RconTarget, host: &str) -> Link {
        Link::with_timing(target, host, Timing::default())
    }

    pub fn with_timing(target: RconTarget, host: &str, timing: Timing) -> Link {
        let address = Address {
            host: host.to_owned(),
            port: target.port,
            password: target.password,
        };
        let inner = match target.flavour {
            RconFlavour::Battleye => Inner::Battleye(battleye::Link::new(address, timing)),
            RconFlavour::Source => Inner::Stream(source::Link::new(address, source::Dialect::Source, timing)),
            RconFlavour::Minecraft => Inner::Stream(source::Link::new(address, source::Dialect::Minecraft, timing)),
        };
        Link { inner: Arc::new(inner) }
    }

    /// Runs a command and returns its whole reply text (multipart replies joined).
    pub async fn command(&self, command: &str) -> Result<String, RconError> {
        match &*self.inner {
            Inner::Battleye(link) => link.command(command).await,
            Inner::Stream(link) => link.command(command).await,
        }
    }

    /// BattlEye server messages (type 02), each emitted once, in arrival order. Other flavours
    /// never send. Receiving requires the link to be connected: after subscribing, call
    /// [`Link::connect`] (or any command).
    pub fn messages(&self) -> broadcast::Receiver<String> {
        match &*self.inner {
            Inner::Battleye(link) => link.messages(),
            Inner::Stream(link) => link.messages(),
        }
    }

    /// Logs in now if not logged in.
    pub async fn connect(&self) -> Result<(), RconError> {
        match &*self.inner {
            Inner::Battleye(link) => link.connect().await,
            Inner::Stream(link) => link.connect().await,
        }
    }

    /// Ends background tasks and the connection; later commands fail with `Disconnected`.
    /// Dropping the last clone does the same.
    pub fn close(&self) {
        match &*self.inner {
            Inner::Battleye(link) => link.close(),
            Inner::Stream(link) => link.close(),
        }
    }
}

/// Where a link goes and how it logs in.
#[derive(Clone)]
pub(crate) struct Address {
    pub host: String,
    pub port: u16,
    pub password: String,
}

impl std::fmt::Debug for Address {
    // The password never reaches logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// How long a graceful-stop command may wait for its reply: `#shutdown` may never be answered.
const STOP_REPLY_WAIT: Duration = Duration::from_secs(2);

/// Logs in on 127.0.0.1, runs one command and disconnects. A command that ends the server
/// (`#shutdown`, `quit`) may get no reply: once logged in, silence or a closed connection is
/// success with an empty reply.
pub async fn send(target: &RconTarget, command: &str) -> Result<String, RconError> {
    let link = Link::new(target.clone());
    link.connect().await?;
    let reply = tokio::time::timeout(STOP_REPLY_WAIT, link.command(command)).await;
    link.close();
    match reply {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(RconError::Timeout | RconError::Disconnected(_))) | Err(_) => Ok(String::new()),
        Ok(Err(e)) => Err(e),
    }
}

/// Refuses what no flavour can carry: NUL ends a Source body and is not text in BattlEye.
fn check_command(command: &str, limit: usize) -> Result<(), RconError> {
    if command.len() > limit {
        return Err(RconError::CommandTooLong { limit });
    }
    if command.contains('\0') {
        return Err(RconError::InvalidCommand("it contains a NUL character".to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
