//! Every route × {anonymous, viewer, operator, admin, API token} gets the expected status, and
//! every operation of the served OpenAPI document is in this matrix.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{Backend, TestApp, ADMIN_PASSWORD};

#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Level {
    Anonymous,
    Viewer,
    Operator,
    Admin,
}

struct Caller {
    name: &'static str,
    level: Level,
    token: Option<String>,
    /// Username whose disposable session a logout may end.
    username: &'static str,
    password: String,
}

/// (method, documented path, concrete path, body, what it needs, status on success)
type Row = (Method, &'static str, String, Option<Value>, Need, u16);

/// What a route needs, and what a caller with enough rights gets.
enum Need {
    Nothing,
    Role(Level),
    /// A login session with at least this role; API tokens are refused (403).
    Session(Level),
}

/// A server whose executable does not exist: power actions are refused with 422/409 once the
/// role check passes, so the matrix changes nothing on the machine.
async fn server_routes(app: &TestApp, admin: &str, i: usize) -> Vec<Row> {
    let server = |name: String| json!({"name": name, "game": "generic", "executable": "/nonexistent/game-server", "game_port": 40000});
    let (_, kept) = app.post("/servers", Some(admin), server(format!("kept{i}"))).await;
    let (_, doomed) = app.post("/servers", Some(admin), server(format!("doomed{i}"))).await;
    let (kept, doomed) = (kept["id"].as_i64().unwrap(), doomed["id"].as_i64().unwrap());
    let id_path = |suffix: &str| format!("/servers/{kept}{suffix}");
    let viewer = Need::Role(Level::Viewer);
    let operator = || Need::Role(Level::Operator);
    let admin_only = || Need::Role(Level::Admin);
    vec![
        (
            Method::GET,
            "/games",
            "/games".into(),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::GET,
            "/servers",
            "/servers".into(),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::POST,
            "/servers",
            "/servers".into(),
            Some(server(format!("made{i}"))),
            admin_only(),
            201,
        ),
        (Method::GET, "/servers/{id}", id_path(""), None, viewer, 200),
        (
            Method::PATCH,
            "/servers/{id}",
            id_path(""),
            Some(json!({"auto_restart": false})),
            admin_only(),
            200,
        ),
        (
            Method::DELETE,
            "/servers/{id}",
            format!("/servers/{doomed}"),
            None,
            admin_only(),
            204,
        ),
        (
            Method::GET,
            "/servers/{id}/config",
            id_path("/config"),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::PUT,
            "/servers/{id}/config",
            id_path("/config"),
            Some(json!({})),
            admin_only(),
            200,
        ),
        (
            Method::GET,
            "/servers/{id}/config/preview",
            id_path("/config/preview"),
            None,
            admin_only(),
            200,
        ),
        (
            Method::POST,
            "/servers/{id}/start",
            id_path("/start"),
            None,
            operator(),
            422,
        ),
        (
            Method::POST,
            "/servers/{id}/stop",
            id_path("/stop"),
            None,
            operator(),
            409,
        ),
        (
            Method::POST,
            "/servers/{id}/restart",
            id_path("/restart"),
            None,
            operator(),
            422,
        ),
        (
            Method::POST,
            "/servers/{id}/kill",
            id_path("/kill"),
            None,
            operator(),
            409,
        ),
        (
            Method::GET,
            "/servers/{id}/events",
            id_path("/events"),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::GET,
            "/servers/{id}/players",
            id_path("/players"),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::GET,
            "/servers/{id}/sessions",
            id_path("/sessions"),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::GET,
            "/servers/{id}/live-state",
            id_path("/live-state"),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::GET,
            "/servers/{id}/logs",
            id_path("/logs"),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::DELETE,
            "/servers/{id}/logs",
            id_path("/logs"),
            None,
            admin_only(),
            200,
        ),
        // The matrix's server is generic: content routes pass the role check, then say 409.
        (
            Method::GET,
            "/servers/{id}/missions",
            id_path("/missions"),
            None,
            Need::Role(Level::Viewer),
            409,
        ),
        (
            Method::POST,
            "/servers/{id}/missions",
            id_path("/missions"),
            None,
            admin_only(),
            409,
        ),
        (
            Method::DELETE,
            "/servers/{id}/missions/{file}",
            id_path("/missions/x.altis.pbo"),
            None,
            admin_only(),
            409,
        ),
        (
            Method::GET,
            "/servers/{id}/missions/rotation",
            id_path("/missions/rotation"),
            None,
            Need::Role(Level::Viewer),
            409,
        ),
        (
            Method::PUT,
            "/servers/{id}/missions/rotation",
            id_path("/missions/rotation"),
            Some(json!({"rotation": []})),
            admin_only(),
            409,
        ),
        (
            Method::POST,
            "/servers/{id}/missions/rotation/apply",
            id_path("/missions/rotation/apply"),
            Some(json!({})),
            operator(),
            409,
        ),
        (
            Method::GET,
            "/servers/{id}/mods",
            id_path("/mods"),
            None,
            Need::Role(Level::Viewer),
            409,
        ),
        (
            Method::PUT,
            "/servers/{id}/mods",
            id_path("/mods"),
            Some(json!({"mods": []})),
            admin_only(),
            409,
        ),
        (
            Method::GET,
            "/mods",
            "/mods".to_owned(),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::POST,
            "/mods",
            "/mods".to_owned(),
            Some(json!({"name": "m", "folder": "@missing"})),
            admin_only(),
            422,
        ),
        (
            Method::POST,
            "/mods/scan",
            "/mods/scan".to_owned(),
            None,
            admin_only(),
            200,
        ),
        (
            Method::GET,
            "/mods/{id}",
            "/mods/999999".to_owned(),
            None,
            Need::Role(Level::Viewer),
            404,
        ),
        (
            Method::PATCH,
            "/mods/{id}",
            "/mods/999999".to_owned(),
            Some(json!({"name": "x"})),
            admin_only(),
            404,
        ),
        (
            Method::DELETE,
            "/mods/{id}",
            "/mods/999999".to_owned(),
            None,
            admin_only(),
            404,
        ),
        (
            Method::GET,
            "/servers/{id}/metrics",
            id_path("/metrics"),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::GET,
            "/system/metrics",
            "/system/metrics".to_owned(),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::GET,
            "/metrics",
            "/metrics".to_owned(),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        // No such player: refused after the role check.
        (
            Method::POST,
            "/servers/{id}/players/{player}/kick",
            id_path("/players/999999/kick"),
            Some(json!({"reason": "matrix"})),
            operator(),
            404,
        ),
        (
            Method::POST,
            "/servers/{id}/players/{player}/ban",
            id_path("/players/999999/ban"),
            Some(json!({"permanent": true})),
            operator(),
            404,
        ),
        // A generic game has no RCON console.
        (
            Method::POST,
            "/servers/{id}/say",
            id_path("/say"),
            Some(json!({"message": "hi"})),
            operator(),
            409,
        ),
        (
            Method::POST,
            "/servers/{id}/rcon",
            id_path("/rcon"),
            Some(json!({"command": "status"})),
            admin_only(),
            409,
        ),
        (
            Method::GET,
            "/players",
            "/players?search=x".into(),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::GET,
            "/players/{id}",
            "/players/999999".into(),
            None,
            Need::Role(Level::Viewer),
            404,
        ),
        (
            Method::GET,
            "/bans",
            "/bans?active=true".into(),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        (
            Method::DELETE,
            "/bans/{id}",
            "/bans/999999".into(),
            None,
            operator(),
            404,
        ),
        (
            Method::POST,
            "/ws/ticket",
            "/ws/ticket".into(),
            None,
            Need::Role(Level::Viewer),
            200,
        ),
        // Authenticated, but a plain GET is not a WebSocket handshake.
        (Method::GET, "/ws", "/ws".into(), None, Need::Role(Level::Viewer), 400),
    ]
}

async fn every_route_enforces_its_role(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let viewer = app.user_token(&admin, "vic", "viewer").await;
    let operator = app.user_token(&admin, "oscar", "operator").await;
    let (_, created) = app
        .post("/tokens", Some(&admin), json!({"name": "matrix", "role": "operator"}))
        .await;
    let api_token = created["secret"].as_str().unwrap().to_owned();
    let callers = [
        Caller {
            name: "anonymous",
            level: Level::Anonymous,
            token: None,
            username: "admin",
            password: ADMIN_PASSWORD.into(),
        },
        Caller {
            name: "viewer",
            level: Level::Viewer,
            token: Some(viewer),
            username: "vic",
            password: "vic-password".into(),
        },
        Caller {
            name: "operator",
            level: Level::Operator,
            token: Some(operator),
            username: "oscar",
            password: "oscar-password".into(),
        },
        Caller {
            name: "admin",
            level: Level::Admin,
            token: Some(admin.clone()),
            username: "admin",
            password: ADMIN_PASSWORD.into(),
        },
        Caller {
            name: "api token (operator)",
            level: Level::Operator,
            token: Some(api_token),
            username: "admin",
            password: ADMIN_PASSWORD.into(),
        },
    ];

    let mut covered = BTreeSet::new();
    for (i, caller) in callers.iter().enumerate() {
        // Fresh objects per caller, so that a success for one does not change what the next sees.
        let (_, victim) = app
            .post(
                "/users",
                Some(&admin),
                json!({"username": format!("victim{i}"), "password": "victim-password", "role": "viewer"}),
            )
            .await;
        let victim = victim["id"].as_i64().unwrap();
        let session = app.login(caller.username, &caller.password).await;
        // Tokens cannot create tokens: the token caller revokes one of its owner's.
        let creator = match (caller.name, &caller.token) {
            ("viewer" | "operator", Some(t)) => t.clone(),
            _ => admin.clone(),
        };
        let own_token = app
            .post("/tokens", Some(&creator), json!({"name": "to revoke"}))
            .await
            .1["token"]["id"]
            .as_i64()
            .unwrap();
        let routes: Vec<Row> = vec![
            (
                Method::POST,
                "/auth/login",
                "/auth/login".into(),
                Some(json!({"username": "admin", "password": ADMIN_PASSWORD})),
                Need::Nothing,
                200,
            ),
            (
                Method::POST,
                "/auth/refresh",
                "/auth/refresh".into(),
                Some(json!({"refresh_token": session["refresh_token"]})),
                Need::Nothing,
                200,
            ),
            (
                Method::POST,
                "/auth/logout",
                "/auth/logout".into(),
                Some(json!({"refresh_token": app.login(caller.username, &caller.password).await["refresh_token"]})),
                Need::Role(Level::Viewer),
                204,
            ),
            (
                Method::GET,
                "/auth/me",
                "/auth/me".into(),
                None,
                Need::Role(Level::Viewer),
                200,
            ),
            (
                Method::PUT,
                "/auth/password",
                "/auth/password".into(),
                Some(json!({"current_password": "not-the-password", "new_password": "whatever-new"})),
                Need::Role(Level::Viewer),
                422,
            ),
            (
                Method::GET,
                "/users",
                "/users".into(),
                None,
                Need::Role(Level::Admin),
                200,
            ),
            (
                Method::POST,
                "/users",
                "/users".into(),
                Some(json!({"username": format!("made{i}"), "password": "made-password", "role": "viewer"})),
                Need::Role(Level::Admin),
                201,
            ),
            (
                Method::GET,
                "/users/{id}",
                format!("/users/{victim}"),
                None,
                Need::Role(Level::Admin),
                200,
            ),
            (
                Method::PATCH,
                "/users/{id}",
                format!("/users/{victim}"),
                Some(json!({"role": "operator"})),
                Need::Role(Level::Admin),
                200,
            ),
            (
                Method::DELETE,
                "/users/{id}",
                format!("/users/{victim}"),
                None,
                Need::Role(Level::Admin),
                204,
            ),
            (
                Method::GET,
                "/tokens",
                "/tokens".into(),
                None,
                Need::Role(Level::Viewer),
                200,
            ),
            (
                Method::POST,
                "/tokens",
                "/tokens".into(),
                Some(json!({"name": "made"})),
                Need::Session(Level::Viewer),
                201,
            ),
            (
                Method::DELETE,
                "/tokens/{id}",
                format!("/tokens/{own_token}"),
                None,
                Need::Role(Level::Viewer),
                204,
            ),
            (
                Method::GET,
                "/audit",
                "/audit".into(),
                None,
                Need::Role(Level::Admin),
                200,
            ),
            (
                Method::GET,
                "/system/health",
                "/system/health".into(),
                None,
                Need::Nothing,
                200,
            ),
            (
                Method::GET,
                "/system/status",
                "/system/status".into(),
                None,
                Need::Role(Level::Viewer),
                200,
            ),
            (
                Method::GET,
                "/system/info",
                "/system/info".into(),
                None,
                Need::Role(Level::Viewer),
                200,
            ),
            (
                Method::GET,
                "/openapi.json",
                "/openapi.json".into(),
                None,
                Need::Nothing,
                200,
            ),
        ];
        let mut routes = routes;
        routes.extend(server_routes(&app, &admin, i).await);
        for (method, template, path, body, need, success) in routes {
            covered.insert(format!("{} {template}", method.as_str().to_lowercase()));
            let expected = match need {
                Need::Nothing => success,
                Need::Role(_) if caller.level == Level::Anonymous => 401,
                Need::Role(level) if caller.level < level => 403,
                Need::Role(_) => success,
                Need::Session(_) if caller.level == Level::Anonymous => 401,
                Need::Session(level) if caller.level < level || caller.name.starts_with("api token") => 403,
                Need::Session(_) => success,
            };
            let (status, response) = app.call(method.clone(), &path, caller.token.as_deref(), body).await;
            assert_eq!(
                status.as_u16(),
                expected,
                "{method} {path} as {}: {response}",
                caller.name
            );
            if status != StatusCode::OK && status.as_u16() >= 400 {
                assert!(
                    response["error"].is_string(),
                    "error shape for {method} {path}: {response}"
                );
            }
        }
    }

    let (_, spec) = app.call(Method::GET, "/openapi.json", None, None).await;
    let mut documented = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert(format!("{method} {}", path.trim_start_matches("/api/v1")));
        }
    }
    assert_eq!(
        documented, covered,
        "every documented operation needs a row in the auth matrix"
    );
}

crate::on_both_backends!(every_route_enforces_its_role);
