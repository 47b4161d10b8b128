//! Reading tuned installs of each game: every known key lands in the config, unknown keys are
//! kept and rendered back, and a kept entry cannot become a way into the file.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::import::Found;
use super::testutil::{assert_rejects, file, plan, secrets};
use super::{arma3::Arma3, minecraft::Minecraft, source::Source, GameAdapter, Secrets};

fn testdata(game: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/games/testdata/import")
        .join(game)
}

/// Imports from a folder laid out as `files` says: (path in the install, fixture name).
fn import_from(adapter: &dyn GameAdapter, game: &str, config: &Value, files: &[(&str, &str)]) -> Found {
    let read = |p: &Path| {
        let (_, name) = files.iter().find(|(path, _)| Path::new(path) == p)?;
        std::fs::read_to_string(testdata(game).join(name)).ok()
    };
    adapter.import(&adapter.validate(config).unwrap(), &read)
}

fn merged(adapter: &dyn GameAdapter, found: &Found, over: Value) -> Value {
    let mut config = Value::Object(found.config.clone());
    if let (Some(c), Some(o)) = (config.as_object_mut(), over.as_object()) {
        c.extend(o.clone());
    }
    adapter.validate(&config).unwrap()
}

fn with_rcon(found: &Found) -> Secrets {
    Secrets {
        rcon_password: found.secrets.rcon_password.clone().or(secrets().rcon_password),
        ..found.secrets.clone()
    }
}

#[test]
fn minecraft_properties_survive_import_and_render() {
    let found = import_from(
        &Minecraft,
        "minecraft",
        &json!({}),
        &[("server.properties", "server.properties"), ("eula.txt", "eula.txt")],
    );
    let r = &found.report;
    assert_eq!(r.files, ["eula.txt", "server.properties"]);
    for key in [
        "level_name",
        "white_list",
        "motd",
        "view_distance",
        "gamemode",
        "eula_accepted",
    ] {
        assert!(r.keys.iter().any(|k| k == key), "{key}: {r:?}");
    }
    assert!(r.kept.iter().any(|k| k == "generator-settings"), "{r:?}");
    assert!(r.managed.iter().any(|k| k == "server-port"), "{r:?}");
    let config = merged(&Minecraft, &found, json!({}));
    assert_eq!(config["motd"], "§6Tuned §rserver: welcome = home");
    assert_eq!(config["level_type"], "minecraft:large_biomes");
    let plan = plan(&Minecraft, "/usr/bin/java", 25565, &config, &with_rcon(&found));
    let written = &file(&plan, "server.properties").contents;
    let original = std::fs::read_to_string(testdata("minecraft").join("server.properties")).unwrap();
    let managed = ["server-port=", "enable-rcon=", "rcon.password=", "rcon.port="];
    for line in original.lines().filter(|l| !l.starts_with('#')) {
        if !managed.iter().any(|m| line.starts_with(m)) {
            assert!(written.lines().any(|l| l == line), "`{line}` lost:\n{written}");
        }
    }
}

#[test]
fn minecraft_kept_keys_cannot_inject() {
    assert_rejects(
        &Minecraft,
        json!({"extra": {"enable-rcon": "false"}}),
        "config.extra.enable-rcon",
    );
    assert_rejects(&Minecraft, json!({"extra": {"a\nb": "x"}}), "config.extra.a\nb");
    assert_rejects(&Minecraft, json!({"extra": {"a=b": "x"}}), "config.extra.a=b");
    let config = Minecraft
        .validate(&json!({"extra": {"resource-pack": "x\nenable-rcon=false"}}))
        .unwrap();
    let plan = plan(&Minecraft, "/usr/bin/java", 25565, &config, &secrets());
    let written = &file(&plan, "server.properties").contents;
    assert!(written.contains("resource-pack=x\\nenable-rcon\\=false\n"), "{written}");
    assert_eq!(written.matches("enable-rcon=").count(), 1, "{written}");
}

#[test]
fn source_cfg_survives_import_and_render() {
    let found = import_from(
        &Source,
        "source",
        &json!({"game": "left4dead2"}),
        &[("left4dead2/cfg/server.cfg", "server.cfg")],
    );
    assert_eq!(found.secrets.game_password.as_deref(), Some("lets-play"));
    assert_eq!(found.secrets.rcon_password.as_deref(), Some("old-rcon-pw"));
    let config = merged(&Source, &found, json!({"game": "left4dead2"}));
    assert_eq!(config["max_players"], 8);
    assert_eq!(config["cvars"]["sv_logfile"], "1", "both commands of a `;` line");
    let plan = plan(&Source, "/srv/srcds_run", 27015, &config, &found.secrets);
    let written = &file(&plan, "left4dead2/cfg/server.cfg").contents;
    for line in [
        "hostname \"Tuned Versus Nights\"",
        "sv_password \"lets-play\"",
        "mp_gamemode \"versus\"",
        "sv_tags \"versus,tuned\"",
        "z_difficulty \"Hard\"",
        "rcon_password \"old-rcon-pw\"",
    ] {
        assert!(written.lines().any(|l| l == line), "`{line}` lost:\n{written}");
    }
    assert!(!written.contains("shared on Discord"), "comments are not values");
}

#[test]
fn arma_configs_survive_import_and_render() {
    let found = import_from(
        &Arma3,
        "arma3",
        &json!({}),
        &[("server.cfg", "server.cfg"), ("basic.cfg", "basic.cfg")],
    );
    let r = &found.report;
    assert!(r.kept.iter().any(|k| k == "class AdvancedOptions"), "{r:?}");
    assert!(r.kept.iter().any(|k| k == "basic.MaxCustomFileSize"), "{r:?}");
    assert_eq!(found.secrets.admin_password.as_deref(), Some("boss-pw"));
    let config = merged(&Arma3, &found, json!({}));
    assert_eq!(config["hostname"], "Tuned \"Night\" Ops");
    assert_eq!(config["missions"][0]["difficulty"], "Veteran");
    assert_eq!(config["basic"]["max_packet_size"], 1300);
    let plan = plan(&Arma3, "/srv/arma3server_x64", 2302, &config, &with_rcon(&found));
    let server = &file(&plan, "server.cfg").contents;
    for line in [
        "allowedLoadFileExtensions[] = {\"hpp\", \"sqs\", \"sqf\"};",
        "maxPing = 250;",
        "class AdvancedOptions",
        "    LogObjectNotFound = false;",
        "template = \"NightRaid.Altis\";",
    ] {
        assert!(
            server.lines().any(|l| l.trim_start() == line.trim_start()),
            "`{line}`:\n{server}"
        );
    }
    let basic = &file(&plan, "basic.cfg").contents;
    assert!(basic.lines().any(|l| l == "MaxCustomFileSize = 0;"), "{basic}");
}

#[test]
fn arma_kept_entries_cannot_inject() {
    let bad = |key: &str, text: &str| {
        assert_rejects(&Arma3, json!({"extra": {key: text}}), &format!("config.extra.{key}"));
    };
    bad("x", "x = 1; hostname = \"evil\";");
    bad("x", "x = \"a\"; // comment");
    bad("x", "#include \"other.cfg\"\nx = 1;");
    bad("x", "x = \"line\nbreak\";");
    bad("x", "y = 1;");
    bad("hostname", "hostname = \"twice\";");
    bad("class Missions", "class Missions { };");
    bad("x", "x = 1");
    assert_rejects(
        &Arma3,
        json!({"basic": {"extra": {"class sockets": "class sockets { a = 1; };"}}}),
        "config.basic.extra.class sockets",
    );
    let config = Arma3
        .validate(&json!({"extra": {"class A": "class A {b = \"q\"\"uote\";};"}}))
        .unwrap();
    let plan = plan(&Arma3, "/srv/arma3server_x64", 2302, &config, &secrets());
    let server = &file(&plan, "server.cfg").contents;
    assert!(server.contains("class A\n{\n    b = \"q\"\"uote\";\n};\n"), "{server}");
}

/// An imported value the config refuses is left out and reported; the rest is still taken.
#[test]
fn refused_values_are_skipped_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("server.properties"), "view-distance=99\nmotd=kept\n").unwrap();
    let imported = crate::servers::import::read_install(&Minecraft, dir.path(), &json!({})).unwrap();
    let report = imported.report.unwrap();
    assert_eq!(imported.config["motd"], "kept");
    assert_eq!(imported.config["view_distance"], 10);
    assert!(report.skipped.iter().any(|s| s.key == "view_distance"), "{report:?}");
    assert!(!report.keys.contains(&"view_distance".to_owned()));
    // What the request gives wins over the file.
    let imported = crate::servers::import::read_install(&Minecraft, dir.path(), &json!({"motd": "mine"})).unwrap();
    assert_eq!(imported.config["motd"], "mine");
}

/// A kept entry would be readable in the config: one named like a secret is reported instead.
#[test]
fn secret_looking_entries_are_not_kept() {
    let read = |p: &Path| {
        (p == Path::new("tf/cfg/server.cfg")).then(|| {
            // A game server login token (GSLT), a token by another name, and an API key.
            "sv_setsteamaccount_token \"ABC\"\nsv_setsteamaccount 0123456789ABCDEF\nsm_api_key k1\nsv_gravity 600\n"
                .to_owned()
        })
    };
    let found = Source.import(&Source.validate(&json!({})).unwrap(), &read);
    assert_eq!(found.config["cvars"], json!({"sv_gravity": "600"}));
    assert_eq!(found.report.kept, ["sv_gravity"]);
    let mut skipped: Vec<&str> = found.report.skipped.iter().map(|s| s.key.as_str()).collect();
    skipped.sort();
    assert_eq!(
        skipped,
        ["sm_api_key", "sv_setsteamaccount", "sv_setsteamaccount_token"]
    );
}
