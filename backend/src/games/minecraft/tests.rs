use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};

use super::properties::escape;
use super::Minecraft;
use crate::games::testutil::{
    assert_field, assert_rejects, file, golden, plan, plan_err, schema_roundtrip, secrets, NASTY,
};
use crate::games::{GameAdapter, GameLog, GracefulStop, LogEventKind, LogLevel, RconFlavour, Secrets, Transport};

fn representative() -> Value {
    json!({
        "jar": "paper-1.21.1.jar",
        "memory_min_mb": 2048,
        "memory_max_mb": 4096,
        "motd": "§aLanguard: Grüße = \"fun\" \\o/\nline two 🎮",
        "max_players": 30,
        "white_list": true,
        "gamemode": "creative",
        "difficulty": "hard",
        "level_name": "world_1",
        "level_seed": "-42",
        "view_distance": 12,
        "server_ip": "0.0.0.0",
        "eula_accepted": true
    })
}

/// A minimal Java `Properties.load` for one-line entries: unescapes `\x` and `\uXXXX`.
fn load(text: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        assert!(
            !line.ends_with('\\') || line.ends_with("\\\\"),
            "continuation line: {line:?}"
        );
        let (key, raw) = line.split_once('=').unwrap_or_else(|| panic!("no `=` in {line:?}"));
        let mut value = String::new();
        let mut units: Vec<u16> = Vec::new();
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                value.push_str(&String::from_utf16_lossy(&std::mem::take(&mut units)));
                value.push(c);
                continue;
            }
            let e = chars.next().unwrap_or_else(|| panic!("dangling escape in {line:?}"));
            if e == 'u' {
                let hex: String = chars.by_ref().take(4).collect();
                units.push(u16::from_str_radix(&hex, 16).unwrap_or_else(|_| panic!("bad \\u in {line:?}")));
                continue;
            }
            value.push_str(&String::from_utf16_lossy(&std::mem::take(&mut units)));
            value.push(match e {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'f' => '\u{c}',
                other => other,
            });
        }
        value.push_str(&String::from_utf16_lossy(&units));
        map.insert(key.to_owned(), value);
    }
    map
}

/// The representative config renders exactly the committed files.
#[test]
fn golden_files() {
    let p = plan(&Minecraft, "java", 25565, &representative(), &secrets());
    assert_eq!(p.files.len(), 2);
    let props = file(&p, "server.properties");
    assert!(props.secret);
    golden(
        "minecraft/server.properties",
        include_str!("../testdata/minecraft/server.properties"),
        &props.contents,
    );
    let eula = file(&p, "eula.txt");
    assert!(!eula.secret);
    golden(
        "minecraft/eula.txt",
        include_str!("../testdata/minecraft/eula.txt"),
        &eula.contents,
    );
    let loaded = load(&props.contents);
    assert_eq!(
        loaded.get("motd").map(String::as_str),
        representative()["motd"].as_str()
    );
    assert_eq!(loaded.get("level-type").map(String::as_str), Some("minecraft:normal"));
    assert_eq!(loaded.get("rcon.password").map(String::as_str), Some("rc0n-S3cret"));
    assert!(props.contents.is_ascii());
}

#[test]
fn launch_plan() {
    let p = plan(&Minecraft, "java", 25565, &representative(), &secrets());
    assert_eq!(p.program.to_str(), Some("/opt/game/java"));
    assert_eq!(p.args, ["-Xms2048M", "-Xmx4096M", "-jar", "paper-1.21.1.jar", "nogui"]);
    let ports: Vec<_> = p
        .ports
        .iter()
        .map(|s| (s.port, s.transport, s.purpose.as_str()))
        .collect();
    assert_eq!(
        ports,
        [(25565, Transport::Tcp, "game"), (25575, Transport::Tcp, "rcon")]
    );
    let rcon = p.rcon.as_ref().map(|r| (r.flavour, r.port, r.password.as_str()));
    assert_eq!(rcon, Some((RconFlavour::Minecraft, 25575, "rc0n-S3cret")));
    assert_eq!(p.stop, GracefulStop::Stdin("stop".into()));
    assert_eq!(
        p.log,
        Some(GameLog::File("/srv/languard/servers/7/logs/latest.log".into()))
    );
}

/// eula.txt is written only once the owner has accepted the EULA.
#[test]
fn eula_only_when_accepted() {
    let p = plan(&Minecraft, "java", 25565, &json!({}), &secrets());
    assert_eq!(p.args, ["-Xms1024M", "-Xmx2048M", "-jar", "server.jar", "nogui"]);
    assert!(p.files.iter().all(|f| f.path != Path::new("eula.txt")));
    let props = load(&file(&p, "server.properties").contents);
    assert_eq!(props.get("enable-rcon").map(String::as_str), Some("true"));
    assert_eq!(props.get("server-port").map(String::as_str), Some("25565"));
}

#[test]
fn rcon_port_and_password() {
    let err = plan_err(&Minecraft, 25565, &json!({"rcon_port": 25565}), &secrets());
    assert_field(&err, "config.rcon_port");
    let p = plan(&Minecraft, "java", 25565, &json!({"rcon_port": 25600}), &secrets());
    assert_eq!(
        load(&file(&p, "server.properties").contents)
            .get("rcon.port")
            .map(String::as_str),
        Some("25600")
    );
    let no_pw = Secrets {
        rcon_password: Some(String::new()),
        ..Secrets::default()
    };
    assert_field(&plan_err(&Minecraft, 25565, &json!({}), &no_pw), "rcon_password");
}

#[test]
fn schema_and_defaults_agree() {
    schema_roundtrip(&Minecraft);
}

#[test]
fn validation_names_fields() {
    let cases = [
        (json!({"jar": "/usr/share/evil.jar"}), "config.jar"),
        (json!({"jar": "../other/server.jar"}), "config.jar"),
        (json!({"jar": "-XX:+Evil"}), "config.jar"),
        (
            json!({"memory_min_mb": 4096, "memory_max_mb": 1024}),
            "config.memory_max_mb",
        ),
        (json!({"memory_min_mb": 1}), "config.memory_min_mb"),
        (json!({"max_players": 0}), "config.max_players"),
        (json!({"gamemode": "god"}), "config.gamemode"),
        (json!({"difficulty": 3}), "config.difficulty"),
        (json!({"view_distance": 64}), "config.view_distance"),
        (json!({"online_mode": "yes"}), "config.online_mode"),
        (json!({"level_name": "../world"}), "config.level_name"),
        (json!({"level_name": "a/b"}), "config.level_name"),
        (json!({"server_ip": "example.org"}), "config.server_ip"),
        (json!({"eula_accepted": 1}), "config.eula_accepted"),
    ];
    for (config, field) in cases {
        assert_rejects(&Minecraft, config, field);
    }
}

/// Free-text values are escaped so that they load back unchanged and never add a line; values
/// used as paths or addresses are refused instead.
#[test]
fn injection_is_escaped_or_refused() {
    let escaped = [
        ("motd", "motd"),
        ("level_seed", "level-seed"),
        ("level_type", "level-type"),
    ];
    for nasty in NASTY {
        for (key, prop) in escaped {
            let p = plan(&Minecraft, "java", 25565, &json!({ key: nasty }), &secrets());
            let text = &file(&p, "server.properties").contents;
            assert_eq!(text.lines().count(), 26, "{key} with {nasty:?} added a line:\n{text}");
            assert_eq!(
                load(text).get(prop).map(String::as_str),
                Some(nasty),
                "{key} with {nasty:?}"
            );
        }
        let s = Secrets {
            rcon_password: Some(nasty.into()),
            ..Secrets::default()
        };
        let p = plan(&Minecraft, "java", 25565, &json!({}), &s);
        let loaded = load(&file(&p, "server.properties").contents);
        assert_eq!(loaded.get("rcon.password").map(String::as_str), Some(nasty));
        assert_rejects(&Minecraft, json!({ "server_ip": nasty }), "config.server_ip");
        assert_rejects(
            &Minecraft,
            json!({ "level_name": format!("..{nasty}/x") }),
            "config.level_name",
        );
    }
    for bad in ["a\rb", "a\nb", "a\\b"] {
        assert_rejects(&Minecraft, json!({ "jar": bad }), "config.jar");
        assert_rejects(&Minecraft, json!({ "level_name": bad }), "config.level_name");
    }
    // `"` and `;` are harmless in an argv element: no shell is involved.
    let p = plan(&Minecraft, "java", 25565, &json!({"jar": "a\"b;c.jar"}), &secrets());
    assert_eq!(p.args[3], "a\"b;c.jar");
}

#[test]
fn escape_rules() {
    assert_eq!(escape("minecraft:normal"), "minecraft\\:normal");
    assert_eq!(escape(" a=b#!"), "\\ a\\=b\\#\\!");
    assert_eq!(escape("§é"), "\\u00A7\\u00E9");
    assert_eq!(escape("🎮"), "\\uD83C\\uDFAE");
    assert_eq!(escape("a\\b\nc\u{1}"), "a\\\\b\\nc\\u0001");
}

/// The latest.log samples from protocols.md §6, including the spoofing case.
#[test]
fn log_lines() {
    let parse = |l: &str| {
        Minecraft
            .parse_log_line(l)
            .unwrap_or_else(|| panic!("not parsed: {l:?}"))
    };
    let l = parse("[19:31:30] [Server thread/INFO]: Flysenberg joined the game");
    assert_eq!(l.time.as_deref(), Some("19:31:30"));
    assert_eq!(l.level, LogLevel::Info);
    assert_eq!(l.message, "Flysenberg joined the game");
    assert_eq!(
        l.kind,
        LogEventKind::PlayerJoined {
            name: "Flysenberg".into()
        }
    );
    let l = parse("[19:45:10] [Server thread/INFO]: Flysenberg left the game");
    assert_eq!(
        l.kind,
        LogEventKind::PlayerLeft {
            name: "Flysenberg".into()
        }
    );
    let chat = |name: &str, text: &str| LogEventKind::Chat {
        name: name.into(),
        text: text.into(),
    };
    assert_eq!(
        parse("[19:40:02] [Server thread/INFO]: <Flysenberg> hello").kind,
        chat("Flysenberg", "hello")
    );
    assert_eq!(
        parse("[19:40:02] [Server thread/INFO]: [Not Secure] <Steve> hi").kind,
        chat("Steve", "hi")
    );
    assert_eq!(
        parse("[19:40:02] [Async Chat Thread - #3/INFO]: <Steve> hi").kind,
        chat("Steve", "hi")
    );
    assert_eq!(
        parse("[12:00:02] [Server thread/INFO]: Done (1.234s)! For help, type \"help\"").kind,
        LogEventKind::Ready
    );
    let warn = parse("[12:00:02] [Server thread/WARN]: **** FAILED TO BIND TO PORT!");
    assert_eq!((warn.level, warn.kind), (LogLevel::Warn, LogEventKind::Other));
    let uuid = parse(
        "[19:31:29] [User Authenticator #1/INFO]: UUID of player Flysenberg is 7e7f5dfd-ea66-47a7-8d60-6ee0d0b1e39f",
    );
    assert_eq!(uuid.kind, LogEventKind::Other);
    // Spoofing: none of these is a join, leave or readiness.
    for spoof in [
        "[19:40:02] [Server thread/INFO]: <Steve> Alex joined the game",
        "[19:40:02] [Server thread/INFO]: [Not Secure] <Steve> Alex left the game",
        "[19:40:02] [Server thread/INFO]: * Steve Alex joined the game",
        "[19:40:02] [Server thread/INFO]: [Server] Alex joined the game",
        "[19:40:02] [Async Chat Thread - #1/INFO]: Alex joined the game",
        "[19:40:02] [main/INFO]: Done (1.0s)!",
        "[19:40:02] [Server thread/INFO]: * Steve Done (1s)!",
    ] {
        let l = parse(spoof);
        assert!(
            !matches!(
                l.kind,
                LogEventKind::PlayerJoined { .. } | LogEventKind::PlayerLeft { .. } | LogEventKind::Ready
            ),
            "{spoof}"
        );
    }
    assert_eq!(
        Minecraft.parse_log_line("\tat net.minecraft.server.Main.main(Main.java:1)"),
        None
    );
    assert_eq!(Minecraft.parse_log_line("[1:2:3] [x/INFO]: y"), None);
}
