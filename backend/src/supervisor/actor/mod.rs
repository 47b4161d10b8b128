//! The per-server actor: a loop over its mailbox, its process's exit, and its timers
//! (startup grace, stop timeout, restart backoff). Only this task changes the server's
//! runtime state, so transitions cannot race. What each wake-up means is decided by
//! [`super::machine::decide`]; this task carries it out (`steps.rs`).

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

mod reattach;
mod start;
mod steps;
mod stop;

use super::machine::{Exit, Input, Machine};
use super::process::{self, ProcessId};
use super::Command;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::games::{GracefulStop, RconTarget};
use crate::ids::ServerId;
use crate::players::monitor::Monitor;
use crate::rcon::Link;
use crate::runtime::Runtime;
use crate::servers::event_actor::EventActor;
use crate::servers::model::ServerState;
use crate::servers::store;

/// A process that survives this long after spawning counts as running.
const STARTUP_GRACE: Duration = Duration::from_secs(1);

struct Live {
    id: ProcessId,
    /// The boot its start ticks count from, recorded with them to recognise the process
    /// after a panel restart.
    boot: Option<String>,
    started_at: chrono::NaiveDateTime,
    /// `None` for a process adopted after a panel restart: it is not our child.
    child: Option<tokio::process::Child>,
    directory: PathBuf,
    stop: GracefulStop,
    rcon: Option<RconTarget>,
    /// A graceful stop over RCON in flight; aborted when the process ends so that its SIGTERM
    /// fallback can never reach a later process.
    rcon_stop: Option<tokio::task::JoinHandle<()>>,
    stop_timeout: Duration,
    /// The one RCON connection of this process, shared by the poller and API callers.
    link: Option<Link>,
    /// The player poller, while the server runs.
    monitor: Option<Monitor>,
    /// `max_players` from the config, for games whose roster does not say it.
    max_players: Option<i32>,
    /// Streams the console file to the bus while the process lives.
    _tailers: crate::logs::tailer::Tailers,
}

enum Wake {
    Mail(Option<Command>),
    Exited(Exit),
    Up,
    KillDue,
    RestartDue,
}

struct Actor {
    server: ServerId,
    /// The database, bus, secrets, live board and mods root this server's actor uses.
    rt: Runtime,
    /// The state and what the decisions depend on.
    machine: Machine,
    live: Option<Live>,
    up_at: Option<Instant>,
    kill_at: Option<Instant>,
    restart_at: Option<Instant>,
    /// Who asked for what the server is doing now: the user or token behind the last power
    /// action, or Languard itself (reattaching, crash handling, automatic restarts). Every
    /// event the actor records names them.
    by: EventActor,
}

pub(crate) fn spawn(server: ServerId, rt: Runtime, mailbox: mpsc::Receiver<Command>) {
    tokio::spawn(async move {
        let mut actor = Actor {
            server,
            rt,
            machine: Machine::default(),
            live: None,
            up_at: None,
            kill_at: None,
            restart_at: None,
            by: EventActor::system(),
        };
        if let Err(e) = actor.reattach().await {
            tracing::error!(server = %server, error = ?e, "could not restore the server's state");
        }
        actor.run(mailbox).await;
    });
}

async fn exited(live: &mut Option<Live>) -> Exit {
    let Some(live) = live else {
        return std::future::pending().await;
    };
    match &mut live.child {
        Some(child) => match child.wait().await {
            Ok(status) => Exit {
                code: status.code(),
                signal: status.signal(),
            },
            Err(_) => Exit {
                code: None,
                signal: None,
            },
        },
        None => loop {
            // An adopted process is not our child: poll /proc (a pidfd would need unsafe code).
            tokio::time::sleep(Duration::from_millis(200)).await;
            if !process::is_alive(live.id) {
                return Exit {
                    code: None,
                    signal: None,
                };
            }
        },
    }
}

async fn at(deadline: Option<Instant>) {
    match deadline {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

pub(super) async fn console_tailers(
    server: ServerId,
    directory: &Path,
    game_log: Option<crate::games::GameLog>,
    adapter: &'static dyn crate::games::GameAdapter,
    players: &Runtime,
) -> crate::logs::tailer::Tailers {
    let ctx = crate::logs::tailer::Tailing {
        db: players.db.clone(),
        bus: players.bus.clone(),
        writer: players.logs.clone(),
    };
    let console = Path::new(process::CONSOLE_LOG);
    crate::logs::tailer::follow(server, directory, console, game_log, adapter, &ctx).await
}

/// `max_players` of a game config, when it has one.
pub(super) fn max_players(config: &str) -> Option<i32> {
    serde_json::from_str::<serde_json::Value>(config)
        .ok()?
        .get("max_players")?
        .as_i64()
        .and_then(|m| i32::try_from(m).ok())
}

impl Actor {
    async fn run(&mut self, mut mailbox: mpsc::Receiver<Command>) {
        loop {
            let wake = tokio::select! {
                mail = mailbox.recv() => Wake::Mail(mail),
                exit = exited(&mut self.live) => Wake::Exited(exit),
                () = at(self.up_at) => Wake::Up,
                () = at(self.kill_at) => Wake::KillDue,
                () = at(self.restart_at) => Wake::RestartDue,
            };
            let outcome = match wake {
                Wake::Mail(None) => return,
                Wake::Mail(Some(Command::Retire(reply))) => {
                    if self.live.is_some() {
                        let _ = reply.send(Err(self.refuse("delete")));
                        continue;
                    }
                    // A process this actor does not hold (its row's state could not be read at
                    // reattach) must not be left running untracked by a deletion.
                    match self.untracked_process().await {
                        Ok(None) => {}
                        Ok(Some(pid)) => {
                            let message = format!(
                                "the server's process (pid {pid}) is still running: start the server to take it back, then stop it"
                            );
                            let _ = reply.send(Err(ApiError::conflict(ErrorKind::StillRunning, message)));
                            continue;
                        }
                        Err(e) => {
                            let _ = reply.send(Err(e));
                            continue;
                        }
                    }
                    let _ = reply.send(Ok(()));
                    return;
                }
                Wake::Mail(Some(Command::Link(reply))) => {
                    let link = self
                        .live
                        .as_ref()
                        .filter(|_| self.machine.state == ServerState::Running)
                        .and_then(|l| l.link.clone());
                    let _ = reply.send(link);
                    continue;
                }
                // Who asked from then on names the events of what follows (`running` after a
                // start, `stopped` after a stop); a refused action changes nothing.
                Wake::Mail(Some(Command::Power(power, by, reply))) => {
                    let result = self.feed(Input::Power(power), Some(by)).await;
                    let _ = reply.send(result);
                    Ok(())
                }
                Wake::Exited(exit) => self.feed(Input::Exited(exit), None).await.map(drop),
                Wake::Up => {
                    self.up_at = None;
                    let alive = self.live.as_ref().is_some_and(|l| process::is_alive(l.id));
                    self.feed(Input::GraceOver { alive }, None).await.map(drop)
                }
                Wake::KillDue => {
                    self.kill_at = None;
                    self.feed(Input::StopTimeout, None).await.map(drop)
                }
                Wake::RestartDue => {
                    self.restart_at = None;
                    self.feed(Input::RestartDue, None).await.map(drop)
                }
            };
            if let Err(e) = outcome {
                tracing::error!(server = %self.server, error = ?e, "supervision step failed");
            }
        }
    }

    /// The PID of the server's recorded process when it still runs although this actor does
    /// not hold it.
    async fn untracked_process(&self) -> ApiResult<Option<i32>> {
        let row = store::row(&self.rt.db, self.server).await?;
        Ok(reattach::recorded_process(&row).map(|id| id.pid))
    }

    fn refuse(&self, action: &str) -> ApiError {
        ApiError::conflict(
            ErrorKind::InvalidState,
            format!("cannot {action} the server while it is {}", self.machine.state.as_str()),
        )
    }

    /// Writes the state the decisions moved to, with the process it runs, and publishes it.
    async fn record(&self, state: ServerState) -> ApiResult<()> {
        let process = self.live.as_ref().map(|l| (l.id, l.started_at, l.boot.clone()));
        let pid = process.as_ref().map(|(id, _, _)| id.pid);
        store::set_runtime(&self.rt.db, self.server, state, process).await?;
        let data = crate::events::payloads::StatusData { status: state, pid };
        self.rt.bus.send(Some(self.server), &data);
        Ok(())
    }

    async fn event(&self, kind: &'static str, message: String, detail: Option<serde_json::Value>) -> ApiResult<()> {
        tracing::info!(server = %self.server, kind, "{message}");
        store::add_event(&self.rt.db, &self.rt.bus, self.server, &self.by, kind, message, detail).await
    }

    /// Starts the player poller of the running process (games with RCON only).
    pub(super) fn watch_players(&mut self) {
        let server = self.server;
        if let Some(live) = self.live.as_mut() {
            if let (Some(link), Some(target), None) = (&live.link, &live.rcon, &live.monitor) {
                live.monitor = Some(Monitor::start(
                    &self.rt,
                    server,
                    target.flavour,
                    link.clone(),
                    live.max_players,
                ));
            }
        }
    }

    /// The poller stops and open player sessions end (the server is stopping or gone).
    async fn unwatch_players(&mut self) {
        let monitor = self.live.as_mut().and_then(|l| l.monitor.take());
        if let Some(monitor) = monitor {
            monitor.finish(&self.rt).await;
        }
    }
}
