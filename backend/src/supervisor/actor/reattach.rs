//! After a panel restart the actor first finds out what became of its process.

use std::path::PathBuf;
use std::time::Duration;

use tokio::time::Instant;

use super::{Actor, Live};
use crate::db::now;
use crate::error::ApiResult;
use crate::games::GracefulStop;
use crate::servers::model::ServerState;
use crate::servers::store;
use crate::supervisor::plan::plan_for;
use crate::supervisor::process::{self, ProcessId};

impl Actor {
    /// After a panel restart: adopt the recorded process if it is still the same program,
    /// else record that it ended while nobody watched.
    pub(super) async fn reattach(&mut self) -> ApiResult<()> {
        let row = store::row(&self.db, self.server).await?;
        let recorded = ServerState::parse(&row.state);
        self.state = recorded;
        if !recorded.is_active() {
            // Sessions a previous panel left open ended when the server stopped.
            crate::players::store::close_open_sessions(&self.db, self.server, now()).await?;
            return Ok(());
        }
        let id = match (row.pid, row.pid_start_ticks) {
            (Some(pid), Some(ticks)) => i32::try_from(pid).ok().map(|pid| ProcessId {
                pid,
                start_ticks: ticks as u64,
            }),
            _ => None,
        };
        let alive = id.filter(|id| process::is_alive(*id) && process::runs(*id, row.pid_exe.as_deref()));
        let Some(id) = alive else {
            self.set_state(ServerState::Crashed).await?;
            crate::players::store::close_open_sessions(&self.db, self.server, now()).await?;
            return self
                .event(
                    "crashed",
                    "the server ended while Languard was not running".into(),
                    None,
                )
                .await;
        };
        let planned = plan_for(&row, &self.secret_box, &[]).ok();
        let tailers = super::console_tailers(
            self.server,
            std::path::Path::new(&row.directory),
            planned.as_ref().and_then(|(_, plan)| plan.log.clone()),
            crate::games::find(&row.game).unwrap_or(&crate::games::generic::Generic),
            &self.players,
        )
        .await;
        let (stop, rcon) = planned.map_or((GracefulStop::Signal, None), |(_, plan)| (plan.stop, plan.rcon));
        self.live = Some(Live {
            id,
            program: row.pid_exe.clone(),
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
        if recorded == ServerState::Stopping {
            // The stop was asked for before the restart: finish it.
            self.expecting_exit = true;
            self.kill_at = self.live.as_ref().map(|l| Instant::now() + l.stop_timeout);
        } else {
            self.set_state(ServerState::Running).await?;
            self.watch_players();
        }
        self.event(
            "reattached",
            format!("Languard restarted and reattached to pid {}", id.pid),
            None,
        )
        .await
    }
}
