//! What `GET /metrics` answers, in the Prometheus text format (version 0.0.4): servers by state, players, CPU
//! time and memory of each running server's process tree (read by `processes.rs`), HTTP requests
//! and latencies, WebSocket sessions, lagged frames and stored log lines.

use std::fmt::Write;

use std::sync::Arc;

use diesel::prelude::*;

use super::http::{HttpSnapshot, HttpStats};
use super::processes::ProcessReader;
use crate::db::schema::servers;
use crate::error::{ApiError, ApiResult};
use crate::ids::ServerId;
use crate::runtime::Runtime;
use crate::servers::model::{ServerState, StoredState};
use crate::with_conn;

/// One managed server as a scrape sees it.
pub struct ServerFigures {
    pub id: ServerId,
    pub name: String,
    pub game: String,
    pub state: StoredState,
    pub players: Option<i32>,
    /// CPU time of the process tree, and its resident memory.
    pub cpu_seconds: Option<f64>,
    pub memory_bytes: Option<u64>,
}

pub struct Snapshot {
    pub servers: Vec<ServerFigures>,
    pub http: HttpSnapshot,
    pub ws_sessions: usize,
    pub lagged_frames: u64,
    pub log_lines_stored: u64,
}

/// What a scrape shows, read now: the servers' rows, their process trees and last polls, and
/// the panel's own counters.
pub async fn scrape(rt: &Runtime, processes: &Arc<ProcessReader>, http: &HttpStats) -> ApiResult<String> {
    let rows: Vec<(ServerId, String, String, StoredState, Option<i64>)> = rt
        .db
        .run(|pool| {
            with_conn!(pool, |c| {
                Ok(servers::table
                    .select((servers::id, servers::name, servers::game, servers::state, servers::pid))
                    .order(servers::id)
                    .load(c)?)
            })
        })
        .await?;
    let roots: Vec<u32> = rows
        .iter()
        .filter(|r| r.3.is(ServerState::Running))
        .filter_map(|r| r.4.and_then(|p| u32::try_from(p).ok()))
        .collect();
    let reader = processes.clone();
    let trees = tokio::task::spawn_blocking(move || reader.trees(&roots))
        .await
        .map_err(ApiError::internal)?;
    let board = &rt.board;
    let servers = rows
        .into_iter()
        .map(|(id, name, game, server_state, pid)| {
            let tree = pid
                .filter(|_| server_state.is(ServerState::Running))
                .and_then(|p| u32::try_from(p).ok())
                .and_then(|p| trees.get(&p).copied());
            ServerFigures {
                players: board.get(id).and_then(|v| v.live).map(|l| l.players),
                cpu_seconds: tree.map(|t| t.0),
                memory_bytes: tree.map(|t| t.1),
                id,
                name,
                game,
                state: server_state,
            }
        })
        .collect();
    let snapshot = Snapshot {
        servers,
        http: http.snapshot(),
        ws_sessions: rt.bus.sessions(),
        lagged_frames: rt.bus.lagged_total(),
        log_lines_stored: rt.logs.stored(),
    };
    Ok(render(&snapshot))
}

/// A label value with `\`, `"` and line breaks escaped as the format requires.
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

pub fn render(s: &Snapshot) -> String {
    let mut out = String::new();
    family(&mut out, "languard_servers", "gauge", "Managed game servers by state.");
    // Every state is reported, zero included.
    for st in ServerState::ALL {
        let n = s.servers.iter().filter(|x| x.state.is(st)).count();
        let _ = writeln!(out, "languard_servers{{state=\"{}\"}} {n}", st.as_str());
    }
    let id = |x: &ServerFigures| {
        format!(
            "server_id=\"{}\",server=\"{}\",game=\"{}\"",
            x.id,
            label(&x.name),
            label(x.game.as_str())
        )
    };
    family(
        &mut out,
        "languard_server_players",
        "gauge",
        "Players on each polled server (last poll).",
    );
    for x in &s.servers {
        if let Some(p) = x.players {
            let _ = writeln!(out, "languard_server_players{{{}}} {p}", id(x));
        }
    }
    family(
        &mut out,
        "languard_server_cpu_seconds_total",
        "counter",
        "CPU time used by each running server's process tree.",
    );
    for x in &s.servers {
        if let Some(cpu) = x.cpu_seconds {
            let _ = writeln!(out, "languard_server_cpu_seconds_total{{{}}} {cpu}", id(x));
        }
    }
    family(
        &mut out,
        "languard_server_memory_bytes",
        "gauge",
        "Resident memory of each running server's process tree.",
    );
    for x in &s.servers {
        if let Some(rss) = x.memory_bytes {
            let _ = writeln!(out, "languard_server_memory_bytes{{{}}} {rss}", id(x));
        }
    }
    family(
        &mut out,
        "languard_http_requests_total",
        "counter",
        "HTTP requests by method and status class.",
    );
    for (method, class, n) in &s.http.requests {
        let _ = writeln!(
            out,
            "languard_http_requests_total{{method=\"{method}\",status=\"{class}\"}} {n}"
        );
    }
    family(
        &mut out,
        "languard_http_request_duration_seconds",
        "histogram",
        "Time to answer HTTP requests.",
    );
    for (bound, n) in &s.http.buckets {
        let _ = writeln!(
            out,
            "languard_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {n}"
        );
    }
    let _ = writeln!(
        out,
        "languard_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}",
        s.http.count
    );
    let _ = writeln!(out, "languard_http_request_duration_seconds_sum {}", s.http.sum_seconds);
    let _ = writeln!(out, "languard_http_request_duration_seconds_count {}", s.http.count);
    family(
        &mut out,
        "languard_websocket_sessions",
        "gauge",
        "Open WebSocket sessions.",
    );
    let _ = writeln!(out, "languard_websocket_sessions {}", s.ws_sessions);
    family(
        &mut out,
        "languard_websocket_lagged_frames_total",
        "counter",
        "Frames slow WebSocket clients were told they missed.",
    );
    let _ = writeln!(out, "languard_websocket_lagged_frames_total {}", s.lagged_frames);
    family(
        &mut out,
        "languard_log_lines_stored_total",
        "counter",
        "Log lines stored since the panel started.",
    );
    let _ = writeln!(out, "languard_log_lines_stored_total {}", s.log_lines_stored);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::http::HttpStats;

    #[test]
    fn every_line_is_a_comment_or_a_sample_of_a_declared_family() {
        let http = HttpStats::default();
        http.record("GET", 200, 0.002);
        let s = Snapshot {
            servers: vec![ServerFigures {
                id: ServerId(3),
                name: "My \"Elite\" \\ Server\nTwo".into(),
                game: "arma3".into(),
                state: StoredState::Known(ServerState::Running),
                players: Some(7),
                cpu_seconds: Some(1.5),
                memory_bytes: Some(1024),
            }],
            http: http.snapshot(),
            ws_sessions: 2,
            lagged_frames: 0,
            log_lines_stored: 10,
        };
        let text = render(&s);
        let mut declared = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                declared.push(rest.split(' ').next().unwrap().to_owned());
                continue;
            }
            if line.starts_with("# HELP ") {
                continue;
            }
            let (series, value) = line.rsplit_once(' ').unwrap();
            value
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("not a number in {line:?}"));
            let name = series.split('{').next().unwrap();
            assert!(
                declared.iter().any(|d| name == d
                    || name
                        .strip_prefix(d.as_str())
                        .is_some_and(|s| ["_bucket", "_sum", "_count"].contains(&s))),
                "{name} has no TYPE line"
            );
            if let Some(labels) = series.strip_prefix(name) {
                assert!(
                    labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')),
                    "{line}"
                );
            }
        }
        assert!(text.contains("languard_servers{state=\"running\"} 1\n"));
        assert!(text
            .contains(r#"languard_server_players{server_id="3",server="My \"Elite\" \\ Server\nTwo",game="arma3"} 7"#));
        assert!(text.contains("languard_http_request_duration_seconds_bucket{le=\"0.0025\"} 1\n"));
        assert!(text.contains("languard_http_requests_total{method=\"GET\",status=\"2xx\"} 1\n"));
    }
}
