//! Reading an existing server.cfg, basic.cfg and BattlEye config into the Arma 3 config.
//! Entries without a setting are kept (in canonical form) under `extra` / `basic.extra`.

use serde_json::{json, Value};

use super::parse::{self, Entry, Val};
use crate::games::import::{Found, ReadFile};

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Int,
    Float,
    Flag,
    Strings,
    Lower,
}

/// server.cfg entries the config has a setting for (names as Arma matches them: any case).
const SERVER: &[(&str, &str, Kind)] = &[
    ("hostname", "hostname", Kind::Text),
    ("maxplayers", "max_players", Kind::Int),
    ("motd[]", "motd", Kind::Strings),
    ("motdinterval", "motd_interval", Kind::Int),
    ("votethreshold", "vote_threshold", Kind::Float),
    ("votemissionplayers", "vote_mission_players", Kind::Int),
    ("kickduplicate", "kick_duplicate", Kind::Flag),
    ("verifysignatures", "verify_signatures", Kind::Int),
    ("battleye", "battleye", Kind::Flag),
    ("persistent", "persistent", Kind::Flag),
    ("timestampformat", "timestamp_format", Kind::Lower),
    ("headlessclients[]", "headless_clients", Kind::Strings),
    ("localclient[]", "local_clients", Kind::Strings),
    ("admins[]", "admins", Kind::Strings),
    ("disablevon", "disable_von", Kind::Flag),
];

const BASIC: &[(&str, &str, Kind)] = &[
    ("maxmsgsend", "basic.max_msg_send", Kind::Int),
    ("maxsizeguaranteed", "basic.max_size_guaranteed", Kind::Int),
    ("maxsizenonguaranteed", "basic.max_size_nonguaranteed", Kind::Int),
    ("minbandwidth", "basic.min_bandwidth", Kind::Int),
    ("maxbandwidth", "basic.max_bandwidth", Kind::Int),
    ("minerrortosend", "basic.min_error_to_send", Kind::Float),
    ("minerrortosendnear", "basic.min_error_to_send_near", Kind::Float),
];

/// Entries Languard writes from secrets or settings; `extra` may not hold them.
pub const SERVER_RESERVED: &[&str] = &["password", "passwordadmin", "class missions"];
pub const BASIC_RESERVED: &[&str] = &["class sockets"];

/// Whether a kept entry's key collides with one Languard writes (`reserved` plus the table's).
pub fn is_reserved(key: &str, basic: bool) -> bool {
    let key = key.to_ascii_lowercase();
    let (table, reserved) = if basic {
        (BASIC, BASIC_RESERVED)
    } else {
        (SERVER, SERVER_RESERVED)
    };
    reserved.contains(&key.as_str())
        || table.iter().any(|(k, _, _)| {
            *k == key || k.strip_suffix("[]") == Some(key.as_str()) || key.strip_suffix("[]") == Some(k)
        })
}

fn convert(kind: Kind, value: &Val) -> Option<Value> {
    match (kind, value) {
        (Kind::Text, Val::Str(s)) => Some(json!(s)),
        (Kind::Lower, Val::Str(s)) => Some(json!(s.to_ascii_lowercase())),
        (Kind::Int, Val::Num(n)) => n.parse::<u64>().ok().map(|n| json!(n)),
        (Kind::Float, Val::Num(n)) => n.parse::<f64>().ok().map(|n| json!(n)),
        (Kind::Flag, Val::Num(n)) => match n.as_str() {
            "0" => Some(json!(false)),
            "1" => Some(json!(true)),
            _ => None,
        },
        (Kind::Flag, Val::Word(w)) => match w.to_ascii_lowercase().as_str() {
            "false" => Some(json!(false)),
            "true" => Some(json!(true)),
            _ => None,
        },
        (Kind::Strings, Val::List(items)) => items
            .iter()
            .map(|v| match v {
                Val::Str(s) | Val::Num(s) => Some(json!(s)),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        _ => None,
    }
}

fn assigned<'a>(body: &'a [Entry], name: &str) -> Option<&'a Val> {
    body.iter().find_map(|e| match e {
        Entry::Assign { name: n, value, .. } if n.eq_ignore_ascii_case(name) => Some(value),
        _ => None,
    })
}

fn missions(found: &mut Found, body: &[Entry]) {
    let mut list = Vec::new();
    for entry in body {
        let Entry::Class { name, body, .. } = entry else {
            continue;
        };
        let Some(Val::Str(template)) = assigned(body, "template") else {
            found.skip(&format!("class Missions.{name}"), "has no template");
            continue;
        };
        let difficulty = match assigned(body, "difficulty") {
            Some(Val::Str(d)) => {
                let mut chars = d.to_ascii_lowercase().chars().collect::<Vec<_>>();
                if let Some(first) = chars.first_mut() {
                    *first = first.to_ascii_uppercase();
                }
                chars.into_iter().collect()
            }
            _ => "Regular".to_owned(),
        };
        let mut params = Vec::new();
        for e in body {
            if let Entry::Class { name, body, .. } = e {
                if name.eq_ignore_ascii_case("params") {
                    for p in body {
                        if let Entry::Assign {
                            name,
                            value: Val::Num(n),
                            ..
                        } = p
                        {
                            if let Ok(value) = n.parse::<f64>() {
                                params.push(json!({"name": name, "value": value}));
                            }
                        }
                    }
                }
            }
        }
        list.push(json!({"template": template, "difficulty": difficulty, "params": params}));
    }
    found.set("missions", Value::Array(list));
}

fn server_cfg(found: &mut Found, entries: Vec<Entry>) {
    for entry in entries {
        let key = entry.key();
        let lower = key.to_ascii_lowercase();
        match &entry {
            Entry::Assign { value, .. } if lower == "password" || lower == "passwordadmin" => {
                let secret = if lower == "password" {
                    "game_password"
                } else {
                    "admin_password"
                };
                match value {
                    Val::Str(s) => found.secret(secret, s),
                    _ => found.skip(&key, "must be a quoted string"),
                }
            }
            Entry::Class { body, .. } if lower == "class missions" => missions(found, body),
            Entry::Assign { value, .. } => match SERVER.iter().find(|(k, _, _)| *k == lower) {
                Some((_, config_key, kind)) => match convert(*kind, value) {
                    Some(v) => found.set(config_key, v),
                    None => found.skip(&key, "has a value of another type than Languard's setting"),
                },
                None => found.keep("extra", &key, &key, json!(parse::to_text(&entry))),
            },
            Entry::Class { .. } => found.keep("extra", &key, &key, json!(parse::to_text(&entry))),
        }
    }
}

fn basic_cfg(found: &mut Found, entries: Vec<Entry>) {
    for entry in entries {
        let key = entry.key();
        let lower = key.to_ascii_lowercase();
        match &entry {
            Entry::Class { body, .. } if lower == "class sockets" => {
                for e in body {
                    match e {
                        Entry::Assign { name, value, .. } if name.eq_ignore_ascii_case("maxpacketsize") => {
                            match convert(Kind::Int, value) {
                                Some(v) => found.set("basic.max_packet_size", v),
                                None => found.skip("class sockets.maxPacketSize", "must be a whole number"),
                            }
                        }
                        other => found.skip(
                            &format!("class sockets.{}", other.key()),
                            "Languard writes class sockets with maxPacketSize only",
                        ),
                    }
                }
            }
            Entry::Assign { value, .. } if BASIC.iter().any(|(k, _, _)| *k == lower) => {
                let Some((_, config_key, kind)) = BASIC.iter().find(|(k, _, _)| *k == lower) else {
                    continue;
                };
                match convert(*kind, value) {
                    Some(v) => found.set(config_key, v),
                    None => found.skip(&format!("basic.{key}"), "must be a number"),
                }
            }
            _ => found.keep(
                "basic.extra",
                &format!("basic.{key}"),
                &key,
                json!(parse::to_text(&entry)),
            ),
        }
    }
}

/// BattlEye's `Key value` lines: the RCon password is taken; Languard writes the rest itself.
fn be_cfg(found: &mut Found, text: &str) {
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (key, value) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        match key.to_ascii_lowercase().as_str() {
            "rconpassword" => found.secret("rcon_password", value.trim()),
            "rconport" | "rconip" => found.managed(&format!("battleye.{key}")),
            _ => found.skip(
                &format!("battleye.{key}"),
                "Languard writes the BattlEye config with the RCon settings only",
            ),
        }
    }
}

pub fn import(read: ReadFile<'_>) -> Found {
    let mut found = Found::default();
    for (path, basic) in [("server.cfg", false), ("basic.cfg", true)] {
        let Some(text) = found.read(read, path) else { continue };
        match parse::parse_file(&text) {
            Ok(entries) if basic => basic_cfg(&mut found, entries),
            Ok(entries) => server_cfg(&mut found, entries),
            Err(e) => found.skip(path, format!("cannot be read: {e}")),
        }
    }
    if let Some(text) = found.read(read, "battleye/beserver_x64.cfg") {
        be_cfg(&mut found, &text);
    }
    found
}
