//! Minecraft Java edition: `java -Xms -Xmx -jar <jar> nogui`, server.properties (with RCON
//! always on for the panel), eula.txt once the owner accepts it, `stop` on stdin.

pub mod command;
mod config;
mod import;
mod log;
mod properties;
#[cfg(test)]
mod tests;

use serde_json::Value;

use self::config::MinecraftConfig;
use super::common::{check_executable, parse_config, port_offset, required_secret, to_json, with_defaults};
use super::{
    ContentFolder, GameAdapter, GameLog, GracefulStop, LaunchPlan, LogLine, PortSpec, RconFlavour, RconTarget,
    RenderedFile, ServerSpec, Transport,
};
use crate::error::ApiError;

pub struct Minecraft;

const EXECUTABLES: &[&str] = &["java", "java.exe"];

impl GameAdapter for Minecraft {
    fn id(&self) -> super::GameId {
        super::GameId::Minecraft
    }

    fn name(&self) -> &'static str {
        "Minecraft (Java)"
    }

    fn config_schema(&self) -> Value {
        with_defaults(config::schema(), &self.default_config())
    }

    fn default_config(&self) -> Value {
        serde_json::to_value(MinecraftConfig::default()).unwrap_or(Value::Null)
    }

    fn validate(&self, config: &Value) -> Result<Value, ApiError> {
        let parsed: MinecraftConfig = parse_config(config)?;
        parsed.check()?;
        to_json(&parsed)
    }

    fn allowed_executables(&self) -> &'static [&'static str] {
        EXECUTABLES
    }

    fn secret_names(&self) -> &'static [&'static str] {
        &["rcon_password"]
    }

    fn default_game_port(&self) -> u16 {
        25565
    }

    fn plan(&self, spec: &ServerSpec<'_>) -> Result<LaunchPlan, ApiError> {
        check_executable(EXECUTABLES, spec.executable)?;
        let c: MinecraftConfig = parse_config(spec.config)?;
        c.check()?;
        let rcon_port = match c.rcon_port {
            Some(p) => p,
            None => port_offset(spec.game_port, 10)?,
        };
        if rcon_port == spec.game_port {
            return Err(ApiError::validation(
                "config.rcon_port",
                "must differ from the game port",
            ));
        }
        // Vanilla never authenticates an empty password, so the panel could not log in.
        let rcon_password = required_secret("rcon_password", &spec.secrets.rcon_password)?;
        let mut files = vec![RenderedFile {
            path: "server.properties".into(),
            contents: properties::server_properties(&c, spec.game_port, rcon_port, rcon_password),
            secret: true,
        }];
        if c.eula_accepted {
            files.push(RenderedFile {
                path: "eula.txt".into(),
                contents: properties::eula(),
                secret: false,
            });
        }
        let tcp = |port: u16, purpose: &str| PortSpec {
            port,
            transport: Transport::Tcp,
            purpose: purpose.into(),
        };
        Ok(LaunchPlan {
            program: spec.executable.to_path_buf(),
            args: vec![
                format!("-Xms{}M", c.memory_min_mb),
                format!("-Xmx{}M", c.memory_max_mb),
                "-jar".into(),
                c.jar.clone(),
                "nogui".into(),
            ],
            cwd: spec.directory.to_path_buf(),
            files,
            ports: vec![tcp(spec.game_port, "game"), tcp(rcon_port, "rcon")],
            rcon: Some(RconTarget {
                flavour: RconFlavour::Minecraft,
                port: rcon_port,
                password: rcon_password.to_owned(),
            }),
            stop: GracefulStop::Stdin("stop".into()),
            log: Some(GameLog::File(spec.directory.join("logs").join("latest.log"))),
            keys: Vec::new(),
        })
    }

    fn parse_log_line(&self, line: &str) -> Option<LogLine> {
        log::parse(line)
    }

    fn import(&self, _config: &Value, read: crate::games::import::ReadFile<'_>) -> crate::games::import::Found {
        import::import(read)
    }

    /// Datapacks are zip files in the world's `datapacks/` folder.
    fn content(&self, config: &Value) -> Option<ContentFolder> {
        let c: MinecraftConfig = parse_config(config).ok()?;
        Some(ContentFolder {
            dir: std::path::PathBuf::from(c.level_name).join("datapacks"),
            extension: "zip",
            kind: "datapacks",
        })
    }
}
