//! The panel under test: a release `languard serve` on a free port with a data dir of its own,
//! driven over HTTP, its memory and CPU read from /proc, and killed when dropped.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const ADMIN_PASSWORD: &str = "bench-admin-password";

pub struct Panel {
    /// Killed on drop.
    child: Child,
    pub pid: u32,
    /// `127.0.0.1:<port>`, for the raw load generator.
    pub addr: String,
    pub url: String,
    /// From spawning the process to the first 200 from `/system/health`.
    pub started_in: Duration,
    pub token: String,
    http: reqwest::Client,
}

impl Panel {
    /// Spawns the panel (stderr appended to `log`) and waits until it answers its health check.
    pub async fn start(bin: &Path, data_dir: &Path, log: &Path) -> Panel {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("HTTP client");
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("panel log file");
        let spawned = Instant::now();
        let mut child = Command::new(bin)
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LANGUARD_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("LANGUARD_LOG_LEVEL", "warn")
            // No web interface: the bench measures the API.
            .env("LANGUARD_STATIC_DIR", data_dir.join("no-spa"))
            .stdout(Stdio::piped())
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .expect("starting languard");
        let pid = child.id().expect("panel pid");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let url = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.expect("panel stdout") {
                if let Some(url) = line.strip_prefix("Languard listening on ") {
                    return url.trim().to_owned();
                }
            }
            panic!("languard exited before listening; see {}", log.display());
        })
        .await
        .expect("languard did not listen within 60 s");
        // Keep draining stdout so the panel never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        loop {
            let health = http.get(format!("{url}/api/v1/system/health")).send().await;
            if health.is_ok_and(|r| r.status() == StatusCode::OK) {
                break;
            }
            assert!(
                spawned.elapsed() < Duration::from_secs(60),
                "no healthy answer within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let started_in = spawned.elapsed();
        Panel {
            child,
            pid,
            addr: url.trim_start_matches("http://").to_owned(),
            url,
            started_in,
            token: String::new(),
            http,
        }
    }

    pub async fn login(&mut self) {
        let (status, body) = self
            .post("/auth/login", json!({"username": "admin", "password": ADMIN_PASSWORD}))
            .await;
        assert_eq!(status, StatusCode::OK, "login: {body}");
        self.token = body["access_token"].as_str().expect("access token").to_owned();
    }

    pub async fn get(&self, path: &str) -> Value {
        let res = self
            .http
            .get(format!("{}/api/v1{path}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .http
            .post(format!("{}/api/v1{path}", self.url))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// One unlabelled figure from the Prometheus endpoint.
    pub async fn metric(&self, name: &str) -> u64 {
        let text = self
            .http
            .get(format!("{}/api/v1/metrics", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("GET /metrics")
            .text()
            .await
            .expect("metrics body");
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} is not in /metrics"))
    }

    pub fn rss_kib(&self) -> u64 {
        rss_kib(self.pid)
    }

    /// Resident memory of its own (heap, stacks) and of mapped files (mostly its binary).
    pub fn rss_anon_file_kib(&self) -> (u64, u64) {
        (status_kib(self.pid, "RssAnon:"), status_kib(self.pid, "RssFile:"))
    }

    /// utime + stime of the whole process, in clock ticks.
    pub fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).expect("panel stat");
        // Counted after the command name, which may hold spaces: field n is at index n - 3.
        let fields: Vec<&str> = stat.rsplit_once(") ").expect("stat").1.split(' ').collect();
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
    }

    /// SIGKILL and wait for the exit, so that a next start on the same data dir does not meet
    /// this process.
    pub async fn kill(mut self) {
        let _ = self.child.kill().await;
    }
}

pub fn rss_kib(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:")
}

fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}
