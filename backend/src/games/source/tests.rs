use serde_json::{json, Value};

use super::Source;
use crate::games::testutil::{
    assert_field, assert_rejects, file, golden, plan, plan_err, schema_roundtrip, secrets, NASTY,
};
use crate::games::{GameAdapter, GracefulStop, LogEventKind, LogLevel, RconFlavour, Secrets, Transport};

fn representative() -> Value {
    json!({
        "game": "left4dead2",
        "map": "c1m1_hotel",
        "max_players": 8,
        "hostname": "Languard L4D2 \\ Versus",
        "cvars": {"sv_lan": "0", "mp_gamemode": "versus", "sv_region": "3"}
    })
}

#[test]
fn golden_file() {
    let p = plan(&Source, "srcds_run", 27015, &representative(), &secrets());
    assert_eq!(p.files.len(), 1);
    let cfg = file(&p, "left4dead2/cfg/server.cfg");
    assert!(cfg.secret);
    golden(
        "source/server.cfg",
        include_str!("../testdata/source/server.cfg"),
        &cfg.contents,
    );
    let last = cfg.contents.lines().last();
    assert_eq!(
        last,
        Some("rcon_password \"rc0n-S3cret\""),
        "rcon_password must be the last line"
    );
}

#[test]
fn launch_plan() {
    let p = plan(&Source, "srcds_run", 27015, &representative(), &secrets());
    assert_eq!(p.program.to_str(), Some("/opt/game/srcds_run"));
    assert_eq!(
        p.args,
        [
            "-game",
            "left4dead2",
            "-port",
            "27015",
            "+map",
            "c1m1_hotel",
            "+maxplayers",
            "8"
        ]
    );
    let ports: Vec<_> = p
        .ports
        .iter()
        .map(|s| (s.port, s.transport, s.purpose.as_str()))
        .collect();
    assert_eq!(
        ports,
        [(27015, Transport::Udp, "game"), (27015, Transport::Tcp, "rcon")]
    );
    let rcon = p.rcon.as_ref().map(|r| (r.flavour, r.port, r.password.as_str()));
    assert_eq!(rcon, Some((RconFlavour::Source, 27015, "rc0n-S3cret")));
    assert_eq!(p.stop, GracefulStop::Rcon("quit".into()));
    assert_eq!(p.log, None);
}

#[test]
fn no_game_password_line_without_password() {
    let s = Secrets {
        rcon_password: Some("r".into()),
        ..Secrets::default()
    };
    let p = plan(&Source, "srcds_linux", 27015, &json!({}), &s);
    assert!(!file(&p, "tf/cfg/server.cfg").contents.contains("sv_password"));
    assert_field(
        &plan_err(&Source, 27015, &json!({}), &Secrets::default()),
        "rcon_password",
    );
}

#[test]
fn schema_and_defaults_agree() {
    schema_roundtrip(&Source);
}

#[test]
fn validation_names_fields() {
    let cases = [
        (json!({"game": "TF"}), "config.game"),
        (json!({"game": "../tf"}), "config.game"),
        (json!({"max_players": 0}), "config.max_players"),
        (json!({"max_players": 129}), "config.max_players"),
        (json!({"map": "-insecure"}), "config.map"),
        (json!({"map": "+exec evil"}), "config.map"),
        (json!({"map": "../../etc/passwd"}), "config.map"),
        (json!({"cvars": {"sv-cheats": "1"}}), "config.cvars.sv-cheats"),
        (json!({"cvars": {"rcon_password": "x"}}), "config.cvars.rcon_password"),
        (json!({"cvars": {"sv_cheats": 1}}), "config.cvars.sv_cheats"),
    ];
    for (config, field) in cases {
        assert_rejects(&Source, config, field);
    }
}

/// `"`, `;`, CR and LF cannot be escaped in a .cfg and are refused for every string; a
/// backslash is a plain character and kept.
#[test]
fn injection_is_refused() {
    for nasty in NASTY {
        assert_rejects(
            &Source,
            json!({"cvars": { nasty: "1" }}),
            &format!("config.cvars.{nasty}"),
        );
        let cases = [
            (json!({ "hostname": nasty }), "config.hostname"),
            (json!({ "map": nasty }), "config.map"),
            (json!({ "game": nasty }), "config.game"),
            (json!({"cvars": { "sv_tags": nasty }}), "config.cvars.sv_tags"),
        ];
        for (config, field) in cases {
            if nasty == "a\\b" && (field == "config.hostname" || field == "config.cvars.sv_tags") {
                let p = plan(&Source, "srcds_run", 27015, &config, &secrets());
                let text = &file(&p, "tf/cfg/server.cfg").contents;
                assert!(text.contains("\"a\\b\"\n"), "{text}");
                let mut statements = text.lines().filter(|l| !l.starts_with("//"));
                assert!(statements.all(|l| l.matches('"').count() == 2), "{text}");
                continue;
            }
            assert_rejects(&Source, config, field);
        }
        for name in ["rcon_password", "game_password"] {
            let mut s = secrets();
            *(if name == "rcon_password" {
                &mut s.rcon_password
            } else {
                &mut s.game_password
            }) = Some(nasty.into());
            if nasty == "a\\b" {
                let p = plan(&Source, "srcds_run", 27015, &json!({}), &s);
                assert!(file(&p, "tf/cfg/server.cfg").contents.contains("\"a\\b\"\n"));
            } else {
                assert_field(&plan_err(&Source, 27015, &json!({}), &s), name);
            }
        }
    }
}

/// srcds log lines from protocols.md and typical captures.
#[test]
fn log_lines() {
    let parse = |l: &str| Source.parse_log_line(l).unwrap_or_else(|| panic!("not parsed: {l:?}"));
    let l =
        parse("L 05/10/2024 - 21:03:07: \"Mal<8><STEAM_1:1:35074132><>\" connected, address \"192.168.4.85:27005\"");
    assert_eq!(l.time.as_deref(), Some("05/10/2024 - 21:03:07"));
    assert_eq!(l.level, LogLevel::Info);
    assert_eq!(l.kind, LogEventKind::PlayerJoined { name: "Mal".into() });
    let l = parse("L 05/10/2024 - 21:03:20: \"Mal<8><STEAM_1:1:35074132><>\" entered the game");
    assert_eq!(l.kind, LogEventKind::Other);
    let l = parse("L 05/10/2024 - 21:40:00: \"Mal<8><STEAM_1:1:35074132><Survivor>\" disconnected (reason \"Disconnect by user.\")");
    assert_eq!(l.kind, LogEventKind::PlayerLeft { name: "Mal".into() });
    let l = parse("L 05/10/2024 - 21:05:00: \"A <b> \"c\"<9><[U:1:12345678]><Red>\" say \"hi \"there\"\"");
    assert_eq!(
        l.kind,
        LogEventKind::Chat {
            name: "A <b> \"c\"".into(),
            text: "hi \"there\"".into()
        }
    );
    // Chat imitating a connect stays chat.
    let l = parse("L 05/10/2024 - 21:05:00: \"Eve<9><STEAM_1:0:1><>\" say \"Bob<3><STEAM_1:0:2><>\" connected, address \"1.2.3.4:5\"\"");
    assert!(matches!(l.kind, LogEventKind::Chat { .. }), "{:?}", l.kind);
    let l = parse("L 05/10/2024 - 21:05:00: \"x<1><2><3>\" connected, address \"<5><STEAM_1:0:1><>\" say \"hi\"");
    assert!(!matches!(l.kind, LogEventKind::PlayerJoined { .. }), "{:?}", l.kind);
    let l = parse("Executing dedicated server config file server.cfg");
    assert_eq!((l.time, l.kind), (None, LogEventKind::Other));
    assert_eq!(Source.parse_log_line(""), None);
}
