//! User administration, validation, pagination and the last-admin rule.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{assert_error, Backend, TestApp};

/// Create, read, list with pagination, update, reset the password, delete.
async fn user_lifecycle(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let (status, created) = app
        .post(
            "/users",
            Some(&admin),
            json!({"username": "olga", "password": "olga-secret-1", "role": "operator"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["role"], "operator");
    assert_eq!(created["disabled"], false);
    assert!(created.get("password").is_none() && created.get("password_hash").is_none());
    let id = created["id"].as_i64().unwrap();

    let (status, fetched) = app.get(&format!("/users/{id}"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched["username"], "olga");

    for name in ["u1", "u2", "u3"].map(|n| format!("{n}-user")) {
        let (s, b) = app
            .post(
                "/users",
                Some(&admin),
                json!({"username": name, "password": "password-123", "role": "viewer"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let (status, page) = app.get("/users?page=2&per_page=2", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 5);
    assert_eq!(page["page"], 2);
    assert_eq!(page["per_page"], 2);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["username"], "u1-user");
    assert_error(
        app.get("/users?per_page=500", &admin).await,
        422,
        "validation_failed",
        Some("per_page"),
    );
    assert_error(
        app.get("/users?page=abc", &admin).await,
        400,
        "invalid_query",
        Some("page"),
    );

    let user_path = format!("/users/{id}");
    let patch = |body| app.call(Method::PATCH, &user_path, Some(&admin), Some(body));
    let (status, updated) = patch(json!({"role": "viewer"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["role"], "viewer");
    let (status, _) = patch(json!({"password": "olga-new-password"})).await;
    assert_eq!(status, StatusCode::OK);
    app.login("olga", "olga-new-password").await;
    assert_error(
        patch(json!({"role": "superuser"})).await,
        422,
        "validation_failed",
        Some("role"),
    );

    let (status, _) = app
        .call(Method::DELETE, &format!("/users/{id}"), Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_error(app.get(&format!("/users/{id}"), &admin).await, 404, "not_found", None);
    assert_error(
        app.call(Method::DELETE, &format!("/users/{id}"), Some(&admin), None)
            .await,
        404,
        "not_found",
        None,
    );
    assert_error(
        app.get("/users/not-a-number", &admin).await,
        400,
        "invalid_path",
        Some("id"),
    );
}

/// Usernames and passwords are validated and unique.
async fn user_input_is_validated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let create = |body| app.post("/users", Some(&admin), body);
    assert_error(
        create(json!({"username": "x", "password": "password-1", "role": "viewer"})).await,
        422,
        "validation_failed",
        Some("username"),
    );
    assert_error(
        create(json!({"username": "bad name", "password": "password-1", "role": "viewer"})).await,
        422,
        "validation_failed",
        Some("username"),
    );
    assert_error(
        create(json!({"username": "fine", "password": "short", "role": "viewer"})).await,
        422,
        "validation_failed",
        Some("password"),
    );
    assert_error(
        create(json!({"username": "fine", "password": "password-1"})).await,
        422,
        "validation_failed",
        Some("role"),
    );
    assert_error(
        create(json!({"username": "admin", "password": "password-1", "role": "viewer"})).await,
        409,
        "username_taken",
        None,
    );
}

/// The last enabled admin cannot be demoted, disabled or deleted; with a second admin it can.
async fn last_admin_is_protected(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let (_, me) = app.get("/auth/me", &admin).await;
    let id = me["id"].as_i64().unwrap();
    let path = format!("/users/{id}");
    assert_error(
        app.call(Method::PATCH, &path, Some(&admin), Some(json!({"role": "operator"})))
            .await,
        409,
        "last_admin",
        None,
    );
    assert_error(
        app.call(Method::PATCH, &path, Some(&admin), Some(json!({"disabled": true})))
            .await,
        409,
        "last_admin",
        None,
    );
    assert_error(
        app.call(Method::DELETE, &path, Some(&admin), None).await,
        409,
        "last_admin",
        None,
    );
    // Nothing changed.
    assert_eq!(app.get(&path, &admin).await.1["role"], "admin");

    let (status, _) = app
        .post(
            "/users",
            Some(&admin),
            json!({"username": "second", "password": "second-admin", "role": "admin"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app
        .call(Method::PATCH, &path, Some(&admin), Some(json!({"role": "operator"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

crate::on_both_backends!(user_lifecycle, user_input_is_validated, last_admin_is_protected);
