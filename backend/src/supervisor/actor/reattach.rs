//! After a panel restart the actor first finds out what became of its process; a start that
//! finds the server's process still running takes it back the same way.

use std::path::PathBuf;
use std::time::Duration;

use tokio::time::Instant;

use super::{Actor, Live};
use crate::db::now;
use crate::error::ApiResult;
use crate::games::GracefulStop;
use crate::servers::model::{ServerRow, ServerState};
use crate::servers::store;
use crate::supervisor::plan::plan_for;
use crate::supervisor::process::{self, ProcessId};

/// The process recorded for the server, if it still runs. PID and start time identify it:
/// the program it runs may have changed since (a launcher script `exec`s the game), and the
/// recorded boot rules out start times of an earlier boot (rows from before it was recorded
/// have none).
pub(super) fn recorded_process(row: &ServerRow) -> Option<ProcessId> {
    let id = ProcessId {
        pid: i32::try_from(row.pid?).ok()?,
        start_ticks: u64::try_from(row.pid_start_ticks?).ok()?,
    };
    let same_boot = row
        .pid_boot_id
        .as_deref()
        .is_none_or(|boot| process::boot_id().as_deref() == Some(boot));
    (same_boot && process::is_alive(id)).then_some(id)
}

impl Actor {
    /// After a panel restart: adopt the recorded process if it still runs (whatever state the
    /// row says: a live process is never left untracked), else record that it ended while
    /// nobody watched.
    pub(super) async fn reattach(&mut self) -> ApiResult<()> {
        let row = store::row(&self.db, crate::ids::ServerId(self.server)).await?;
        let recorded = ServerState::parse(&row.state)?;
        self.state = recorded;
        if let Some(id) = recorded_process(&row) {
            let message = format!("Languard restarted and reattached to pid {}", id.pid);
            return self.adopt(&row, id, message).await;
        }
        // Sessions a previous panel left open ended when the server stopped.
        crate::players::store::close_open_sessions(&self.db, self.server, now()).await?;
        if !recorded.is_active() {
            return Ok(());
        }
        self.set_state(ServerState::Crashed).await?;
        self.event(
            "crashed",
            "the server ended while Languard was not running".into(),
            None,
        )
        .await
    }

    /// Takes a process of this server that is not (or no longer) our child under supervision:
    /// `running`, or the end of a stop that was asked for before the panel restarted.
    pub(super) async fn adopt(&mut self, row: &ServerRow, id: ProcessId, message: String) -> ApiResult<()> {
        let planned = plan_for(row, &self.secret_box, &[]).ok();
        let tailers = super::console_tailers(
            self.server,
            std::path::Path::new(&row.directory),
            planned.as_ref().and_then(|(_, plan)| plan.log.clone()),
            row.game.adapter(),
            &self.players,
        )
        .await;
        let (stop, rcon) = planned.map_or((GracefulStop::Signal, None), |(_, plan)| (plan.stop, plan.rcon));
        self.live = Some(Live {
            id,
            boot: row.pid_boot_id.clone(),
            started_at: row.started_at.unwrap_or_else(now),
            child: None,
            directory: PathBuf::from(&row.directory),
            stop,
            link: rcon.clone().map(crate::rcon::Link::new),
            rcon,
            rcon_stop: None,
            stop_timeout: Duration::from_secs(u64::try_from(row.stop_timeout_secs).unwrap_or(30)),
            monitor: None,
            max_players: super::max_players(&row.config),
            _tailers: tailers,
        });
        if self.state == ServerState::Stopping {
            // The stop was asked for before the restart: finish it.
            self.expecting_exit = true;
            self.kill_at = self.live.as_ref().map(|l| Instant::now() + l.stop_timeout);
        } else {
            self.expecting_exit = false;
            self.set_state(ServerState::Running).await?;
            self.watch_players();
        }
        self.event("reattached", message, Some(serde_json::json!({"pid": id.pid})))
            .await
    }
}
