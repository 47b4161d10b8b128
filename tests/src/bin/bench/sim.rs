//! Simulated Source servers (the cheapest simulator to run by the hundred): registered with
//! the panel, started and killed through its API, scripted through `fakegame.control`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::panel::Panel;

pub struct Server {
    pub id: i64,
    dir: PathBuf,
}

impl Server {
    /// Replaces the control file; the simulator runs it within ~200 ms.
    pub fn control(&self, script: &str) {
        std::fs::write(self.dir.join("fakegame.control"), format!("{script}\n")).expect("control file");
    }

    /// When the simulator has run every line of its control file (it empties it afterwards);
    /// `None` if it is still at it after `within`.
    pub async fn wait_control_done(&self, within: Duration) -> Option<Instant> {
        let file = self.dir.join("fakegame.control");
        let deadline = Instant::now() + within;
        while std::fs::read_to_string(&file).is_ok_and(|t| !t.is_empty()) {
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Some(Instant::now())
    }
}

/// Games outlive the panel by design, so the bench kills the ones it started itself: every
/// simulator under the data dir, when this is dropped.
pub struct Reaper(pub PathBuf);

impl Drop for Reaper {
    fn drop(&mut self) {
        kill_games_under(&self.0);
    }
}

/// Kills every simulator whose working directory is under `dir`. Each runs in a process group
/// of its own (the supervisor spawns it so), which goes with it.
pub fn kill_games_under(dir: &Path) {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if !std::fs::read_link(entry.path().join("cwd")).is_ok_and(|cwd| cwd.starts_with(dir)) {
            continue;
        }
        let leads_group = std::fs::read_to_string(entry.path().join("stat")).is_ok_and(|stat| {
            stat.rsplit_once(") ")
                .and_then(|(_, rest)| rest.split(' ').nth(2)?.parse::<u32>().ok())
                == Some(pid)
        });
        if leads_group {
            // `--` first: without it procps' kill reads `-<pgid>` as options.
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .output();
        }
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .output();
    }
}

pub struct Sims {
    /// The simulator under the name Languard accepts for Source.
    executable: PathBuf,
    ports: HashSet<u16>,
}

impl Sims {
    pub fn new(fakegame: &Path, work: &Path) -> Sims {
        let dir = work.join("bin");
        std::fs::create_dir_all(&dir).expect("bin dir");
        let executable = dir.join("srcds_run");
        std::os::unix::fs::symlink(fakegame.canonicalize().expect("fakegame binary"), &executable)
            .expect("srcds_run link");
        Sims {
            executable,
            ports: HashSet::new(),
        }
    }

    pub async fn create(&mut self, panel: &Panel, name: &str) -> Server {
        let body = json!({"name": name, "game": "source", "executable": self.executable,
                          "game_port": self.free_port(), "config": {"game": "tf", "map": "ctf_2fort"}});
        let (status, server) = panel.post("/servers", body).await;
        assert_eq!(status, StatusCode::CREATED, "creating {name}: {server}");
        Server {
            id: server["id"].as_i64().expect("id"),
            dir: PathBuf::from(server["directory"].as_str().expect("directory")),
        }
    }

    /// A port free on TCP and UDP now, not handed out before, and below the ephemeral range
    /// so that no client connection takes it before the game binds it.
    fn free_port(&mut self) -> u16 {
        loop {
            let port = 20_000 + rand::random::<u16>() % 12_000;
            let free = std::net::TcpListener::bind(("0.0.0.0", port)).is_ok()
                && std::net::UdpSocket::bind(("0.0.0.0", port)).is_ok();
            if free && self.ports.insert(port) {
                return port;
            }
        }
    }
}

/// Sends `action` (start, kill) to every server and waits until each is `want`.
pub async fn power_all(panel: &Panel, servers: &[Server], action: &str, want: &str) {
    for server in servers {
        let (status, body) = panel.post(&format!("/servers/{}/{action}", server.id), json!({})).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{action} server {}: {body}", server.id);
    }
    wait_all(panel, servers, want).await;
}

/// Waits (up to 60 s) until every server is `want`.
pub async fn wait_all(panel: &Panel, servers: &[Server], want: &str) {
    let ids: HashSet<i64> = servers.iter().map(|s| s.id).collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = panel.get("/servers?per_page=200").await;
        let behind: Vec<String> = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|s| s["id"].as_i64().is_some_and(|id| ids.contains(&id)) && s["status"] != want)
            .map(|s| format!("{}: {}", s["id"], s["status"]))
            .collect();
        if behind.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "not {want} after 60 s: {behind:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
