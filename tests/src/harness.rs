//! Starting the real binary and talking to it.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const ADMIN_PASSWORD: &str = "admin-test-password";
/// Fixed in tests so that a test can mint tokens the server accepts (e.g. already expired ones).
pub const JWT_SECRET: &str = "test-signing-key-0123456789abcdef0123456789";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The binary under test: `LANGUARD_BIN`, else the workspace's debug build.
pub fn binary() -> PathBuf {
    let path = std::env::var_os("LANGUARD_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/languard"));
    assert!(
        path.is_file(),
        "{} does not exist: run `cargo build -p languard` (make test does)",
        path.display()
    );
    path
}

/// Where the tests reach PostgreSQL; the role needs CREATEDB.
pub fn postgres_admin_url() -> String {
    std::env::var("LANGUARD_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://languard:languard@127.0.0.1:5432/postgres".into())
}

fn psql(sql: &str) {
    let out = std::process::Command::new("psql")
        .arg(postgres_admin_url())
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .expect("psql must be installed for the PostgreSQL tests");
    assert!(
        out.status.success(),
        "psql `{sql}` failed (is PostgreSQL running? see LANGUARD_TEST_PG_URL): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub struct TestApp {
    pub url: String,
    pub backend: Backend,
    pub data_dir: tempfile::TempDir,
    pub client: reqwest::Client,
    child: Child,
    pg_database: Option<String>,
    env: Vec<(String, String)>,
}

/// Options for one server; most tests use the defaults.
#[derive(Default)]
pub struct Options {
    pub env: Vec<(String, String)>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, Options::default()).await
    }

    pub async fn spawn_with(backend: Backend, options: Options) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut env = options.env;
        let mut pg_database = None;
        if backend == Backend::Postgres {
            let name = format!("lgt_{}_{}", std::process::id(), rand::random::<u32>());
            psql(&format!("CREATE DATABASE {name}"));
            let admin = postgres_admin_url();
            let base = admin
                .rsplit_once('/')
                .map_or(admin.as_str(), |(base, _)| base)
                .to_owned();
            env.push(("LANGUARD_DATABASE_URL".into(), format!("{base}/{name}")));
            pg_database = Some(name);
        }
        let (child, url) = start(data_dir.path(), &env).await;
        TestApp {
            url,
            backend,
            data_dir,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            child,
            pg_database,
            env,
        }
    }

    /// Kills the panel with SIGKILL (no cleanup at all) and starts it again on the same data.
    pub async fn crash_and_restart(&mut self) {
        self.crash().await;
        self.restart().await;
    }

    /// SIGKILL, no cleanup; the game servers it started keep running.
    pub async fn crash(&mut self) {
        let _ = self.child.kill().await;
    }

    /// Starts the panel again on the same data (after [`TestApp::crash`]).
    pub async fn restart(&mut self) {
        let (child, url) = start(self.data_dir.path(), &self.env).await;
        self.child = child;
        self.url = url;
    }

    /// Runs one SQL statement on this panel's database, for states the API cannot produce
    /// (rows an older or broken version left behind).
    pub fn sql(&self, statement: &str) {
        let out = match &self.pg_database {
            Some(name) => {
                let admin = postgres_admin_url();
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
                std::process::Command::new("psql")
                    .arg(format!("{base}/{name}"))
                    .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", statement])
                    .output()
            }
            None => std::process::Command::new("sqlite3")
                .arg(self.data_dir.path().join("languard.db"))
                .args(["-cmd", ".timeout 5000", statement])
                .output(),
        }
        .expect("psql and sqlite3 must be installed for these tests");
        assert!(
            out.status.success(),
            "`{statement}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{}", self.url, path)
    }

    /// Sends a request with an optional bearer token and JSON body; returns status and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, self.api(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let text = res.text().await.expect("body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// Logs in and returns the whole token response.
    pub async fn login(&self, username: &str, password: &str) -> Value {
        let (status, body) = self
            .post("/auth/login", None, json!({"username": username, "password": password}))
            .await;
        assert_eq!(status, StatusCode::OK, "login of {username} failed: {body}");
        body
    }

    pub async fn admin_token(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates a user as admin and returns its access token.
    pub async fn user_token(&self, admin: &str, username: &str, role: &str) -> String {
        let password = format!("{username}-password");
        let (status, body) = self
            .post(
                "/users",
                Some(admin),
                json!({"username": username, "password": password, "role": role}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        self.login(username, &password).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Sends SIGTERM and waits (up to 15 s) for the exit status.
    pub async fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("server still running");
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        tokio::time::timeout(Duration::from_secs(15), self.child.wait())
            .await
            .expect("the server did not stop within 15 s of SIGTERM")
            .expect("waiting for the server")
    }
}

/// Starts `languard serve` on a free port and returns it with its URL.
async fn start(data_dir: &std::path::Path, env: &[(String, String)]) -> (Child, String) {
    let mut cmd = Command::new(binary());
    cmd.arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(data_dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LANGUARD_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("LANGUARD_JWT_SECRET", JWT_SECRET)
        .env("LANGUARD_LOG_LEVEL", "warn")
        .env("LANGUARD_STATIC_DIR", data_dir.join("no-spa"))
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("starting languard");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("reading stdout") {
            if let Some(url) = line.strip_prefix("Languard listening on ") {
                return url.trim().to_owned();
            }
        }
        panic!("languard exited before listening");
    })
    .await
    .expect("languard did not start within 60 s");
    // Keep draining stdout so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

/// Game processes outlive the panel by design; a test's games must not outlive the test.
fn kill_games_under(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        if std::fs::read_link(entry.path().join("cwd")).is_ok_and(|cwd| cwd.starts_with(dir)) {
            // `--` first: without it procps' kill parses `-145` as options and signals pid -1,
            // which is every process on the machine (seen with strace: kill(-1, SIGKILL)).
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .output();
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .output();
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        kill_games_under(self.data_dir.path());
        if let Some(name) = self.pg_database.take() {
            // The server may still hold connections for a moment.
            let _ = std::process::Command::new("psql")
                .arg(postgres_admin_url())
                .args(["-q", "-c", &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")])
                .output();
        }
    }
}

/// Asserts the error shape: status, `error` kind, and the `field` when given.
#[track_caller]
pub fn assert_error(actual: (StatusCode, Value), status: u16, kind: &str, field: Option<&str>) {
    let (s, body) = actual;
    assert_eq!(s.as_u16(), status, "unexpected status; body: {body}");
    assert_eq!(body["error"], kind, "unexpected kind; body: {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "no message: {body}"
    );
    match field {
        Some(f) => assert_eq!(body["field"], f, "unexpected field; body: {body}"),
        None => assert!(body.get("field").is_none_or(Value::is_null), "unexpected field: {body}"),
    }
}

/// An HS256 JWT signed with the test key, for tokens the API cannot be asked to issue.
pub fn mint_jwt(sub: i64, sid: i64, exp_offset_secs: i64) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = B64.encode(
        json!({"sub": sub, "sid": sid, "iat": now, "exp": now + exp_offset_secs, "iss": "languard"}).to_string(),
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(JWT_SECRET.as_bytes()).unwrap();
    mac.update(format!("{header}.{claims}").as_bytes());
    let sig = B64.encode(mac.finalize().into_bytes());
    format!("{header}.{claims}.{sig}")
}

/// The simulator under a real game's executable name (it picks its flavour from that name).
pub fn fake_executable(dir: &std::path::Path, name: &str) -> PathBuf {
    let fakegame = std::env::var_os("FAKEGAME_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/fakegame"));
    assert!(
        fakegame.is_file(),
        "{} is missing: run `cargo build -p languard-tests --bin fakegame`",
        fakegame.display()
    );
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let link = bin.join(name);
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(fakegame.canonicalize().unwrap(), &link).unwrap();
    link
}

/// A base port P such that P..P+n are free on TCP and UDP right now.
pub fn free_port_block(n: u16) -> u16 {
    loop {
        // Below Linux's ephemeral range (32768–60999), so that an outgoing connection of this
        // or another test cannot take a port of the block between this check and the start.
        let base = 10_000 + rand::random::<u16>() % 22_000;
        let free = (base..base + n).all(|p| {
            std::net::TcpListener::bind(("0.0.0.0", p)).is_ok() && std::net::UdpSocket::bind(("0.0.0.0", p)).is_ok()
        });
        if free {
            return base;
        }
    }
}
