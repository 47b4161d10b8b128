//! What the players API returns and accepts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::bans::model::Ban;
use crate::games::roster::IdentityKind;
use crate::ids::{PlayerId, ServerId};
use crate::page_of;

/// A player on the server right now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OnlinePlayer {
    #[schema(value_type = i64)]
    pub player_id: PlayerId,
    pub session_id: i64,
    /// The in-game name.
    pub name: String,
    pub kind: IdentityKind,
    /// BattlEye GUID, SteamID64 or Minecraft UUID.
    pub identity: String,
    /// The game's slot number (BattlEye `#`, Source userid); none for Minecraft.
    pub slot: Option<u32>,
    /// Milliseconds, when the game reports it.
    pub ping: Option<i32>,
    /// Shown to admins only.
    pub ip: Option<String>,
    pub joined_at: DateTime<Utc>,
    /// From Steam, when a Steam Web API key is configured.
    pub steam_name: Option<String>,
    pub avatar_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RconState {
    /// Not asked yet since the server started.
    Connecting,
    Connected,
    /// The last attempt failed; `error` says why.
    Error,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RconStatus {
    pub state: RconState,
    pub error: Option<String>,
    /// When the link entered this state.
    pub since: DateTime<Utc>,
}

/// Players, max, bots, map: what the game reported at the last poll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LiveSummary {
    pub players: i32,
    pub max_players: Option<i32>,
    pub bots: i32,
    pub map: Option<String>,
    pub hibernating: bool,
}

/// `GET /servers/{id}/players`: the live roster of a running server.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServerPlayers {
    /// False when the server is not running or its game has no RCON (then the list is empty).
    pub monitored: bool,
    pub rcon: Option<RconStatus>,
    pub polled_at: Option<DateTime<Utc>>,
    pub live: Option<LiveSummary>,
    pub players: Vec<OnlinePlayer>,
}

/// One visit of a player to a server.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Session {
    pub id: i64,
    #[schema(value_type = i64)]
    pub server_id: ServerId,
    pub server_name: String,
    #[schema(value_type = i64)]
    pub player_id: PlayerId,
    /// The name used at join.
    pub name: String,
    /// Shown to admins only.
    pub ip: Option<String>,
    pub joined_at: DateTime<Utc>,
    /// None while the player is still on the server.
    pub left_at: Option<DateTime<Utc>>,
    pub ping_min: Option<i32>,
    pub ping_max: Option<i32>,
}

page_of!(SessionPage, Session);

/// Someone seen on a managed server.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Player {
    pub id: PlayerId,
    pub kind: IdentityKind,
    pub identity: String,
    /// The in-game name last seen.
    pub name: String,
    pub steam_name: Option<String>,
    pub avatar_url: Option<String>,
    pub profile_url: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Servers the player is on right now.
    #[schema(value_type = Vec<i64>)]
    pub online_on: Vec<ServerId>,
    /// An active (unexpired, not lifted) ban exists.
    pub banned: bool,
}

page_of!(PlayerPage, Player);

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlayerName {
    pub name: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// `GET /players/{id}`: identity, names used, recent sessions and bans.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlayerDetail {
    pub player: Player,
    pub names: Vec<PlayerName>,
    /// The 100 most recent sessions across servers.
    pub sessions: Vec<Session>,
    pub bans: Vec<Ban>,
}

/// A stretch of time during which the live figures stayed the same.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LiveState {
    pub players: i32,
    pub max_players: Option<i32>,
    pub bots: i32,
    pub map: Option<String>,
    pub hibernating: bool,
    pub from: DateTime<Utc>,
    /// The last poll that still saw these figures.
    pub to: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KickRequest {
    /// Shown to the player by the game (at most 200 characters, one line).
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SayRequest {
    /// Broadcast to everyone on the server (1–400 characters, one line).
    #[schema(
        min_length = 1,
        max_length = 400,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub message: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RconRequest {
    /// One console command, sent as typed (one line, at most 1000 characters).
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub command: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RconOutput {
    /// The game's reply (may be empty).
    pub output: String,
}
