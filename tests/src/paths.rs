//! Symlinks planted in a server directory (by a game, a mod or an archive) never redirect the
//! panel's own reads and writes: content uploads, listings and deletes, rendered configs with
//! RCON passwords, the console log and a generic server's log file. Each link points once to a
//! folder outside the panel and once to a sibling server's folder; both stay untouched, and each
//! refusal is a `path_refused` event (and a 409 for API calls).

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::content::upload;
use crate::harness::{assert_error, fake_executable, free_port_block, Backend, TestApp};
use crate::sim::{create, event_kinds, power, wait_status};
use crate::wait::eventually;

crate::on_both_backends!(planted_links_are_refused);

const WAIT: Duration = Duration::from_secs(20);

fn dir_of(server: &Value) -> PathBuf {
    PathBuf::from(server["directory"].as_str().unwrap())
}

/// Every file under `dir` with its contents, to compare before and after.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let meta = std::fs::symlink_metadata(e.path()).unwrap();
            if meta.is_dir() {
                stack.push(e.path());
            } else if meta.is_file() {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Replaces `name` in `dir` by a link to `target`.
fn plant(dir: &Path, name: &str, target: &Path) {
    let link = dir.join(name);
    if let Some(parent) = link.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    if std::fs::symlink_metadata(&link).is_ok_and(|m| m.is_dir()) {
        std::fs::remove_dir_all(&link).unwrap();
    } else {
        let _ = std::fs::remove_file(&link);
    }
    symlink(target, &link).unwrap();
}

async fn wait_event(app: &TestApp, token: &str, id: i64, kind: &str) {
    eventually(&format!("a `{kind}` event on server {id}"), WAIT, async || {
        let kinds = event_kinds(app, token, id).await;
        if kinds.iter().any(|k| k == kind) {
            Ok(())
        } else {
            Err(format!("{kinds:?}"))
        }
    })
    .await;
}

async fn last_event(app: &TestApp, token: &str, id: i64, kind: &str) -> String {
    let (_, events) = app.get(&format!("/servers/{id}/events?per_page=200"), token).await;
    events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == kind)
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("no `{kind}` event: {events}"))
        .to_owned()
}

/// Starting must end in `error`, with a refusal event naming the link.
async fn start_is_refused(app: &TestApp, token: &str, id: i64, what: &str) {
    let (status, body) = power(app, token, id, "start").await;
    assert_eq!(status, StatusCode::CONFLICT, "{what}: {body}");
    assert_eq!(body["error"], "path_outside_server_directory", "{what}: {body}");
    wait_status(app, token, id, "error", WAIT).await;
    wait_event(app, token, id, "path_refused").await;
    let message = last_event(app, token, id, "error").await;
    assert!(message.contains("outside the server directory"), "{what}: {message}");
}

async fn planted_links_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let outside = tempfile::tempdir().unwrap();
    let bin_dir = app.data_dir.path().join("games");
    let arma = |name: &str| {
        json!({"name": name, "game": "arma3", "executable": fake_executable(&bin_dir, "arma3server_x64"),
               "game_port": free_port_block(12), "config": {"hostname": name}})
    };
    let sibling = create(&app, &admin, arma("sibling")).await;
    let sibling_dir = dir_of(&sibling);
    for folder in ["mpmissions", "battleye", "left4dead2/cfg", "logs"] {
        std::fs::create_dir_all(sibling_dir.join(folder)).unwrap();
        std::fs::write(sibling_dir.join(folder).join("sibling.altis.pbo"), "sibling's").unwrap();
    }
    std::fs::write(sibling_dir.join("console.log"), "sibling's console\n").unwrap();

    for (round, target_root) in [outside.path(), sibling_dir.as_path()].into_iter().enumerate() {
        let what = format!("links to {}", target_root.display());
        let elsewhere = |folder: &str| {
            let d = target_root.join(folder);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("victim.altis.pbo"), "not the panel's").unwrap();
            d
        };
        let missions = elsewhere("mpmissions");
        let battleye = elsewhere("battleye");
        let source_cfg = elsewhere("left4dead2/cfg");
        let logs = elsewhere("logs");
        // Config files of someone else's install where the links lead: neither read into a
        // server, copied beside themselves, nor replaced.
        std::fs::write(
            battleye.join("beserver_x64.cfg"),
            "RConPassword theirs\nRConPort 2399\n",
        )
        .unwrap();
        std::fs::write(
            source_cfg.join("server.cfg"),
            "hostname \"theirs\"\nrcon_password theirs\n",
        )
        .unwrap();
        std::fs::write(target_root.join("console.log"), "someone else's file\n").unwrap();
        let before = snapshot(target_root);

        // Content: uploads, listings and deletes through a linked mpmissions.
        let server = create(&app, &admin, arma(&format!("arma-{round}"))).await;
        let id = server["id"].as_i64().unwrap();
        plant(&dir_of(&server), "mpmissions", &missions);
        assert_error(
            upload(&app, &admin, id, "coop.altis.pbo", b"PBO").await,
            409,
            "path_outside_server_directory",
            None,
        );
        assert_error(
            app.get(&format!("/servers/{id}/missions"), &admin).await,
            409,
            "path_outside_server_directory",
            None,
        );
        assert_error(
            app.call(
                Method::DELETE,
                &format!("/servers/{id}/missions/victim.altis.pbo"),
                Some(&admin),
                None,
            )
            .await,
            409,
            "path_outside_server_directory",
            None,
        );
        wait_event(&app, &admin, id, "path_refused").await;

        // Rendered configs with the RCON password: Arma's battleye/ and Source's cfg/.
        let server = create(&app, &admin, arma(&format!("arma-be-{round}"))).await;
        let id = server["id"].as_i64().unwrap();
        plant(&dir_of(&server), "battleye", &battleye);
        // A hand-written server.cfg is copied before the refusal: the copy has its event.
        std::fs::write(dir_of(&server).join("server.cfg"), "hostname = \"by hand\";\n").unwrap();
        start_is_refused(&app, &admin, id, &format!("battleye {what}")).await;
        wait_event(&app, &admin, id, "config_backup").await;

        let server = create(
            &app,
            &admin,
            json!({"name": format!("l4d2-{round}"), "game": "source",
                   "executable": fake_executable(&bin_dir, "srcds_run"), "game_port": free_port_block(1),
                   "config": {"game": "left4dead2", "map": "c1m1_hotel", "hostname": "Versus"}}),
        )
        .await;
        let id = server["id"].as_i64().unwrap();
        plant(&dir_of(&server), "left4dead2/cfg", &source_cfg);
        start_is_refused(&app, &admin, id, &format!("left4dead2/cfg {what}")).await;

        // The console log linked to a file: the game's output must not be appended to it.
        let generic = |name: String, config: Value| {
            json!({"name": name, "game": "generic", "executable": "/bin/sleep",
                   "game_port": free_port_block(1), "config": config})
        };
        let server = create(
            &app,
            &admin,
            generic(format!("console-{round}"), json!({"args": ["600"]})),
        )
        .await;
        let id = server["id"].as_i64().unwrap();
        plant(&dir_of(&server), "console.log", &target_root.join("console.log"));
        start_is_refused(&app, &admin, id, &format!("console.log {what}")).await;

        // A generic server's log file linked elsewhere: those lines are not served to viewers.
        let server = create(
            &app,
            &admin,
            generic(
                format!("log-{round}"),
                json!({"args": ["600"], "log_file": "logs/game.log"}),
            ),
        )
        .await;
        let id = server["id"].as_i64().unwrap();
        let server_dir = dir_of(&server);
        std::fs::write(logs.join("game.log"), "").unwrap();
        plant(&server_dir, "logs/game.log", &logs.join("game.log"));
        let (status, body) = power(&app, &admin, id, "start").await;
        assert!(status.is_success(), "{body}");
        wait_status(&app, &admin, id, "running", WAIT).await;
        wait_event(&app, &admin, id, "path_refused").await;
        std::fs::write(logs.join("game.log"), format!("Secret-{round}-elsewhere\n")).unwrap();
        // The link replaced by a real file: its line is stored, the other one never was.
        std::fs::remove_file(server_dir.join("logs/game.log")).unwrap();
        std::fs::write(server_dir.join("logs/game.log"), format!("Own-{round}-line\n")).unwrap();
        eventually("the server's own log line stored", WAIT, async || {
            let (_, page) = app.get(&format!("/servers/{id}/logs?q=own-{round}"), &admin).await;
            if page["items"].as_array().is_some_and(|i| !i.is_empty()) {
                Ok(())
            } else {
                Err(page)
            }
        })
        .await;
        let (_, page) = app.get(&format!("/servers/{id}/logs?q=secret-{round}"), &admin).await;
        assert_eq!(page["items"], json!([]), "a line of a file outside was served: {page}");
        power(&app, &admin, id, "kill").await;
        wait_status(&app, &admin, id, "stopped", WAIT).await;
        std::fs::write(logs.join("game.log"), "").unwrap();

        let after: Vec<_> = snapshot(target_root)
            .into_iter()
            .filter(|(p, _)| !p.ends_with("logs/game.log"))
            .collect();
        let before: Vec<_> = before
            .into_iter()
            .filter(|(p, _)| !p.ends_with("logs/game.log"))
            .collect();
        assert_eq!(after, before, "{what}: files there were changed");
    }
}
