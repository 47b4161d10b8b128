//! The JSON Schema of the Arma 3 config, which the SPA renders as a form. Defaults are added
//! from [`Arma3Config::default`] by the caller, so they cannot drift.

use serde_json::{json, Value};

use super::config::CustomDifficulty;

fn int(min: u64, max: u64) -> Value {
    json!({"type": "integer", "minimum": min, "maximum": max})
}

fn strings(description: &str) -> Value {
    json!({"type": "array", "items": {"type": "string"}, "description": description})
}

/// Entries kept from an imported install: key → one entry in config syntax.
fn kept(description: &str) -> Value {
    json!({"type": "object", "additionalProperties": {"type": "string"}, "description": description})
}

pub fn schema() -> Value {
    let mut difficulty = serde_json::Map::new();
    for (_, key, _, max) in CustomDifficulty::default().options() {
        let prop = if max == 1 {
            json!({"type": "boolean"})
        } else {
            int(0, u64::from(max))
        };
        difficulty.insert(key.into(), prop);
    }
    difficulty.insert("skill_ai".into(), json!({"type": "number", "minimum": 0, "maximum": 1}));
    difficulty.insert(
        "precision_ai".into(),
        json!({"type": "number", "minimum": 0, "maximum": 1}),
    );
    let mission = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["template"],
        "properties": {
            "template": {"type": "string", "description": "e.g. MyCoop.Altis (the .pbo name without extension)"},
            "difficulty": {"type": "string", "enum": ["Recruit", "Regular", "Veteran", "Custom"], "default": "Regular"},
            "params": {"type": "array", "description": "The mission's parameters (class Params)", "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "value"],
                "properties": {
                    "name": {"type": "string", "description": "Parameter class name, e.g. Daytime"},
                    "value": {"type": "number"}
                }
            }}
        }
    });
    let basic = json!({"type": "object", "additionalProperties": false, "properties": {
        "max_msg_send": int(1, 4096),
        "max_size_guaranteed": int(64, 1400),
        "max_size_nonguaranteed": int(64, 1400),
        "min_bandwidth": int(8_192, 10_000_000_000),
        "max_bandwidth": int(8_192, 10_000_000_000),
        "min_error_to_send": {"type": "number", "minimum": 0, "maximum": 1},
        "min_error_to_send_near": {"type": "number", "minimum": 0, "maximum": 1},
        "max_packet_size": int(576, 1500),
        "extra": kept("Other basic.cfg entries, each written as given")
    }});
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "hostname": {"type": "string", "title": "Server name"},
            "max_players": int(1, 256),
            "motd": strings("Message of the day, one line per entry"),
            "motd_interval": {"type": "integer", "minimum": 0, "maximum": 3600, "description": "Seconds between MOTD lines"},
            "vote_threshold": {"type": "number", "minimum": 0, "maximum": 2, "description": "0.33 = 33 %; above 1 disables voting"},
            "vote_mission_players": int(1, 256),
            "kick_duplicate": {"type": "boolean"},
            "verify_signatures": {"type": "integer", "enum": [0, 2]},
            "battleye": {"type": "boolean"},
            "persistent": {"type": "boolean", "description": "Keep the mission running with no players; required by auto_init"},
            "headless_clients": strings("IP addresses of headless clients"),
            "local_clients": strings("IP addresses with unlimited bandwidth"),
            "admins": strings("SteamID64s that may #login without a password"),
            "disable_von": {"type": "boolean"},
            "timestamp_format": {"type": "string", "enum": ["none", "short", "full"]},
            "missions": {"type": "array", "items": mission},
            "world": {"type": "string", "description": "World loaded at start (-world=)"},
            "auto_init": {"type": "boolean", "description": "Start the mission without an admin (-autoInit)"},
            "load_mission_to_memory": {"type": "boolean"},
            "limit_fps": {"type": ["integer", "null"], "minimum": 5, "maximum": 1000},
            "profile_name": {"type": "string", "description": "-name= profile"},
            "rcon_port": {"type": ["integer", "null"], "minimum": 1024, "maximum": 65535, "description": "BattlEye RCon port; empty means game port + 10"},
            "basic": basic,
            "custom_difficulty": {"type": "object", "additionalProperties": false, "properties": difficulty},
            "extra": kept("Other server.cfg entries by name (`name`, `name[]`, `class Name`), each written as given")
        }
    })
}
