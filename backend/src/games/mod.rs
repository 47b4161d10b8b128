//! Game adapters: one per game, each knowing its typed config (with JSON Schema), how to render
//! its files, its launch line, the ports it binds, its RCON flavour, its graceful stop and how
//! to read its log lines. The supervisor and the HTTP layer only talk to [`GameAdapter`].

pub mod arma3;
mod common;
pub mod generic;
pub mod import;
#[cfg(test)]
mod import_tests;
pub mod minecraft;
pub mod moderation;
pub mod roster;
pub mod source;
#[cfg(test)]
mod testutil;

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::ApiError;

/// Secrets a server may hold. They are generated on create when not given, encrypted at rest,
/// and never returned by the API; adapters write them into config files only.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub rcon_password: Option<String>,
    pub game_password: Option<String>,
    pub admin_password: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    Tcp,
    Udp,
}

/// One port the game binds; the supervisor checks each is free before starting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PortSpec {
    pub port: u16,
    pub transport: Transport,
    /// What it is for, e.g. "game", "query", "rcon".
    pub purpose: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RconFlavour {
    /// BattlEye RCon over UDP (Arma 3).
    Battleye,
    /// Source RCON over TCP (srcds).
    Source,
    /// Minecraft's variant of Source RCON over TCP.
    Minecraft,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RconTarget {
    pub flavour: RconFlavour,
    pub port: u16,
    pub password: String,
}

/// How to ask the game to stop before signals are used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GracefulStop {
    /// An RCON command, e.g. `#shutdown` (Arma 3) or `quit` (srcds).
    Rcon(String),
    /// A console line written to the game's stdin, e.g. `stop` (Minecraft).
    Stdin(String),
    /// SIGTERM to the process group.
    Signal,
}

/// A file the adapter wants written (atomically) before each start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Relative to the server directory; never absolute, never containing `..`.
    pub path: PathBuf,
    pub contents: String,
    /// Holds a password: written with mode 0600 and masked in previews.
    pub secret: bool,
}

/// What the supervisor needs to start one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchPlan {
    pub program: PathBuf,
    pub args: Vec<String>,
    /// Working directory (absolute).
    pub cwd: PathBuf,
    pub files: Vec<RenderedFile>,
    pub ports: Vec<PortSpec>,
    pub rcon: Option<RconTarget>,
    pub stop: GracefulStop,
    /// The game's own log (absolute), if it writes one besides stdout: its lines are the ones
    /// stored and parsed, while stdout (the same lines, for the games we know) is streamed raw.
    pub log: Option<GameLog>,
    /// Signature keys (absolute paths) to put in the server's `keys/` folder before the start;
    /// keys put there earlier for mods no longer loaded are removed.
    pub keys: Vec<PathBuf>,
}

/// A library mod in a server's mod set, as the launch line needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchMod {
    /// The mod's folder (absolute).
    pub folder: PathBuf,
    /// Loaded by the server only (`-serverMod`), not required from clients (`-mod`).
    pub server_only: bool,
    /// Its `.bikey` files (absolute).
    pub keys: Vec<PathBuf>,
}

/// Where a game keeps uploadable content (missions, maps, datapacks) and what it is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentFolder {
    /// Relative to the server directory.
    pub dir: PathBuf,
    /// The only extension accepted, lowercase, without the dot.
    pub extension: &'static str,
    /// What the files are, for messages and the UI: `missions`, `maps`, `datapacks`.
    pub kind: &'static str,
}

/// Everything an adapter needs to plan a start. `config` has passed [`GameAdapter::validate`].
pub struct ServerSpec<'a> {
    /// The server's directory (absolute).
    pub directory: &'a Path,
    pub executable: &'a Path,
    pub game_port: u16,
    pub config: &'a Value,
    pub secrets: &'a Secrets,
    /// The server's mod set, in load order (games without mods ignore it).
    pub mods: &'a [LaunchMod],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

impl LogLevel {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEventKind {
    PlayerJoined {
        name: String,
    },
    PlayerLeft {
        name: String,
    },
    Chat {
        name: String,
        text: String,
    },
    /// The game reports it is ready for players (e.g. Minecraft's "Done (…)!").
    Ready,
    Other,
}

impl LogEventKind {
    /// The stored name, used by the `kind` filter of the logs API.
    pub fn name(&self) -> &'static str {
        match self {
            LogEventKind::PlayerJoined { .. } => "playerjoined",
            LogEventKind::PlayerLeft { .. } => "playerleft",
            LogEventKind::Chat { .. } => "chat",
            LogEventKind::Ready => "ready",
            LogEventKind::Other => "other",
        }
    }
}

/// One parsed log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub level: LogLevel,
    /// The time as the game printed it: local wall-clock time, with the date only where the
    /// game prints one (Arma's `full` timestamps).
    pub time: Option<String>,
    pub message: String,
    pub kind: LogEventKind,
}

pub trait GameAdapter: Send + Sync {
    /// Stable identifier used in the API: `arma3`, `minecraft`, `source`, `generic`.
    fn id(&self) -> GameId;
    /// Human name, e.g. "Arma 3".
    fn name(&self) -> &'static str;
    /// JSON Schema (draft 2020-12 subset the SPA renders: object, string, integer, number,
    /// boolean, enum, array of strings/objects) of the config object.
    fn config_schema(&self) -> Value;
    /// A complete valid config with every default filled in.
    fn default_config(&self) -> Value;
    /// Checks a config (partial configs are completed with defaults) and returns the
    /// normalised full config. Errors are `ApiError::Validation` naming the field with a
    /// JSON-pointer-like dotted path, e.g. `config.motd.2` or `config.hostname`.
    fn validate(&self, config: &Value) -> Result<Value, ApiError>;
    /// File names the executable may have (e.g. `arma3server_x64`); empty means any.
    fn allowed_executables(&self) -> &'static [&'static str];
    /// Which of the [`Secrets`] this game uses, for generation on create:
    /// any of "rcon_password", "game_password", "admin_password".
    fn secret_names(&self) -> &'static [&'static str];
    /// The default game port shown in the create form.
    fn default_game_port(&self) -> u16;
    /// Files, command line, ports, RCON and stop method for a start.
    fn plan(&self, spec: &ServerSpec<'_>) -> Result<LaunchPlan, ApiError>;
    /// Parses one line of the console or log file; `None` for lines that are not log lines.
    fn parse_log_line(&self, line: &str) -> Option<LogLine>;
    /// The folder of uploadable content for this config, if the game has one.
    fn content(&self, config: &Value) -> Option<ContentFolder>;
    /// Whether the game loads library mods (`GET/PUT /servers/{id}/mods`).
    fn supports_mods(&self) -> bool {
        false
    }
    /// Reads the game's own config files already in the directory of an existing install.
    /// `config` is the requested config with its defaults (it may say where the files are).
    fn import(&self, _config: &Value, _read: import::ReadFile<'_>) -> import::Found {
        import::Found::default()
    }
}

/// Where a game writes its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GameLog {
    /// Always the same file (rotated or truncated by the game on start).
    File(PathBuf),
    /// A new file per start in `dir`: the newest one with this extension is followed.
    Newest { dir: PathBuf, extension: &'static str },
}

/// The games there are adapters for, as the API names them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Deserialize,
    Serialize,
    ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[serde(rename_all = "lowercase")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum GameId {
    Arma3,
    Minecraft,
    Source,
    Generic,
}

impl GameId {
    pub const ALL: [GameId; 4] = [GameId::Arma3, GameId::Minecraft, GameId::Source, GameId::Generic];

    pub fn as_str(self) -> &'static str {
        match self {
            GameId::Arma3 => "arma3",
            GameId::Minecraft => "minecraft",
            GameId::Source => "source",
            GameId::Generic => "generic",
        }
    }

    pub fn parse(text: &str) -> Option<GameId> {
        GameId::ALL.into_iter().find(|g| g.as_str() == text)
    }

    /// The RCON protocol the game speaks (and so how it names players); none for generic.
    pub fn rcon_flavour(self) -> Option<RconFlavour> {
        match self {
            GameId::Arma3 => Some(RconFlavour::Battleye),
            GameId::Minecraft => Some(RconFlavour::Minecraft),
            GameId::Source => Some(RconFlavour::Source),
            GameId::Generic => None,
        }
    }

    /// Every game has an adapter, so this cannot fail.
    pub fn adapter(self) -> &'static dyn GameAdapter {
        match self {
            GameId::Arma3 => &arma3::Arma3,
            GameId::Minecraft => &minecraft::Minecraft,
            GameId::Source => &source::Source,
            GameId::Generic => &generic::Generic,
        }
    }
}

crate::stored_as_text!(GameId, "game");

/// Every adapter, in the order the SPA lists them.
pub fn all() -> &'static [&'static dyn GameAdapter] {
    static ALL: [&dyn GameAdapter; 4] = [&arma3::Arma3, &minecraft::Minecraft, &source::Source, &generic::Generic];
    &ALL
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry lists each adapter once, under the ids the API uses.
    #[test]
    fn registry() {
        let ids: Vec<_> = all().iter().map(|a| a.id()).collect();
        assert_eq!(ids, GameId::ALL, "GameId and the adapters must name the same games");
        let names: Vec<_> = GameId::ALL.iter().map(|g| g.as_str()).collect();
        assert_eq!(names, ["arma3", "minecraft", "source", "generic"]);
        for id in GameId::ALL {
            assert_eq!(serde_json::to_value(id).unwrap(), id.as_str());
            assert_eq!(GameId::parse(id.as_str()), Some(id));
            assert_eq!(id.adapter().id(), id);
        }
        assert_eq!(GameId::Minecraft.adapter().default_game_port(), 25565);
        assert!(GameId::parse("nope").is_none());
        for adapter in all() {
            for secret in adapter.secret_names() {
                assert!(["rcon_password", "game_password", "admin_password"].contains(secret));
            }
        }
    }

    /// A plan never names a binary outside the adapter's list.
    #[test]
    fn foreign_executable_refused() {
        let config = serde_json::json!({});
        let spec = ServerSpec {
            directory: Path::new("/srv/x"),
            executable: Path::new("/bin/sh"),
            game_port: 2302,
            config: &config,
            secrets: &testutil::secrets(),
            mods: &[],
        };
        for adapter in all().iter().filter(|a| !a.allowed_executables().is_empty()) {
            match adapter.plan(&spec) {
                Err(ApiError::Validation { field, .. }) => assert_eq!(field, "executable"),
                other => panic!("{} accepted /bin/sh: {other:?}", adapter.id()),
            }
        }
    }
}
