//! Health, status, host figures, HTTP hygiene and the SPA fallback.

use reqwest::{Method, StatusCode};

use crate::harness::{assert_error, Backend, Options, TestApp};

async fn system_endpoints_report_real_figures(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, health) = app.call(Method::GET, "/system/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health, serde_json::json!({"status": "ok"}));
    let admin = app.admin_token().await;
    let (_, status_body) = app.get("/system/status", &admin).await;
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(status_body["database"], expected);
    assert!(status_body["version"].as_str().is_some_and(|v| !v.is_empty()));
    let (_, info) = app.get("/system/info", &admin).await;
    assert!(info["cpu_count"].as_u64().unwrap() >= 1, "{info}");
    assert!(info["memory_total_bytes"].as_u64().unwrap() > info["memory_used_bytes"].as_u64().unwrap());
    assert!(info["data_dir"]["total_bytes"].as_u64().unwrap() > 0, "{info}");
    let data_dir = app.data_dir.path().canonicalize().unwrap();
    assert_eq!(info["data_dir"]["path"], data_dir.display().to_string());
}

/// Security headers everywhere, request ids, and JSON 404s for unknown API paths.
async fn responses_carry_security_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.client.get(app.api("/system/health")).send().await.unwrap();
    let h = res.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));
    assert!(h["x-request-id"].len() >= 16);
    assert!(h.get("access-control-allow-origin").is_none(), "CORS is off by default");
    let res = app.client.get(format!("{}/api/v1/nope", app.url)).send().await.unwrap();
    assert_error((res.status(), res.json().await.unwrap()), 404, "not_found", None);
    let res = app.client.get(format!("{}/api/docs/", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger"), "docs UI served");
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "the docs UI must load nothing from elsewhere"
    );
    let res = app
        .client
        .get(format!("{}/api/docs/swagger-initializer.js", app.url))
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("/api/v1/openapi.json"));
}

/// With a built SPA: files as they are, client routes get index.html, `/api/*` never does.
async fn spa_is_served_with_fallback(backend: Backend) {
    let spa = tempfile::tempdir().unwrap();
    std::fs::write(
        spa.path().join("index.html"),
        "<!doctype html><div id=root>languard-spa</div>",
    )
    .unwrap();
    std::fs::create_dir(spa.path().join("assets")).unwrap();
    std::fs::write(spa.path().join("assets/app.js"), "console.log('app')").unwrap();
    let options = Options {
        env: vec![("LANGUARD_STATIC_DIR".into(), spa.path().display().to_string())],
    };
    let app = TestApp::spawn_with(backend, options).await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.url)).send();
    for route in ["/", "/users", "/tokens/deep/link"] {
        let res = get(route).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{route}");
        assert!(res.text().await.unwrap().contains("languard-spa"), "{route}");
    }
    assert!(get("/assets/app.js")
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .contains("console.log"));
    let res = get("/api/v1/not-a-route").await.unwrap();
    assert_error((res.status(), res.json().await.unwrap()), 404, "not_found", None);
    let res = get("/api/elsewhere").await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// CORS answers configured origins only.
async fn cors_allows_configured_origins(backend: Backend) {
    let options = Options {
        env: vec![("LANGUARD_CORS_ORIGINS".into(), "https://panel.example.org".into())],
    };
    let app = TestApp::spawn_with(backend, options).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(Method::OPTIONS, app.api("/auth/me"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .send()
    };
    let ok = preflight("https://panel.example.org").await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], "https://panel.example.org");
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

crate::on_both_backends!(
    system_endpoints_report_real_figures,
    responses_carry_security_headers,
    spa_is_served_with_fallback,
    cors_allows_configured_origins
);
