//! Every mutating request lands in the audit log with its actor, and secrets never do.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::events::{open, send, until};
use crate::harness::{assert_error, Backend, TestApp, ADMIN_PASSWORD};

async fn mutations_are_audited_with_secrets_masked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let (status, _) = app
        .post(
            "/users",
            Some(&admin),
            json!({"username": "audrey", "password": "very-secret-pw", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let _ = app
        .post(
            "/auth/login",
            None,
            json!({"username": "audrey", "password": "wrong-secret-pw"}),
        )
        .await;
    let (_, token) = app.post("/tokens", Some(&admin), json!({"name": "ci"})).await;
    let secret = token["secret"].as_str().unwrap();
    let (status, _) = app
        .post(
            "/users",
            Some(secret),
            json!({"username": "by-token", "password": "by-token-pw", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // Reads are not audited.
    let _ = app.get("/users", &admin).await;

    let (status, page) = app.get("/audit?per_page=200", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let text = page.to_string();
    for secret_text in [ADMIN_PASSWORD, "very-secret-pw", "wrong-secret-pw", secret] {
        assert!(
            !text.contains(secret_text),
            "`{secret_text}` leaked into the audit log: {text}"
        );
    }
    let items = page["items"].as_array().unwrap();
    assert!(items.iter().all(|e| e["method"] != "GET"), "{text}");
    let create = items
        .iter()
        .find(|e| e["path"] == "/api/v1/users" && e["summary"].as_str().unwrap_or("").contains("audrey"))
        .expect("user creation audited");
    assert_eq!(create["status"], 201);
    assert_eq!(create["actor_kind"], "user");
    assert_eq!(create["actor_name"], "admin");
    assert!(create["request_id"].as_str().is_some_and(|id| id.len() >= 16));
    assert!(create["summary"].as_str().unwrap().contains("audrey"));
    assert!(create["summary"].as_str().unwrap().contains("***"));
    let failed = items
        .iter()
        .find(|e| e["path"] == "/api/v1/auth/login" && e["status"] == 401)
        .expect("failed login audited");
    assert_eq!(failed["actor_kind"], "anonymous");
    assert_eq!(failed["ip"], "127.0.0.1");
    let by_token = items
        .iter()
        .find(|e| e["actor_kind"] == "token")
        .expect("token use audited");
    assert_eq!(by_token["actor_name"], "admin (token ci)");

    // Filters: actor substring, path prefix, method, time window.
    let (_, filtered) = app.get("/audit?actor=TOKEN&method=POST", &admin).await;
    assert_eq!(filtered["total"], 1, "{filtered}");
    let (_, filtered) = app.get("/audit?path=/api/v1/auth", &admin).await;
    assert!(filtered["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["path"].as_str().unwrap().starts_with("/api/v1/auth")));
    assert!(filtered["total"].as_i64().unwrap() >= 2);
    let (_, future) = app.get("/audit?since=2999-01-01T00:00:00Z", &admin).await;
    assert_eq!(future["total"], 0);
    assert_error(
        app.get("/audit?since=yesterday", &admin).await,
        400,
        "invalid_query",
        Some("since"),
    );

    let viewer = app.user_token(&admin, "vik", "viewer").await;
    assert_error(
        app.call(Method::GET, "/audit", Some(&viewer), None).await,
        403,
        "forbidden",
        None,
    );
}

/// Raw console commands that carry a password are masked the same way whether they came over
/// HTTP (`POST /servers/{id}/rcon`) or the WebSocket, chained commands included; the audit row
/// exists even when the command was refused (here: no such server).
async fn console_passwords_are_masked_on_every_path(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let http_lines = [
        ("rcon_password http-secret-1", "rcon_password ***"),
        ("#login http-secret-2", "#login ***"),
        ("sv_password \"http-secret-3\"", "sv_password ***"),
        ("echo x; rcon_password http-secret-4", "echo x; rcon_password ***"),
        ("RConPassword http-secret-5", "RConPassword ***"),
    ];
    for (line, _) in http_lines {
        let (status, body) = app
            .post("/servers/999999/rcon", Some(&admin), json!({"command": line}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
    let ws_lines = [
        ("sv_password ws-secret-1", "sv_password ***"),
        ("echo x; rcon_password ws-secret-2", "echo x; rcon_password ***"),
    ];
    let mut ws = open(&app, &admin).await;
    for (n, (line, _)) in ws_lines.iter().enumerate() {
        let id = n.to_string();
        send(
            &mut ws,
            json!({"type": "command", "server": 999999, "line": line, "id": id}),
        )
        .await;
        until(&mut ws, "command refused", |f| {
            f["type"] == "error" && f["data"]["id"] == id.as_str()
        })
        .await;
    }

    let (_, page) = app.get("/audit?per_page=200", &admin).await;
    let text = page.to_string();
    for secret in ["http-secret", "ws-secret"] {
        assert!(!text.contains(secret), "`{secret}` leaked into the audit log: {text}");
    }
    let summaries: Vec<(String, String)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap_or("").to_owned(),
                e["summary"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    for (path, lines) in [
        ("/api/v1/servers/999999/rcon", &http_lines[..]),
        ("/api/v1/ws", &ws_lines[..]),
    ] {
        for (_, masked) in lines {
            let quoted = serde_json::to_string(masked).unwrap();
            assert!(
                summaries.iter().any(|(p, s)| p == path && s.contains(&quoted)),
                "no {path} entry with {quoted}: {text}"
            );
        }
    }
}

crate::on_both_backends!(
    mutations_are_audited_with_secrets_masked,
    console_passwords_are_masked_on_every_path,
);
