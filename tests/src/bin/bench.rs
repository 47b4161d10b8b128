//! `make bench`: drives a running release server (LANGUARD_URL, LANGUARD_ADMIN_PASSWORD,
//! LANGUARD_PID from scripts/with-server.sh) and prints throughput, latency and memory.
//! The load generator shares the machine's cores with the server, like wrk would.

use std::time::{Duration, Instant};

use reqwest::{Client, Method, RequestBuilder};
use serde_json::json;

const DURATION: Duration = Duration::from_secs(5);

type MakeRequest = Box<dyn Fn(&Client) -> RequestBuilder + Send + Sync>;

struct Outcome {
    requests: usize,
    failures: usize,
    latencies_us: Vec<u64>,
    elapsed: Duration,
}

async fn drive(client: &Client, concurrency: usize, make: std::sync::Arc<MakeRequest>) -> Outcome {
    let started = Instant::now();
    let deadline = started + DURATION;
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut failures) = (Vec::new(), 0usize);
            while Instant::now() < deadline {
                let t = Instant::now();
                match make(&client).send().await {
                    Ok(res) if res.status().is_success() => {
                        let _ = res.bytes().await;
                    }
                    _ => failures += 1,
                }
                latencies.push(t.elapsed().as_micros() as u64);
            }
            (latencies, failures)
        }));
    }
    let mut outcome = Outcome {
        requests: 0,
        failures: 0,
        latencies_us: Vec::new(),
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let (latencies, failures) = task.await.expect("bench task");
        outcome.requests += latencies.len();
        outcome.failures += failures;
        outcome.latencies_us.extend(latencies);
    }
    outcome.elapsed = started.elapsed();
    outcome.latencies_us.sort_unstable();
    outcome
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let url = std::env::var("LANGUARD_URL").expect("LANGUARD_URL");
    let password = std::env::var("LANGUARD_ADMIN_PASSWORD").expect("LANGUARD_ADMIN_PASSWORD");
    let pid = std::env::var("LANGUARD_PID").unwrap_or_default();
    let client = Client::builder().pool_max_idle_per_host(512).build().expect("client");
    let login: serde_json::Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": password}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    let token = login["access_token"].as_str().expect("access token").to_owned();
    let rss_before = rss_kib(&pid);

    let get = |path: &str, token: Option<String>| -> MakeRequest {
        let full = format!("{url}/api/v1{path}");
        Box::new(move |c: &Client| {
            let req = c.request(Method::GET, &full);
            match &token {
                Some(t) => req.bearer_auth(t),
                None => req,
            }
        })
    };
    let login_url = format!("{url}/api/v1/auth/login");
    let tokens_url = format!("{url}/api/v1/tokens");
    let write_token = token.clone();
    let scenarios: Vec<(&str, usize, MakeRequest)> = vec![
        ("GET /system/health (no auth, no DB)", 64, get("/system/health", None)),
        (
            "GET /auth/me (JWT + session lookup)",
            64,
            get("/auth/me", Some(token.clone())),
        ),
        (
            "GET /users?per_page=50 (list + count)",
            64,
            get("/users?per_page=50", Some(token.clone())),
        ),
        (
            "GET /audit?per_page=50 (filtered list)",
            32,
            get("/audit?per_page=50", Some(token.clone())),
        ),
        (
            "POST /tokens (insert + audit row)",
            16,
            Box::new(move |c: &Client| {
                c.post(&tokens_url)
                    .bearer_auth(&write_token)
                    .json(&json!({"name": "bench"}))
            }),
        ),
        (
            "POST /auth/login (bcrypt cost 12)",
            2,
            Box::new(move |c: &Client| {
                c.post(&login_url)
                    .json(&json!({"username": "admin", "password": password}))
            }),
        ),
    ];

    println!(
        "Languard bench: {url}, {} s per scenario, load generator on the same host",
        DURATION.as_secs()
    );
    println!(
        "{:<42} {:>5} {:>10} {:>9} {:>9} {:>8}",
        "scenario", "conc", "req/s", "p50 ms", "p99 ms", "errors"
    );
    for (name, concurrency, make) in scenarios {
        let outcome = drive(&client, concurrency, std::sync::Arc::new(make)).await;
        println!(
            "{:<42} {:>5} {:>10.0} {:>9.2} {:>9.2} {:>8}",
            name,
            concurrency,
            outcome.requests as f64 / outcome.elapsed.as_secs_f64(),
            percentile(&outcome.latencies_us, 0.50),
            percentile(&outcome.latencies_us, 0.99),
            outcome.failures
        );
    }
    if let (Some(before), Some(after)) = (rss_before, rss_kib(&pid)) {
        println!(
            "server RSS: {:.1} MiB before, {:.1} MiB after the run",
            before as f64 / 1024.0,
            after as f64 / 1024.0
        );
    }
}
