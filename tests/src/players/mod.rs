//! Players against the simulators: joins and leaves become sessions for each game (`roster`),
//! kicks and bans reach the game as its own commands and global bans follow a player to another
//! server (`moderation`), a wrong RCON password shows as an RCON error while the game keeps
//! running, BattlEye replies and messages survive reordering and duplicates, and Steam profiles
//! fill in (`roster`). This file holds what both use.

mod moderation;
mod roster;

use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{Backend, Options, TestApp};
use crate::sim::{power, wait_status};
use crate::wait::eventually;

const WAIT: Duration = Duration::from_secs(15);

async fn spawn_fast(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    let mut env = vec![("LANGUARD_PLAYERS_POLL_INTERVAL".to_owned(), "1".to_owned())];
    env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    TestApp::spawn_with(backend, Options { env }).await
}

/// GETs `path` until `ok` holds for the body (or fails with the last body after [`WAIT`]).
async fn wait_for(app: &TestApp, token: &str, path: &str, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    eventually(what, WAIT, async || {
        let (status, body) = app.get(path, token).await;
        if status == StatusCode::OK && ok(&body) {
            Ok(body)
        } else {
            Err(format!("{path}: {body}"))
        }
    })
    .await
}

fn names(players: &Value) -> Vec<String> {
    players["players"]
        .as_array()
        .map(|a| a.iter().map(|p| p["name"].as_str().unwrap_or("").to_owned()).collect())
        .unwrap_or_default()
}

fn online<'a>(players: &'a Value, name: &str) -> &'a Value {
    players["players"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("{name} is not in {players}"))
}

fn server_file(server: &Value, name: &str) -> String {
    std::fs::read_to_string(PathBuf::from(server["directory"].as_str().unwrap()).join(name)).unwrap_or_default()
}

/// Waits until the simulator recorded a command line that `ok` accepts.
async fn wait_command(server: &Value, what: &str, ok: impl Fn(&str) -> bool) -> String {
    eventually(&format!("the game receives {what}"), WAIT, async || {
        let received = server_file(server, "fakegame.commands");
        match received.lines().find(|l| ok(l)) {
            Some(line) => Ok(line.to_owned()),
            None => Err(format!("it got:\n{received}")),
        }
    })
    .await
}

async fn start_all(app: &TestApp, token: &str, servers: &[Value]) {
    for server in servers {
        let id = server["id"].as_i64().unwrap();
        let (status, body) = power(app, token, id, "start").await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    for server in servers {
        wait_status(app, token, server["id"].as_i64().unwrap(), "running", WAIT).await;
    }
}

fn players_path(server: &Value) -> String {
    format!("/servers/{}/players", server["id"])
}
