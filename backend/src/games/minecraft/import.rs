//! Reading an existing server.properties (Java Properties format) and eula.txt into the
//! Minecraft config.

use serde_json::{json, Value};

use super::config::RENDERED_KEYS;
use crate::games::import::{Found, ReadFile};

/// Undoes the Properties escapes: `\t \n \r \f`, `\uXXXX` (UTF-16 units), `\x` for any other x.
fn unescape(text: &str) -> String {
    let mut units: Vec<u16> = Vec::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        let c = if c == '\\' {
            match chars.next() {
                Some('t') => '\t',
                Some('n') => '\n',
                Some('r') => '\r',
                Some('f') => '\u{c}',
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    match u16::from_str_radix(&hex, 16) {
                        Ok(unit) if hex.len() == 4 => {
                            units.push(unit);
                            continue;
                        }
                        _ => '\u{fffd}',
                    }
                }
                Some(other) => other,
                None => continue,
            }
        } else {
            c
        };
        let mut buf = [0u16; 2];
        units.extend_from_slice(c.encode_utf16(&mut buf));
    }
    String::from_utf16_lossy(&units)
}

/// Whether the line ends in an odd number of backslashes (it continues on the next line).
fn continues(line: &str) -> bool {
    line.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

/// `(key, value)` pairs in file order, as `java.util.Properties.load` reads them.
pub fn parse(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut lines = text.lines();
    while let Some(first) = lines.next() {
        let mut logical = first.trim_start().to_owned();
        if logical.is_empty() || logical.starts_with('#') || logical.starts_with('!') {
            continue;
        }
        while continues(&logical) {
            logical.pop();
            match lines.next() {
                Some(next) => logical.push_str(next.trim_start()),
                None => break,
            }
        }
        // The key ends at the first unescaped `=`, `:` or white space.
        let mut end = logical.len();
        let mut escaped = false;
        for (i, c) in logical.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '=' || c == ':' || c.is_whitespace() {
                end = i;
                break;
            }
        }
        let (key, rest) = logical.split_at(end);
        let rest = rest.trim_start_matches([' ', '\t', '\u{c}']);
        let rest = rest.strip_prefix(['=', ':']).unwrap_or(rest);
        let value = rest.trim_start_matches([' ', '\t', '\u{c}']);
        pairs.push((unescape(key), unescape(value)));
    }
    pairs
}

#[derive(Clone, Copy)]
enum Kind {
    Bool,
    Text,
    Number,
    GameMode,
    Difficulty,
}

/// server.properties keys the config has a setting for.
const KNOWN: &[(&str, &str, Kind)] = &[
    ("allow-flight", "allow_flight", Kind::Bool),
    ("allow-nether", "allow_nether", Kind::Bool),
    ("difficulty", "difficulty", Kind::Difficulty),
    ("enable-command-block", "enable_command_block", Kind::Bool),
    ("enforce-whitelist", "enforce_whitelist", Kind::Bool),
    ("gamemode", "gamemode", Kind::GameMode),
    ("hardcore", "hardcore", Kind::Bool),
    ("level-name", "level_name", Kind::Text),
    ("level-seed", "level_seed", Kind::Text),
    ("level-type", "level_type", Kind::Text),
    ("max-players", "max_players", Kind::Number),
    ("motd", "motd", Kind::Text),
    ("online-mode", "online_mode", Kind::Bool),
    ("player-idle-timeout", "player_idle_timeout", Kind::Number),
    ("pvp", "pvp", Kind::Bool),
    ("server-ip", "server_ip", Kind::Text),
    ("simulation-distance", "simulation_distance", Kind::Number),
    ("spawn-protection", "spawn_protection", Kind::Number),
    ("view-distance", "view_distance", Kind::Number),
    ("white-list", "white_list", Kind::Bool),
];

/// Old servers wrote the game mode and difficulty as numbers.
const GAME_MODES: [&str; 4] = ["survival", "creative", "adventure", "spectator"];
const DIFFICULTIES: [&str; 4] = ["peaceful", "easy", "normal", "hard"];

fn named(value: &str, names: &[&str; 4]) -> Option<Value> {
    let value = value.trim().to_ascii_lowercase();
    if names.contains(&value.as_str()) {
        return Some(json!(value));
    }
    let index: usize = value.parse().ok()?;
    names.get(index).map(|n| json!(n))
}

fn convert(kind: Kind, value: &str) -> Result<Value, &'static str> {
    match kind {
        Kind::Bool => match value.trim() {
            "true" => Ok(json!(true)),
            "false" => Ok(json!(false)),
            _ => Err("must be true or false"),
        },
        Kind::Text => Ok(json!(value)),
        Kind::Number => value
            .trim()
            .parse::<u64>()
            .map(|n| json!(n))
            .map_err(|_| "must be a whole number"),
        Kind::GameMode => named(value, &GAME_MODES).ok_or("is not a game mode"),
        Kind::Difficulty => named(value, &DIFFICULTIES).ok_or("is not a difficulty"),
    }
}

pub fn import(read: ReadFile<'_>) -> Found {
    let mut found = Found::default();
    if let Some(text) = found.read(read, "eula.txt") {
        if parse(&text).iter().any(|(k, v)| k == "eula" && v.trim() == "true") {
            found.set("eula_accepted", json!(true));
        }
    }
    let Some(text) = found.read(read, "server.properties") else {
        return found;
    };
    for (key, value) in parse(&text) {
        if let Some((_, config_key, kind)) = KNOWN.iter().find(|(k, _, _)| *k == key) {
            match convert(*kind, &value) {
                Ok(v) => found.set(config_key, v),
                Err(reason) => found.skip(&key, reason),
            }
        } else if key == "rcon.password" {
            // The panel needs RCON; a password already set keeps working for other tools.
            found.secret("rcon_password", &value);
            found.managed(&key);
        } else if RENDERED_KEYS.contains(&key.as_str()) {
            found.managed(&key);
        } else {
            found.keep("extra", &key, &key, json!(value));
        }
    }
    found
}
