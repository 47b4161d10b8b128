//! Fan-out is per server: a session only pays for what it subscribed to, so a flood on one
//! server never evicts another server's frames from a session's backlog.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::events::{next, open, send, until, Ws};
use crate::harness::{Backend, TestApp};
use crate::sim::{control, create_tf2, power, wait_status};

const WAIT: Duration = Duration::from_secs(60);
/// Lines server A prints while its client does not read, each long enough that together they
/// fill the socket's buffers and the session has to wait for the client.
const A_LINES: usize = 2500;
const A_LINE_BYTES: usize = 8000;
/// Lines server B prints meanwhile: many times the frames a session may fall behind.
const B_LINES: usize = 50_000;

async fn running_server(app: &TestApp, token: &str, name: &str) -> serde_json::Value {
    let _bin_dir = app.data_dir.path().join("games");
    let server = create_tf2(app, token, name).await;
    let id = server["id"].as_i64().unwrap();
    assert_eq!(power(app, token, id, "start").await.0, StatusCode::ACCEPTED);
    wait_status(app, token, id, "running", WAIT).await;
    server
}

async fn follow(ws: &mut Ws, server: i64) {
    send(
        ws,
        json!({"type": "subscribe", "servers": [server], "channels": ["console"]}),
    )
    .await;
    assert_eq!(next(ws, WAIT).await.unwrap()["type"], "subscribed");
}

fn is_last(frame: &serde_json::Value, tag: &str, n: usize) -> bool {
    frame["data"]["line"]
        .as_str()
        .is_some_and(|l| l.ends_with(&format!("{tag} {n}")))
}

/// A client following A stops reading while A prints long lines (its session waits on the
/// socket) and B floods; once it reads again it gets every line of A in order and no `lagged`.
async fn a_flood_on_b_does_not_reach_a_follower(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let a = running_server(&app, &admin, "a").await;
    let b = running_server(&app, &admin, "b").await;
    let (a_id, b_id) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());
    let mut follower = open(&app, &admin).await;
    follow(&mut follower, a_id).await;
    let (mut watch_a, mut watch_b) = (open(&app, &admin).await, open(&app, &admin).await);
    follow(&mut watch_a, a_id).await;
    follow(&mut watch_b, b_id).await;

    let tag = format!("a{}", "x".repeat(A_LINE_BYTES));
    control(&a, &format!("flood {A_LINES} {tag}"));
    until(&mut watch_a, "A's last line", |f| is_last(f, &tag, A_LINES)).await;
    control(&b, &format!("flood {B_LINES} b-line"));
    // B's watcher may lag itself; it only says when B is done.
    until(&mut watch_b, "B's last line", |f| is_last(f, "b-line", B_LINES)).await;

    let mut expected = 1;
    let mut last_seq = 0;
    while expected <= A_LINES {
        let frame = next(&mut follower, WAIT)
            .await
            .unwrap_or_else(|| panic!("line {expected} of A did not arrive"));
        assert_ne!(frame["type"], "lagged", "B's flood reached A's follower: {frame}");
        assert_eq!(frame["server_id"], a_id, "{frame}");
        let line = frame["data"]["line"].as_str().unwrap_or_default();
        if !line.contains(&tag) {
            continue;
        }
        let number = line.rsplit(' ').next().unwrap_or_default();
        assert_eq!(
            number,
            expected.to_string(),
            "the lines of A arrive one by one, in order"
        );
        let seq = frame["seq"].as_u64().unwrap();
        assert!(seq > last_seq, "frames arrive in order");
        last_seq = seq;
        expected += 1;
    }
}

crate::on_both_backends!(a_flood_on_b_does_not_reach_a_follower);
