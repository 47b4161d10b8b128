//! Driving simulated game servers from tests: create, power, wait for a status, script the
//! simulator through its control file, read what it received.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{fake_executable, free_port_block, TestApp};
use crate::wait::{eventually, try_eventually};

/// Polls the server until its status is `want` (or fails after `within`, with its events).
pub async fn wait_status(app: &TestApp, token: &str, id: i64, want: &str, within: Duration) -> Value {
    let waited = try_eventually(within, async || {
        let (_, server) = app.get(&format!("/servers/{id}"), token).await;
        if server["status"] == want {
            Ok(server)
        } else {
            Err(server)
        }
    })
    .await;
    match waited {
        Ok(server) => server,
        Err(server) => {
            let (_, events) = app.get(&format!("/servers/{id}/events"), token).await;
            panic!(
                "server {id} is `{}`, not `{want}`, after {within:?}; events: {events}",
                server["status"]
            );
        }
    }
}

pub async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, server) = app.post("/servers", Some(token), body).await;
    assert_eq!(status, StatusCode::CREATED, "{server}");
    server
}

/// A TF2 server on the Source simulator with a free game port (stopped).
pub async fn create_tf2(app: &TestApp, token: &str, name: &str) -> Value {
    let bin_dir = app.data_dir.path().join("games");
    create(
        app,
        token,
        json!({"name": name, "game": "source", "executable": fake_executable(&bin_dir, "srcds_run"),
               "game_port": free_port_block(1), "config": {"game": "tf", "map": "ctf_2fort"}}),
    )
    .await
}

pub async fn power(app: &TestApp, token: &str, id: i64, action: &str) -> (StatusCode, Value) {
    app.post(&format!("/servers/{id}/{action}"), Some(token), json!({}))
        .await
}

pub async fn event_kinds(app: &TestApp, token: &str, id: i64) -> Vec<String> {
    let (_, events) = app.get(&format!("/servers/{id}/events?per_page=200"), token).await;
    events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

pub fn control(server: &Value, lines: &str) {
    let dir = PathBuf::from(server["directory"].as_str().unwrap());
    let text = if lines.is_empty() {
        String::new()
    } else {
        format!("{lines}\n")
    };
    std::fs::write(dir.join("fakegame.control"), text).unwrap();
}

/// The simulator empties its control file once every line took effect.
pub async fn wait_control_consumed(server: &Value) {
    let file = PathBuf::from(server["directory"].as_str().unwrap()).join("fakegame.control");
    eventually(
        "the simulator reads its control file",
        Duration::from_secs(10),
        async || match std::fs::read_to_string(&file) {
            Ok(left) if !left.is_empty() => Err(format!("it still holds {left:?}")),
            _ => Ok(()),
        },
    )
    .await;
}

pub fn kill_9(pid: i64) {
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

pub fn pid_alive(pid: i64) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        let state = s
            .rsplit_once(") ")
            .map(|(_, rest)| rest.chars().next().unwrap_or('?'))
            .unwrap_or('?');
        state != 'Z' && state != 'X'
    })
}

/// One server of each game: Arma 3, Source and Minecraft simulators.
pub async fn three_servers(app: &TestApp, token: &str) -> Vec<Value> {
    let bin_dir = app.data_dir.path().join("games");
    let arma_port = free_port_block(12);
    let source_port = free_port_block(1);
    let mc_port = free_port_block(11);
    let arma = create(
        app,
        token,
        json!({"name": "Arma \"Elite\"", "game": "arma3", "executable": fake_executable(&bin_dir, "arma3server_x64"),
               "game_port": arma_port, "config": {"hostname": "My \"Elite\" Server", "max_players": 10}}),
    )
    .await;
    let source = create(
        app,
        token,
        json!({"name": "l4d2", "game": "source", "executable": fake_executable(&bin_dir, "srcds_run"),
               "game_port": source_port, "config": {"game": "left4dead2", "map": "c1m1_hotel", "hostname": "Versus"}}),
    )
    .await;
    let minecraft = create(
        app,
        token,
        json!({"name": "survival", "game": "minecraft", "executable": fake_executable(&bin_dir, "java"),
               "game_port": mc_port, "config": {"eula_accepted": true, "motd": "Grüße"}}),
    )
    .await;
    vec![arma, source, minecraft]
}
