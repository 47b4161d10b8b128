//! API tokens: shown once, usable as Bearer tokens, capped by the creator's role, revocable.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{assert_error, Backend, TestApp};

/// A token works as `Authorization: Bearer`, never shows its secret again, and dies on revoke.
async fn token_lifecycle(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let (status, created) = app
        .post(
            "/tokens",
            Some(&admin),
            json!({"name": "discord bot", "role": "viewer", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("lgd_"));
    assert!(secret.starts_with(created["token"]["prefix"].as_str().unwrap()));
    assert!(created["token"]["expires_at"].is_string());
    let id = created["token"]["id"].as_i64().unwrap();

    let (status, me) = app.get("/auth/me", &secret).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "admin");
    assert_eq!(me["role"], "viewer", "a token acts with its own role");
    assert_error(app.get("/users", &secret).await, 403, "forbidden", None);
    // A token cannot mint tokens (they would outlive its revocation).
    assert_error(
        app.post("/tokens", Some(&secret), json!({"name": "child"})).await,
        403,
        "forbidden",
        None,
    );

    let (status, list) = app.get("/tokens", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 1);
    assert!(!list.to_string().contains(&secret), "the secret must not be listed");
    assert!(list["items"][0]["last_used_at"].is_string());

    let (status, _) = app
        .call(Method::DELETE, &format!("/tokens/{id}"), Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_error(app.get("/auth/me", &secret).await, 401, "token_revoked", None);
    assert_error(
        app.call(Method::DELETE, &format!("/tokens/{id}"), Some(&admin), None)
            .await,
        404,
        "not_found",
        None,
    );
}

/// Role above the creator's, bad expiry and bad names are refused; users see only their tokens.
async fn token_rules(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let operator = app.user_token(&admin, "opal", "operator").await;
    assert_error(
        app.post("/tokens", Some(&operator), json!({"name": "x", "role": "admin"}))
            .await,
        422,
        "validation_failed",
        Some("role"),
    );
    assert_error(
        app.post("/tokens", Some(&operator), json!({"name": "x", "expires_in_days": 0}))
            .await,
        422,
        "validation_failed",
        Some("expires_in_days"),
    );
    assert_error(
        app.post("/tokens", Some(&operator), json!({"name": "  "})).await,
        422,
        "validation_failed",
        Some("name"),
    );
    let (status, mine) = app
        .post("/tokens", Some(&operator), json!({"name": "ops script"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(mine["token"]["role"], "operator", "defaults to the creator's role");
    assert!(mine["token"]["expires_at"].is_null());
    let (_, admins) = app.post("/tokens", Some(&admin), json!({"name": "admin script"})).await;

    let (_, list) = app.get("/tokens", &operator).await;
    assert_eq!(list["total"], 1, "operators see their own tokens only: {list}");
    let (_, list) = app.get("/tokens", &admin).await;
    assert_eq!(list["total"], 2, "admins see all tokens");
    // Someone else's token is as good as absent for a non-admin.
    let other = admins["token"]["id"].as_i64().unwrap();
    assert_error(
        app.call(Method::DELETE, &format!("/tokens/{other}"), Some(&operator), None)
            .await,
        404,
        "not_found",
        None,
    );

    // Demoting the owner caps the token's power at once.
    let secret = mine["secret"].as_str().unwrap();
    let (_, me) = app.get("/auth/me", &operator).await;
    let (s, _) = app
        .call(
            Method::PATCH,
            &format!("/users/{}", me["id"]),
            Some(&admin),
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.get("/auth/me", secret).await.1["role"], "viewer");
}

crate::on_both_backends!(token_lifecycle, token_rules);
