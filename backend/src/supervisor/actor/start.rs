//! The start path: plan and render, check ports, spawn, or take back a process of this server
//! that still runs. What follows (`starting`, the startup grace, `running`) is the decisions'.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::reattach::recorded_process;
use super::{console_tailers, max_players, Actor, Live};
use crate::db::now;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::events::payloads::{to_json, ConfigBackupDetail};
use crate::rcon::Link;
use crate::serverdir::{record_refusal, PathError, ServerDir};
use crate::servers::{import, store};
use crate::supervisor::machine::Input;
use crate::supervisor::plan::{check_executable, plan_for};
use crate::supervisor::process;

impl Actor {
    /// Spawns the server's process, or takes back the one that still runs; answers which.
    pub(super) async fn launch(&mut self) -> ApiResult<Input> {
        let row = store::row(&self.rt.db, self.server).await?;
        if let Some(id) = recorded_process(&row) {
            // Never a second copy into the same directory: the running one is taken back.
            self.take_back(&row, id).await;
            return Ok(Input::Adopted { pid: id.pid });
        }
        // Before reading what it loads: a change made from here on asks for another restart.
        store::set_restart_required(&self.rt.db, self.server, false).await?;
        let row = store::row(&self.rt.db, self.server).await?;
        let mods = crate::content::server_mods::launch_mods(&self.rt.db, self.server, &self.rt.mods_root).await?;
        let (adapter, plan) = plan_for(&row, &self.rt.secret_box, &mods)?;
        check_executable(adapter, Path::new(&row.executable), true)?;
        if let Some(port) = process::first_port_in_use(&plan.ports) {
            return Err(ApiError::conflict(
                ErrorKind::PortInUse,
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
                Some(to_json(&ConfigBackupDetail { copy: &copy })),
            )
            .await?;
        }
        let console = match prepared {
            Ok(console) => console,
            Err(e) => return Err(self.refused(e).await),
        };
        // Following before the spawn: the game's first lines are not missed.
        let tailers = console_tailers(self.server, &directory, plan.log.clone(), adapter, &self.rt).await;
        let (child, id) =
            process::spawn(console, &plan).map_err(|e| ApiError::validation("executable", format!("{e:#}")))?;
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
        Ok(Input::Spawned {
            program: plan.program.display().to_string(),
            pid: id.pid,
        })
    }

    /// A path beneath the server directory that leads outside becomes an event and a 409;
    /// any other failure to prepare the files is internal.
    async fn refused(&self, e: anyhow::Error) -> ApiError {
        match e.downcast::<PathError>() {
            Ok(e) => {
                record_refusal(&self.rt.db, &self.rt.bus, self.server, &e).await;
                ApiError::from(e)
            }
            Err(e) => ApiError::internal(e),
        }
    }
}
