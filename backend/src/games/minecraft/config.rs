//! The typed Minecraft (Java edition) config, its checks and JSON Schema.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::games::common::{check_range, check_relative_path, field};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MinecraftConfig {
    /// The server jar, relative to the server directory.
    pub jar: String,
    pub memory_min_mb: u32,
    pub memory_max_mb: u32,
    pub motd: String,
    pub max_players: u32,
    pub online_mode: bool,
    pub white_list: bool,
    pub enforce_whitelist: bool,
    pub gamemode: GameMode,
    pub difficulty: Difficulty,
    pub hardcore: bool,
    pub pvp: bool,
    pub allow_flight: bool,
    pub allow_nether: bool,
    pub level_name: String,
    pub level_seed: String,
    pub level_type: String,
    pub view_distance: u8,
    pub simulation_distance: u8,
    pub spawn_protection: u32,
    pub enable_command_block: bool,
    pub player_idle_timeout: u32,
    pub server_ip: String,
    /// Mojang's EULA: the server refuses to start until it is accepted, and only the owner
    /// may accept it, so it defaults to false and eula.txt is written only when true.
    pub eula_accepted: bool,
    /// `None`: game port + 10 (25575 for the default 25565, as vanilla).
    pub rcon_port: Option<u16>,
    /// server.properties keys without a setting here (kept from an imported install),
    /// written back as given, value escaped like every other.
    pub extra: BTreeMap<String, String>,
}

impl Default for MinecraftConfig {
    fn default() -> Self {
        MinecraftConfig {
            jar: "server.jar".into(),
            memory_min_mb: 1024,
            memory_max_mb: 2048,
            motd: "A Minecraft Server".into(),
            max_players: 20,
            online_mode: true,
            white_list: false,
            enforce_whitelist: false,
            gamemode: GameMode::Survival,
            difficulty: Difficulty::Easy,
            hardcore: false,
            pvp: true,
            allow_flight: false,
            allow_nether: true,
            level_name: "world".into(),
            level_seed: String::new(),
            level_type: "minecraft:normal".into(),
            view_distance: 10,
            simulation_distance: 10,
            spawn_protection: 16,
            enable_command_block: false,
            player_idle_timeout: 0,
            server_ip: String::new(),
            eula_accepted: false,
            rcon_port: None,
            extra: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GameMode {
    Survival,
    Creative,
    Adventure,
    Spectator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Peaceful,
    Easy,
    Normal,
    Hard,
}

impl GameMode {
    pub fn as_str(self) -> &'static str {
        match self {
            GameMode::Survival => "survival",
            GameMode::Creative => "creative",
            GameMode::Adventure => "adventure",
            GameMode::Spectator => "spectator",
        }
    }
}

impl Difficulty {
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Peaceful => "peaceful",
            Difficulty::Easy => "easy",
            Difficulty::Normal => "normal",
            Difficulty::Hard => "hard",
        }
    }
}

impl MinecraftConfig {
    pub fn check(&self) -> Result<(), ApiError> {
        check_relative_path(&field("jar"), &self.jar)?;
        // A leading `-` would read as a JVM option if the argv were ever reordered.
        if self.jar.starts_with('-') {
            return Err(ApiError::validation(field("jar"), "must not start with `-`"));
        }
        check_range(&field("memory_min_mb"), self.memory_min_mb, 64, 1_048_576)?;
        check_range(
            &field("memory_max_mb"),
            self.memory_max_mb,
            self.memory_min_mb,
            1_048_576,
        )?;
        check_range(&field("max_players"), self.max_players, 1, 100_000)?;
        // The level name is a folder in the server directory.
        check_relative_path(&field("level_name"), &self.level_name)?;
        if self.level_name.contains('/') || self.level_name.starts_with('.') {
            return Err(ApiError::validation(field("level_name"), "must be a plain folder name"));
        }
        if self.level_type.is_empty() {
            return Err(ApiError::validation(field("level_type"), "must not be empty"));
        }
        check_range(&field("view_distance"), self.view_distance, 3, 32)?;
        check_range(&field("simulation_distance"), self.simulation_distance, 3, 32)?;
        check_range(&field("spawn_protection"), self.spawn_protection, 0, 29_999_984)?;
        check_range(&field("player_idle_timeout"), self.player_idle_timeout, 0, 525_600)?;
        if !self.server_ip.is_empty() && self.server_ip.parse::<IpAddr>().is_err() {
            return Err(ApiError::validation(
                field("server_ip"),
                "must be empty or an IP address",
            ));
        }
        if let Some(port) = self.rcon_port {
            check_range(&field("rcon_port"), port, 1024, u16::MAX)?;
        }
        for key in self.extra.keys() {
            let f = format!("config.extra.{key}");
            if !is_plain_key(key) {
                return Err(ApiError::validation(f, "must be 1 to 128 of letters, digits, `.-_`"));
            }
            if RENDERED_KEYS.contains(&key.as_str()) {
                return Err(ApiError::validation(f, "is written from its own setting"));
            }
        }
        Ok(())
    }
}

pub fn schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "jar": {"type": "string", "description": "Server jar, relative to the server directory"},
            "memory_min_mb": {"type": "integer", "minimum": 64, "maximum": 1_048_576, "description": "-Xms in MiB"},
            "memory_max_mb": {"type": "integer", "minimum": 64, "maximum": 1_048_576, "description": "-Xmx in MiB"},
            "motd": {"type": "string"},
            "max_players": {"type": "integer", "minimum": 1, "maximum": 100_000},
            "online_mode": {"type": "boolean"},
            "white_list": {"type": "boolean"},
            "enforce_whitelist": {"type": "boolean"},
            "gamemode": {"type": "string", "enum": ["survival", "creative", "adventure", "spectator"]},
            "difficulty": {"type": "string", "enum": ["peaceful", "easy", "normal", "hard"]},
            "hardcore": {"type": "boolean"},
            "pvp": {"type": "boolean"},
            "allow_flight": {"type": "boolean"},
            "allow_nether": {"type": "boolean"},
            "level_name": {"type": "string", "description": "World folder name"},
            "level_seed": {"type": "string"},
            "level_type": {"type": "string"},
            "view_distance": {"type": "integer", "minimum": 3, "maximum": 32},
            "simulation_distance": {"type": "integer", "minimum": 3, "maximum": 32},
            "spawn_protection": {"type": "integer", "minimum": 0, "maximum": 29_999_984},
            "enable_command_block": {"type": "boolean"},
            "player_idle_timeout": {"type": "integer", "minimum": 0, "maximum": 525_600, "description": "Minutes; 0 = never kick"},
            "server_ip": {"type": "string", "description": "Bind address; empty = all"},
            "eula_accepted": {"type": "boolean", "title": "I accept the Minecraft EULA (https://aka.ms/MinecraftEULA)"},
            "rcon_port": {"type": ["integer", "null"], "minimum": 1024, "maximum": 65535, "description": "Empty means game port + 10"},
            "extra": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Other server.properties keys, written as given"}
        }
    })
}

/// Every key `server_properties` writes from a setting; `extra` may not name them.
pub const RENDERED_KEYS: &[&str] = &[
    "allow-flight",
    "allow-nether",
    "difficulty",
    "enable-command-block",
    "enable-rcon",
    "enforce-whitelist",
    "gamemode",
    "hardcore",
    "level-name",
    "level-seed",
    "level-type",
    "max-players",
    "motd",
    "online-mode",
    "player-idle-timeout",
    "pvp",
    "rcon.password",
    "rcon.port",
    "server-ip",
    "server-port",
    "simulation-distance",
    "spawn-protection",
    "view-distance",
    "white-list",
];

/// A key of `extra`: the characters server.properties keys use, so it needs no escaping.
pub fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 128
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}
