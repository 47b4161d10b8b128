//! The committed spec is what the code generates and what the server serves, and no route
//! escapes documentation.

use std::path::Path;

use reqwest::Method;

use crate::harness::{assert_error, binary, fake_executable, free_port_block, workspace_root, Backend, TestApp};

fn generated() -> String {
    let out = std::process::Command::new(binary()).arg("openapi").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn committed_spec_matches_the_code() {
    let committed = std::fs::read_to_string(workspace_root().join("openapi/openapi.json")).unwrap_or_default();
    assert!(
        committed == generated(),
        "openapi/openapi.json differs from what the code generates: run `make openapi` and commit the result"
    );
}

#[tokio::test]
async fn served_spec_is_the_generated_one() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (_, served) = app.call(Method::GET, "/openapi.json", None, None).await;
    let generated: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    assert_eq!(served, generated);
}

/// Every actix route attribute in the backend sits under a `#[utoipa::path]`, so every route is
/// in the document (utoipa-actix-web collects exactly those).
#[test]
fn every_route_is_documented() {
    let mut undocumented = Vec::new();
    let mut routes = 0;
    visit(&workspace_root().join("backend/src"), &mut |path, text| {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            if ["#[get(", "#[post(", "#[put(", "#[patch(", "#[delete("]
                .iter()
                .any(|m| t.starts_with(m))
            {
                routes += 1;
                // The utoipa attribute may span several lines above the route attribute.
                let above = lines[..i]
                    .iter()
                    .rev()
                    .take_while(|l| !l.trim().is_empty() && !l.trim_start().starts_with("}"));
                if !above.into_iter().any(|l| l.trim_start().starts_with("#[utoipa::path")) {
                    undocumented.push(format!("{}:{}", path.display(), i + 1));
                }
            }
        }
    });
    assert!(
        routes >= 18,
        "found only {routes} routes: is the scan looking in the right place?"
    );
    assert!(
        undocumented.is_empty(),
        "routes without #[utoipa::path]: {undocumented:?}"
    );
}

fn visit(dir: &Path, f: &mut dyn FnMut(&Path, &str)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            visit(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            f(&path, &std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// Request text with no NUL (PostgreSQL cannot store it; every body and query refuses it).
const NO_NUL: &str = r"^[^\u0000]*$";
/// One line without control characters (what `char::is_control` refuses).
const ONE_LINE: &str = r"^[^\u0000-\u001f\u007f-\u009f]*$";
/// One line without control characters and not only spaces (the code trims, then refuses empty).
const ONE_LINE_NOT_BLANK: &str =
    r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$";

/// The bounds third-party clients rely on, each where the code enforces it: a bound that
/// disappears from the document (a dropped attribute, a renamed field) fails here.
#[test]
fn spec_keeps_the_bounds_the_code_enforces() {
    use serde_json::{json, Value};
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let query = |op: &str, name: &str| -> Value {
        let (method, path) = op.split_once(' ').unwrap();
        let params = &doc["paths"][path][method.to_lowercase()]["parameters"];
        let found = params.as_array().and_then(|ps| ps.iter().find(|p| p["name"] == name));
        found.map_or(Value::Null, |p| p["schema"].clone())
    };
    let prop = |schema: &str, name: &str| doc["components"]["schemas"][schema]["properties"][name].clone();
    let logs = "GET /api/v1/servers/{id}/logs";
    let checks: Vec<(String, Value, &str, Value)> = vec![
        (format!("{logs} limit"), query(logs, "limit"), "minimum", json!(1)),
        (format!("{logs} limit"), query(logs, "limit"), "maximum", json!(1000)),
        (format!("{logs} cursor"), query(logs, "cursor"), "minimum", json!(1)),
        (
            format!("{logs} level"),
            query(logs, "level"),
            "pattern",
            json!("^(debug|info|warn|error)$"),
        ),
        (
            format!("{logs} source"),
            query(logs, "source"),
            "pattern",
            json!("^(console|game)$"),
        ),
        (format!("{logs} kind"), query(logs, "kind"), "minLength", json!(1)),
        (format!("{logs} kind"), query(logs, "kind"), "maxLength", json!(32)),
        (format!("{logs} kind"), query(logs, "kind"), "pattern", json!(NO_NUL)),
        (format!("{logs} q"), query(logs, "q"), "minLength", json!(1)),
        (format!("{logs} q"), query(logs, "q"), "maxLength", json!(200)),
        (format!("{logs} q"), query(logs, "q"), "pattern", json!(NO_NUL)),
        (
            "players search".into(),
            query("GET /api/v1/players", "search"),
            "maxLength",
            json!(100),
        ),
        (
            "players search".into(),
            query("GET /api/v1/players", "search"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "bans search".into(),
            query("GET /api/v1/bans", "search"),
            "maxLength",
            json!(100),
        ),
        (
            "bans search".into(),
            query("GET /api/v1/bans", "search"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "audit actor".into(),
            query("GET /api/v1/audit", "actor"),
            "maxLength",
            json!(100),
        ),
        (
            "audit actor".into(),
            query("GET /api/v1/audit", "actor"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "audit path".into(),
            query("GET /api/v1/audit", "path"),
            "maxLength",
            json!(200),
        ),
        (
            "audit path".into(),
            query("GET /api/v1/audit", "path"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "ws ticket".into(),
            query("GET /api/v1/ws", "ticket"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "SayRequest.message".into(),
            prop("SayRequest", "message"),
            "minLength",
            json!(1),
        ),
        (
            "SayRequest.message".into(),
            prop("SayRequest", "message"),
            "maxLength",
            json!(400),
        ),
        (
            "SayRequest.message".into(),
            prop("SayRequest", "message"),
            "pattern",
            json!(ONE_LINE_NOT_BLANK),
        ),
        (
            "RconRequest.command".into(),
            prop("RconRequest", "command"),
            "minLength",
            json!(1),
        ),
        (
            "RconRequest.command".into(),
            prop("RconRequest", "command"),
            "maxLength",
            json!(1000),
        ),
        (
            "RconRequest.command".into(),
            prop("RconRequest", "command"),
            "pattern",
            json!(ONE_LINE_NOT_BLANK),
        ),
        (
            "KickRequest.reason".into(),
            prop("KickRequest", "reason"),
            "maxLength",
            json!(200),
        ),
        (
            "KickRequest.reason".into(),
            prop("KickRequest", "reason"),
            "pattern",
            json!(ONE_LINE),
        ),
        (
            "BanRequest.reason".into(),
            prop("BanRequest", "reason"),
            "maxLength",
            json!(200),
        ),
        (
            "BanRequest.reason".into(),
            prop("BanRequest", "reason"),
            "pattern",
            json!(ONE_LINE),
        ),
        (
            "BanRequest.duration_minutes".into(),
            prop("BanRequest", "duration_minutes"),
            "minimum",
            json!(1),
        ),
        (
            "BanRequest.duration_minutes".into(),
            prop("BanRequest", "duration_minutes"),
            "maximum",
            json!(5_256_000),
        ),
        (
            "CreateTokenRequest.name".into(),
            prop("CreateTokenRequest", "name"),
            "pattern",
            json!(ONE_LINE_NOT_BLANK),
        ),
        (
            "CreateTokenRequest.name".into(),
            prop("CreateTokenRequest", "name"),
            "maxLength",
            json!(64),
        ),
        (
            "LoginRequest.username".into(),
            prop("LoginRequest", "username"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "LoginRequest.password".into(),
            prop("LoginRequest", "password"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "ChangePasswordRequest.current_password".into(),
            prop("ChangePasswordRequest", "current_password"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "ChangePasswordRequest.new_password".into(),
            prop("ChangePasswordRequest", "new_password"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "ChangePasswordRequest.new_password".into(),
            prop("ChangePasswordRequest", "new_password"),
            "maxLength",
            json!(72),
        ),
        (
            "CreateUserRequest.password".into(),
            prop("CreateUserRequest", "password"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "UpdateUserRequest.password".into(),
            prop("UpdateUserRequest", "password"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "CreateServerRequest.name".into(),
            prop("CreateServerRequest", "name"),
            "pattern",
            json!(ONE_LINE_NOT_BLANK),
        ),
        (
            "CreateServerRequest.name".into(),
            prop("CreateServerRequest", "name"),
            "maxLength",
            json!(64),
        ),
        (
            "CreateServerRequest.executable".into(),
            prop("CreateServerRequest", "executable"),
            "pattern",
            json!(r"^/[^\u0000]*$"),
        ),
        (
            "CreateServerRequest.directory".into(),
            prop("CreateServerRequest", "directory"),
            "pattern",
            json!(r"^/[^\u0000]*$"),
        ),
        (
            "UpdateServerRequest.name".into(),
            prop("UpdateServerRequest", "name"),
            "pattern",
            json!(ONE_LINE_NOT_BLANK),
        ),
        (
            "UpdateServerRequest.executable".into(),
            prop("UpdateServerRequest", "executable"),
            "pattern",
            json!(r"^/[^\u0000]*$"),
        ),
        (
            "SecretsInput.rcon_password".into(),
            prop("SecretsInput", "rcon_password"),
            "maxLength",
            json!(128),
        ),
        (
            "SecretsInput.rcon_password".into(),
            prop("SecretsInput", "rcon_password"),
            "pattern",
            json!(SECRET),
        ),
        (
            "SecretsInput.game_password".into(),
            prop("SecretsInput", "game_password"),
            "pattern",
            json!(SECRET),
        ),
        (
            "SecretsInput.admin_password".into(),
            prop("SecretsInput", "admin_password"),
            "pattern",
            json!(SECRET),
        ),
        ("NewMod.name".into(), prop("NewMod", "name"), "maxLength", json!(100)),
        (
            "NewMod.name".into(),
            prop("NewMod", "name"),
            "pattern",
            json!(ONE_LINE_NOT_BLANK),
        ),
        (
            "NewMod.workshop_id".into(),
            prop("NewMod", "workshop_id"),
            "pattern",
            json!("^[0-9]{0,20}$"),
        ),
        (
            "NewMod.description".into(),
            prop("NewMod", "description"),
            "maxLength",
            json!(2000),
        ),
        (
            "NewMod.description".into(),
            prop("NewMod", "description"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "ModPatch.name".into(),
            prop("ModPatch", "name"),
            "pattern",
            json!(ONE_LINE_NOT_BLANK),
        ),
        (
            "ModPatch.workshop_id".into(),
            prop("ModPatch", "workshop_id"),
            "pattern",
            json!("^[0-9]{0,20}$"),
        ),
        (
            "ModPatch.description".into(),
            prop("ModPatch", "description"),
            "maxLength",
            json!(2000),
        ),
        (
            "RotationEntry.mission".into(),
            prop("RotationEntry", "mission"),
            "pattern",
            json!(NO_NUL),
        ),
        (
            "RotationParam.name".into(),
            prop("RotationParam", "name"),
            "pattern",
            json!(NO_NUL),
        ),
    ];
    let missing: Vec<String> = checks
        .iter()
        .filter(|(_, schema, key, want)| &schema[*key] != want)
        .map(|(at, schema, key, want)| format!("{at}: `{key}` should be {want}, is {}", schema[*key]))
        .collect();
    assert!(
        missing.is_empty(),
        "bounds missing from the spec:\n{}",
        missing.join("\n")
    );
}

/// Game passwords: no quotes (they are written into quoted config values), one line.
const SECRET: &str = r#"^[^"\u0000-\u001f\u007f-\u009f]*$"#;

/// The bounds the spec gives hold in the code at their edges: names are one printable line,
/// lengths count characters (not UTF-8 bytes), and free-text filters have a maximum.
async fn bounds_hold_at_their_edges(backend: Backend) {
    use serde_json::json;
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    assert_error(
        app.post("/tokens", Some(&admin), json!({"name": "ci\tbot"})).await,
        422,
        "validation_failed",
        Some("name"),
    );
    let exe = fake_executable(&app.data_dir.path().join("games"), "srcds_run");
    let server = |name: &str, secret: String| {
        json!({"name": name, "game": "source", "executable": exe, "game_port": free_port_block(1),
               "config": {"game": "csgo", "map": "de_dust2"}, "secrets": {"rcon_password": secret}})
    };
    // 128 characters of two bytes each: within `maxLength: 128`.
    let (status, created) = app
        .post("/servers", Some(&admin), server("wide", "é".repeat(128)))
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{created}");
    assert_error(
        app.post("/servers", Some(&admin), server("wider", "é".repeat(129)))
            .await,
        422,
        "validation_failed",
        Some("secrets.rcon_password"),
    );
    let id = created["id"].as_i64().unwrap();
    let kind = "é".repeat(32);
    let (status, body) = app.get(&format!("/servers/{id}/logs?kind={kind}"), &admin).await;
    assert_eq!(
        status,
        reqwest::StatusCode::OK,
        "32 characters are within `maxLength: 32`: {body}"
    );
    let (status, body) = app.get(&format!("/audit?actor={}", "a".repeat(100)), &admin).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    assert_error(
        app.get(&format!("/audit?actor={}", "a".repeat(101)), &admin).await,
        422,
        "validation_failed",
        Some("actor"),
    );
    assert_error(
        app.get(&format!("/audit?path=/{}", "a".repeat(200)), &admin).await,
        422,
        "validation_failed",
        Some("path"),
    );
}

crate::on_both_backends!(bounds_hold_at_their_edges);
