//! Arma 3 dedicated server: server.cfg, basic.cfg, the server profile (Custom difficulty) and
//! the BattlEye RCon config, BattlEye RCon on its own UDP port, `#shutdown` to stop.

pub mod command;
mod config;
mod import;
#[cfg(test)]
mod injection_tests;
mod log;
#[cfg(test)]
mod log_tests;
mod missions;
mod parse;
mod render;
pub mod rotation;
mod schema;
#[cfg(test)]
mod tests;

use serde_json::Value;

use self::config::Arma3Config;
use super::common::{check_executable, parse_config, port_offset, required_secret, to_json, with_defaults};
use super::{
    ContentFolder, GameAdapter, GameLog, GracefulStop, LaunchMod, LaunchPlan, LogLine, PortSpec, RconFlavour,
    RconTarget, RenderedFile, ServerSpec, Transport,
};
use crate::error::ApiError;

pub struct Arma3;

const EXECUTABLES: &[&str] = &["arma3server_x64", "arma3server", "arma3server_x64.exe"];

/// The game binds P..=P+4 (game, query, Steam master, legacy VoN, BattlEye); the default RCon
/// port sits past them with room to spare.
const RCON_OFFSET: u16 = 10;

impl Arma3 {
    fn rcon_port(c: &Arma3Config, game_port: u16) -> Result<u16, ApiError> {
        let port = match c.rcon_port {
            Some(p) => p,
            None => port_offset(game_port, RCON_OFFSET)?,
        };
        if (u32::from(game_port)..=u32::from(game_port) + 4).contains(&u32::from(port)) {
            return Err(ApiError::validation(
                "config.rcon_port",
                format!(
                    "must not be one of the game's ports {game_port}..{}",
                    u32::from(game_port) + 4
                ),
            ));
        }
        Ok(port)
    }

    fn args(c: &Arma3Config, game_port: u16, mods: &[LaunchMod]) -> Result<Vec<String>, ApiError> {
        let mut args = vec![
            format!("-port={game_port}"),
            "-config=server.cfg".into(),
            "-cfg=basic.cfg".into(),
            "-profiles=profiles".into(),
            format!("-name={}", c.profile_name),
            "-bepath=battleye".into(),
            format!("-world={}", c.world),
        ];
        if c.auto_init {
            args.push("-autoInit".into());
        }
        if c.load_mission_to_memory {
            args.push("-loadMissionToMemory".into());
        }
        if let Some(fps) = c.limit_fps {
            args.push(format!("-limitFPS={fps}"));
        }
        // One argv element each: no shell is involved, so the `;` needs no quoting, but it
        // separates mods, so a folder holding one (or a quote) cannot be passed at all.
        for (server_only, flag) in [(false, "-mod"), (true, "-serverMod")] {
            let mut folders = Vec::new();
            for m in mods.iter().filter(|m| m.server_only == server_only) {
                let text = m.folder.to_str().unwrap_or_default();
                if text.is_empty() || text.contains([';', '"', '\'']) || text.chars().any(char::is_control) {
                    return Err(ApiError::validation(
                        "mods",
                        format!("the folder {} cannot be passed in {flag}=", m.folder.display()),
                    ));
                }
                folders.push(text);
            }
            if !folders.is_empty() {
                args.push(format!("{flag}={}", folders.join(";")));
            }
        }
        Ok(args)
    }
}

impl GameAdapter for Arma3 {
    fn id(&self) -> super::GameId {
        super::GameId::Arma3
    }

    fn name(&self) -> &'static str {
        "Arma 3"
    }

    fn config_schema(&self) -> Value {
        with_defaults(schema::schema(), &self.default_config())
    }

    fn default_config(&self) -> Value {
        serde_json::to_value(Arma3Config::default()).unwrap_or(Value::Null)
    }

    fn validate(&self, config: &Value) -> Result<Value, ApiError> {
        let parsed: Arma3Config = parse_config(config)?;
        parsed.check()?;
        to_json(&parsed)
    }

    fn allowed_executables(&self) -> &'static [&'static str] {
        EXECUTABLES
    }

    fn secret_names(&self) -> &'static [&'static str] {
        &["rcon_password", "game_password", "admin_password"]
    }

    fn default_game_port(&self) -> u16 {
        2302
    }

    fn plan(&self, spec: &ServerSpec<'_>) -> Result<LaunchPlan, ApiError> {
        check_executable(EXECUTABLES, spec.executable)?;
        let c: Arma3Config = parse_config(spec.config)?;
        c.check()?;
        let p = spec.game_port;
        let rcon_port = Self::rcon_port(&c, p)?;
        let rcon_password = required_secret("rcon_password", &spec.secrets.rcon_password)?;
        let name = &c.profile_name;
        let files = vec![
            RenderedFile {
                path: "server.cfg".into(),
                contents: render::server_cfg(&c, spec.secrets)?,
                secret: true,
            },
            RenderedFile {
                path: "basic.cfg".into(),
                contents: render::basic_cfg(&c)?,
                secret: false,
            },
            RenderedFile {
                path: format!("profiles/home/{name}/{name}.Arma3Profile").into(),
                contents: render::profile(&c),
                secret: false,
            },
            RenderedFile {
                path: "battleye/beserver_x64.cfg".into(),
                contents: render::be_cfg(rcon_password, rcon_port)?,
                secret: true,
            },
        ];
        let udp = |port: u16, purpose: &str| PortSpec {
            port,
            transport: Transport::Udp,
            purpose: purpose.into(),
        };
        let ports = vec![
            udp(p, "game"),
            udp(port_offset(p, 1)?, "query"),
            udp(port_offset(p, 2)?, "steam"),
            udp(port_offset(p, 3)?, "von"),
            udp(port_offset(p, 4)?, "battleye"),
            udp(rcon_port, "rcon"),
        ];
        Ok(LaunchPlan {
            program: spec.executable.to_path_buf(),
            args: Self::args(&c, p, spec.mods)?,
            cwd: spec.directory.to_path_buf(),
            files,
            ports,
            rcon: Some(RconTarget {
                flavour: RconFlavour::Battleye,
                port: rcon_port,
                password: rcon_password.to_owned(),
            }),
            stop: GracefulStop::Rcon("#shutdown".into()),
            // The RPT's name carries the start time and is not known in advance.
            log: Some(GameLog::Newest {
                dir: spec.directory.join("profiles"),
                extension: "rpt",
            }),
            // With signatures verified, clients may only join with mods the server has keys for.
            keys: if c.verify_signatures == 2 {
                spec.mods.iter().flat_map(|m| m.keys.iter().cloned()).collect()
            } else {
                Vec::new()
            },
        })
    }

    fn parse_log_line(&self, line: &str) -> Option<LogLine> {
        log::parse(line)
    }

    fn content(&self, _config: &Value) -> Option<ContentFolder> {
        Some(ContentFolder {
            dir: "mpmissions".into(),
            extension: "pbo",
            kind: "missions",
        })
    }

    fn supports_mods(&self) -> bool {
        true
    }

    fn import(&self, _config: &Value, read: super::import::ReadFile<'_>) -> super::import::Found {
        import::import(read)
    }
}
