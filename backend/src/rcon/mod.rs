//! RCON clients, pure protocol: Source RCON over TCP (also Minecraft's variant) and BattlEye
//! RCon over UDP. Used for graceful stops; the players/console rooms build on them.

pub mod battleye;
pub mod source;

use std::time::Duration;

use tokio::sync::broadcast;

use crate::games::{RconFlavour, RconTarget};

/// How long a game may take to answer; servers under load answer slowly, not never.
pub const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, thiserror::Error)]
pub enum RconError {
    #[error("RCON refused the password")]
    AuthFailed,
    #[error("the game did not answer RCON in time")]
    Timeout,
    #[error("RCON connection lost: {0}")]
    Disconnected(String),
    #[error("RCON protocol error: {0}")]
    Protocol(String),
    #[error("the command is longer than the game accepts ({limit} bytes)")]
    CommandTooLong { limit: usize },
}

/// One RCON connection to a game server, shared by the player poller and API callers.
#[derive(Clone)]
pub struct Link {
    target: RconTarget,
    messages: broadcast::Sender<String>,
}

impl Link {
    pub fn new(target: RconTarget) -> Link {
        Link {
            target,
            messages: broadcast::channel(64).0,
        }
    }

    pub async fn command(&self, command: &str) -> Result<String, RconError> {
        send(&self.target, command).await.map_err(|e| {
            let text = format!("{e:#}");
            if text.contains("refused the password") {
                RconError::AuthFailed
            } else if text.contains("in time") || text.contains("did not answer") {
                RconError::Timeout
            } else {
                RconError::Disconnected(text)
            }
        })
    }

    /// BattlEye server messages, each once.
    pub fn messages(&self) -> broadcast::Receiver<String> {
        self.messages.subscribe()
    }

    pub async fn connect(&self) -> Result<(), RconError> {
        Ok(())
    }

    pub fn close(&self) {}
}

/// Logs in on 127.0.0.1 and runs one command; returns its reply (possibly empty).
pub async fn send(target: &RconTarget, command: &str) -> anyhow::Result<String> {
    match target.flavour {
        RconFlavour::Source => source::command(target.port, &target.password, command, false).await,
        RconFlavour::Minecraft => source::command(target.port, &target.password, command, true).await,
        RconFlavour::Battleye => battleye::command(target.port, &target.password, command).await,
    }
}
