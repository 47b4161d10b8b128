//! The supervisor's decisions, apart from what carries them out: from what the actor knows and
//! what just happened, the state it moves to and what to do, in order. Nothing here touches a
//! process, a file or the database, so every transition and the crash policy are unit-tested
//! (`machine/tests.rs`); the actor (`actor/`) performs the actions and feeds back their outcomes.

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::Power;
use crate::events::payloads::{to_json, ProcessDetail};
use crate::servers::model::ServerState;

/// The longest wait before an automatic restart.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What the actor knows of its server besides the handles of its process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    pub state: ServerState,
    /// A process is held (spawned, or adopted after a panel restart).
    pub process: bool,
    /// The coming exit was asked for (stop, kill).
    pub expecting_exit: bool,
    /// A restart asked for: start again once the process has stopped.
    pub restart_when_stopped: bool,
    /// An automatic restart after a crash is scheduled.
    pub restart_pending: bool,
    /// Exits nobody asked for, within the restart window.
    pub crashes: VecDeque<Instant>,
}

/// Before the row is read: nothing known, nothing held.
impl Default for Machine {
    fn default() -> Machine {
        Machine {
            state: ServerState::Stopped,
            process: false,
            expecting_exit: false,
            restart_when_stopped: false,
            restart_pending: false,
            crashes: VecDeque::new(),
        }
    }
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit {
    pub code: Option<i32>,
    pub signal: Option<i32>,
}

impl Exit {
    pub fn describe(&self) -> String {
        match (self.code, self.signal) {
            (Some(code), _) => format!("exit code {code}"),
            (None, Some(signal)) => format!("signal {signal}"),
            (None, None) => "exit status unknown (the process was adopted after a panel restart)".to_owned(),
        }
    }
}

/// The crash policy of a server, as its row says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestartPolicy {
    pub auto_restart: bool,
    pub max_restarts: i32,
    pub window_secs: i32,
}

/// What happened: a command, a timer, a process's end, or the outcome of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Power(Power),
    /// After a panel restart: the state the row recorded, and the pid of its process when that
    /// still runs and was taken back.
    Restored {
        recorded: ServerState,
        adopted: Option<i32>,
    },
    /// A launch spawned a new process.
    Spawned {
        program: String,
        pid: i32,
    },
    /// A launch found the server's process still running and took it back.
    Adopted {
        pid: i32,
    },
    /// A launch failed, or recording its outcome did.
    LaunchFailed {
        message: String,
    },
    /// The startup grace is over; whether the process still runs.
    GraceOver {
        alive: bool,
    },
    /// The stop timeout is over.
    StopTimeout,
    Exited(Exit),
    /// The policy read after a crash, and when the crash was.
    Policy {
        policy: RestartPolicy,
        now: Instant,
    },
    /// The scheduled automatic restart is due.
    RestartDue,
}

/// What the actor does, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Answers 409: the server cannot do this (`start`, `stop`, `kill`) in its state.
    Refuse(&'static str),
    /// The user or token behind the power action is named by the events from here on.
    NameRequester,
    /// Languard itself is named from here on (crash handling, automatic restarts).
    NameSystem,
    /// A scheduled automatic restart is called off.
    CancelRestart,
    /// Start the process, or take back the one of this server that still runs; the outcome
    /// comes back as [`Input::Spawned`], [`Input::Adopted`] or [`Input::LaunchFailed`].
    Launch,
    /// Kill what a failed start may have left running, and let it go.
    Abandon,
    /// The startup grace begins.
    AwaitGrace,
    /// The stop timeout begins (and any startup grace ends).
    AwaitStop,
    /// The player poller ends and the game is told to stop its graceful way.
    AskToStop,
    /// SIGKILL to the process group, on request.
    Kill,
    /// SIGKILL to the process group: the stop timeout passed.
    KillOverdue,
    /// The process ended: its poller, RCON link, timers and what is left of its group go.
    Release,
    /// Write the state to the row and publish it.
    Record(ServerState),
    /// An event in the server's history.
    Note {
        kind: &'static str,
        message: String,
        detail: Option<Value>,
    },
    /// The `crashed` event, with the last lines of the console.
    ReportCrash(Exit),
    /// Read the restart policy; it comes back as [`Input::Policy`].
    ReadPolicy,
    /// An automatic restart at this time.
    ScheduleRestart(Instant),
    /// The player poller starts.
    WatchPlayers,
    /// Player sessions a previous panel left open are closed.
    CloseStaleSessions,
}

fn note(kind: &'static str, message: impl Into<String>, detail: Option<Value>) -> Action {
    Action::Note {
        kind,
        message: message.into(),
        detail,
    }
}

/// The state the server moves to and what to do, for one input.
pub fn decide(machine: &Machine, input: Input) -> (Machine, Vec<Action>) {
    let mut m = machine.clone();
    let actions = match input {
        Input::Power(power) => on_power(&mut m, power),
        Input::Restored { recorded, adopted } => {
            m.state = recorded;
            match adopted {
                Some(pid) => adopt(&mut m, pid, format!("Languard restarted and reattached to pid {pid}")),
                None if recorded.is_active() => {
                    m.state = ServerState::Crashed;
                    vec![
                        Action::CloseStaleSessions,
                        Action::Record(ServerState::Crashed),
                        note("crashed", "the server ended while Languard was not running", None),
                    ]
                }
                None => vec![Action::CloseStaleSessions],
            }
        }
        Input::Spawned { program, pid } => {
            m.process = true;
            m.expecting_exit = false;
            m.state = ServerState::Starting;
            vec![
                Action::AwaitGrace,
                Action::Record(ServerState::Starting),
                note(
                    "starting",
                    format!("started {program} (pid {pid})"),
                    Some(to_json(&ProcessDetail { pid })),
                ),
            ]
        }
        Input::Adopted { pid } => adopt(
            &mut m,
            pid,
            format!("pid {pid} of this server was still running; adopted it instead of starting another"),
        ),
        Input::LaunchFailed { message } => {
            m.process = false;
            m.state = ServerState::Error;
            vec![
                Action::Abandon,
                Action::Record(ServerState::Error),
                note("error", format!("could not start: {message}"), None),
            ]
        }
        Input::GraceOver { alive } if alive && m.state == ServerState::Starting => {
            m.state = ServerState::Running;
            vec![
                Action::Record(ServerState::Running),
                note("running", "the server is running", None),
                Action::WatchPlayers,
            ]
        }
        Input::GraceOver { .. } => Vec::new(),
        Input::StopTimeout if m.process => vec![Action::KillOverdue],
        Input::StopTimeout => Vec::new(),
        Input::Exited(exit) => on_exit(&mut m, exit),
        Input::Policy { policy, now } => after_crash(&mut m, policy, now),
        Input::RestartDue => {
            m.restart_pending = false;
            vec![Action::NameSystem, Action::Launch]
        }
    };
    (m, actions)
}

fn on_power(m: &mut Machine, power: Power) -> Vec<Action> {
    match power {
        Power::Start if m.state.is_active() => vec![Action::Refuse("start")],
        // A start by hand forgets earlier crashes and any pending automatic restart.
        Power::Start => start_by_hand(m),
        Power::Stop => match m.state {
            ServerState::Starting | ServerState::Running => {
                let mut actions = vec![Action::NameRequester];
                actions.extend(begin_stop(m));
                actions
            }
            ServerState::Crashed if m.restart_pending => cancel_restart(m),
            _ => vec![Action::Refuse("stop")],
        },
        Power::Restart => match m.state {
            ServerState::Starting | ServerState::Running => {
                m.restart_when_stopped = true;
                let mut actions = vec![Action::NameRequester];
                actions.extend(begin_stop(m));
                actions
            }
            ServerState::Stopping => {
                m.restart_when_stopped = true;
                vec![Action::NameRequester]
            }
            _ => start_by_hand(m),
        },
        Power::Kill => {
            // A kill means "no more of this server now": forget any restart it had pending.
            m.restart_when_stopped = false;
            match (m.process, m.restart_pending) {
                (false, true) => cancel_restart(m),
                (false, false) => vec![Action::Refuse("kill")],
                (true, _) => {
                    m.expecting_exit = true;
                    vec![Action::NameRequester, Action::Kill]
                }
            }
        }
    }
}

fn start_by_hand(m: &mut Machine) -> Vec<Action> {
    m.crashes.clear();
    m.restart_pending = false;
    vec![Action::NameRequester, Action::CancelRestart, Action::Launch]
}

/// Recorded as `stopping` before the game is told: a panel that dies meanwhile still knows a
/// stop was asked for.
fn begin_stop(m: &mut Machine) -> Vec<Action> {
    if !m.process {
        return Vec::new();
    }
    m.expecting_exit = true;
    m.state = ServerState::Stopping;
    vec![
        Action::AwaitStop,
        Action::Record(ServerState::Stopping),
        Action::AskToStop,
    ]
}

fn cancel_restart(m: &mut Machine) -> Vec<Action> {
    m.restart_pending = false;
    m.state = ServerState::Stopped;
    vec![
        Action::NameRequester,
        Action::CancelRestart,
        Action::Record(ServerState::Stopped),
        note("stopped", "pending automatic restart cancelled", None),
    ]
}

/// A process taken back: `running`, or the end of a stop asked for before the panel restarted.
fn adopt(m: &mut Machine, pid: i32, message: String) -> Vec<Action> {
    m.process = true;
    let mut actions = if m.state == ServerState::Stopping {
        m.expecting_exit = true;
        vec![Action::AwaitStop]
    } else {
        m.expecting_exit = false;
        m.state = ServerState::Running;
        vec![Action::Record(ServerState::Running), Action::WatchPlayers]
    };
    actions.push(note("reattached", message, Some(to_json(&ProcessDetail { pid }))));
    actions
}

fn on_exit(m: &mut Machine, exit: Exit) -> Vec<Action> {
    m.process = false;
    let mut actions = vec![Action::Release];
    if m.expecting_exit {
        m.expecting_exit = false;
        m.state = ServerState::Stopped;
        actions.push(Action::Record(ServerState::Stopped));
        actions.push(note(
            "stopped",
            format!("the server stopped ({})", exit.describe()),
            None,
        ));
        if std::mem::take(&mut m.restart_when_stopped) {
            actions.push(Action::Launch);
        }
        return actions;
    }
    // Nobody asked for this exit: the crash and what follows are Languard's.
    m.restart_when_stopped = false;
    m.state = ServerState::Crashed;
    actions.extend([
        Action::NameSystem,
        Action::Record(ServerState::Crashed),
        Action::ReportCrash(exit),
        Action::ReadPolicy,
    ]);
    actions
}

/// The crash policy: restart with a doubling delay (1 s, 2 s, … at most 30 s) while there were
/// no more than `max_restarts` crashes within the window; then stay `crashed`.
fn after_crash(m: &mut Machine, policy: RestartPolicy, now: Instant) -> Vec<Action> {
    if !policy.auto_restart {
        return Vec::new();
    }
    let window = Duration::from_secs(u64::try_from(policy.window_secs).unwrap_or(600));
    m.crashes.retain(|t| now.duration_since(*t) < window);
    m.crashes.push_back(now);
    let crashes = m.crashes.len();
    let allowed = usize::try_from(policy.max_restarts).unwrap_or(0);
    if crashes > allowed {
        return vec![note(
            "gave_up",
            format!("crashed {crashes} times within {} s; not restarting", window.as_secs()),
            None,
        )];
    }
    let delay = Duration::from_secs(1 << (crashes - 1).min(5)).min(MAX_BACKOFF);
    m.restart_pending = true;
    vec![
        Action::ScheduleRestart(now + delay),
        note(
            "restart_scheduled",
            format!(
                "restarting in {} s (crash {crashes} of {allowed} allowed)",
                delay.as_secs()
            ),
            None,
        ),
    ]
}

#[cfg(test)]
mod tests;
