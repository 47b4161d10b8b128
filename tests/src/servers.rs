//! Game servers against the simulators: power actions for each game, crash restarts and
//! giving up, refusals with the right status, and surviving a `kill -9` of the panel.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{assert_error, fake_executable, free_port_block, Backend, TestApp};
use crate::sim::{
    control, create, event_kinds, kill_9, pid_alive, power, three_servers, wait_control_consumed, wait_status,
};
use crate::wait::eventually;

/// Start, stop, restart and kill each game; files are rendered with secrets private.
async fn power_actions_for_each_game(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let servers = three_servers(&app, &admin).await;
    for server in &servers {
        assert_eq!(server["status"], "stopped");
        assert_eq!(server["has_rcon_password"], true);
        assert!(server.get("secrets").is_none() && !server.to_string().contains("rcon_password\":\""));
        let id = server["id"].as_i64().unwrap();
        let (status, body) = power(&app, &admin, id, "start").await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert_eq!(body["status"], "starting");
    }
    for server in &servers {
        let id = server["id"].as_i64().unwrap();
        let running = wait_status(&app, &admin, id, "running", Duration::from_secs(15)).await;
        assert!(running["pid"].as_i64().is_some_and(pid_alive), "{running}");
        assert_error(power(&app, &admin, id, "start").await, 409, "invalid_state", None);
    }
    // The Source config ends with the RCON password and only its owner can read it.
    let source_dir = PathBuf::from(servers[1]["directory"].as_str().unwrap());
    let cfg_path = source_dir.join("left4dead2/cfg/server.cfg");
    let cfg = std::fs::read_to_string(&cfg_path).unwrap();
    assert!(
        cfg.trim_end().lines().last().unwrap().starts_with("rcon_password "),
        "{cfg}"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&cfg_path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let (_, preview) = app
        .get(&format!("/servers/{}/config/preview", servers[1]["id"]), &admin)
        .await;
    assert!(preview.to_string().contains("********"), "{preview}");
    let secret_line = cfg.lines().last().unwrap().to_owned();
    assert!(
        !preview.to_string().contains(&secret_line),
        "the preview must mask the password"
    );

    // Stop each: Arma and Source by signal, Minecraft with `stop` on its console.
    for server in &servers {
        let id = server["id"].as_i64().unwrap();
        let pid = app.get(&format!("/servers/{id}"), &admin).await.1["pid"]
            .as_i64()
            .unwrap();
        let (status, body) = power(&app, &admin, id, "stop").await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let stopped = wait_status(&app, &admin, id, "stopped", Duration::from_secs(15)).await;
        assert!(stopped["pid"].is_null());
        assert!(!pid_alive(pid), "process {pid} is still alive after stop");
        let (_, events) = app.get(&format!("/servers/{id}/events"), &admin).await;
        let stopping = events["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "stopping")
            .unwrap()
            .clone();
        let how = if server["game"] == "minecraft" {
            "`stop` to the console"
        } else {
            "over RCON"
        };
        assert!(stopping["message"].as_str().unwrap().contains(how), "{stopping}");
        assert!(
            !events.to_string().contains("over RCON failed"),
            "the graceful stop failed: {events}"
        );
        let kinds = event_kinds(&app, &admin, id).await;
        for kind in ["created", "starting", "running", "stopping", "stopped"] {
            assert!(kinds.iter().any(|k| k == kind), "no `{kind}` event: {kinds:?}");
        }
        assert!(!kinds.iter().any(|k| k == "crashed"), "{kinds:?}");
    }
    // Restart from stopped starts; kill ends it at once without counting as a crash.
    let id = servers[0]["id"].as_i64().unwrap();
    assert_eq!(power(&app, &admin, id, "restart").await.0, StatusCode::ACCEPTED);
    wait_status(&app, &admin, id, "running", Duration::from_secs(15)).await;
    assert_eq!(power(&app, &admin, id, "kill").await.0, StatusCode::ACCEPTED);
    wait_status(&app, &admin, id, "stopped", Duration::from_secs(5)).await;
    assert!(event_kinds(&app, &admin, id).await.iter().any(|k| k == "killed"));
    // Restart of a running server: a graceful stop, then a new process.
    let id = servers[1]["id"].as_i64().unwrap();
    power(&app, &admin, id, "start").await;
    let first = wait_status(&app, &admin, id, "running", Duration::from_secs(15)).await;
    assert_eq!(power(&app, &admin, id, "restart").await.1["status"], "stopping");
    eventually("a new process after restart", Duration::from_secs(15), async || {
        let (_, now) = app.get(&format!("/servers/{id}"), &admin).await;
        if now["status"] == "running" && now["pid"] != first["pid"] {
            Ok(())
        } else {
            Err(now)
        }
    })
    .await;
    power(&app, &admin, id, "stop").await;
    wait_status(&app, &admin, id, "stopped", Duration::from_secs(15)).await;
}

/// `kill -9` of a game is seen as a crash within a second and restarted; a crash loop gives up.
async fn crashes_restart_then_give_up(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let bin_dir = app.data_dir.path().join("games");
    let server = create(
        &app,
        &admin,
        json!({"name": "flaky", "game": "source", "executable": fake_executable(&bin_dir, "srcds_run"),
               "game_port": free_port_block(1), "max_restarts": 1, "config": {"game": "tf", "map": "ctf_2fort"}}),
    )
    .await;
    let id = server["id"].as_i64().unwrap();
    power(&app, &admin, id, "start").await;
    let running = wait_status(&app, &admin, id, "running", Duration::from_secs(15)).await;
    control(&server, "log about to fail");
    wait_control_consumed(&server).await;
    kill_9(running["pid"].as_i64().unwrap());
    wait_status(&app, &admin, id, "crashed", Duration::from_secs(1)).await;
    let (_, events) = app.get(&format!("/servers/{id}/events"), &admin).await;
    let crash = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "crashed")
        .unwrap()
        .clone();
    assert_eq!(crash["detail"]["signal"], 9, "{crash}");
    assert!(
        crash["detail"]["last_lines"].to_string().contains("about to fail"),
        "{crash}"
    );
    // Restarted after the backoff, as a new process.
    let again = wait_status(&app, &admin, id, "running", Duration::from_secs(10)).await;
    assert_ne!(again["pid"], running["pid"]);
    kill_9(again["pid"].as_i64().unwrap());
    wait_status(&app, &admin, id, "crashed", Duration::from_secs(1)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, now) = app.get(&format!("/servers/{id}"), &admin).await;
    assert_eq!(now["status"], "crashed", "it must not restart after giving up");
    let kinds = event_kinds(&app, &admin, id).await;
    assert!(
        kinds.iter().any(|k| k == "restart_scheduled") && kinds.iter().any(|k| k == "gave_up"),
        "{kinds:?}"
    );
}

/// Refusals: taken port (409 naming it), missing or disallowed executable (422), invalid config
/// (422 naming the field), deleting a running server (409), roles.
async fn refusals_name_the_cause(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let bin_dir = app.data_dir.path().join("games");
    let port = free_port_block(1);
    let server = create(
        &app,
        &admin,
        json!({"name": "blocked", "game": "source", "executable": fake_executable(&bin_dir, "srcds_run"),
               "game_port": port, "config": {"game": "csgo", "map": "de_dust2"}}),
    )
    .await;
    let id = server["id"].as_i64().unwrap();
    let squatter = std::net::TcpListener::bind(("0.0.0.0", port)).unwrap();
    let (status, body) = power(&app, &admin, id, "start").await;
    assert_error((status, body.clone()), 409, "port_in_use", None);
    assert!(body["message"].as_str().unwrap().contains(&port.to_string()), "{body}");
    assert_eq!(app.get(&format!("/servers/{id}"), &admin).await.1["status"], "error");
    drop(squatter);

    assert_error(
        app.call(
            Method::PUT,
            &format!("/servers/{id}/config"),
            Some(&admin),
            Some(json!({"map": "de_dust2\";quit"})),
        )
        .await,
        422,
        "validation_failed",
        Some("config.map"),
    );
    let create_body = |exe: &str| json!({"name": "x", "game": "source", "executable": exe, "game_port": port});
    assert_error(
        app.post("/servers", Some(&admin), create_body("/bin/sh")).await,
        422,
        "validation_failed",
        Some("executable"),
    );
    assert_error(
        app.post(
            "/servers",
            Some(&admin),
            json!({"name": "x", "game": "quake", "executable": "/x", "game_port": 1}),
        )
        .await,
        422,
        "validation_failed",
        Some("game"),
    );
    let sneaky = json!({"name": "y", "game": "source", "executable": "/x/srcds_run", "game_port": port,
                        "directory": format!("{}/servers/../../elsewhere", app.data_dir.path().display())});
    assert_error(
        app.post("/servers", Some(&admin), sneaky).await,
        422,
        "validation_failed",
        Some("directory"),
    );
    let gone = bin_dir.join("missing/srcds_run");
    let missing = create(&app, &admin, create_body(gone.to_str().unwrap())).await;
    assert_error(
        power(&app, &admin, missing["id"].as_i64().unwrap(), "start").await,
        422,
        "validation_failed",
        Some("executable"),
    );

    let viewer = app.user_token(&admin, "vic", "viewer").await;
    assert_error(power(&app, &viewer, id, "start").await, 403, "forbidden", None);
    let operator = app.user_token(&admin, "opa", "operator").await;
    assert_eq!(power(&app, &operator, id, "start").await.0, StatusCode::ACCEPTED);
    wait_status(&app, &viewer, id, "running", Duration::from_secs(15)).await;
    assert_error(
        app.call(Method::DELETE, &format!("/servers/{id}"), Some(&admin), None)
            .await,
        409,
        "invalid_state",
        None,
    );
    power(&app, &operator, id, "stop").await;
    wait_status(&app, &admin, id, "stopped", Duration::from_secs(15)).await;
    assert_error(power(&app, &admin, id, "stop").await, 409, "invalid_state", None);
    let dir = PathBuf::from(server["directory"].as_str().unwrap());
    let (status, _) = app
        .call(Method::DELETE, &format!("/servers/{id}?purge=true"), Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!dir.exists(), "purge removes the directory");
    assert_error(app.get(&format!("/servers/{id}"), &admin).await, 404, "not_found", None);
}

/// `kill -9` of the panel with three servers running: the games live on, the new panel
/// reattaches to all three, and stop still works.
async fn panel_crash_keeps_games_running(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let servers = three_servers(&app, &admin).await;
    let mut pids = Vec::new();
    for server in &servers {
        power(&app, &admin, server["id"].as_i64().unwrap(), "start").await;
    }
    for server in &servers {
        let running = wait_status(
            &app,
            &admin,
            server["id"].as_i64().unwrap(),
            "running",
            Duration::from_secs(15),
        )
        .await;
        pids.push(running["pid"].as_i64().unwrap());
    }
    app.crash_and_restart().await;
    for pid in &pids {
        assert!(pid_alive(*pid), "game process {pid} died with the panel");
    }
    let admin = app.admin_token().await;
    for (server, pid) in servers.iter().zip(&pids) {
        let id = server["id"].as_i64().unwrap();
        eventually(
            &format!("server {id} reattached"),
            Duration::from_secs(10),
            async || {
                let kinds = event_kinds(&app, &admin, id).await;
                if kinds.iter().any(|k| k == "reattached") {
                    Ok(())
                } else {
                    Err(format!("{kinds:?}"))
                }
            },
        )
        .await;
        let now = wait_status(&app, &admin, id, "running", Duration::from_secs(1)).await;
        assert_eq!(now["pid"].as_i64(), Some(*pid));
    }
    for (server, pid) in servers.iter().zip(&pids) {
        let id = server["id"].as_i64().unwrap();
        assert_eq!(power(&app, &admin, id, "stop").await.0, StatusCode::ACCEPTED);
        wait_status(&app, &admin, id, "stopped", Duration::from_secs(15)).await;
        assert!(!pid_alive(*pid), "process {pid} survived the stop");
    }
}

/// A game that ignores its stop is killed after the stop timeout, and `kill` works while a
/// stop is still in progress.
async fn hung_servers_are_killed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let bin_dir = app.data_dir.path().join("games");
    let server = create(
        &app,
        &admin,
        json!({"name": "stuck", "game": "source", "executable": fake_executable(&bin_dir, "srcds_run"),
               "game_port": free_port_block(1), "stop_timeout_secs": 2, "config": {"game": "tf", "map": "pl_upward"}}),
    )
    .await;
    let id = server["id"].as_i64().unwrap();
    for kill_by_hand in [false, true] {
        power(&app, &admin, id, "start").await;
        wait_status(&app, &admin, id, "running", Duration::from_secs(15)).await;
        control(&server, "hang");
        wait_control_consumed(&server).await;
        assert_eq!(power(&app, &admin, id, "stop").await.1["status"], "stopping");
        if kill_by_hand {
            assert_eq!(power(&app, &admin, id, "kill").await.0, StatusCode::ACCEPTED);
            wait_status(&app, &admin, id, "stopped", Duration::from_secs(2)).await;
        } else {
            wait_status(&app, &admin, id, "stopping", Duration::from_secs(1)).await;
            wait_status(&app, &admin, id, "stopped", Duration::from_secs(8)).await;
            let (_, events) = app.get(&format!("/servers/{id}/events"), &admin).await;
            assert!(events.to_string().contains("did not stop within 2 s"), "{events}");
        }
    }
}

/// Listings are answered from memory between writes, so each kind of write must show in the
/// very next listing: a rename, a start (state and pid), a page further on, a deletion.
async fn listings_follow_every_change(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let servers = three_servers(&app, &admin).await;
    let ids: Vec<i64> = servers.iter().map(|s| s["id"].as_i64().unwrap()).collect();
    let listing = |query: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let (status, page) = app.get(&format!("/servers{query}"), admin).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            page
        }
    };
    let named = |page: &serde_json::Value, id: i64| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .cloned()
    };
    let page = listing("").await;
    assert_eq!(page["total"], 3, "{page}");
    assert_eq!(named(&page, ids[0]).unwrap()["name"], servers[0]["name"]);

    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("/servers/{}", ids[0]),
            Some(&admin),
            Some(json!({"name": "renamed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(named(&listing("").await, ids[0]).unwrap()["name"], "renamed");

    assert_eq!(power(&app, &admin, ids[1], "start").await.0, StatusCode::ACCEPTED);
    let running = wait_status(&app, &admin, ids[1], "running", Duration::from_secs(15)).await;
    let listed = named(&listing("").await, ids[1]).unwrap();
    assert_eq!(listed["status"], "running", "{listed}");
    assert_eq!(listed["pid"], running["pid"]);

    let second = listing("?per_page=1&page=2").await;
    assert_eq!(
        (second["total"].clone(), second["items"][0]["id"].clone()),
        (json!(3), json!(ids[1]))
    );

    assert_eq!(power(&app, &admin, ids[1], "kill").await.0, StatusCode::ACCEPTED);
    wait_status(&app, &admin, ids[1], "stopped", Duration::from_secs(5)).await;
    assert_eq!(
        named(&listing("").await, ids[1]).unwrap()["pid"],
        serde_json::Value::Null
    );
    let (status, _) = app
        .call(Method::DELETE, &format!("/servers/{}", ids[2]), Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let page = listing("").await;
    assert_eq!(page["total"], 2, "{page}");
    assert!(named(&page, ids[2]).is_none());
}

crate::on_both_backends!(
    listings_follow_every_change,
    hung_servers_are_killed,
    power_actions_for_each_game,
    crashes_restart_then_give_up,
    refusals_name_the_cause,
    panel_crash_keeps_games_running,
);
