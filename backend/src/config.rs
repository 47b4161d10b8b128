//! Typed configuration: defaults < TOML file < `LANGUARD_<KEY>` environment < command-line flags.
//!
//! Every key is listed in [`KEYS`] with its default and meaning; the README table is written from
//! the same list. An invalid value is reported with the key and where it came from.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// (key, default, meaning). The default `""` means "unset".
pub const KEYS: &[(&str, &str, &str)] = &[
    (
        "listen",
        "127.0.0.1:8080",
        "address and port the HTTP server binds (port 0 picks a free one)",
    ),
    (
        "data_dir",
        "./data",
        "where the SQLite database, keys and server files live",
    ),
    (
        "database_url",
        "",
        "`postgres://…` selects PostgreSQL; empty means `<data_dir>/languard.db` (SQLite)",
    ),
    (
        "admin_password",
        "",
        "password of the `admin` account created on first start; empty prints a random one once",
    ),
    (
        "jwt_secret",
        "",
        "HS256 signing key for access tokens; empty generates one in `<data_dir>/jwt.key` (0600)",
    ),
    ("access_token_ttl", "900", "lifetime of an access token, in seconds"),
    (
        "refresh_token_ttl",
        "2592000",
        "lifetime of a login session (refresh token), in seconds",
    ),
    ("max_body_bytes", "1048576", "largest accepted request body, in bytes"),
    (
        "cors_origins",
        "",
        "comma-separated origins allowed by CORS; empty turns CORS off",
    ),
    ("static_dir", "frontend/dist", "the built SPA served at `/`"),
    ("db_pool_size", "8", "database connections kept open"),
    (
        "log_level",
        "info",
        "tracing filter, e.g. `info` or `languard=debug,actix_web=info`",
    ),
    (
        "players_poll_interval",
        "5",
        "seconds between two roster polls of a running server (1–3600)",
    ),
    (
        "rcon_lost_after",
        "60",
        "seconds of unreachable RCON after which a server's open player sessions are closed",
    ),
    (
        "steam_api_key",
        "",
        "Steam Web API key for player names and avatars; empty uses in-game names only",
    ),
    (
        "steam_api_url",
        "https://api.steampowered.com",
        "base URL of the Steam Web API",
    ),
    ("session_retention_days", "365", "days closed player sessions are kept"),
    ("log_retention_days", "30", "days stored log lines are kept"),
    (
        "live_state_retention_days",
        "90",
        "days of player-count/map history kept",
    ),
    (
        "metrics_interval",
        "5",
        "seconds between two samples of each running server's and the host's figures (1–3600)",
    ),
    (
        "mods_root",
        "",
        "folder holding the mod library's `@mod` folders; empty means `<data_dir>/mods`",
    ),
    (
        "max_upload_bytes",
        "536870912",
        "largest mission, map or datapack upload, in bytes",
    ),
    (
        "metrics_retention_days",
        "365",
        "days hourly figures are kept (5-minute ones 90 days, 1-minute ones 14, raw samples 2)",
    ),
];

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub admin_password: Option<String>,
    pub jwt_secret: Option<String>,
    pub access_token_ttl: i64,
    pub refresh_token_ttl: i64,
    pub max_body_bytes: usize,
    pub cors_origins: Vec<String>,
    pub static_dir: PathBuf,
    pub db_pool_size: u32,
    pub log_level: String,
    pub players_poll_interval: u64,
    pub rcon_lost_after: u64,
    pub steam_api_key: Option<String>,
    pub steam_api_url: String,
    pub session_retention_days: i64,
    pub log_retention_days: i64,
    pub live_state_retention_days: i64,
    pub metrics_interval: u64,
    pub metrics_retention_days: i64,
    pub mods_root: PathBuf,
    pub max_upload_bytes: u64,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: `{key}` (from {source_name}): {reason}")]
pub struct ConfigError {
    pub key: String,
    pub source_name: String,
    pub reason: String,
}

fn config_error(key: &str, source_name: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.to_owned(),
        source_name: source_name.to_owned(),
        reason: reason.into(),
    }
}

impl Config {
    /// Loads the configuration from the process environment, an optional TOML file and flags.
    pub fn load(file: Option<&Path>, flags: &[(&str, Option<String>)]) -> Result<Config, ConfigError> {
        let toml_text = match file {
            Some(path) => std::fs::read_to_string(path).map_err(|e| {
                config_error(
                    "config",
                    &path.display().to_string(),
                    format!("cannot read the file: {e}"),
                )
            })?,
            None => String::new(),
        };
        let env: BTreeMap<String, String> = std::env::vars().collect();
        Self::from_sources(&toml_text, &env, flags)
    }

    pub fn from_sources(
        toml_text: &str,
        env: &BTreeMap<String, String>,
        flags: &[(&str, Option<String>)],
    ) -> Result<Config, ConfigError> {
        let table: toml::Table = toml_text
            .parse()
            .map_err(|e: toml::de::Error| config_error("config", "config file", e.message().to_owned()))?;
        for key in table.keys() {
            if !KEYS.iter().any(|(k, _, _)| k == key) {
                return Err(config_error(key, "config file", "unknown key"));
            }
        }
        // Resolve every key to (raw text, where it came from).
        let mut raw: BTreeMap<&str, (String, String)> = BTreeMap::new();
        for (key, default, _) in KEYS {
            let env_name = format!("LANGUARD_{}", key.to_uppercase());
            let flag = flags.iter().find(|(k, _)| k == key).and_then(|(_, v)| v.clone());
            let value = if let Some(v) = flag {
                (v, format!("--{}", key.replace('_', "-")))
            } else if let Some(v) = env.get(&env_name) {
                (v.clone(), env_name)
            } else if let Some(v) = table.get(*key) {
                (toml_to_text(key, v)?, "config file".to_owned())
            } else {
                ((*default).to_owned(), "default".to_owned())
            };
            raw.insert(key, value);
        }
        let get = |key: &str| -> (&str, &str) {
            let (v, s) = &raw[key];
            (v.as_str(), s.as_str())
        };

        let (v, s) = get("listen");
        let listen: SocketAddr = v
            .parse()
            .map_err(|_| config_error("listen", s, format!("`{v}` is not an address like 127.0.0.1:8080")))?;
        let (v, s) = get("data_dir");
        if v.trim().is_empty() {
            return Err(config_error("data_dir", s, "must not be empty"));
        }
        let data_dir = PathBuf::from(v);
        let (v, s) = get("database_url");
        let database_url = if v.is_empty() {
            format!("sqlite://{}", data_dir.join("languard.db").display())
        } else if let Some(path) = v.strip_prefix("sqlite://") {
            // Every pooled connection would get its own empty in-memory database.
            if path.is_empty() || path.contains(":memory:") || path.starts_with("file:") {
                return Err(config_error("database_url", s, "sqlite:// needs a file path"));
            }
            v.to_owned()
        } else if v.starts_with("postgres://") || v.starts_with("postgresql://") {
            v.to_owned()
        } else {
            return Err(config_error(
                "database_url",
                s,
                "must start with postgres://, postgresql:// or sqlite://",
            ));
        };
        let optional = |key: &str| {
            let (v, _) = get(key);
            (!v.is_empty()).then(|| v.to_owned())
        };
        let admin_password = optional("admin_password");
        if let Some(p) = &admin_password {
            if p.chars().count() < 8 {
                return Err(config_error(
                    "admin_password",
                    get("admin_password").1,
                    "must be at least 8 characters",
                ));
            }
        }
        let jwt_secret = optional("jwt_secret");
        if let Some(secret) = &jwt_secret {
            if secret.len() < 32 {
                return Err(config_error(
                    "jwt_secret",
                    get("jwt_secret").1,
                    "must be at least 32 characters",
                ));
            }
        }
        let access_token_ttl = parse_number(get("access_token_ttl"), "access_token_ttl", 30, 86_400)?;
        let refresh_token_ttl = parse_number(get("refresh_token_ttl"), "refresh_token_ttl", 300, 31_536_000)?;
        let max_body_bytes = parse_number(get("max_body_bytes"), "max_body_bytes", 1024, 1 << 30)? as usize;
        let db_pool_size = parse_number(get("db_pool_size"), "db_pool_size", 1, 256)? as u32;
        let (v, s) = get("cors_origins");
        let cors_origins: Vec<String> = v
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect();
        for origin in &cors_origins {
            if !(origin.starts_with("http://") || origin.starts_with("https://")) || origin.ends_with('/') {
                return Err(config_error(
                    "cors_origins",
                    s,
                    format!("`{origin}` is not an origin like https://panel.example.org"),
                ));
            }
        }
        let static_dir = PathBuf::from(get("static_dir").0);
        let (v, s) = get("log_level");
        if tracing_subscriber::EnvFilter::try_new(v).is_err() {
            return Err(config_error("log_level", s, format!("`{v}` is not a tracing filter")));
        }
        let players_poll_interval =
            parse_number(get("players_poll_interval"), "players_poll_interval", 1, 3600)? as u64;
        let rcon_lost_after = parse_number(get("rcon_lost_after"), "rcon_lost_after", 1, 86_400)? as u64;
        let steam_api_key = optional("steam_api_key");
        let (v, s) = get("steam_api_url");
        if !(v.starts_with("http://") || v.starts_with("https://")) {
            return Err(config_error("steam_api_url", s, format!("`{v}` is not an http(s) URL")));
        }
        let steam_api_url = v.to_owned();
        let session_retention_days = parse_number(get("session_retention_days"), "session_retention_days", 1, 36_500)?;
        let log_retention_days = parse_number(get("log_retention_days"), "log_retention_days", 1, 36_500)?;
        let live_state_retention_days =
            parse_number(get("live_state_retention_days"), "live_state_retention_days", 1, 36_500)?;
        let metrics_interval = parse_number(get("metrics_interval"), "metrics_interval", 1, 3600)? as u64;
        let metrics_retention_days = parse_number(get("metrics_retention_days"), "metrics_retention_days", 1, 36_500)?;
        let (v, s) = get("mods_root");
        let mods_root = if v.is_empty() {
            data_dir.join("mods")
        } else {
            PathBuf::from(v)
        };
        // Mod folders are passed as `-mod=<root>/@a;<root>/@b`.
        if v.contains([';', '"', '\'']) {
            return Err(config_error("mods_root", s, "must not contain `;` or quotes"));
        }
        let max_upload_bytes = parse_number(get("max_upload_bytes"), "max_upload_bytes", 1024, 1 << 40)? as u64;
        let (v, _) = get("log_level");
        Ok(Config {
            mods_root,
            max_upload_bytes,
            metrics_interval,
            metrics_retention_days,
            players_poll_interval,
            rcon_lost_after,
            steam_api_key,
            steam_api_url,
            session_retention_days,
            log_retention_days,
            live_state_retention_days,
            listen,
            data_dir,
            database_url,
            admin_password,
            jwt_secret,
            access_token_ttl,
            refresh_token_ttl,
            max_body_bytes,
            cors_origins,
            static_dir,
            db_pool_size,
            log_level: v.to_owned(),
        })
    }
}

impl Config {
    /// Every key with its resolved value, secrets replaced by `(set)`.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        let secret = |v: &Option<String>| if v.is_some() { "(set)" } else { "(unset)" }.to_owned();
        let database = match self.database_url.rsplit_once('@') {
            // postgres://user:password@host/db: keep the host, hide the credentials
            Some((scheme_and_user, host)) => {
                let scheme = scheme_and_user.split("://").next().unwrap_or("postgres");
                format!("{scheme}://(credentials hidden)@{host}")
            }
            None => self.database_url.clone(),
        };
        vec![
            ("listen", self.listen.to_string()),
            ("data_dir", self.data_dir.display().to_string()),
            ("database_url", database),
            ("admin_password", secret(&self.admin_password)),
            ("jwt_secret", secret(&self.jwt_secret)),
            ("access_token_ttl", self.access_token_ttl.to_string()),
            ("refresh_token_ttl", self.refresh_token_ttl.to_string()),
            ("max_body_bytes", self.max_body_bytes.to_string()),
            ("cors_origins", self.cors_origins.join(",")),
            ("static_dir", self.static_dir.display().to_string()),
            ("db_pool_size", self.db_pool_size.to_string()),
            ("log_level", self.log_level.clone()),
            ("players_poll_interval", self.players_poll_interval.to_string()),
            ("rcon_lost_after", self.rcon_lost_after.to_string()),
            ("steam_api_key", secret(&self.steam_api_key)),
            ("steam_api_url", self.steam_api_url.clone()),
            ("session_retention_days", self.session_retention_days.to_string()),
            ("log_retention_days", self.log_retention_days.to_string()),
            ("live_state_retention_days", self.live_state_retention_days.to_string()),
            ("metrics_interval", self.metrics_interval.to_string()),
            ("metrics_retention_days", self.metrics_retention_days.to_string()),
            ("mods_root", self.mods_root.display().to_string()),
            ("max_upload_bytes", self.max_upload_bytes.to_string()),
        ]
    }
}

fn toml_to_text(key: &str, value: &toml::Value) -> Result<String, ConfigError> {
    match value {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                toml::Value::String(s) => Ok(s.clone()),
                _ => Err(config_error(key, "config file", "list items must be strings")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|items| items.join(",")),
        _ => Err(config_error(
            key,
            "config file",
            "must be a string, an integer or a list of strings",
        )),
    }
}

fn parse_number((text, source): (&str, &str), key: &str, min: i64, max: i64) -> Result<i64, ConfigError> {
    let n: i64 = text
        .trim()
        .parse()
        .map_err(|_| config_error(key, source, format!("`{text}` is not a whole number")))?;
    if !(min..=max).contains(&n) {
        return Err(config_error(key, source, format!("must be between {min} and {max}")));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let c = Config::from_sources("", &env(&[]), &[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://./data/languard.db");
        assert_eq!(c.access_token_ttl, 900);
        assert!(c.cors_origins.is_empty());
    }

    #[test]
    fn flags_beat_env_which_beats_file() {
        let file = "listen = \"127.0.0.1:1\"\nmax_body_bytes = 4096\ncors_origins = [\"https://a.example\"]";
        let e = env(&[("LANGUARD_LISTEN", "127.0.0.1:2"), ("LANGUARD_MAX_BODY_BYTES", "8192")]);
        let c = Config::from_sources(file, &e, &[("listen", Some("127.0.0.1:3".into()))]).unwrap();
        assert_eq!(c.listen.port(), 3);
        assert_eq!(c.max_body_bytes, 8192);
        assert_eq!(c.cors_origins, vec!["https://a.example".to_string()]);
    }

    #[test]
    fn errors_name_the_key_and_source() {
        let err = Config::from_sources("", &env(&[("LANGUARD_LISTEN", "nope")]), &[]).unwrap_err();
        assert_eq!(err.key, "listen");
        assert_eq!(err.source_name, "LANGUARD_LISTEN");
        let err = Config::from_sources("bogus = 1", &env(&[]), &[]).unwrap_err();
        assert_eq!(err.key, "bogus");
        let err = Config::from_sources("access_token_ttl = 5", &env(&[]), &[]).unwrap_err();
        assert_eq!(err.key, "access_token_ttl");
        assert!(err.reason.contains("between"));
        let err = Config::from_sources("", &env(&[("LANGUARD_DATABASE_URL", "mysql://x")]), &[]).unwrap_err();
        assert_eq!(err.key, "database_url");
    }
}
