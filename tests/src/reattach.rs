//! Servers launched through wrappers that `exec` the game (a `start.sh`, `env`, a script that
//! execs `env`) are found again after every panel restart, clean or not, and a start never
//! launches a second copy beside a process Languard started for the server.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{fake_executable, free_port_block, Backend, TestApp};
use crate::sim::{create, event_kinds, pid_alive, power, wait_status};
use crate::wait::eventually;

const ROUNDS: usize = 20;
const PATIENCE: Duration = Duration::from_secs(30);

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A generic server whose directory holds what the simulated Minecraft server reads.
async fn wrapped(app: &TestApp, admin: &str, name: &str, executable: &Path, args: Vec<String>) -> Value {
    let port = free_port_block(1);
    let server = create(
        app,
        admin,
        json!({"name": name, "game": "generic", "executable": executable, "game_port": port,
               "config": {"args": args}}),
    )
    .await;
    let dir = PathBuf::from(server["directory"].as_str().unwrap());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("eula.txt"), "eula=true\n").unwrap();
    std::fs::write(
        dir.join("server.properties"),
        format!("server-port={port}\nenable-rcon=false\n"),
    )
    .unwrap();
    server
}

/// Three ways admins launch a game: a `start.sh` ending in `exec java …`, `env VAR=… java …`,
/// and a script that execs `env`, which execs the game (two execs).
async fn wrapped_servers(app: &TestApp, admin: &str) -> Vec<Value> {
    let games = app.data_dir.path().join("games");
    let java = fake_executable(&games, "java").display().to_string();
    let start_sh = script(
        &games,
        "start.sh",
        &format!("export LD_LIBRARY_PATH=\"$PWD/natives\"\nexec {java} -Xmx64M -jar server.jar nogui"),
    );
    let twice = script(
        &games,
        "launch.sh",
        &format!("exec /usr/bin/env MALLOC_ARENA_MAX=2 {java} -jar server.jar nogui"),
    );
    let jar = ["-jar", "server.jar", "nogui"].map(String::from).to_vec();
    let mut env_args = vec!["LD_LIBRARY_PATH=natives".to_owned(), java.clone()];
    env_args.extend(jar);
    vec![
        wrapped(app, admin, "start-sh", &start_sh, vec![]).await,
        wrapped(app, admin, "env", Path::new("/usr/bin/env"), env_args).await,
        wrapped(app, admin, "exec-twice", &twice, vec![]).await,
    ]
}

/// Starts each server and returns its pid once it runs.
async fn start_all(app: &TestApp, admin: &str, servers: &[Value]) -> Vec<i64> {
    let mut pids = Vec::new();
    for server in servers {
        let id = server["id"].as_i64().unwrap();
        let (status, body) = power(app, admin, id, "start").await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    for server in servers {
        let id = server["id"].as_i64().unwrap();
        let running = wait_status(app, admin, id, "running", PATIENCE).await;
        pids.push(running["pid"].as_i64().unwrap());
    }
    pids
}

/// Waits for the `reattached` event of the `round`th panel start and checks the server runs
/// the same process as before.
async fn assert_reattached(app: &TestApp, admin: &str, id: i64, pid: i64, round: usize) {
    eventually(
        &format!("server {id} reattached in round {round}"),
        PATIENCE,
        async || {
            let kinds = event_kinds(app, admin, id).await;
            assert!(
                !kinds.iter().any(|k| k == "crashed"),
                "server {id} was marked crashed after panel restart {round}: {kinds:?}"
            );
            if kinds.iter().filter(|k| *k == "reattached").count() >= round {
                Ok(())
            } else {
                Err(format!("{kinds:?}"))
            }
        },
    )
    .await;
    let (_, now) = app.get(&format!("/servers/{id}"), admin).await;
    assert_eq!(now["status"], "running", "round {round}: {now}");
    assert_eq!(now["pid"].as_i64(), Some(pid), "round {round}: {now}");
    assert!(pid_alive(pid), "round {round}: process {pid} is gone");
}

async fn stop_all(app: &TestApp, admin: &str, servers: &[Value], pids: &[i64]) {
    for (server, pid) in servers.iter().zip(pids) {
        let id = server["id"].as_i64().unwrap();
        let (status, body) = power(app, admin, id, "stop").await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        wait_status(app, admin, id, "stopped", PATIENCE).await;
        assert!(!pid_alive(*pid), "process {pid} survived the stop");
    }
}

#[derive(Clone, Copy)]
enum PanelEnd {
    Sigterm,
    Sigkill,
}

async fn wrappers_reattach(backend: Backend, end: PanelEnd) {
    let mut app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let servers = wrapped_servers(&app, &admin).await;
    let pids = start_all(&app, &admin, &servers).await;
    for round in 1..=ROUNDS {
        match end {
            PanelEnd::Sigterm => {
                app.terminate().await;
                app.restart().await;
            }
            PanelEnd::Sigkill => app.crash_and_restart().await,
        }
        let admin = app.admin_token().await;
        for (server, pid) in servers.iter().zip(&pids) {
            assert_reattached(&app, &admin, server["id"].as_i64().unwrap(), *pid, round).await;
        }
    }
    let admin = app.admin_token().await;
    stop_all(&app, &admin, &servers, &pids).await;
}

async fn wrappers_reattach_after_sigterm_of_the_panel(backend: Backend) {
    wrappers_reattach(backend, PanelEnd::Sigterm).await;
}

async fn wrappers_reattach_after_sigkill_of_the_panel(backend: Backend) {
    wrappers_reattach(backend, PanelEnd::Sigkill).await;
}

/// One wrapped server running; the panel is killed, the server's row is set to `state`
/// behind its back, and the panel started again: the app, a fresh admin token, the server and
/// its pid.
async fn restarted_with_state(backend: Backend, state: &str) -> (TestApp, String, Vec<Value>, Vec<i64>) {
    let mut app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let mut servers = wrapped_servers(&app, &admin).await;
    servers.truncate(1);
    let pids = start_all(&app, &admin, &servers).await;
    let id = servers[0]["id"].as_i64().unwrap();
    app.crash().await;
    app.sql(&format!("UPDATE servers SET state = '{state}' WHERE id = {id}"));
    app.restart().await;
    let admin = app.admin_token().await;
    (app, admin, servers, pids)
}

/// A row that says `crashed` while the process recorded in it still runs (what earlier
/// versions left behind): the restarted panel adopts the process, and stop then works.
async fn a_live_recorded_process_is_adopted_whatever_the_stored_state(backend: Backend) {
    let (app, admin, servers, pids) = restarted_with_state(backend, "crashed").await;
    let (servers, id) = (&servers[..], servers[0]["id"].as_i64().unwrap());
    let running = wait_status(&app, &admin, id, "running", PATIENCE).await;
    assert_eq!(running["pid"].as_i64(), Some(pids[0]), "{running}");
    stop_all(&app, &admin, servers, &pids).await;
}

/// A start that finds the recorded process of the server still running adopts it instead of
/// launching a second copy into the same directory (here the panel could not restore the
/// row's state, so its actor holds no process).
async fn a_start_adopts_the_running_process_instead_of_launching_another(backend: Backend) {
    let (app, admin, servers, pids) = restarted_with_state(backend, "paused").await;
    let (servers, id) = (&servers[..], servers[0]["id"].as_i64().unwrap());
    // Deleting it now would leave the game running with nobody watching it.
    let (status, body) = app
        .call(Method::DELETE, &format!("/servers/{id}"), Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "still_running", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains(&format!("pid {}", pids[0])),
        "{body}"
    );
    let (status, body) = power(&app, &admin, id, "start").await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["status"], "running", "{body}");
    let running = wait_status(&app, &admin, id, "running", PATIENCE).await;
    assert_eq!(
        running["pid"].as_i64(),
        Some(pids[0]),
        "a second copy was started: {running}"
    );
    let (_, events) = app.get(&format!("/servers/{id}/events"), &admin).await;
    let message = format!("pid {}", pids[0]);
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "reattached" && e["message"].as_str().unwrap().contains(&message)),
        "{events}"
    );
    stop_all(&app, &admin, servers, &pids).await;
}

/// A state Languard does not know (written by another version, or by hand) is an error, not
/// a silent `stopped`; the same for a player's identity kind in a ban.
async fn unknown_stored_values_are_errors(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let servers = wrapped_servers(&app, &admin).await;
    let id = servers[0]["id"].as_i64().unwrap();
    let (status, bans) = app.get("/bans", &admin).await;
    assert_eq!(status, StatusCode::OK, "{bans}");
    app.crash().await;
    app.sql(&format!("UPDATE servers SET state = 'paused' WHERE id = {id}"));
    app.sql(
        "INSERT INTO players (kind, identity, name, first_seen, last_seen) \
         VALUES ('xbox', 'x-1', 'Someone', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    );
    app.sql(
        "INSERT INTO bans (player_id, reason, created_at) \
         SELECT id, 'cheating', '2026-01-01 00:00:00' FROM players WHERE identity = 'x-1'",
    );
    app.restart().await;
    let admin = app.admin_token().await;
    let (status, server) = app.get(&format!("/servers/{id}"), &admin).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{server}");
    assert_eq!(server["error"], "internal_error", "{server}");
    let (status, bans) = app.get("/bans", &admin).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{bans}");
}

crate::on_both_backends!(
    wrappers_reattach_after_sigterm_of_the_panel,
    wrappers_reattach_after_sigkill_of_the_panel,
    a_live_recorded_process_is_adopted_whatever_the_stored_state,
    a_start_adopts_the_running_process_instead_of_launching_another,
    unknown_stored_values_are_errors,
);
