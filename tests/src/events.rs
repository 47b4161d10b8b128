//! The WebSocket event stream against real sessions and simulators: tickets and bearer tokens,
//! subscriptions filtered by server and channel, addresses hidden from viewers, console
//! commands, a slow client told it lagged while a fast one receives every line, and resuming
//! after a reconnect.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{Backend, Options, TestApp};
use crate::sim::{control, create_tf2, power, wait_status};

pub(crate) type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const WAIT: Duration = Duration::from_secs(20);

pub(crate) fn ws_url(app: &TestApp, query: &str) -> String {
    format!("{}/api/v1/ws{query}", app.url.replacen("http", "ws", 1))
}

pub(crate) async fn ticket(app: &TestApp, token: &str) -> String {
    let (status, body) = app.post("/ws/ticket", Some(token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["expires_in"], 30);
    body["ticket"].as_str().unwrap().to_owned()
}

pub(crate) async fn open(app: &TestApp, token: &str) -> Ws {
    let url = ws_url(app, &format!("?ticket={}", ticket(app, token).await));
    tokio_tungstenite::connect_async(url)
        .await
        .expect("WebSocket handshake")
        .0
}

pub(crate) async fn send(ws: &mut Ws, message: Value) {
    ws.send(Message::text(message.to_string())).await.unwrap();
}

/// The next JSON message (pings are answered by the client library and skipped here).
pub(crate) async fn next(ws: &mut Ws, within: Duration) -> Option<Value> {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, ws.next()).await.ok()?? {
            Ok(Message::Text(text)) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}

/// Reads until `ok` accepts a message; returns everything read, that one last.
pub(crate) async fn until(ws: &mut Ws, what: &str, ok: impl Fn(&Value) -> bool) -> Vec<Value> {
    // One deadline for the whole wait: frames that keep arriving without the awaited one (metrics
    // come every second) must not make the wait last for ever.
    let deadline = Instant::now() + 3 * WAIT;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Some(message) = next(ws, left.min(WAIT)).await else {
            panic!("{what}: not received within {:?}; got {seen:?}", 3 * WAIT)
        };
        let done = ok(&message);
        seen.push(message);
        if done {
            return seen;
        }
    }
}

/// Tickets work once; bearer tokens work too; a session only gets the servers and channels it
/// subscribed to; viewers see no addresses and may not run commands; operators get replies.
async fn subscriptions_tickets_and_rights(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        Options {
            env: vec![("LANGUARD_PLAYERS_POLL_INTERVAL".into(), "1".into())],
        },
    )
    .await;
    let admin = app.admin_token().await;
    let viewer = app.user_token(&admin, "watcher", "viewer").await;
    let (a, b) = (create_tf2(&app, &admin, "a").await, create_tf2(&app, &admin, "b").await);
    let (a_id, b_id) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());

    let used = ticket(&app, &viewer).await;
    let url = ws_url(&app, &format!("?ticket={used}"));
    let mut ws = tokio_tungstenite::connect_async(&url).await.unwrap().0;
    let again = tokio_tungstenite::connect_async(&url).await;
    assert!(
        matches!(again, Err(tokio_tungstenite::tungstenite::Error::Http(ref r)) if r.status() == 401),
        "a ticket works once: {again:?}"
    );
    let bogus = tokio_tungstenite::connect_async(ws_url(&app, "?ticket=nope")).await;
    assert!(matches!(bogus, Err(tokio_tungstenite::tungstenite::Error::Http(ref r)) if r.status() == 401));

    send(&mut ws, json!({"type": "subscribe", "servers": [999999]})).await;
    let error = next(&mut ws, WAIT).await.unwrap();
    assert_eq!(
        (error["type"].as_str(), error["data"]["field"].as_str()),
        (Some("error"), Some("servers")),
        "{error}"
    );
    send(
        &mut ws,
        json!({"type": "subscribe", "servers": [a_id], "channels": ["status", "players"]}),
    )
    .await;
    let subscribed = next(&mut ws, WAIT).await.unwrap();
    assert_eq!(subscribed["type"], "subscribed", "{subscribed}");
    send(&mut ws, json!({"type": "ping", "id": "p1"})).await;
    assert_eq!(
        next(&mut ws, WAIT).await.unwrap(),
        json!({"type": "pong", "data": {"id": "p1"}})
    );

    // An operator's API token in the Authorization header instead of a ticket.
    let (_, token) = app
        .post("/tokens", Some(&admin), json!({"name": "bot", "role": "operator"}))
        .await;
    let mut request = ws_url(&app, "").into_client_request().unwrap();
    let bearer = format!("Bearer {}", token["secret"].as_str().unwrap());
    request.headers_mut().insert("authorization", bearer.parse().unwrap());
    let mut bot = tokio_tungstenite::connect_async(request)
        .await
        .expect("bearer handshake")
        .0;
    send(
        &mut bot,
        json!({"type": "subscribe", "servers": "*", "channels": ["players"]}),
    )
    .await;
    assert_eq!(next(&mut bot, WAIT).await.unwrap()["type"], "subscribed");

    for id in [a_id, b_id] {
        assert_eq!(power(&app, &admin, id, "start").await.0, StatusCode::ACCEPTED);
    }
    let frames = until(&mut ws, "server a running", |f| {
        f["type"] == "status" && f["data"]["status"] == "running"
    })
    .await;
    wait_status(&app, &admin, b_id, "running", WAIT).await;
    control(&a, "join Alice 76561198000000001");
    let mut frames_after = until(&mut ws, "Alice in a players frame", |f| {
        f["type"] == "players" && f["data"]["players"].to_string().contains("Alice")
    })
    .await;
    let alice_frame = frames_after.pop().unwrap();
    assert!(
        alice_frame["data"]["players"][0]["ip"].is_null(),
        "viewers see no addresses: {alice_frame}"
    );
    for frame in frames.iter().chain(&frames_after) {
        assert_eq!(frame["server_id"], a_id, "only server a was subscribed: {frame}");
        assert!(
            ["status", "players"].contains(&frame["type"].as_str().unwrap()),
            "{frame}"
        );
        assert!(frame["seq"].as_u64().unwrap() > 0);
    }
    let admin_frame = until(&mut bot, "Alice for the token", |f| {
        f["type"] == "players" && f["data"]["players"].to_string().contains("Alice")
    })
    .await;
    assert!(
        admin_frame.last().unwrap()["data"]["players"][0]["ip"].is_null(),
        "an operator is not an admin"
    );

    send(
        &mut ws,
        json!({"type": "command", "server": a_id, "line": "echo hi", "id": "c1"}),
    )
    .await;
    let refused = until(&mut ws, "command refused", |f| f["type"] == "error").await;
    assert_eq!(refused.last().unwrap()["data"]["error"], "forbidden");
    assert_eq!(refused.last().unwrap()["data"]["id"], "c1");
    send(
        &mut bot,
        json!({"type": "command", "server": a_id, "line": "echo hi", "id": "c2"}),
    )
    .await;
    let reply = until(&mut bot, "command reply", |f| f["type"] == "reply").await;
    assert_eq!(reply.last().unwrap()["data"]["output"], "hi\n");
    assert_eq!(reply.last().unwrap()["data"]["id"], "c2");
    // Both commands are in the audit log, the refused one with its 403.
    let (_, audit) = app.get("/audit?method=WS", &admin).await;
    let entries = audit["items"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{audit}");
    assert_eq!(entries[0]["path"], "/api/v1/ws");
    assert_eq!(entries[0]["status"], 200, "{audit}");
    assert_eq!(entries[1]["status"], 403, "{audit}");
    assert!(entries[0]["summary"].as_str().unwrap().contains("echo hi"), "{audit}");
    send(&mut bot, json!({"type": "bogus"})).await;
    assert_eq!(
        until(&mut bot, "error", |f| f["type"] == "error").await.last().unwrap()["type"],
        "error"
    );
}

/// Console lines stream live; a client that stops reading is told it lagged (memory stays
/// bounded) while a client that keeps reading gets every line in order; after a reconnect a
/// client resumes from the last `seq` it saw.
async fn slow_clients_lag_and_clients_resume(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let server = create_tf2(&app, &admin, "flood").await;
    let id = server["id"].as_i64().unwrap();
    assert_eq!(power(&app, &admin, id, "start").await.0, StatusCode::ACCEPTED);
    wait_status(&app, &admin, id, "running", WAIT).await;
    let subscribe = json!({"type": "subscribe", "servers": [id], "channels": ["console"]});
    let mut fast = open(&app, &admin).await;
    let mut slow = open(&app, &admin).await;
    for ws in [&mut fast, &mut slow] {
        send(ws, subscribe.clone()).await;
        assert_eq!(next(ws, WAIT).await.unwrap()["type"], "subscribed");
    }
    // Batches the fast client drains before the next one; the slow client never reads.
    let (batches, per_batch) = (40, 1000);
    let mut received = 0;
    let mut last_seq = 0;
    for batch in 0..batches {
        control(&server, &format!("flood {per_batch} line-{batch}"));
        let frames = until(&mut fast, "the batch's last line", |f| {
            f["data"]["line"]
                .as_str()
                .is_some_and(|l| l.ends_with(&format!("line-{batch} {per_batch}")))
        })
        .await;
        for frame in &frames {
            assert_eq!(frame["type"], "console", "the fast client never lags: {frame}");
            let seq = frame["seq"].as_u64().unwrap();
            assert!(seq > last_seq, "frames arrive in order");
            last_seq = seq;
        }
        received += frames
            .iter()
            .filter(|f| f["data"]["line"].as_str().is_some_and(|l| l.contains("line-")))
            .count();
    }
    assert_eq!(received, batches * per_batch, "every line reached the fast client");
    let lagged = until(&mut slow, "lagged notice", |f| f["type"] == "lagged").await;
    assert!(
        lagged.last().unwrap()["data"]["missed"].as_u64().unwrap() > 0,
        "{:?}",
        lagged.last()
    );

    // Reconnect and resume: only what came after the last seen frame is replayed.
    drop(fast);
    control(&server, "flood 5 after");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut again = open(&app, &admin).await;
    send(
        &mut again,
        json!({"type": "subscribe", "servers": [id], "channels": ["console"], "resume": last_seq}),
    )
    .await;
    assert_eq!(next(&mut again, WAIT).await.unwrap()["type"], "subscribed");
    let mut replayed = Vec::new();
    for _ in 0..5 {
        replayed.push(
            next(&mut again, WAIT).await.unwrap()["data"]["line"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let expected: Vec<String> = (1..=5).map(|i| format!("after {i}")).collect();
    assert!(
        replayed
            .iter()
            .zip(&expected)
            .all(|(got, want)| got.ends_with(want.as_str())),
        "{replayed:?}"
    );
    // A seq older than the kept frames is answered with `lagged`.
    let mut old = open(&app, &admin).await;
    send(
        &mut old,
        json!({"type": "subscribe", "servers": [id], "channels": ["console"], "resume": 1}),
    )
    .await;
    assert_eq!(next(&mut old, WAIT).await.unwrap()["type"], "subscribed");
    assert_eq!(next(&mut old, WAIT).await.unwrap()["type"], "lagged");
}

crate::on_both_backends!(subscriptions_tickets_and_rights, slow_clients_lag_and_clients_resume);
