//! `GET /api/v1/metrics`: the Prometheus text reflects a running simulator (state, process
//! memory and CPU time) and the requests made, and parses line by line.

use std::collections::HashMap;
use std::time::Duration;

use crate::harness::{fake_executable, free_port_block, Backend, TestApp};
use crate::sim::{create, power, wait_status};

crate::on_both_backends!(prometheus_reports_servers_and_requests);

/// `name{labels}` → value, checking that every sample line has a declared family.
fn parse(text: &str) -> HashMap<String, f64> {
    let mut families = Vec::new();
    let mut samples = HashMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            families.push(rest.split(' ').next().unwrap().to_owned());
        } else if !line.starts_with('#') {
            let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("bad line {line:?}"));
            let name = series.split('{').next().unwrap();
            assert!(
                families.iter().any(|f| name.starts_with(f.as_str())),
                "{name} has no TYPE line"
            );
            samples.insert(
                series.to_owned(),
                value.parse().unwrap_or_else(|_| panic!("bad value in {line:?}")),
            );
        }
    }
    samples
}

async fn scrape(app: &TestApp, token: &str) -> HashMap<String, f64> {
    let res = app
        .client
        .get(app.api("/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let kind = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    parse(&res.text().await.unwrap())
}

async fn prometheus_reports_servers_and_requests(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let viewer = app.user_token(&admin, "viewer1", "viewer").await;
    let bin_dir = app.data_dir.path().join("games");
    let server = create(
        &app,
        &admin,
        serde_json::json!({"name": "l4d2", "game": "source", "executable": fake_executable(&bin_dir, "srcds_run"),
               "game_port": free_port_block(1), "config": {"game": "left4dead2", "map": "c1m1_hotel"}}),
    )
    .await;
    let id = server["id"].as_i64().unwrap();
    let before = scrape(&app, &viewer).await;
    assert_eq!(before["languard_servers{state=\"stopped\"}"], 1.0);
    assert_eq!(before["languard_servers{state=\"running\"}"], 0.0);
    power(&app, &admin, id, "start").await;
    wait_status(&app, &admin, id, "running", Duration::from_secs(15)).await;
    let after = scrape(&app, &viewer).await;
    assert_eq!(after["languard_servers{state=\"running\"}"], 1.0);
    let labels = format!("{{server_id=\"{id}\",server=\"l4d2\",game=\"source\"}}");
    assert!(
        after[&format!("languard_server_memory_bytes{labels}")] > 100_000.0,
        "{after:?}"
    );
    assert!(after.contains_key(&format!("languard_server_cpu_seconds_total{labels}")));
    // Counted once answered: the first scrape shows only in the second.
    let gets = |m: &HashMap<String, f64>| {
        m.get("languard_http_requests_total{method=\"GET\",status=\"2xx\"}")
            .copied()
            .unwrap_or(0.0)
    };
    assert!(gets(&after) > gets(&before), "the first scrape was counted");
    assert!(
        after["languard_http_request_duration_seconds_count"]
            >= after["languard_http_request_duration_seconds_bucket{le=\"1\"}"]
    );
    let anonymous = app.client.get(app.api("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    power(&app, &admin, id, "stop").await;
    wait_status(&app, &admin, id, "stopped", Duration::from_secs(20)).await;
}
