//! After a panel restart the actor first finds out what became of its process; a start that
//! finds the server's process still running takes it back the same way.

use std::path::PathBuf;
use std::time::Duration;

use super::{Actor, Live};
use crate::db::now;
use crate::error::ApiResult;
use crate::games::GracefulStop;
use crate::servers::model::ServerRow;
use crate::servers::store;
use crate::supervisor::machine::Input;
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
    /// After a panel restart: take back the recorded process if it still runs (whatever state
    /// the row says: a live process is never left untracked); the decisions say what the
    /// recorded state becomes.
    pub(super) async fn reattach(&mut self) -> ApiResult<()> {
        let row = store::row(&self.rt.db, self.server).await?;
        let recorded = row.state.get()?;
        let adopted = match recorded_process(&row) {
            Some(id) => {
                self.take_back(&row, id).await;
                Some(id.pid)
            }
            None => None,
        };
        self.feed(Input::Restored { recorded, adopted }, None).await.map(drop)
    }

    /// Holds a process of this server that is not (or no longer) our child: its console is
    /// followed again and it can be stopped the way its game stops.
    pub(super) async fn take_back(&mut self, row: &ServerRow, id: ProcessId) {
        let planned = plan_for(row, &self.rt.secret_box, &[]).ok();
        let tailers = super::console_tailers(
            self.server,
            std::path::Path::new(&row.directory),
            planned.as_ref().and_then(|(_, plan)| plan.log.clone()),
            row.game.adapter(),
            &self.rt,
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
    }
}
