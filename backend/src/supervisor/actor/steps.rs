//! Carrying out the decisions of [`crate::supervisor::machine`]: each action is one effect on
//! the process, the row, the bus or a timer. What a launch found and the restart policy read
//! after a crash are fed back as further inputs.

use std::collections::VecDeque;
use std::path::PathBuf;

use rustix::process::Signal;
use tokio::time::Instant;

use super::{Actor, STARTUP_GRACE};
use crate::db::now;
use crate::error::{ApiError, ApiResult};
use crate::events::payloads::{to_json, CrashDetail};
use crate::servers::event_actor::EventActor;
use crate::servers::model::ServerState;
use crate::servers::store;
use crate::supervisor::machine::{decide, Action, Input, RestartPolicy};
use crate::supervisor::process;

impl Actor {
    /// Decides what `input` means and does it; `by` is who asked, for a power action. The
    /// answer is the state reached, or why the action was refused or the start failed.
    pub(super) async fn feed(&mut self, input: Input, by: Option<EventActor>) -> ApiResult<ServerState> {
        let mut inputs = VecDeque::from([input]);
        let mut failed: Option<ApiError> = None;
        // The directory of a process that just ended, for its last console lines.
        let mut ended: Option<PathBuf> = None;
        while let Some(input) = inputs.pop_front() {
            // Until a new or taken-back process is recorded, the start can still fail.
            let launching = matches!(input, Input::Spawned { .. } | Input::Adopted { .. });
            let (next, actions) = decide(&self.machine, input);
            self.machine = next;
            for action in actions {
                let launch = action == Action::Launch;
                match self.perform(action, by.as_ref(), &mut ended).await {
                    Ok(Some(outcome)) => inputs.push_back(outcome),
                    Ok(None) => {}
                    // A start that failed, or whose process could not be recorded, ends in
                    // `error`; the process must not live on untracked.
                    Err(e) if launch || launching => {
                        inputs.push_back(Input::LaunchFailed {
                            message: e.body().message,
                        });
                        failed = Some(e);
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(self.machine.state),
        }
    }

    /// One action; a launch and reading the policy answer with a further input.
    async fn perform(
        &mut self,
        action: Action,
        by: Option<&EventActor>,
        ended: &mut Option<PathBuf>,
    ) -> ApiResult<Option<Input>> {
        match action {
            Action::Refuse(verb) => return Err(self.refuse(verb)),
            Action::Launch => return self.launch().await.map(Some),
            Action::NameRequester => {
                if let Some(by) = by {
                    self.by = by.clone();
                }
            }
            Action::NameSystem => self.by = EventActor::system(),
            Action::CancelRestart => self.restart_at = None,
            Action::Abandon => {
                if let Some(live) = self.live.take() {
                    process::signal_group(live.id, Signal::KILL);
                }
            }
            Action::AwaitGrace => self.up_at = Some(Instant::now() + STARTUP_GRACE),
            Action::AwaitStop => {
                self.up_at = None;
                self.kill_at = self.live.as_ref().map(|l| Instant::now() + l.stop_timeout);
            }
            Action::AskToStop => self.ask_to_stop().await?,
            Action::Kill => {
                if let Some(live) = &self.live {
                    let pid = live.id.pid;
                    process::signal_group(live.id, Signal::KILL);
                    self.event("killed", format!("process group {pid} killed on request"), None)
                        .await?;
                }
            }
            Action::KillOverdue => {
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
            }
            Action::Release => *ended = self.release().await,
            Action::Record(state) => self.record(state).await?,
            Action::Note { kind, message, detail } => self.event(kind, message, detail).await?,
            Action::ReportCrash(exit) => {
                let last_lines = match ended.clone() {
                    Some(directory) => tokio::task::spawn_blocking(move || process::last_console_lines(&directory, 20))
                        .await
                        .unwrap_or_default(),
                    None => Vec::new(),
                };
                self.event(
                    "crashed",
                    format!("the server exited unexpectedly ({})", exit.describe()),
                    Some(to_json(&CrashDetail {
                        exit_code: exit.code,
                        signal: exit.signal,
                        last_lines: &last_lines,
                    })),
                )
                .await?;
            }
            Action::ReadPolicy => {
                let row = store::row(&self.rt.db, self.server).await?;
                let policy = RestartPolicy {
                    auto_restart: row.auto_restart,
                    max_restarts: row.max_restarts,
                    window_secs: row.restart_window_secs,
                };
                return Ok(Some(Input::Policy {
                    policy,
                    now: Instant::now(),
                }));
            }
            Action::ScheduleRestart(at) => self.restart_at = Some(at),
            Action::WatchPlayers => self.watch_players(),
            Action::CloseStaleSessions => {
                // Sessions a previous panel left open ended when the server stopped.
                crate::players::store::close_open_sessions(&self.rt.db, self.server, now()).await?;
            }
        }
        Ok(None)
    }
}
