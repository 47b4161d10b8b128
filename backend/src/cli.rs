//! The command line: `languard serve | migrate | user add|passwd|list | openapi | check-config | rcon`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::auth::Role;
use crate::config::Config;
use crate::games::{RconFlavour, RconTarget};
use crate::rcon::Link;

#[derive(Debug, Parser)]
#[command(name = "languard", version, about = "Self-hosted manager for dedicated game servers")]
pub struct Cli {
    /// TOML configuration file [env: LANGUARD_CONFIG]
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Address to listen on [env: LANGUARD_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long, global = true)]
    pub listen: Option<String>,
    /// Data directory [env: LANGUARD_DATA_DIR] [default: ./data]
    #[arg(long, global = true)]
    pub data_dir: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the panel: HTTP API, web interface and API docs.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the OpenAPI document (the source of openapi/openapi.json).
    Openapi,
    /// Validate the configuration and print the resolved values (secrets hidden).
    CheckConfig,
    /// Run one RCON command on a game server and print the reply. The password is read from the
    /// environment variable LANGUARD_RCON_PASSWORD (never from the command line).
    Rcon {
        /// The game's RCON protocol.
        #[arg(long, value_enum)]
        flavour: FlavourArg,
        /// The game's RCON port.
        #[arg(long)]
        port: u16,
        /// The game server's host name or address.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// The command and its arguments, joined with spaces (e.g. `say -1 hello`).
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FlavourArg {
    /// BattlEye RCon over UDP (Arma 3, DayZ).
    Battleye,
    /// Source RCON over TCP (srcds).
    Source,
    /// Minecraft's RCON over TCP.
    Minecraft,
}

impl From<FlavourArg> for RconFlavour {
    fn from(f: FlavourArg) -> RconFlavour {
        match f {
            FlavourArg::Battleye => RconFlavour::Battleye,
            FlavourArg::Source => RconFlavour::Source,
            FlavourArg::Minecraft => RconFlavour::Minecraft,
        }
    }
}

/// The environment variable `languard rcon` reads the password from.
pub const RCON_PASSWORD_ENV: &str = "LANGUARD_RCON_PASSWORD";

/// `languard rcon`: one command over a fresh link; the reply, or the error users can read.
pub async fn rcon(flavour: FlavourArg, port: u16, host: &str, command: &[String]) -> anyhow::Result<String> {
    let password = std::env::var(RCON_PASSWORD_ENV)
        .map_err(|_| anyhow::anyhow!("set {RCON_PASSWORD_ENV} to the RCON password"))?;
    let target = RconTarget {
        flavour: flavour.into(),
        port,
        password,
    };
    let link = Link::with_host(target, host);
    let reply = link.command(&command.join(" ")).await;
    link.close();
    Ok(reply?)
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input.
    Add {
        username: String,
        #[arg(long, value_enum, default_value = "viewer")]
        role: RoleArg,
    },
    /// Set a user's password (read from standard input) and end their sessions.
    Passwd { username: String },
    /// List users.
    List,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RoleArg {
    Admin,
    Operator,
    Viewer,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Operator => Role::Operator,
            RoleArg::Viewer => Role::Viewer,
        }
    }
}

impl Cli {
    pub fn load_config(&self) -> Result<Config, crate::config::ConfigError> {
        let file = self
            .config
            .clone()
            .or_else(|| std::env::var_os("LANGUARD_CONFIG").map(PathBuf::from));
        Config::load(
            file.as_deref(),
            &[("listen", self.listen.clone()), ("data_dir", self.data_dir.clone())],
        )
    }
}

/// Reads one line from standard input, prompting when it is a terminal.
pub fn read_password(prompt: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt} (input is visible; pipe it in to avoid that): ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        anyhow::bail!("no password given on standard input");
    }
    Ok(password)
}
