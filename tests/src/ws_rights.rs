//! Open WebSocket sessions follow changes to their user, their login session and their API
//! token: a demoted, disabled or deleted user's socket, a logged-out session's socket and a
//! revoked token's socket are closed with a policy-violation code and a reason; a ticket dies
//! with its session; a change to someone else leaves a socket alone.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

use crate::events::{next, open, send, ticket, ws_url, Ws};
use crate::harness::{Backend, TestApp};

const WAIT: Duration = Duration::from_secs(20);
/// A change must reach the socket within a second; the deadline is generous for a busy machine.
const CLOSE_WITHIN: Duration = Duration::from_secs(10);

/// Reads until the server closes the socket; returns its close code and reason, or panics
/// with what arrived instead.
async fn closed(ws: &mut Ws, what: &str) -> (u16, String) {
    let deadline = Instant::now() + CLOSE_WITHIN;
    let mut seen = Vec::new();
    loop {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            panic!("{what}: the socket is still open; got {seen:?}");
        };
        match tokio::time::timeout(left, ws.next()).await {
            Err(_) => panic!("{what}: the socket is still open; got {seen:?}"),
            Ok(None) | Ok(Some(Err(_))) => panic!("{what}: the socket ended without a close frame"),
            Ok(Some(Ok(Message::Close(Some(frame))))) => return (u16::from(frame.code), frame.reason.to_string()),
            Ok(Some(Ok(Message::Close(None)))) => panic!("{what}: closed without a code"),
            Ok(Some(Ok(other))) => seen.push(other),
        }
    }
}

/// Subscribes to everything and waits for the answer, so the session is known to be running.
async fn follow_all(ws: &mut Ws) {
    send(ws, json!({"type": "subscribe", "servers": "*", "channels": ["status"]})).await;
    assert_eq!(next(ws, WAIT).await.unwrap()["type"], "subscribed");
}

async fn bearer_socket(app: &TestApp, secret: &str) -> Ws {
    let mut request = ws_url(app, "").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {secret}").parse().unwrap());
    tokio_tungstenite::connect_async(request)
        .await
        .expect("bearer handshake")
        .0
}

async fn user_id(app: &TestApp, admin: &str, username: &str) -> i64 {
    let (_, users) = app.get("/users?per_page=100", admin).await;
    users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_else(|| panic!("no user {username}: {users}"))
}

fn assert_policy(closed: (u16, String), kind: &str) {
    assert_eq!(closed.0, u16::from(CloseCode::Policy), "{closed:?}");
    assert!(
        closed.1.starts_with(&format!("{kind}: ")),
        "reason names `{kind}`: {closed:?}"
    );
}

/// A demoted operator's socket is closed as `rights_changed` (a new one is a viewer's, whose
/// commands are refused); a disabled user's socket is closed; a change to another user leaves
/// a socket open.
async fn role_and_account_changes_close_sockets(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let operator = app.user_token(&admin, "oper", "operator").await;
    let oper_id = user_id(&app, &admin, "oper").await;
    let mut bystander = open(&app, &admin).await;
    follow_all(&mut bystander).await;
    let mut ws = open(&app, &operator).await;
    follow_all(&mut ws).await;

    let path = format!("/users/{oper_id}");
    let (status, body) = app
        .call(Method::PATCH, &path, Some(&admin), Some(json!({"role": "viewer"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_policy(closed(&mut ws, "demoted operator").await, "rights_changed");

    // The same access token now stands for a viewer: its new socket may not run commands.
    let mut again = open(&app, &operator).await;
    send(
        &mut again,
        json!({"type": "command", "server": 1, "line": "echo hi", "id": "c"}),
    )
    .await;
    let refused = next(&mut again, WAIT).await.unwrap();
    assert_eq!(refused["data"]["error"], "forbidden", "{refused}");

    let (status, body) = app
        .call(Method::PATCH, &path, Some(&admin), Some(json!({"disabled": true})))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Disabling ends the user's sessions, so the socket hears what HTTP answers: 401 token_revoked.
    assert_policy(closed(&mut again, "disabled user").await, "token_revoked");

    // The admin's own socket saw both changes go by and is still served.
    send(&mut bystander, json!({"type": "ping", "id": "still"})).await;
    assert_eq!(
        next(&mut bystander, WAIT).await.unwrap(),
        json!({"type": "pong", "data": {"id": "still"}})
    );
}

/// Logging out closes the session's socket and kills a ticket issued before; deleting a user
/// closes the sockets of their API tokens and kills their tickets; revoking a token closes its
/// socket.
async fn logout_deletion_and_revocation_close_sockets(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    app.user_token(&admin, "leaver", "operator").await;
    let login = app.login("leaver", "leaver-password").await;
    let access = login["access_token"].as_str().unwrap().to_owned();
    let mut ws = open(&app, &access).await;
    follow_all(&mut ws).await;
    let spare = ticket(&app, &access).await;
    let (status, body) = app
        .post(
            "/auth/logout",
            Some(&access),
            json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_policy(closed(&mut ws, "logged-out session").await, "token_revoked");
    let late = tokio_tungstenite::connect_async(ws_url(&app, &format!("?ticket={spare}"))).await;
    assert!(
        matches!(late, Err(tokio_tungstenite::tungstenite::Error::Http(ref r)) if r.status() == 401),
        "a ticket dies with its session: {late:?}"
    );

    // A token socket and a spare ticket of a user who is then deleted.
    let gone_access = app.user_token(&admin, "gone", "operator").await;
    let gone_id = user_id(&app, &admin, "gone").await;
    let (_, token) = app
        .post("/tokens", Some(&gone_access), json!({"name": "bot", "role": "viewer"}))
        .await;
    let mut bot = bearer_socket(&app, token["secret"].as_str().unwrap()).await;
    follow_all(&mut bot).await;
    let gone_ticket = ticket(&app, &gone_access).await;
    let (status, _) = app
        .call(Method::DELETE, &format!("/users/{gone_id}"), Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_policy(closed(&mut bot, "deleted user's token").await, "token_revoked");
    let late = tokio_tungstenite::connect_async(ws_url(&app, &format!("?ticket={gone_ticket}"))).await;
    assert!(
        matches!(late, Err(tokio_tungstenite::tungstenite::Error::Http(ref r)) if r.status() == 401),
        "a deleted user's ticket is dead: {late:?}"
    );

    // Revoking a token closes the socket it opened.
    let (_, token) = app
        .post("/tokens", Some(&admin), json!({"name": "script", "role": "viewer"}))
        .await;
    let mut script = bearer_socket(&app, token["secret"].as_str().unwrap()).await;
    follow_all(&mut script).await;
    let token_id = token["token"]["id"].as_i64().unwrap();
    let (status, _) = app
        .call(Method::DELETE, &format!("/tokens/{token_id}"), Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_policy(closed(&mut script, "revoked token").await, "token_revoked");
}

crate::on_both_backends!(
    role_and_account_changes_close_sockets,
    logout_deletion_and_revocation_close_sockets
);
