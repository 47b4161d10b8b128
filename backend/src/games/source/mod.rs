//! Source engine dedicated servers (srcds: TF2, CS:GO, L4D2, Garry's Mod, …): command-line
//! game/map, `<game>/cfg/server.cfg` with the RCON password last, Source RCON on the game port.

pub mod command;
mod import;
mod log;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::common::{
    check_executable, check_name, check_range, field, parse_config, required_secret, to_json, with_defaults,
};
use super::{
    ContentFolder, GameAdapter, GracefulStop, LaunchPlan, LogLine, PortSpec, RconFlavour, RconTarget, RenderedFile,
    ServerSpec, Transport,
};
use crate::error::ApiError;

pub struct Source;

const EXECUTABLES: &[&str] = &["srcds_run", "srcds_linux", "srcds.exe", "srcds_x64.exe"];

/// Cvars the adapter writes itself; setting them through `cvars` would either be overridden
/// or put a secret into the (unencrypted, API-visible) config.
const MANAGED_CVARS: &[&str] = &["hostname", "sv_password", "rcon_password", "maxplayers"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SourceConfig {
    /// The game folder, e.g. `tf`, `csgo`, `left4dead2`, `garrysmod`.
    pub game: String,
    pub map: String,
    pub max_players: u16,
    pub hostname: String,
    /// Extra cvars for server.cfg, name → value (sorted, so the file is stable).
    pub cvars: BTreeMap<String, String>,
}

impl Default for SourceConfig {
    fn default() -> Self {
        SourceConfig {
            game: "tf".into(),
            map: "ctf_2fort".into(),
            max_players: 24,
            hostname: "Languard Source Server".into(),
            cvars: BTreeMap::new(),
        }
    }
}

/// A value written inside `"…"` in a .cfg file: Source has no escape for `"`, and `;` or a
/// line break would start another console command, so these are refused.
fn check_cfg_value(field: &str, value: &str) -> Result<(), ApiError> {
    if value.chars().any(|c| c == '"' || c == ';' || c.is_control()) {
        return Err(ApiError::validation(
            field,
            "must not contain `\"`, `;`, CR, LF or other control characters",
        ));
    }
    Ok(())
}

/// The one way a value is written into server.cfg.
fn cfg_line(out: &mut String, field: &str, name: &str, value: &str) -> Result<(), ApiError> {
    check_cfg_value(field, value)?;
    let _ = writeln!(out, "{name} \"{value}\"");
    Ok(())
}

impl SourceConfig {
    fn check(&self) -> Result<(), ApiError> {
        let game_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
        check_name(
            &field("game"),
            &self.game,
            64,
            game_char,
            "lowercase letters, digits, `_`",
        )?;
        check_cfg_value(&field("map"), &self.map)?;
        // The map is also an argv element after `+map`: a leading `-`/`+` or a space would turn
        // it into another launch option, and `..` would leave the maps folder.
        let map_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/');
        check_name(&field("map"), &self.map, 128, map_char, "letters, digits, `_-./`")?;
        if self.map.starts_with(['-', '+', '/']) || self.map.contains("..") {
            return Err(ApiError::validation(field("map"), "must be a map name"));
        }
        check_range(&field("max_players"), self.max_players, 1, 128)?;
        check_cfg_value(&field("hostname"), &self.hostname)?;
        let cvar_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
        for (name, value) in &self.cvars {
            let f = format!("config.cvars.{name}");
            check_name(&f, name, 64, cvar_char, "letters, digits, `_`")?;
            if MANAGED_CVARS.contains(&name.to_ascii_lowercase().as_str()) {
                return Err(ApiError::validation(
                    f,
                    "is set by Languard; use the dedicated setting or secret",
                ));
            }
            check_cfg_value(&f, value)?;
        }
        Ok(())
    }
}

fn server_cfg(c: &SourceConfig, game_password: Option<&str>, rcon_password: &str) -> Result<String, ApiError> {
    let mut out = String::from("// Written by Languard before each start; edits here are overwritten.\n");
    cfg_line(&mut out, "config.hostname", "hostname", &c.hostname)?;
    if let Some(pw) = game_password.filter(|p| !p.is_empty()) {
        cfg_line(&mut out, "game_password", "sv_password", pw)?;
    }
    for (name, value) in &c.cvars {
        cfg_line(&mut out, &format!("config.cvars.{name}"), name, value)?;
    }
    // Last, so nothing above (or exec'd by it) can leave the panel locked out.
    cfg_line(&mut out, "rcon_password", "rcon_password", rcon_password)?;
    Ok(out)
}

impl GameAdapter for Source {
    fn id(&self) -> super::GameId {
        super::GameId::Source
    }

    fn name(&self) -> &'static str {
        "Source engine (srcds)"
    }

    fn config_schema(&self) -> Value {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "game": {"type": "string", "description": "Game folder: tf, csgo, left4dead2, garrysmod, …"},
                "map": {"type": "string", "description": "Start map"},
                "max_players": {"type": "integer", "minimum": 1, "maximum": 128},
                "hostname": {"type": "string", "title": "Server name"},
                "cvars": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Extra cvars for server.cfg"}
            }
        });
        with_defaults(schema, &self.default_config())
    }

    fn default_config(&self) -> Value {
        serde_json::to_value(SourceConfig::default()).unwrap_or(Value::Null)
    }

    fn validate(&self, config: &Value) -> Result<Value, ApiError> {
        let parsed: SourceConfig = parse_config(config)?;
        parsed.check()?;
        to_json(&parsed)
    }

    fn allowed_executables(&self) -> &'static [&'static str] {
        EXECUTABLES
    }

    fn secret_names(&self) -> &'static [&'static str] {
        &["rcon_password", "game_password"]
    }

    fn default_game_port(&self) -> u16 {
        27015
    }

    fn plan(&self, spec: &ServerSpec<'_>) -> Result<LaunchPlan, ApiError> {
        check_executable(EXECUTABLES, spec.executable)?;
        let c: SourceConfig = parse_config(spec.config)?;
        c.check()?;
        let rcon_password = required_secret("rcon_password", &spec.secrets.rcon_password)?;
        let contents = server_cfg(&c, spec.secrets.game_password.as_deref(), rcon_password)?;
        let port = spec.game_port;
        Ok(LaunchPlan {
            program: spec.executable.to_path_buf(),
            args: vec![
                "-game".into(),
                c.game.clone(),
                "-port".into(),
                port.to_string(),
                "+map".into(),
                c.map.clone(),
                "+maxplayers".into(),
                c.max_players.to_string(),
            ],
            cwd: spec.directory.to_path_buf(),
            files: vec![RenderedFile {
                path: format!("{}/cfg/server.cfg", c.game).into(),
                contents,
                secret: true,
            }],
            ports: vec![
                PortSpec {
                    port,
                    transport: Transport::Udp,
                    purpose: "game".into(),
                },
                PortSpec {
                    port,
                    transport: Transport::Tcp,
                    purpose: "rcon".into(),
                },
            ],
            rcon: Some(RconTarget {
                flavour: RconFlavour::Source,
                port,
                password: rcon_password.to_owned(),
            }),
            stop: GracefulStop::Rcon("quit".into()),
            // srcds names its log files itself (`<game>/logs/L<date>….log`); stdout is read instead.
            log: None,
            keys: Vec::new(),
        })
    }

    fn parse_log_line(&self, line: &str) -> Option<LogLine> {
        log::parse(line)
    }

    fn import(&self, config: &Value, read: super::import::ReadFile<'_>) -> super::import::Found {
        match parse_config::<SourceConfig>(config) {
            Ok(c) => import::import(&c.game, read),
            Err(_) => super::import::Found::default(),
        }
    }

    /// Maps live in the game folder srcds runs (`-game`).
    fn content(&self, config: &Value) -> Option<ContentFolder> {
        let c: SourceConfig = parse_config(config).ok()?;
        Some(ContentFolder {
            dir: PathBuf::from(c.game).join("maps"),
            extension: "bsp",
            kind: "maps",
        })
    }
}
