use serde_json::{json, Value};

use super::Arma3;
use crate::games::testutil::{
    assert_field, assert_rejects, file, golden, plan, plan_err, plan_with_mods, schema_roundtrip, secrets,
};
use crate::games::{GameAdapter, GameLog, GracefulStop, LogEventKind, LogLevel, RconFlavour, Secrets, Transport};

fn representative() -> Value {
    json!({
        "hostname": "Languard \"Elite\" Co-op \\ EU",
        "max_players": 40,
        "motd": ["Welcome!", "Discord: example.org/join; be nice", ""],
        "motd_interval": 10,
        "vote_threshold": 1.5,
        "admins": ["76561198017965694"],
        "headless_clients": ["127.0.0.1"],
        "local_clients": ["127.0.0.1", "::1"],
        "timestamp_format": "full",
        "persistent": true,
        "auto_init": true,
        "limit_fps": 50,
        "world": "Altis",
        "profile_name": "languard",
        "missions": [
            {"template": "MyCoop.Altis", "difficulty": "Custom", "params": [
                {"name": "Daytime", "value": 12},
                {"name": "Weather_Set", "value": 0.25}
            ]},
            {"template": "Escape \"Tanoa\".Tanoa"}
        ],
        "custom_difficulty": {"third_person_view": 2, "skill_ai": 0.75}
    })
}

/// The representative config renders exactly the committed files.
#[test]
fn golden_files() {
    let p = plan(&Arma3, "arma3server_x64", 2302, &representative(), &secrets());
    let paths: Vec<_> = p
        .files
        .iter()
        .map(|f| (f.path.to_string_lossy().into_owned(), f.secret))
        .collect();
    assert_eq!(
        paths,
        [
            ("server.cfg".to_owned(), true),
            ("basic.cfg".to_owned(), false),
            ("profiles/home/languard/languard.Arma3Profile".to_owned(), false),
            ("battleye/beserver_x64.cfg".to_owned(), true),
        ]
    );
    golden(
        "arma3/server.cfg",
        include_str!("../testdata/arma3/server.cfg"),
        &p.files[0].contents,
    );
    golden(
        "arma3/basic.cfg",
        include_str!("../testdata/arma3/basic.cfg"),
        &p.files[1].contents,
    );
    golden(
        "arma3/languard.Arma3Profile",
        include_str!("../testdata/arma3/languard.Arma3Profile"),
        &p.files[2].contents,
    );
    golden(
        "arma3/beserver_x64.cfg",
        include_str!("../testdata/arma3/beserver_x64.cfg"),
        &p.files[3].contents,
    );
}

/// Launch line, ports, RCON and stop method for the representative config.
#[test]
fn launch_plan() {
    let p = plan(&Arma3, "arma3server_x64", 2302, &representative(), &secrets());
    assert_eq!(p.program.to_str(), Some("/opt/game/arma3server_x64"));
    assert_eq!(p.cwd.to_str(), Some("/srv/languard/servers/7"));
    assert_eq!(
        p.args,
        [
            "-port=2302",
            "-config=server.cfg",
            "-cfg=basic.cfg",
            "-profiles=profiles",
            "-name=languard",
            "-bepath=battleye",
            "-world=Altis",
            "-autoInit",
            "-limitFPS=50",
        ]
    );
    assert!(p.keys.is_empty());
    let ports: Vec<_> = p
        .ports
        .iter()
        .map(|s| (s.port, s.transport, s.purpose.as_str()))
        .collect();
    assert_eq!(
        ports,
        [
            (2302, Transport::Udp, "game"),
            (2303, Transport::Udp, "query"),
            (2304, Transport::Udp, "steam"),
            (2305, Transport::Udp, "von"),
            (2306, Transport::Udp, "battleye"),
            (2312, Transport::Udp, "rcon"),
        ]
    );
    let rcon = p.rcon.as_ref().map(|r| (r.flavour, r.port, r.password.as_str()));
    assert_eq!(rcon, Some((RconFlavour::Battleye, 2312, "rc0n-S3cret")));
    assert_eq!(p.stop, GracefulStop::Rcon("#shutdown".into()));
    assert_eq!(
        p.log,
        Some(GameLog::Newest {
            dir: "/srv/languard/servers/7/profiles".into(),
            extension: "rpt"
        })
    );
}

/// Defaults give the minimal command line.
#[test]
fn default_args() {
    let p = plan(&Arma3, "arma3server", 2402, &json!({}), &secrets());
    assert_eq!(
        p.args,
        [
            "-port=2402",
            "-config=server.cfg",
            "-cfg=basic.cfg",
            "-profiles=profiles",
            "-name=server",
            "-bepath=battleye",
            "-world=empty",
        ]
    );
    assert!(file(&p, "profiles/home/server/server.Arma3Profile")
        .contents
        .contains("aiLevelPreset = 3;"));
}

/// Without game/admin passwords, server.cfg has no password lines.
#[test]
fn no_optional_passwords() {
    let s = Secrets {
        rcon_password: Some("x".into()),
        ..Secrets::default()
    };
    let p = plan(&Arma3, "arma3server_x64", 2302, &json!({}), &s);
    let cfg = &file(&p, "server.cfg").contents;
    assert!(!cfg.contains("password"), "{cfg}");
    let err = plan_err(&Arma3, 2302, &json!({}), &Secrets::default());
    assert_field(&err, "rcon_password");
}

#[test]
fn schema_and_defaults_agree() {
    schema_roundtrip(&Arma3);
}

/// Range, type and cross-field checks name the field.
#[test]
fn validation_names_fields() {
    let cases = [
        (json!({"max_players": 0}), "config.max_players"),
        (json!({"max_players": 257}), "config.max_players"),
        (json!({"max_players": "ten"}), "config.max_players"),
        (json!({"verify_signatures": 1}), "config.verify_signatures"),
        (json!({"auto_init": true}), "config.auto_init"),
        (json!({"timestamp_format": "long"}), "config.timestamp_format"),
        (json!({"admins": ["7656119801796569"]}), "config.admins.0"),
        (json!({"admins": ["123", "76561198017965694x"]}), "config.admins.0"),
        (
            json!({"headless_clients": ["127.0.0.1", "localhost"]}),
            "config.headless_clients.1",
        ),
        (
            json!({"missions": [{"template": "a.Altis"}, {"template": "b", "difficulty": "Hard"}]}),
            "config.missions.1.difficulty",
        ),
        (
            json!({"missions": [{"template": "a.Altis", "params": 1}]}),
            "config.missions.0.params",
        ),
        (json!({"missions": [{"difficulty": "Regular"}]}), "config.missions.0"),
        (json!({"mods": ["@cba"]}), "config.mods"),
        (
            json!({"missions": [{"template": "a.Altis", "params": [{"name": "1x", "value": 1}]}]}),
            "config.missions.0.params.0.name",
        ),
        (
            json!({"missions": [{"template": "a.Altis", "params": [{"name": "a b", "value": 1}]}]}),
            "config.missions.0.params.0.name",
        ),
        (
            json!({"missions": [{"template": "a.Altis", "params": [{"name": "Day", "value": 1}, {"name": "day", "value": 2}]}]}),
            "config.missions.0.params.1.name",
        ),
        (json!({"limit_fps": 2}), "config.limit_fps"),
        (json!({"rcon_port": 80}), "config.rcon_port"),
        (json!({"basic": {"max_bandwidth": 100}}), "config.basic.max_bandwidth"),
        (json!({"basic": {"nope": 1}}), "config.basic.nope"),
        (
            json!({"custom_difficulty": {"group_indicators": 3}}),
            "config.custom_difficulty.group_indicators",
        ),
        (
            json!({"custom_difficulty": {"skill_ai": 1.5}}),
            "config.custom_difficulty.skill_ai",
        ),
        (
            json!({"custom_difficulty": {"stamina_bar": 1}}),
            "config.custom_difficulty.stamina_bar",
        ),
    ];
    for (config, field) in cases {
        assert_rejects(&Arma3, config, field);
    }
    assert!(Arma3.validate(&json!({"auto_init": true, "persistent": true})).is_ok());
}

/// The RCon port may not be one of the five game ports.
#[test]
fn rcon_port_outside_game_ports() {
    for port in 2302..=2306 {
        let err = plan_err(&Arma3, 2302, &json!({"rcon_port": port}), &secrets());
        assert_field(&err, "config.rcon_port");
    }
    let p = plan(&Arma3, "arma3server_x64", 2302, &json!({"rcon_port": 2310}), &secrets());
    assert!(file(&p, "battleye/beserver_x64.cfg")
        .contents
        .contains("RConPort 2310\n"));
    let err = plan_err(&Arma3, 65530, &json!({}), &secrets());
    assert_field(&err, "game_port");
}

/// The RPT samples from protocols.md §5.8.
#[test]
fn rpt_lines() {
    let parse = |l: &str| Arma3.parse_log_line(l).unwrap_or_else(|| panic!("not parsed: {l:?}"));
    let l = parse(" 9:00:57 Player Steve connected (id=76561198011111111).");
    assert_eq!(l.time.as_deref(), Some("9:00:57"));
    assert_eq!(l.kind, LogEventKind::PlayerJoined { name: "Steve".into() });
    assert_eq!(l.message, "Player Steve connected (id=76561198011111111).");
    let l = parse("10:15:00 Player Steve disconnected.");
    assert_eq!(l.time.as_deref(), Some("10:15:00"));
    assert_eq!(l.kind, LogEventKind::PlayerLeft { name: "Steve".into() });
    let l = parse(" 6:58:25 BattlEye Server: (Side) Major Lee Payne: radio doesn't work");
    assert_eq!(
        l.kind,
        LogEventKind::Chat {
            name: "Major Lee Payne".into(),
            text: "radio doesn't work".into()
        }
    );
    for other in [
        " 9:00:55 BattlEye Server: Player #1 Steve (68.46.21.245:2304) connected",
        " 9:00:55 Player Steve connecting.",
        " 9:00:57 BattlEye Server: Player #1 Steve - GUID: abc (unverified)",
        " 9:00:57 BattlEye Server: Verified GUID (abc) of player #1 Steve",
        // Chat cannot pass for an engine line.
        " 9:01:00 BattlEye Server: (Global) Eve: Player Bob connected (id=76561198011111111).",
        " 9:01:00 Player Bob connected (id=7656119801111111x).",
    ] {
        let l = parse(other);
        assert!(
            !matches!(
                l.kind,
                LogEventKind::PlayerJoined { .. } | LogEventKind::PlayerLeft { .. }
            ),
            "{other}"
        );
    }
    let l = parse("Player MM Leon kicked off by BattlEye: Admin Kick (AFK too long)");
    assert_eq!((l.time, l.kind), (None, LogEventKind::Other));
    assert_eq!(
        parse(" 9:02:00 Warning Message: No entry 'bin\\config.bin/CfgWeapons'").level,
        LogLevel::Warn
    );
    assert_eq!(Arma3.parse_log_line("   "), None);
}

fn lib_mod(name: &str, server_only: bool) -> crate::games::LaunchMod {
    crate::games::LaunchMod {
        folder: format!("/srv/mods/{name}").into(),
        server_only,
        keys: vec![format!("/srv/mods/{name}/keys/{}.bikey", name.trim_start_matches('@')).into()],
    }
}

/// `-mod=` and `-serverMod=` keep the set's order within each flag; keys follow
/// `verify_signatures`.
#[test]
fn mod_launch_lines() {
    let args_of = |mods: &[crate::games::LaunchMod], config: Value| {
        let p = plan_with_mods(&Arma3, "arma3server_x64", 2302, &config, &secrets(), mods).unwrap();
        let mods: Vec<String> = p
            .args
            .iter()
            .filter(|a| a.starts_with("-mod=") || a.starts_with("-serverMod="))
            .cloned()
            .collect();
        (mods, p.keys)
    };
    let cases: [(Vec<crate::games::LaunchMod>, Vec<&str>); 4] = [
        (vec![], vec![]),
        (
            vec![lib_mod("@cba", false), lib_mod("@ace", false)],
            vec!["-mod=/srv/mods/@cba;/srv/mods/@ace"],
        ),
        (
            vec![lib_mod("@ace", false), lib_mod("@cba", false)],
            vec!["-mod=/srv/mods/@ace;/srv/mods/@cba"],
        ),
        (
            vec![
                lib_mod("@tools", true),
                lib_mod("@cba", false),
                lib_mod("@admin menu", true),
                lib_mod("@ace", false),
            ],
            vec![
                "-mod=/srv/mods/@cba;/srv/mods/@ace",
                "-serverMod=/srv/mods/@tools;/srv/mods/@admin menu",
            ],
        ),
    ];
    for (mods, want) in cases {
        let (got, keys) = args_of(&mods, json!({}));
        assert_eq!(got, want);
        assert_eq!(
            keys.len(),
            mods.len(),
            "verify_signatures 2 (the default) installs every key"
        );
    }
    let only_server = [lib_mod("@tools", true)];
    assert_eq!(args_of(&only_server, json!({})).0, ["-serverMod=/srv/mods/@tools"]);
    let (_, keys) = args_of(&[lib_mod("@ace", false)], json!({"verify_signatures": 0}));
    assert!(keys.is_empty(), "no keys without signature checks");
}
