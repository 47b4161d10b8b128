//! The end of a server's process: the graceful stop asked for (SIGKILL after the timeout is
//! the decisions' `KillOverdue`), and letting go of a process that ended.

use std::path::PathBuf;

use rustix::process::Signal;

use super::Actor;
use crate::error::ApiResult;
use crate::games::GracefulStop;
use crate::servers::store;
use crate::supervisor::process;

impl Actor {
    /// The poller ends, then the game is told to stop its own way (the state is already
    /// `stopping` and the stop timeout running).
    pub(super) async fn ask_to_stop(&mut self) -> ApiResult<()> {
        let Some(timeout) = self.live.as_ref().map(|l| l.stop_timeout) else {
            return Ok(());
        };
        self.unwatch_players().await;
        let Some(live) = self.live.as_mut() else {
            return Ok(());
        };
        let id = live.id;
        let how = match &live.stop {
            GracefulStop::Stdin(line) => match process::send_console_line(&live.directory, line) {
                Ok(()) => format!("sent `{line}` to the console"),
                Err(_) => {
                    process::signal_group(id, Signal::TERM);
                    "the console pipe was closed; sent SIGTERM".to_owned()
                }
            },
            GracefulStop::Rcon(command) => match live.rcon.clone() {
                Some(target) => {
                    // In its own task, so that the actor stays free for `kill` meanwhile.
                    let command = command.clone();
                    let (server, db, bus, by) = (self.server, self.rt.db.clone(), self.rt.bus.clone(), self.by.clone());
                    let said = format!("sending `{command}` over RCON");
                    live.rcon_stop = Some(tokio::spawn(async move {
                        if let Err(e) = crate::rcon::send(&target, &command).await {
                            process::signal_group(id, Signal::TERM);
                            let message = format!("`{command}` over RCON failed ({e:#}); sent SIGTERM instead");
                            let _ = store::add_event(&db, &bus, server, &by, "stopping", message, None).await;
                        }
                    }));
                    said
                }
                None => {
                    process::signal_group(id, Signal::TERM);
                    "sent SIGTERM to the process group (no RCON configured)".to_owned()
                }
            },
            GracefulStop::Signal => {
                process::signal_group(id, Signal::TERM);
                "sent SIGTERM to the process group".to_owned()
            }
        };
        self.event(
            "stopping",
            format!("stopping: {how}; killing after {} s", timeout.as_secs()),
            None,
        )
        .await
    }

    /// Lets go of the process that ended: its poller, RCON link, timers, and whatever else the
    /// game left in its group (no orphans). Answers the directory it ran in.
    pub(super) async fn release(&mut self) -> Option<PathBuf> {
        self.unwatch_players().await;
        let live = self.live.take()?;
        if let Some(link) = &live.link {
            link.close();
        }
        self.up_at = None;
        self.kill_at = None;
        if let Some(task) = &live.rcon_stop {
            task.abort();
        }
        process::kill_leftover_group(live.id);
        Some(live.directory)
    }
}
