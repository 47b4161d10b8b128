//! Who did it: every server event names its actor — the user or API token that asked, or
//! Languard itself for crashes, automatic restarts and reattaching after a panel restart —
//! in `GET /servers/{id}/events` and in `event` frames on the WebSocket.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::events::{next, open, send, until};
use crate::harness::{fake_executable, free_port_block, Backend, TestApp};
use crate::sim::{create, kill_9, power, wait_status};
use crate::wait::eventually;

const WAIT: Duration = Duration::from_secs(20);

async fn events(app: &TestApp, token: &str, id: i64) -> Vec<Value> {
    let (status, page) = app.get(&format!("/servers/{id}/events?per_page=200"), token).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut items = page["items"].as_array().cloned().unwrap_or_default();
    items.reverse(); // oldest first
    items
}

/// The actor of the newest event of `kind` (waiting for it to appear).
async fn actor_of(app: &TestApp, token: &str, id: i64, kind: &str, nth: usize) -> Value {
    eventually(&format!("{kind} event #{nth}"), WAIT, async || {
        let all = events(app, token, id).await;
        match all.iter().filter(|e| e["kind"] == kind).nth(nth) {
            Some(event) => Ok(event["actor"].clone()),
            None => Err(format!("{all:?}")),
        }
    })
    .await
}

async fn event_actors_are_recorded(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let (_, me) = app.get("/auth/me", &admin).await;
    let admin_id = me["id"].as_i64().unwrap();
    let (status, created) = app
        .post(
            "/tokens",
            Some(&admin),
            json!({"name": "deploy bot", "role": "operator"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let bot = created["secret"].as_str().unwrap().to_owned();
    let bot_id = created["token"]["id"].as_i64().unwrap();
    let user = json!({"kind": "user", "id": admin_id, "name": "admin"});
    let token = json!({"kind": "token", "id": bot_id, "name": "deploy bot"});
    let system = json!({"kind": "system"});

    let bin_dir = app.data_dir.path().join("games");
    let server = create(
        &app,
        &admin,
        json!({"name": "actors", "game": "source", "executable": fake_executable(&bin_dir, "srcds_run"),
               "game_port": free_port_block(1), "max_restarts": 1, "config": {"game": "tf", "map": "ctf_2fort"}}),
    )
    .await;
    let id = server["id"].as_i64().unwrap();
    assert_eq!(actor_of(&app, &admin, id, "created", 0).await, user);

    let mut ws = open(&app, &admin).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "servers": [id], "channels": ["event"]}),
    )
    .await;
    assert_eq!(next(&mut ws, WAIT).await.unwrap()["type"], "subscribed");

    // Started by the API token: its events, REST and WebSocket, say so.
    assert_eq!(power(&app, &bot, id, "start").await.0, StatusCode::ACCEPTED);
    let running = wait_status(&app, &admin, id, "running", WAIT).await;
    assert_eq!(actor_of(&app, &admin, id, "starting", 0).await, token);
    assert_eq!(actor_of(&app, &admin, id, "running", 0).await, token);
    let frames = until(&mut ws, "the starting frame", |m| m["data"]["kind"] == "starting").await;
    assert_eq!(frames.last().unwrap()["data"]["actor"], token, "{frames:?}");

    // A crash and the automatic restart are Languard's doing.
    kill_9(running["pid"].as_i64().unwrap());
    assert_eq!(actor_of(&app, &admin, id, "crashed", 0).await, system);
    assert_eq!(actor_of(&app, &admin, id, "restart_scheduled", 0).await, system);
    assert_eq!(actor_of(&app, &admin, id, "starting", 1).await, system);
    wait_status(&app, &admin, id, "running", WAIT).await;

    // After a panel restart, reattaching is Languard's; a stop by the user is the user's.
    app.crash_and_restart().await;
    let admin = app.admin_token().await;
    assert_eq!(actor_of(&app, &admin, id, "reattached", 0).await, system);
    assert_eq!(power(&app, &admin, id, "stop").await.0, StatusCode::ACCEPTED);
    wait_status(&app, &admin, id, "stopped", WAIT).await;
    assert_eq!(actor_of(&app, &admin, id, "stopping", 0).await, user);
    assert_eq!(actor_of(&app, &admin, id, "stopped", 0).await, user);

    // Every event has an actor, and no secret of the token is in them.
    let all = events(&app, &admin, id).await;
    for event in &all {
        let kind = event["actor"]["kind"].as_str().unwrap_or_default();
        assert!(["user", "token", "system"].contains(&kind), "{event}");
    }
    assert!(
        !serde_json::to_string(&all).unwrap().contains(&bot),
        "the token's secret leaked"
    );
}

crate::on_both_backends!(event_actors_are_recorded);
