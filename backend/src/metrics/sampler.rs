//! Every `metrics_interval` seconds: CPU % and RSS of each running server's process tree and
//! its player count, and the host's CPU, memory, disk and load. One round is stored in one
//! transaction and published as `metrics` frames; every minute finished buckets are rolled up,
//! every hour old points are pruned.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use tokio::time::MissedTickBehavior;

use super::model::{Agg, Point};
use super::processes::ProcessReader;
use super::store;
use crate::db::schema::servers;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::events::{Bus, Channel};
use crate::ids::ServerId;
use crate::players::live::LiveBoard;
use crate::system::host::HostReader;
use crate::with_conn;

pub struct Sampler {
    pub db: Db,
    pub bus: Bus,
    pub board: LiveBoard,
    pub processes: Arc<ProcessReader>,
    pub host: Arc<HostReader>,
    pub data_dir: PathBuf,
    pub interval: Duration,
    pub retention_days: i64,
}

/// CPU time of a process tree at one moment, to turn the next reading into a percentage.
struct Reading {
    pid: u32,
    cpu_seconds: f64,
    at: Instant,
}

impl Sampler {
    pub async fn run_forever(self) {
        let mut tick = tokio::time::interval(self.interval);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut last: HashMap<ServerId, Reading> = HashMap::new();
        // Rolled up before the first prune, so samples from before a long downtime are kept.
        let mut rolled: Option<Instant> = None;
        let mut pruned: Option<Instant> = None;
        let grace = chrono::Duration::from_std(self.interval * 2).unwrap_or_default() + chrono::Duration::seconds(2);
        loop {
            tick.tick().await;
            if let Err(e) = self.sample(&mut last).await {
                tracing::error!(error = ?e, "sampling metrics failed");
            }
            if rolled.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
                rolled = Some(Instant::now());
                if let Err(e) = store::rollup_pending(&self.db, Utc::now(), grace).await {
                    tracing::error!(error = ?e, "rolling up metrics failed");
                }
            }
            if pruned.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
                pruned = Some(Instant::now());
                match store::prune(&self.db, Utc::now(), self.retention_days).await {
                    Ok(0) => {}
                    Ok(points) => tracing::info!(points, "pruned old metric points"),
                    Err(e) => tracing::error!(error = ?e, "pruning metric points failed"),
                }
            }
        }
    }

    async fn sample(&self, last: &mut HashMap<ServerId, Reading>) -> ApiResult<()> {
        let running: Vec<(ServerId, Option<i64>)> = self
            .db
            .run(|pool| {
                with_conn!(pool, |c| {
                    Ok(servers::table
                        .filter(servers::state.eq(crate::servers::model::ServerState::Running))
                        .select((servers::id, servers::pid))
                        .load(c)?)
                })
            })
            .await?;
        let running: Vec<(ServerId, u32)> = running
            .into_iter()
            .filter_map(|(id, pid)| Some((id, u32::try_from(pid?).ok()?)))
            .collect();
        let roots: Vec<u32> = running.iter().map(|r| r.1).collect();
        let (processes, host, data_dir) = (self.processes.clone(), self.host.clone(), self.data_dir.clone());
        let (trees, info) = tokio::task::spawn_blocking(move || (processes.trees(&roots), host.read(&data_dir)))
            .await
            .map_err(ApiError::internal)?;
        let now = Instant::now();
        let at = chrono::DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or_else(Utc::now);
        last.retain(|id, _| running.iter().any(|r| r.0 == *id));
        let mut round = Vec::with_capacity(running.len() + 1);
        for (id, pid) in running {
            let Some(&(cpu_seconds, rss)) = trees.get(&pid) else {
                continue;
            };
            let reading = Reading {
                pid,
                cpu_seconds,
                at: now,
            };
            // The first reading of a process only sets the baseline for the next one.
            let Some(before) = last.insert(id, reading).filter(|b| b.pid == pid) else {
                continue;
            };
            let wall = now.duration_since(before.at).as_secs_f64();
            if wall <= 0.0 {
                continue;
            }
            let cpu = ((cpu_seconds - before.cpu_seconds).max(0.0) / wall * 100.0 * 10.0).round() / 10.0;
            let players = self.board.get(id).and_then(|v| v.live).map(|l| f64::from(l.players));
            let point = Point {
                at,
                samples: 1,
                cpu_percent: Agg::one(cpu),
                memory_bytes: Agg::one(rss as f64),
                players: players.map(Agg::one),
                players_samples: i32::from(players.is_some()),
                disk_used_bytes: None,
                load_one: None,
            };
            self.bus.publish(
                Channel::Metrics,
                Some(id),
                serde_json::to_value(&point).map_err(ApiError::internal)?,
            );
            round.push((Some(id), point));
        }
        if info.cpu_count > 0 {
            round.push((
                None,
                Point {
                    at,
                    samples: 1,
                    cpu_percent: Agg::one(f64::from(info.cpu_usage_percent)),
                    memory_bytes: Agg::one(info.memory_used_bytes as f64),
                    players: None,
                    players_samples: 0,
                    disk_used_bytes: Some(Agg::one(
                        info.data_dir.total_bytes.saturating_sub(info.data_dir.available_bytes) as f64,
                    )),
                    load_one: Some(Agg::one(info.load_average.one)),
                },
            ));
        }
        self.bus.publish(
            Channel::Metrics,
            None,
            serde_json::to_value(&info).map_err(ApiError::internal)?,
        );
        store::insert_samples(&self.db, round).await
    }
}
