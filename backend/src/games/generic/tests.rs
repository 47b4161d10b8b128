use serde_json::json;

use super::Generic;
use crate::games::testutil::{assert_field, assert_rejects, plan, plan_err, schema_roundtrip, secrets, NASTY};
use crate::games::{GameAdapter, GameLog, GracefulStop, LogEventKind, RconFlavour, Secrets, Transport};

#[test]
fn launch_plan() {
    let config = json!({
        "args": ["-batchmode", "--port={game_port}", "a \"quoted\"; $(not a shell)"],
        "rcon": {"flavour": "source", "port": 28016},
        "log_file": "logs/server.log",
        "stop_command": "save-and-quit",
        "ports": [{"port": 28015, "transport": "udp"}, {"port": 28017, "transport": "tcp"}]
    });
    let p = plan(&Generic, "RustDedicated", 28015, &config, &secrets());
    assert_eq!(p.program.to_str(), Some("/opt/game/RustDedicated"));
    assert_eq!(p.args, ["-batchmode", "--port=28015", "a \"quoted\"; $(not a shell)"]);
    assert!(p.files.is_empty());
    let ports: Vec<_> = p
        .ports
        .iter()
        .map(|s| (s.port, s.transport, s.purpose.as_str()))
        .collect();
    assert_eq!(
        ports,
        [
            (28015, Transport::Udp, "game"),
            (28017, Transport::Tcp, "extra"),
            (28016, Transport::Tcp, "rcon")
        ]
    );
    let rcon = p.rcon.as_ref().map(|r| (r.flavour, r.port, r.password.as_str()));
    assert_eq!(rcon, Some((RconFlavour::Source, 28016, "rc0n-S3cret")));
    assert_eq!(p.stop, GracefulStop::Stdin("save-and-quit".into()));
    assert_eq!(
        p.log,
        Some(GameLog::File("/srv/languard/servers/7/logs/server.log".into()))
    );
}

#[test]
fn defaults_plan() {
    let p = plan(&Generic, "anything", 7777, &json!({}), &Secrets::default());
    assert!(p.args.is_empty());
    let ports: Vec<_> = p.ports.iter().map(|s| (s.port, s.transport)).collect();
    assert_eq!(ports, [(7777, Transport::Tcp), (7777, Transport::Udp)]);
    assert_eq!((p.rcon, p.stop, p.log), (None, GracefulStop::Signal, None));
    // RCON needs its password.
    let err = plan_err(
        &Generic,
        7777,
        &json!({"rcon": {"flavour": "minecraft", "port": 25575}}),
        &Secrets::default(),
    );
    assert_field(&err, "rcon_password");
}

#[test]
fn schema_and_defaults_agree() {
    schema_roundtrip(&Generic);
    let full = json!({
        "args": ["x"],
        "rcon": {"flavour": "battleye", "port": 2310},
        "log_file": "a.log",
        "stop_command": "quit",
        "ports": [{"port": 1, "transport": "tcp"}]
    });
    let normalised = Generic.validate(&full).ok();
    assert_eq!(normalised.as_ref(), Some(&full));
    crate::games::testutil::schema_check(&Generic.config_schema(), &full, "config")
        .unwrap_or_else(|e| panic!("full config violates the schema: {e}"));
}

#[test]
fn validation_names_fields() {
    let cases = [
        (json!({"args": "-x"}), "config.args"),
        (json!({"args": ["ok", "a\u{0}b"]}), "config.args.1"),
        (json!({"rcon": {"flavour": "telnet", "port": 1}}), "config.rcon.flavour"),
        (
            json!({"rcon": {"flavour": "source", "port": 70000}}),
            "config.rcon.port",
        ),
        (json!({"rcon": {"flavour": "source", "port": 0}}), "config.rcon.port"),
        (
            json!({"rcon": {"flavour": "source", "port": 1, "password": "x"}}),
            "config.rcon.password",
        ),
        (json!({"log_file": "/var/log/syslog"}), "config.log_file"),
        (json!({"log_file": "../../x.log"}), "config.log_file"),
        (json!({"stop_command": ""}), "config.stop_command"),
        (
            json!({"ports": [{"port": 1, "transport": "sctp"}]}),
            "config.ports.0.transport",
        ),
        (
            json!({"ports": [{"port": 1, "transport": "tcp"}, {"port": 0, "transport": "tcp"}]}),
            "config.ports.1.port",
        ),
    ];
    for (config, field) in cases {
        assert_rejects(&Generic, config, field);
    }
}

/// Arguments go to the process untouched (no shell); a stop command is one stdin line, so
/// CR/LF are refused there; a log path cannot leave the server directory.
#[test]
fn injection() {
    for nasty in NASTY {
        let p = plan(&Generic, "x", 1000, &json!({ "args": [nasty] }), &secrets());
        assert_eq!(p.args, [nasty]);
        if nasty.contains(['\r', '\n']) {
            assert_rejects(&Generic, json!({ "stop_command": nasty }), "config.stop_command");
            assert_rejects(&Generic, json!({ "log_file": nasty }), "config.log_file");
        } else {
            let p = plan(&Generic, "x", 1000, &json!({ "stop_command": nasty }), &secrets());
            assert_eq!(p.stop, GracefulStop::Stdin(nasty.into()));
        }
    }
    assert_rejects(&Generic, json!({"log_file": "a\\..\\..\\b"}), "config.log_file");
}

#[test]
fn log_lines() {
    let l = Generic.parse_log_line("Server started on port 7777\r\n");
    assert_eq!(
        l.map(|l| (l.message, l.kind)),
        Some(("Server started on port 7777".into(), LogEventKind::Other))
    );
    assert_eq!(Generic.parse_log_line(" \n"), None);
}
