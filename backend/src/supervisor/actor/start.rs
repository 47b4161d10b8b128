//! The start path: plan and render, check ports, spawn, or take back a process of this server
//! that still runs; then the startup grace that turns `starting` into `running`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rustix::process::Signal;
use serde_json::json;
use tokio::time::Instant;

use super::reattach::recorded_process;
use super::{console_tailers, max_players, Actor, Live, STARTUP_GRACE};
use crate::db::now;
use crate::error::{ApiError, ApiResult};
use crate::rcon::Link;
use crate::serverdir::{record_refusal, PathError, ServerDir};
use crate::servers::model::ServerState;
use crate::servers::{import, store};
use crate::supervisor::plan::{check_executable, plan_for};
use crate::supervisor::process;

impl Actor {
    /// Starts; when that fails, the server is in `error` with an event saying why.
    pub(super) async fn start_or_record_error(&mut self) -> ApiResult<ServerState> {
        match self.start().await {
            Ok(()) => Ok(self.state),
            Err(e) => {
                let message = e.body().message;
                // The process may already run when a later step failed: it must not live on untracked.
                if let Some(live) = self.live.take() {
                    process::signal_group(live.id, Signal::KILL);
                }
                self.set_state(ServerState::Error).await?;
                self.event("error", format!("could not start: {message}"), None).await?;
                Err(e)
            }
        }
    }

    async fn start(&mut self) -> ApiResult<()> {
        let row = store::row(&self.db, crate::ids::ServerId(self.server)).await?;
        if let Some(id) = recorded_process(&row) {
            // Never a second copy into the same directory: the running one is taken back.
            let message = format!(
                "pid {} of this server was still running; adopted it instead of starting another",
                id.pid
            );
            return self.adopt(&row, id, message).await;
        }
        // Before reading what it loads: a change made from here on asks for another restart.
        store::set_restart_required(&self.db, crate::ids::ServerId(self.server), false).await?;
        let row = store::row(&self.db, crate::ids::ServerId(self.server)).await?;
        let mods = crate::content::server_mods::launch_mods(&self.db, self.server, &self.mods_root).await?;
        let (adapter, plan) = plan_for(&row, &self.secret_box, &mods)?;
        check_executable(adapter, Path::new(&row.executable), true)?;
        if let Some(port) = process::first_port_in_use(&plan.ports) {
            return Err(ApiError::conflict(
                "port_in_use",
                format!(
                    "port {}/{} ({}) is already in use",
                    port.port,
                    serde_json::to_value(port.transport)
                        .ok()
                        .and_then(|t| t.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    port.purpose
                ),
            ));
        }
        let directory = PathBuf::from(&row.directory);
        let dir = directory.clone();
        let (files, keys) = (plan.files.clone(), plan.keys.clone());
        // The copies made are reported even when a later step fails, so that every `.bak`
        // beside a config file has its event.
        let (copies, prepared) = tokio::task::spawn_blocking(move || {
            let mut copies = Vec::new();
            let prepared = (|| -> anyhow::Result<process::Console> {
                let root = ServerDir::create(&dir)?;
                // A file Languard did not write (an existing install's) is copied before it is replaced.
                copies = import::keep_foreign_files(&root, &files)?;
                process::write_files(&root, &files)?;
                import::remember_written(&root, &files)?;
                crate::supervisor::keys::sync(&root, &keys)?;
                Ok(process::open_console(&root)?)
            })();
            (copies, prepared)
        })
        .await
        .map_err(ApiError::internal)?;
        for copy in copies {
            self.event(
                "config_backup",
                format!("kept the file Languard did not write as {copy} before replacing it"),
                Some(json!({"copy": copy})),
            )
            .await?;
        }
        let console = match prepared {
            Ok(console) => console,
            Err(e) => return Err(self.refused(e).await),
        };
        // Following before the spawn: the game's first lines are not missed.
        let tailers = console_tailers(self.server, &directory, plan.log.clone(), adapter, &self.players).await;
        let (child, id) =
            process::spawn(console, &plan).map_err(|e| ApiError::validation("executable", format!("{e:#}")))?;
        self.expecting_exit = false;
        self.live = Some(Live {
            id,
            boot: process::boot_id(),
            started_at: now(),
            child: Some(child),
            directory,
            stop: plan.stop.clone(),
            link: plan.rcon.clone().map(Link::new),
            rcon: plan.rcon.clone(),
            rcon_stop: None,
            stop_timeout: Duration::from_secs(u64::try_from(row.stop_timeout_secs).unwrap_or(30)),
            monitor: None,
            max_players: max_players(&row.config),
            _tailers: tailers,
        });
        self.up_at = Some(Instant::now() + STARTUP_GRACE);
        self.set_state(ServerState::Starting).await?;
        self.event(
            "starting",
            format!("started {} (pid {})", plan.program.display(), id.pid),
            Some(json!({"pid": id.pid})),
        )
        .await
    }

    /// A path beneath the server directory that leads outside becomes an event and a 409;
    /// any other failure to prepare the files is internal.
    async fn refused(&self, e: anyhow::Error) -> ApiError {
        match e.downcast::<PathError>() {
            Ok(e) => {
                record_refusal(&self.db, &self.players.bus, self.server, &e).await;
                ApiError::from(e)
            }
            Err(e) => ApiError::internal(e),
        }
    }

    pub(super) async fn on_up(&mut self) -> ApiResult<()> {
        self.up_at = None;
        if self.state == ServerState::Starting && self.live.as_ref().is_some_and(|l| process::is_alive(l.id)) {
            self.set_state(ServerState::Running).await?;
            self.event("running", "the server is running".into(), None).await?;
            self.watch_players();
        }
        Ok(())
    }
}
