//! Login, refresh rotation, logout, own password, throttling, and the error shape of bad input.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{assert_error, mint_jwt, Backend, TestApp, ADMIN_PASSWORD};

/// A correct login returns both tokens, the user, and an access token that works.
async fn login_returns_tokens_and_user(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let body = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_i64().unwrap() > 0);
    assert_eq!(body["user"]["username"], "admin");
    assert_eq!(body["user"]["role"], "admin");
    assert!(body["user"].get("password_hash").is_none());
    let (status, me) = app.get("/auth/me", body["access_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "admin");
    assert!(me["last_login_at"].is_string());
}

/// Wrong password, unknown user, missing fields, bad JSON, wrong types, unknown fields,
/// a non-JSON body and an oversized body each get their documented 4xx.
async fn bad_login_input_gets_the_error_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_error(
        app.post(
            "/auth/login",
            None,
            json!({"username": "admin", "password": "nope-nope"}),
        )
        .await,
        401,
        "invalid_credentials",
        None,
    );
    assert_error(
        app.post(
            "/auth/login",
            None,
            json!({"username": "ghost", "password": "whatever1"}),
        )
        .await,
        401,
        "invalid_credentials",
        None,
    );
    assert_error(
        app.post("/auth/login", None, json!({"username": "admin"})).await,
        422,
        "validation_failed",
        Some("password"),
    );
    assert_error(
        app.post("/auth/login", None, json!({"username": 5, "password": "x"}))
            .await,
        422,
        "validation_failed",
        Some("username"),
    );
    assert_error(
        app.post(
            "/auth/login",
            None,
            json!({"username": "a", "password": "b", "remember": true}),
        )
        .await,
        422,
        "validation_failed",
        Some("remember"),
    );
    let raw = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.api("/auth/login"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let res = raw("[]", "application/json").await.unwrap();
    assert_error((res.status(), res.json().await.unwrap()), 400, "invalid_body", None);
    assert_error(
        app.post("/auth/login", None, json!({"username": "a\u{0}b", "password": "x"}))
            .await,
        422,
        "validation_failed",
        Some("username"),
    );
    let res = raw("{\"username\": ", "application/json").await.unwrap();
    assert_error((res.status(), res.json().await.unwrap()), 400, "malformed_json", None);
    let res = raw("username=admin", "application/x-www-form-urlencoded")
        .await
        .unwrap();
    assert_error(
        (res.status(), res.json().await.unwrap()),
        415,
        "unsupported_media_type",
        None,
    );
    let huge = format!("{{\"username\":\"{}\",\"password\":\"x\"}}", "a".repeat(2 << 20));
    let res = app
        .client
        .post(app.api("/auth/login"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_error(
        (res.status(), res.json().await.unwrap()),
        413,
        "payload_too_large",
        None,
    );
}

/// The 6th attempt after 5 failures within a minute is refused with 429 and Retry-After,
/// even with the right password.
async fn repeated_failures_are_throttled(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for _ in 0..5 {
        assert_error(
            app.post(
                "/auth/login",
                None,
                json!({"username": "admin", "password": "wrong-password"}),
            )
            .await,
            401,
            "invalid_credentials",
            None,
        );
    }
    let res = app
        .client
        .post(app.api("/auth/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_error(
        (StatusCode::TOO_MANY_REQUESTS, res.json().await.unwrap()),
        429,
        "too_many_requests",
        None,
    );
}

/// Refresh tokens rotate: the new pair works, the old refresh token is refused, and replaying
/// it ends the session (the new refresh token dies too).
async fn refresh_rotates_and_detects_reuse(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app.login("admin", ADMIN_PASSWORD).await;
    let old = first["refresh_token"].as_str().unwrap();
    // A guessed secret for a real session id is refused without ending that session.
    let session_id = old.split('.').next().unwrap();
    let guess = json!({"refresh_token": format!("{session_id}.guessed-secret")});
    assert_error(app.post("/auth/refresh", None, guess).await, 401, "token_revoked", None);
    let (status, second) = app.post("/auth/refresh", None, json!({"refresh_token": old})).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(
        app.get("/auth/me", second["access_token"].as_str().unwrap()).await.0,
        StatusCode::OK
    );
    assert_error(
        app.post("/auth/refresh", None, json!({"refresh_token": old})).await,
        401,
        "token_revoked",
        None,
    );
    // The replay revoked the session: the newest tokens stop working as well.
    assert_error(
        app.post("/auth/refresh", None, json!({"refresh_token": second["refresh_token"]}))
            .await,
        401,
        "token_revoked",
        None,
    );
    assert_error(
        app.get("/auth/me", second["access_token"].as_str().unwrap()).await,
        401,
        "token_revoked",
        None,
    );
    assert_error(
        app.post("/auth/refresh", None, json!({"refresh_token": "garbage"}))
            .await,
        401,
        "token_revoked",
        None,
    );
}

/// Logout revokes the session: its access and refresh tokens stop working; other sessions don't.
async fn logout_revokes_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let a = app.login("admin", ADMIN_PASSWORD).await;
    let b = app.login("admin", ADMIN_PASSWORD).await;
    let access = a["access_token"].as_str().unwrap();
    let (status, _) = app
        .post(
            "/auth/logout",
            Some(access),
            json!({"refresh_token": a["refresh_token"]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_error(app.get("/auth/me", access).await, 401, "token_revoked", None);
    assert_error(
        app.post("/auth/refresh", None, json!({"refresh_token": a["refresh_token"]}))
            .await,
        401,
        "token_revoked",
        None,
    );
    assert_eq!(
        app.get("/auth/me", b["access_token"].as_str().unwrap()).await.0,
        StatusCode::OK
    );
}

/// Missing, malformed, forged and expired access tokens are refused with 401.
async fn bad_access_tokens_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let login = app.login("admin", ADMIN_PASSWORD).await;
    assert_error(
        app.call(Method::GET, "/auth/me", None, None).await,
        401,
        "unauthorized",
        None,
    );
    assert_error(app.get("/auth/me", "not-a-jwt").await, 401, "invalid_token", None);
    let mut forged = login["access_token"].as_str().unwrap().to_owned();
    forged.push('x');
    assert_error(app.get("/auth/me", &forged).await, 401, "invalid_token", None);
    let user_id = login["user"]["id"].as_i64().unwrap();
    // The session id is the number before the dot of the refresh token.
    let sid: i64 = login["refresh_token"]
        .as_str()
        .unwrap()
        .split('.')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        app.get("/auth/me", &mint_jwt(user_id, sid, 60)).await.0,
        StatusCode::OK,
        "the test key must match"
    );
    assert_error(
        app.get("/auth/me", &mint_jwt(user_id, sid, -10)).await,
        401,
        "token_expired",
        None,
    );
    assert_error(
        app.get("/auth/me", &mint_jwt(user_id, 999_999, 60)).await,
        401,
        "token_revoked",
        None,
    );
}

/// Changing one's password needs the current one, ends the other sessions and keeps this one.
async fn password_change_ends_other_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mine = app.login("admin", ADMIN_PASSWORD).await;
    let other = app.login("admin", ADMIN_PASSWORD).await;
    let token = mine["access_token"].as_str().unwrap();
    // Used before the change, so a session remembered as valid would show here.
    assert_eq!(
        app.get("/auth/me", other["access_token"].as_str().unwrap()).await.0,
        StatusCode::OK
    );
    let put = |body| app.call(Method::PUT, "/auth/password", Some(token), Some(body));
    assert_error(
        put(json!({"current_password": "wrong-one!", "new_password": "brand-new-pass"})).await,
        422,
        "validation_failed",
        Some("current_password"),
    );
    assert_error(
        put(json!({"current_password": ADMIN_PASSWORD, "new_password": "short"})).await,
        422,
        "validation_failed",
        Some("new_password"),
    );
    let (status, _) = put(json!({"current_password": ADMIN_PASSWORD, "new_password": "brand-new-pass"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/auth/me", token).await.0, StatusCode::OK);
    assert_error(
        app.get("/auth/me", other["access_token"].as_str().unwrap()).await,
        401,
        "token_revoked",
        None,
    );
    assert_error(
        app.post(
            "/auth/login",
            None,
            json!({"username": "admin", "password": ADMIN_PASSWORD}),
        )
        .await,
        401,
        "invalid_credentials",
        None,
    );
    app.login("admin", "brand-new-pass").await;
}

/// A disabled user cannot log in and their live tokens stop working at once.
async fn disabled_users_are_locked_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let viewer = app.user_token(&admin, "vera", "viewer").await;
    let (_, me) = app.get("/auth/me", &viewer).await;
    let id = me["id"].as_i64().unwrap();
    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("/users/{id}"),
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_error(app.get("/auth/me", &viewer).await, 401, "token_revoked", None);
    assert_error(
        app.post(
            "/auth/login",
            None,
            json!({"username": "vera", "password": "vera-password"}),
        )
        .await,
        401,
        "account_disabled",
        None,
    );
}

/// Every response that hands out a credential (login, refresh, a new API token, a WebSocket
/// ticket) tells browsers and proxies not to keep it: `Cache-Control: no-store`.
async fn credential_responses_are_not_stored(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let send = |path: &str, token: Option<String>, body: serde_json::Value| {
        let mut req = app.client.post(app.api(path)).json(&body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send()
    };
    let login = send(
        "/auth/login",
        None,
        json!({"username": "admin", "password": ADMIN_PASSWORD}),
    )
    .await
    .unwrap();
    let no_store = |what: &str, res: &reqwest::Response| {
        assert!(res.status().is_success(), "{what}: {}", res.status());
        assert_eq!(
            res.headers().get("cache-control").and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{what}: {:?}",
            res.headers()
        );
    };
    no_store("login", &login);
    let tokens: serde_json::Value = login.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = send("/auth/refresh", None, json!({"refresh_token": tokens["refresh_token"]}))
        .await
        .unwrap();
    no_store("refresh", &refresh);
    let created = send("/tokens", Some(access.clone()), json!({"name": "bot"}))
        .await
        .unwrap();
    no_store("token creation", &created);
    let ticket = send("/ws/ticket", Some(access), json!({})).await.unwrap();
    no_store("WebSocket ticket", &ticket);
}

crate::on_both_backends!(
    credential_responses_are_not_stored,
    login_returns_tokens_and_user,
    bad_login_input_gets_the_error_shape,
    repeated_failures_are_throttled,
    refresh_rotates_and_detects_reuse,
    logout_revokes_the_session,
    bad_access_tokens_are_refused,
    password_change_ends_other_sessions,
    disabled_users_are_locked_out,
);
