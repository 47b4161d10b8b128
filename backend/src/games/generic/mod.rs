//! Any other server: the owner gives the argv, the ports, optionally an RCON endpoint, a log
//! file and a stop command. Nothing is rendered.

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::common::{
    check_relative_path, field, no_control_chars, parse_config, required_secret, to_json, with_defaults,
};
use super::{
    ContentFolder, GameAdapter, GameLog, GracefulStop, LaunchPlan, LogEventKind, LogLevel, LogLine, PortSpec,
    RconFlavour, RconTarget, ServerSpec, Transport,
};
use crate::error::ApiError;

pub struct Generic;

/// Replaced in every argument, so the command line follows the server's game port.
pub const PORT_PLACEHOLDER: &str = "{game_port}";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GenericConfig {
    pub args: Vec<String>,
    pub rcon: Option<RconSettings>,
    /// Relative to the server directory.
    pub log_file: Option<String>,
    /// Written to stdin to stop; without it the process group gets SIGTERM.
    pub stop_command: Option<String>,
    /// Empty: the game port on TCP and UDP.
    pub ports: Vec<PortSetting>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RconSettings {
    pub flavour: Flavour,
    pub port: u16,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortSetting {
    pub port: u16,
    pub transport: Proto,
}

// Local mirrors of the public enums, which are serialise-only by design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavour {
    Battleye,
    Source,
    Minecraft,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Udp,
}

impl From<Proto> for Transport {
    fn from(p: Proto) -> Self {
        match p {
            Proto::Tcp => Transport::Tcp,
            Proto::Udp => Transport::Udp,
        }
    }
}

impl From<Flavour> for RconFlavour {
    fn from(f: Flavour) -> Self {
        match f {
            Flavour::Battleye => RconFlavour::Battleye,
            Flavour::Source => RconFlavour::Source,
            Flavour::Minecraft => RconFlavour::Minecraft,
        }
    }
}

impl GenericConfig {
    fn check(&self) -> Result<(), ApiError> {
        if self.args.len() > 256 {
            return Err(ApiError::validation(field("args"), "at most 256 arguments"));
        }
        for (i, arg) in self.args.iter().enumerate() {
            // An argv element cannot hold NUL; everything else is passed as is (no shell).
            if arg.contains('\0') || arg.len() > 4096 {
                return Err(ApiError::validation(
                    format!("config.args.{i}"),
                    "must be at most 4096 bytes without NUL",
                ));
            }
        }
        if let Some(rcon) = &self.rcon {
            if rcon.port == 0 {
                return Err(ApiError::validation("config.rcon.port", "must be between 1 and 65535"));
            }
        }
        if let Some(path) = &self.log_file {
            check_relative_path(&field("log_file"), path)?;
        }
        if let Some(cmd) = &self.stop_command {
            // One line on stdin: a line break would send a second command.
            no_control_chars(&field("stop_command"), cmd)?;
            if cmd.trim().is_empty() {
                return Err(ApiError::validation(
                    field("stop_command"),
                    "must not be empty; omit it to use SIGTERM",
                ));
            }
        }
        for (i, p) in self.ports.iter().enumerate() {
            if p.port == 0 {
                return Err(ApiError::validation(
                    format!("config.ports.{i}.port"),
                    "must be between 1 and 65535",
                ));
            }
        }
        Ok(())
    }
}

impl GameAdapter for Generic {
    fn id(&self) -> super::GameId {
        super::GameId::Generic
    }

    fn name(&self) -> &'static str {
        "Other (generic)"
    }

    fn config_schema(&self) -> Value {
        let port = json!({"type": "integer", "minimum": 1, "maximum": 65535});
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "args": {"type": "array", "items": {"type": "string"}, "description": "Arguments, one per entry; {game_port} is replaced by the game port"},
                "rcon": {"type": ["object", "null"], "additionalProperties": false, "required": ["flavour", "port"], "properties": {
                    "flavour": {"type": "string", "enum": ["battleye", "source", "minecraft"]},
                    "port": port
                }},
                "log_file": {"type": ["string", "null"], "description": "Log file relative to the server directory"},
                "stop_command": {"type": ["string", "null"], "description": "Console line written to stdin to stop; empty means SIGTERM"},
                "ports": {"type": "array", "description": "Ports to check before start; empty means the game port on TCP and UDP", "items": {
                    "type": "object", "additionalProperties": false, "required": ["port", "transport"], "properties": {
                        "port": port,
                        "transport": {"type": "string", "enum": ["tcp", "udp"]}
                    }
                }}
            }
        });
        with_defaults(schema, &self.default_config())
    }

    fn default_config(&self) -> Value {
        serde_json::to_value(GenericConfig::default()).unwrap_or(Value::Null)
    }

    fn validate(&self, config: &Value) -> Result<Value, ApiError> {
        let parsed: GenericConfig = parse_config(config)?;
        parsed.check()?;
        to_json(&parsed)
    }

    fn allowed_executables(&self) -> &'static [&'static str] {
        &[]
    }

    fn secret_names(&self) -> &'static [&'static str] {
        &["rcon_password"]
    }

    fn default_game_port(&self) -> u16 {
        27015
    }

    fn plan(&self, spec: &ServerSpec<'_>) -> Result<LaunchPlan, ApiError> {
        let c: GenericConfig = parse_config(spec.config)?;
        c.check()?;
        let game_port = spec.game_port;
        let port_text = game_port.to_string();
        let args = c.args.iter().map(|a| a.replace(PORT_PLACEHOLDER, &port_text)).collect();
        let mut ports: Vec<PortSpec> = if c.ports.is_empty() {
            [Transport::Tcp, Transport::Udp]
                .into_iter()
                .map(|transport| PortSpec {
                    port: game_port,
                    transport,
                    purpose: "game".into(),
                })
                .collect()
        } else {
            c.ports
                .iter()
                .map(|p| PortSpec {
                    port: p.port,
                    transport: p.transport.into(),
                    purpose: if p.port == game_port { "game" } else { "extra" }.into(),
                })
                .collect()
        };
        let rcon = match &c.rcon {
            None => None,
            Some(r) => {
                let password = required_secret("rcon_password", &spec.secrets.rcon_password)?;
                let transport = match r.flavour {
                    Flavour::Battleye => Transport::Udp,
                    Flavour::Source | Flavour::Minecraft => Transport::Tcp,
                };
                if !ports.iter().any(|p| p.port == r.port && p.transport == transport) {
                    ports.push(PortSpec {
                        port: r.port,
                        transport,
                        purpose: "rcon".into(),
                    });
                }
                Some(RconTarget {
                    flavour: r.flavour.into(),
                    port: r.port,
                    password: password.to_owned(),
                })
            }
        };
        Ok(LaunchPlan {
            program: spec.executable.to_path_buf(),
            args,
            cwd: spec.directory.to_path_buf(),
            files: Vec::new(),
            ports,
            rcon,
            stop: match c.stop_command {
                Some(cmd) => GracefulStop::Stdin(cmd),
                None => GracefulStop::Signal,
            },
            log: c.log_file.map(|f| GameLog::File(spec.directory.join(f))),
            keys: Vec::new(),
        })
    }

    /// Unknown format: every non-empty line is shown as is.
    fn parse_log_line(&self, line: &str) -> Option<LogLine> {
        let line = line.trim_end_matches(['\r', '\n']);
        (!line.trim().is_empty()).then(|| LogLine {
            level: LogLevel::Info,
            time: None,
            message: line.to_owned(),
            kind: LogEventKind::Other,
        })
    }

    fn content(&self, _config: &Value) -> Option<ContentFolder> {
        None
    }
}
