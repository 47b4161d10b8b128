//! The end of a server's process: a stop asked for (graceful path, then SIGKILL after the
//! timeout), and what an exit means: stopped, or crashed with the restart policy's answer.

use std::time::Duration;

use rustix::process::Signal;
use serde_json::json;
use tokio::time::Instant;

use super::{Actor, Exit, MAX_BACKOFF};
use crate::error::ApiResult;
use crate::games::GracefulStop;
use crate::servers::event_actor::EventActor;
use crate::servers::model::ServerState;
use crate::servers::store;
use crate::supervisor::process;

fn describe(exit: &Exit) -> String {
    match (exit.code, exit.signal) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(signal)) => format!("signal {signal}"),
        (None, None) => "exit status unknown (the process was adopted after a panel restart)".to_owned(),
    }
}

impl Actor {
    pub(super) async fn begin_stop(&mut self) -> ApiResult<()> {
        let Some(timeout) = self.live.as_ref().map(|l| l.stop_timeout) else {
            return Ok(());
        };
        self.expecting_exit = true;
        self.up_at = None;
        self.kill_at = Some(Instant::now() + timeout);
        // Recorded before the game is told: a panel that dies now still knows a stop was asked.
        self.set_state(ServerState::Stopping).await?;
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
                    let (server, db, bus, by) =
                        (self.server, self.db.clone(), self.players.bus.clone(), self.by.clone());
                    let said = format!("sending `{command}` over RCON");
                    live.rcon_stop = Some(tokio::spawn(async move {
                        if let Err(e) = crate::rcon::send(&target, &command).await {
                            process::signal_group(id, Signal::TERM);
                            let message = format!("`{command}` over RCON failed ({e:#}); sent SIGTERM instead");
                            let _ = store::add_event(
                                &db,
                                &bus,
                                crate::ids::ServerId(server),
                                &by,
                                "stopping",
                                message,
                                None,
                            )
                            .await;
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

    pub(super) async fn on_stop_timeout(&mut self) -> ApiResult<()> {
        self.kill_at = None;
        if let Some(live) = &self.live {
            process::signal_group(live.id, Signal::KILL);
            let secs = live.stop_timeout.as_secs();
            self.event(
                "killed",
                format!("the server did not stop within {secs} s; killed"),
                None,
            )
            .await?;
        }
        Ok(())
    }

    pub(super) async fn on_exit(&mut self, exit: Exit) -> ApiResult<()> {
        self.unwatch_players().await;
        let Some(live) = self.live.take() else {
            return Ok(());
        };
        if let Some(link) = &live.link {
            link.close();
        }
        self.up_at = None;
        self.kill_at = None;
        if let Some(task) = &live.rcon_stop {
            task.abort();
        }
        // Whatever else the game left in its group goes too: no orphans.
        process::kill_leftover_group(live.id);
        if self.expecting_exit {
            self.expecting_exit = false;
            self.set_state(ServerState::Stopped).await?;
            self.event("stopped", format!("the server stopped ({})", describe(&exit)), None)
                .await?;
            if std::mem::take(&mut self.restart_when_stopped) {
                self.start_or_record_error().await?;
            }
            return Ok(());
        }
        self.restart_when_stopped = false;
        // Nobody asked for this exit: the crash and what follows are Languard's.
        self.by = EventActor::system();
        let directory = live.directory.clone();
        let last_lines = tokio::task::spawn_blocking(move || process::last_console_lines(&directory, 20))
            .await
            .unwrap_or_default();
        self.set_state(ServerState::Crashed).await?;
        self.event(
            "crashed",
            format!("the server exited unexpectedly ({})", describe(&exit)),
            Some(json!({"exit_code": exit.code, "signal": exit.signal, "last_lines": last_lines})),
        )
        .await?;
        let row = store::row(&self.db, crate::ids::ServerId(self.server)).await?;
        if !row.auto_restart {
            return Ok(());
        }
        let window = Duration::from_secs(u64::try_from(row.restart_window_secs).unwrap_or(600));
        let now = Instant::now();
        self.crashes.retain(|t| now.duration_since(*t) < window);
        self.crashes.push_back(now);
        let crashes = self.crashes.len();
        let allowed = usize::try_from(row.max_restarts).unwrap_or(0);
        if crashes > allowed {
            return self
                .event(
                    "gave_up",
                    format!("crashed {crashes} times within {} s; not restarting", window.as_secs()),
                    None,
                )
                .await;
        }
        let delay = Duration::from_secs(1 << (crashes - 1).min(5)).min(MAX_BACKOFF);
        self.restart_at = Some(now + delay);
        self.event(
            "restart_scheduled",
            format!(
                "restarting in {} s (crash {crashes} of {allowed} allowed)",
                delay.as_secs()
            ),
            None,
        )
        .await
    }
}
