//! Registering an existing install: the game's own config files are read into the server's
//! config (unknown keys kept), the first start keeps a copy of each file Languard did not
//! write, and every original value is still in effect in the file the game reads.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::{fake_executable, free_port_block, workspace_root, Backend, TestApp};
use crate::sim::{create, power, wait_status};

fn fixture(game: &str, file: &str) -> String {
    let path = workspace_root()
        .join("backend/src/games/testdata/import")
        .join(game)
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An install folder holding the tuned files, as `(relative path, fixture file)`.
fn install(app: &TestApp, name: &str, game: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = app.data_dir.path().join("installs").join(name);
    for (relative, file) in files {
        let target = dir.join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, fixture(game, file)).unwrap();
    }
    dir
}

/// The `.bak` copies beside `file`, each with its content.
fn backups_of(file: &Path) -> Vec<(String, String)> {
    let name = file.file_name().unwrap().to_str().unwrap().to_owned();
    let mut found: Vec<(String, String)> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().into_string().unwrap();
            (n.starts_with(&format!("{name}.")) && n.ends_with(".bak")).then_some(n)
        })
        .map(|n| {
            let text = std::fs::read_to_string(file.parent().unwrap().join(&n)).unwrap();
            (n, text)
        })
        .collect();
    found.sort();
    found
}

async fn events(app: &TestApp, token: &str, id: i64) -> Vec<Value> {
    let (_, events) = app.get(&format!("/servers/{id}/events?per_page=200"), token).await;
    events["items"].as_array().unwrap().clone()
}

/// Every file: one copy of the original beside it, and an event naming that copy.
async fn assert_kept_once(app: &TestApp, token: &str, id: i64, dir: &Path, files: &[(&str, &str, &str)]) {
    let events = events(app, token, id).await;
    for (relative, game, fixture_file) in files {
        let backups = backups_of(&dir.join(relative));
        assert_eq!(backups.len(), 1, "{relative}: one copy kept, got {backups:?}");
        let (copy, text) = &backups[0];
        assert_eq!(*text, fixture(game, fixture_file), "{copy} holds the original");
        let stamp = copy
            .strip_prefix(&format!(
                "{}.",
                Path::new(relative).file_name().unwrap().to_str().unwrap()
            ))
            .and_then(|s| s.strip_suffix(".bak"))
            .unwrap();
        assert!(
            stamp.len() == 16 && stamp.ends_with('Z') && stamp.as_bytes()[8] == b'T',
            "UTC timestamp in {copy}"
        );
        assert!(
            events
                .iter()
                .any(|e| e["kind"] == "config_backup" && e["message"].as_str().unwrap().contains(copy.as_str())),
            "an event names {copy}: {events:?}"
        );
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim().to_owned()).collect()
}

fn assert_lines(path: &Path, wanted: &[&str]) {
    let text = std::fs::read_to_string(path).unwrap();
    let have = lines(&text);
    for line in wanted {
        assert!(
            have.iter().any(|l| l == line),
            "{} lacks `{line}`:\n{text}",
            path.display()
        );
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// Registers a server of `game` on a folder holding the fixtures `files`; the create response.
async fn register(
    app: &TestApp,
    admin: &str,
    game: &str,
    executable: &str,
    ports: u16,
    files: &[(&str, &str)],
    extra: Value,
) -> (PathBuf, Value) {
    let dir = install(app, &format!("{game}-install"), game, files);
    let bin = app.data_dir.path().join("games");
    let mut request = json!({"name": format!("tuned {game}"), "game": game,
        "executable": fake_executable(&bin, executable), "game_port": free_port_block(ports), "directory": dir});
    if let (Some(request), Value::Object(extra)) = (request.as_object_mut(), extra) {
        request.extend(extra);
    }
    (dir, create(app, admin, request).await)
}

/// Minecraft: every key of a tuned server.properties survives, unknown keys included.
async fn minecraft_install_keeps_its_properties(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let files = [("server.properties", "server.properties"), ("eula.txt", "eula.txt")];
    let (dir, server) = register(&app, &admin, "minecraft", "java", 11, &files, json!({})).await;
    let imported = &server["imported"];
    assert_eq!(
        strings(&imported["files"]),
        ["eula.txt", "server.properties"],
        "{server}"
    );
    let keys = strings(&imported["keys"]);
    for key in ["level_name", "white_list", "motd", "view_distance", "eula_accepted"] {
        assert!(keys.contains(&key.to_owned()), "{key} imported: {imported}");
    }
    let kept = strings(&imported["kept"]);
    for key in ["resource-pack", "max-world-size", "query.port"] {
        assert!(kept.contains(&key.to_owned()), "{key} kept: {imported}");
    }
    let id = server["id"].as_i64().unwrap();
    let (_, details) = app.get(&format!("/servers/{id}"), &admin).await;
    assert_eq!(details["imported"], *imported, "the details say what was imported");
    let (_, config) = app.get(&format!("/servers/{id}/config"), &admin).await;
    assert_eq!(config["level_name"], "myworld");
    assert_eq!(config["white_list"], true);

    power(&app, &admin, id, "start").await;
    wait_status(&app, &admin, id, "running", Duration::from_secs(20)).await;
    // Ports and RCON are Languard's; every other original line is written back as it was.
    let managed = ["server-port=", "enable-rcon=", "rcon.password=", "rcon.port="];
    let original = fixture("minecraft", "server.properties");
    let wanted: Vec<&str> = original
        .lines()
        .filter(|l| !l.starts_with('#') && !managed.iter().any(|m| l.starts_with(m)))
        .collect();
    assert_lines(&dir.join("server.properties"), &wanted);
    assert_kept_once(
        &app,
        &admin,
        id,
        &dir,
        &[("server.properties", "minecraft", "server.properties")],
    )
    .await;

    // A second start overwrites Languard's own file: no further copy.
    power(&app, &admin, id, "stop").await;
    wait_status(&app, &admin, id, "stopped", Duration::from_secs(20)).await;
    power(&app, &admin, id, "start").await;
    wait_status(&app, &admin, id, "running", Duration::from_secs(20)).await;
    assert_eq!(backups_of(&dir.join("server.properties")).len(), 1);
    power(&app, &admin, id, "kill").await;
}

/// Source: hostname, passwords, max players and every other cvar of server.cfg stay.
async fn source_install_keeps_its_server_cfg(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let files = [("left4dead2/cfg/server.cfg", "server.cfg")];
    let config = json!({"config": {"game": "left4dead2", "map": "c1m1_hotel"}});
    let (dir, server) = register(&app, &admin, "source", "srcds_run", 1, &files, config).await;
    let imported = &server["imported"];
    let keys = strings(&imported["keys"]);
    for key in [
        "hostname",
        "max_players",
        "secrets.game_password",
        "secrets.rcon_password",
    ] {
        assert!(keys.contains(&key.to_owned()), "{key} imported: {imported}");
    }
    assert!(
        strings(&imported["kept"]).contains(&"mp_gamemode".to_owned()),
        "{imported}"
    );
    assert_eq!(server["has_game_password"], true);
    assert!(!server.to_string().contains("lets-play"), "no secret in the response");
    let id = server["id"].as_i64().unwrap();
    power(&app, &admin, id, "start").await;
    wait_status(&app, &admin, id, "running", Duration::from_secs(20)).await;
    let cfg = dir.join("left4dead2/cfg/server.cfg");
    assert_lines(
        &cfg,
        &[
            "hostname \"Tuned Versus Nights\"",
            "sv_password \"lets-play\"",
            "rcon_password \"old-rcon-pw\"",
            "mp_gamemode \"versus\"",
            "sv_region \"3\"",
            "sv_lan \"0\"",
            "sv_allow_lobby_connect_only \"0\"",
            "sv_tags \"versus,tuned\"",
            "sv_logecho \"1\"",
            "sv_logfile \"1\"",
            "z_difficulty \"Hard\"",
        ],
    );
    let (_, preview) = app.get(&format!("/servers/{id}/config/preview"), &admin).await;
    let args = strings(&preview["args"]);
    let at = args.iter().position(|a| a == "+maxplayers").unwrap();
    assert_eq!(args[at + 1], "8", "{args:?}");
    assert_kept_once(
        &app,
        &admin,
        id,
        &dir,
        &[("left4dead2/cfg/server.cfg", "source", "server.cfg")],
    )
    .await;
    power(&app, &admin, id, "kill").await;
}

/// Arma 3: server.cfg (unknown entries and classes included) and basic.cfg stay in effect.
async fn arma_install_keeps_its_configs(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let files = [("server.cfg", "server.cfg"), ("basic.cfg", "basic.cfg")];
    let (dir, server) = register(&app, &admin, "arma3", "arma3server_x64", 12, &files, json!({})).await;
    let imported = &server["imported"];
    let keys = strings(&imported["keys"]);
    for key in [
        "hostname",
        "max_players",
        "missions",
        "basic.max_msg_send",
        "secrets.admin_password",
    ] {
        assert!(keys.contains(&key.to_owned()), "{key} imported: {imported}");
    }
    let kept = strings(&imported["kept"]);
    for key in [
        "allowedLoadFileExtensions[]",
        "class AdvancedOptions",
        "basic.MaxCustomFileSize",
    ] {
        assert!(kept.contains(&key.to_owned()), "{key} kept: {imported}");
    }
    let id = server["id"].as_i64().unwrap();
    power(&app, &admin, id, "start").await;
    wait_status(&app, &admin, id, "running", Duration::from_secs(20)).await;
    assert_lines(
        &dir.join("server.cfg"),
        &[
            "hostname = \"Tuned \"\"Night\"\" Ops\";",
            "password = \"night-pw\";",
            "passwordAdmin = \"boss-pw\";",
            "maxPlayers = 12;",
            "motd[] = {\"Welcome to Night Ops\", \"TeamSpeak: ts.example.org\"};",
            "motdInterval = 30;",
            "voteThreshold = 0.5;",
            "kickDuplicate = 1;",
            "verifySignatures = 0;",
            "BattlEye = 1;",
            "persistent = 1;",
            "timeStampFormat = \"full\";",
            "admins[] = {\"76561198017965694\"};",
            "disableVoN = 1;",
            "allowedLoadFileExtensions[] = {\"hpp\", \"sqs\", \"sqf\"};",
            "onUserConnected = \"\";",
            "maxPing = 250;",
            "template = \"NightRaid.Altis\";",
            "difficulty = \"Veteran\";",
            "class AdvancedOptions",
            "LogObjectNotFound = false;",
            "SkipDescriptionParsing = false;",
        ],
    );
    assert_lines(
        &dir.join("basic.cfg"),
        &[
            "MaxMsgSend = 256;",
            "MaxSizeGuaranteed = 900;",
            "MaxSizeNonguaranteed = 300;",
            "MinBandwidth = 800000;",
            "MaxBandwidth = 25000000;",
            "MinErrorToSend = 0.004;",
            "MinErrorToSendNear = 0.02;",
            "MaxCustomFileSize = 0;",
            "maxPacketSize = 1300;",
        ],
    );
    assert_kept_once(
        &app,
        &admin,
        id,
        &dir,
        &[
            ("server.cfg", "arma3", "server.cfg"),
            ("basic.cfg", "arma3", "basic.cfg"),
        ],
    )
    .await;
    power(&app, &admin, id, "kill").await;
}

crate::on_both_backends!(
    minecraft_install_keeps_its_properties,
    source_install_keeps_its_server_cfg,
    arma_install_keeps_its_configs,
);
