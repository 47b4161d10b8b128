//! Stored logs: every game's lines reach `GET /servers/{id}/logs` from the right source, the
//! filters and the cursor work, a panel killed with SIGKILL stores what was written while it
//! was away exactly once, and admins can delete a server's lines.

use std::time::Duration;

use serde_json::Value;

use crate::harness::{assert_error, Backend, TestApp};
use crate::sim::{control, power, three_servers, wait_control_consumed, wait_status};
use crate::wait::eventually;

on_both_backends!(logs_are_stored_searched_and_resumed);

/// Waits until a text search finds exactly `want` lines (fails on more, or on timeout).
async fn wait_lines(app: &TestApp, token: &str, id: i64, q: &str, want: usize) -> Vec<Value> {
    let what = format!("`{q}` stored {want} times on server {id}");
    eventually(&what, Duration::from_secs(15), async || {
        let (status, page) = app.get(&format!("/servers/{id}/logs?q={q}"), token).await;
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().unwrap().clone();
        assert!(
            items.len() <= want,
            "`{q}` stored {} times on server {id}: {page}",
            items.len()
        );
        if items.len() == want {
            Ok(items)
        } else {
            Err(page)
        }
    })
    .await
}

async fn logs_are_stored_searched_and_resumed(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let viewer = app.user_token(&admin, "viewer1", "viewer").await;
    let operator = app.user_token(&admin, "operator1", "operator").await;
    let servers = three_servers(&app, &admin).await;
    for server in &servers {
        power(&app, &admin, server["id"].as_i64().unwrap(), "start").await;
    }
    for server in &servers {
        wait_status(
            &app,
            &admin,
            server["id"].as_i64().unwrap(),
            "running",
            Duration::from_secs(15),
        )
        .await;
    }

    // Arma's newest .rpt and Minecraft's latest.log are the stored sources; Source has stdout.
    for (server, source) in servers.iter().zip(["game", "console", "game"]) {
        let id = server["id"].as_i64().unwrap();
        control(server, &format!("log Marker-{id}-first\njoin Alice 76561197960287930"));
        wait_control_consumed(server).await;
        let found = wait_lines(&app, &viewer, id, &format!("marker-{id}-FIRST"), 1).await;
        assert_eq!(found[0]["source"], source, "{found:?}");
        assert_eq!(found[0]["server_id"], id);
        assert!(found[0]["line"]
            .as_str()
            .unwrap()
            .contains(&format!("Marker-{id}-first")));
        // The join line is parsed as one, whatever else the game prints about Alice.
        let joins = wait_lines(&app, &viewer, id, "alice&kind=playerjoined", 1).await;
        assert_eq!(joins[0]["kind"], "playerjoined", "{joins:?}");
        let (_, errors) = app
            .get(&format!("/servers/{id}/logs?level=error&q=marker"), &viewer)
            .await;
        assert_eq!(
            errors["items"],
            serde_json::json!([]),
            "an info line is not an error: {errors}"
        );
    }

    // Paging backwards with the cursor: newest first, no overlap, no gap, an end.
    let mc = servers[2]["id"].as_i64().unwrap();
    control(&servers[2], "flood 45 pageline");
    wait_control_consumed(&servers[2]).await;
    wait_lines(&app, &viewer, mc, "pageline", 45).await;
    let mut seen = Vec::new();
    let mut cursor: Option<i64> = None;
    loop {
        let after = cursor.map(|c| format!("&cursor={c}")).unwrap_or_default();
        let (status, page) = app
            .get(&format!("/servers/{mc}/logs?q=pageline&limit=20{after}"), &viewer)
            .await;
        assert_eq!(status, 200, "{page}");
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_i64() {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 45, "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first without repeats: {seen:?}"
    );

    // Killed panel: what the games write meanwhile is stored once, nothing earlier again.
    app.crash().await;
    for server in &servers {
        control(server, &format!("log away-{}", server["id"]));
    }
    for server in &servers {
        wait_control_consumed(server).await;
    }
    app.restart().await;
    let admin = app.admin_token().await;
    for server in &servers {
        let id = server["id"].as_i64().unwrap();
        wait_lines(&app, &admin, id, &format!("away-{id}"), 1).await;
        control(server, &format!("log after-{id}"));
        wait_lines(&app, &admin, id, &format!("after-{id}"), 1).await;
        wait_lines(&app, &admin, id, &format!("marker-{id}-first"), 1).await;
    }
    wait_lines(&app, &admin, mc, "pageline", 45).await;

    // Bad filters name their field; unknown servers are 404.
    let viewer = app.login("viewer1", "viewer1-password").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_error(
        app.get(&format!("/servers/{mc}/logs?level=loud"), &viewer).await,
        422,
        "validation_failed",
        Some("level"),
    );
    assert_error(
        app.get(&format!("/servers/{mc}/logs?limit=0"), &viewer).await,
        422,
        "validation_failed",
        Some("limit"),
    );
    assert_error(
        app.get(
            &format!("/servers/{mc}/logs?since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z"),
            &viewer,
        )
        .await,
        422,
        "validation_failed",
        Some("since"),
    );
    assert_error(
        app.get(&format!("/servers/{mc}/logs?cursor=abc"), &viewer).await,
        400,
        "invalid_query",
        Some("cursor"),
    );
    assert_eq!(app.get("/servers/9999/logs", &viewer).await.0, 404);

    // Deleting is for admins; new lines are stored after it.
    let (status, _) = app
        .call(
            reqwest::Method::DELETE,
            &format!("/servers/{mc}/logs"),
            Some(&operator),
            None,
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .call(
            reqwest::Method::DELETE,
            &format!("/servers/{mc}/logs"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["deleted"].as_i64().unwrap() >= 47, "{body}");
    assert_eq!(
        app.get(&format!("/servers/{mc}/logs"), &admin).await.1["items"],
        serde_json::json!([])
    );
    control(&servers[2], "log after-delete");
    wait_lines(&app, &admin, mc, "after-delete", 1).await;
    wait_lines(&app, &admin, mc, "pageline", 0).await;

    for server in &servers {
        power(&app, &admin, server["id"].as_i64().unwrap(), "stop").await;
    }
    for server in &servers {
        wait_status(
            &app,
            &admin,
            server["id"].as_i64().unwrap(),
            "stopped",
            Duration::from_secs(20),
        )
        .await;
    }
}
