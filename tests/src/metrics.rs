//! Stored figures against a real simulator: `metrics` frames on the socket for the server and
//! the host, CPU % that follows a busy game, the player count, raw and downsampled ranges
//! that agree, and bad parameters named.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::events::{next, open, send, until};
use crate::harness::{assert_error, Backend, Options, TestApp};
use crate::sim::{control, create_tf2, power, wait_status};
use crate::wait::eventually;

crate::on_both_backends!(metrics_are_sampled_streamed_and_downsampled);

const WAIT: Duration = Duration::from_secs(30);

fn points(body: &Value) -> &Vec<Value> {
    body["points"].as_array().unwrap_or_else(|| panic!("no points: {body}"))
}

async fn metrics_are_sampled_streamed_and_downsampled(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        Options {
            env: vec![
                ("LANGUARD_METRICS_INTERVAL".into(), "1".into()),
                ("LANGUARD_PLAYERS_POLL_INTERVAL".into(), "1".into()),
            ],
        },
    )
    .await;
    let admin = app.admin_token().await;
    let viewer = app.user_token(&admin, "viewer1", "viewer").await;
    let _bin_dir = app.data_dir.path().join("games");
    let server = create_tf2(&app, &admin, "tf2").await;
    let id = server["id"].as_i64().unwrap();
    let mut ws = open(&app, &viewer).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "servers": "*", "channels": ["metrics"]}),
    )
    .await;
    assert_eq!(next(&mut ws, WAIT).await.unwrap()["type"], "subscribed");
    let host = until(&mut ws, "a host frame", |f| f["server_id"].is_null()).await;
    let host = host.last().unwrap();
    assert_eq!(host["type"], "metrics");
    assert!(host["data"]["cpu_count"].as_u64().unwrap() > 0, "{host}");
    assert!(host["data"]["memory_used_bytes"].as_u64().unwrap() > 0, "{host}");

    assert_eq!(power(&app, &admin, id, "start").await.0, StatusCode::ACCEPTED);
    wait_status(&app, &admin, id, "running", WAIT).await;
    let first = until(&mut ws, "a frame of the server", |f| f["server_id"] == id).await;
    let first = &first.last().unwrap()["data"];
    assert!(first["memory_bytes"]["avg"].as_f64().unwrap() > 100_000.0, "{first}");
    assert_eq!(first["samples"], 1);

    // A player joins and the game keeps a core busy: both show in the next frames.
    control(&server, "join Alice 76561198000000001\nburn 10000");
    until(&mut ws, "one player", |f| {
        f["server_id"] == id && f["data"]["players"]["avg"] == 1.0
    })
    .await;
    until(&mut ws, "a busy game", |f| {
        f["server_id"] == id && f["data"]["cpu_percent"]["avg"].as_f64().unwrap() > 10.0
    })
    .await;

    // Raw samples and their one-minute buckets over the same range agree.
    let to = chrono::Utc::now()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        .replace('+', "%2B");
    // The stream may show a sample before the batching writer has stored it: wait until the
    // samples taken before `to` (the one that saw the player among them) are all stored.
    let raw = eventually("two stored samples, one with the player", WAIT, async || {
        let (status, raw) = app
            .get(&format!("/servers/{id}/metrics?resolution=raw&to={to}"), &viewer)
            .await;
        assert_eq!(status, StatusCode::OK, "{raw}");
        let stored = points(&raw);
        if stored.len() >= 2 && stored.iter().any(|p| p["players"]["max"] == 1.0) {
            Ok(raw)
        } else {
            Err(raw)
        }
    })
    .await;
    assert_eq!(
        (raw["server_id"].as_i64(), raw["resolution"].as_str()),
        (Some(id), Some("raw"))
    );
    let raw_points = points(&raw);
    assert!(raw_points
        .iter()
        .all(|p| p["samples"] == 1 && p["memory_bytes"]["min"].as_f64() > Some(0.0)));
    assert!(raw_points.iter().any(|p| p["players"]["max"] == 1.0), "{raw}");
    let max_cpu = |ps: &[Value]| {
        ps.iter()
            .map(|p| p["cpu_percent"]["max"].as_f64().unwrap())
            .fold(0.0, f64::max)
    };
    let (_, minutes) = app
        .get(&format!("/servers/{id}/metrics?resolution=1m&to={to}"), &viewer)
        .await;
    let minute_points = points(&minutes);
    assert_eq!(minutes["bucket_seconds"], 60);
    assert!(!minute_points.is_empty() && minute_points.len() <= 2, "{minutes}");
    let samples: i64 = minute_points.iter().map(|p| p["samples"].as_i64().unwrap()).sum();
    assert_eq!(samples as usize, raw_points.len(), "{minutes}");
    assert_eq!(max_cpu(minute_points), max_cpu(raw_points));
    let raw_mean = raw_points
        .iter()
        .map(|p| p["memory_bytes"]["avg"].as_f64().unwrap())
        .sum::<f64>()
        / raw_points.len() as f64;
    let minute_mean = minute_points
        .iter()
        .map(|p| p["memory_bytes"]["avg"].as_f64().unwrap() * p["samples"].as_f64().unwrap())
        .sum::<f64>()
        / samples as f64;
    assert!((raw_mean - minute_mean).abs() < 1.0, "{raw_mean} vs {minute_mean}");

    // The host's history has disk and load too.
    let (status, host) = app.get("/system/metrics?resolution=raw", &viewer).await;
    assert_eq!(status, StatusCode::OK, "{host}");
    assert!(host["server_id"].is_null());
    let last = points(&host).last().unwrap_or_else(|| panic!("no host points: {host}"));
    assert!(last["disk_used_bytes"]["avg"].as_f64().unwrap() > 0.0, "{last}");
    assert!(last["load_one"]["avg"].as_f64().is_some(), "{last}");
    assert!(last.get("players").is_none(), "{last}");

    assert_error(
        app.get(&format!("/servers/{id}/metrics?resolution=2m"), &viewer).await,
        400,
        "invalid_query",
        Some("resolution"),
    );
    assert_error(
        app.get(
            &format!("/servers/{id}/metrics?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z"),
            &viewer,
        )
        .await,
        422,
        "validation_failed",
        Some("from"),
    );
    assert_error(
        app.get(
            "/system/metrics?from=2029-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&resolution=5m",
            &viewer,
        )
        .await,
        422,
        "validation_failed",
        Some("resolution"),
    );
    assert_eq!(app.get("/servers/9999/metrics", &viewer).await.0, StatusCode::NOT_FOUND);
    // A year at the default resolution is hourly and fine.
    let (status, year) = app
        .get(
            "/system/metrics?from=2029-01-01T00:00:00Z&to=2030-01-01T00:00:00Z",
            &viewer,
        )
        .await;
    assert_eq!(
        (status, year["resolution"].as_str()),
        (StatusCode::OK, Some("1h")),
        "{year}"
    );
}
