//! RCON clients, pure protocol: Source RCON over TCP (also Minecraft's variant) and BattlEye
//! RCon over UDP. Used for graceful stops; the players/console rooms build on them.

pub mod battleye;
pub mod source;

use std::time::Duration;

use crate::games::{RconFlavour, RconTarget};

/// How long a game may take to answer; servers under load answer slowly, not never.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// Logs in on 127.0.0.1 and runs one command; returns its reply (possibly empty).
pub async fn send(target: &RconTarget, command: &str) -> anyhow::Result<String> {
    match target.flavour {
        RconFlavour::Source => source::command(target.port, &target.password, command, false).await,
        RconFlavour::Minecraft => source::command(target.port, &target.password, command, true).await,
        RconFlavour::Battleye => battleye::command(target.port, &target.password, command).await,
    }
}
