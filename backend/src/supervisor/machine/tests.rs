//! Every (state, input) pair the supervisor meets, and what it decides: the table of
//! ARCHITECTURE.md's state machine and crash policy, without a process or a database.

use std::time::Duration;

use serde_json::json;
use tokio::time::Instant;

use super::*;
use crate::servers::model::ServerState::{self, Crashed, Error, Running, Starting, Stopped, Stopping};
use Action::*;

/// A server settled in `state`: a process exists exactly in the active states.
fn at(state: ServerState) -> Machine {
    Machine {
        state,
        process: state.is_active(),
        ..Machine::default()
    }
}

fn with(state: ServerState, change: impl FnOnce(&mut Machine)) -> Machine {
    let mut m = at(state);
    change(&mut m);
    m
}

fn pending_restart() -> Machine {
    with(Crashed, |m| {
        m.restart_pending = true;
        m.crashes.push_back(Instant::now());
    })
}

fn noted(kind: &'static str, message: &str, detail: Option<serde_json::Value>) -> Action {
    Action::Note {
        kind,
        message: message.to_owned(),
        detail,
    }
}

fn starts() -> Vec<Action> {
    vec![NameRequester, CancelRestart, Launch]
}

fn stops() -> Vec<Action> {
    vec![NameRequester, AwaitStop, Record(Stopping), AskToStop]
}

fn cancels() -> Vec<Action> {
    vec![
        NameRequester,
        CancelRestart,
        Record(Stopped),
        noted("stopped", "pending automatic restart cancelled", None),
    ]
}

fn check(rows: Vec<(Machine, Input, Machine, Vec<Action>)>) {
    for (before, input, after, actions) in rows {
        let label = format!("{:?} + {input:?}", before.state);
        let (next, done) = decide(&before, input);
        assert_eq!(done, actions, "actions of {label}");
        assert_eq!(next, after, "state after {label}");
    }
}

#[test]
fn power_actions_in_every_state() {
    use Power::{Kill, Restart, Start, Stop};
    let p = Input::Power;
    let refused = |verb| vec![Refuse(verb)];
    let stopping = |restart: bool| {
        with(Stopping, |m| {
            m.expecting_exit = true;
            m.restart_when_stopped = restart;
        })
    };
    let killing = |state| with(state, |m| m.expecting_exit = true);
    let mut rows = Vec::new();
    // Without a process (and no restart pending), only start and restart do anything.
    for state in [Stopped, Crashed, Error] {
        rows.extend([
            (at(state), p(Start), at(state), starts()),
            (at(state), p(Stop), at(state), refused("stop")),
            (at(state), p(Restart), at(state), starts()),
            (at(state), p(Kill), at(state), refused("kill")),
        ]);
    }
    // A process starting or running: stop, restart (stop, then start) and kill.
    for state in [Starting, Running] {
        rows.extend([
            (at(state), p(Start), at(state), refused("start")),
            (at(state), p(Stop), stopping(false), stops()),
            (at(state), p(Restart), stopping(true), stops()),
            (at(state), p(Kill), killing(state), vec![NameRequester, Action::Kill]),
        ]);
    }
    // Stopping: a restart starts again once stopped; a kill cuts the stop short and forgets
    // the restart.
    rows.extend([
        (stopping(false), p(Start), stopping(false), refused("start")),
        (stopping(false), p(Stop), stopping(false), refused("stop")),
        (stopping(false), p(Restart), stopping(true), vec![NameRequester]),
        (stopping(true), p(Restart), stopping(true), vec![NameRequester]),
        (
            stopping(true),
            p(Kill),
            stopping(false),
            vec![NameRequester, Action::Kill],
        ),
    ]);
    // Crashed with an automatic restart pending: stop and kill call it off; a start by hand
    // forgets it and the crashes counted so far.
    let pending = pending_restart();
    let cancelled = with(Stopped, |m| m.crashes = pending.crashes.clone());
    rows.extend([
        (pending.clone(), p(Start), at(Crashed), starts()),
        (pending.clone(), p(Restart), at(Crashed), starts()),
        (pending.clone(), p(Stop), cancelled.clone(), cancels()),
        (pending, p(Kill), cancelled, cancels()),
    ]);
    check(rows);
}

#[test]
fn a_refused_action_changes_nothing() {
    for state in ServerState::ALL {
        for power in [Power::Start, Power::Stop, Power::Restart, Power::Kill] {
            let before = at(state);
            let (after, actions) = decide(&before, Input::Power(power));
            if matches!(actions.as_slice(), [Refuse(_)]) {
                assert_eq!(after, before, "{state:?} + {power:?}");
            }
        }
    }
}

#[test]
fn outcomes_of_a_launch() {
    let spawned = || Input::Spawned {
        program: "/srv/game".into(),
        pid: 42,
    };
    let started = vec![
        AwaitGrace,
        Record(Starting),
        noted("starting", "started /srv/game (pid 42)", Some(json!({"pid": 42}))),
    ];
    let adopted = vec![
        Record(Running),
        WatchPlayers,
        noted(
            "reattached",
            "pid 42 of this server was still running; adopted it instead of starting another",
            Some(json!({"pid": 42})),
        ),
    ];
    let failed = |message: &str| {
        vec![
            Abandon,
            Record(Error),
            noted("error", &format!("could not start: {message}"), None),
        ]
    };
    let mut rows = Vec::new();
    // A launch follows a start from any inactive state, or a restart after a stop.
    for state in [Stopped, Crashed, Error] {
        rows.extend([
            (at(state), spawned(), at(Starting), started.clone()),
            (at(state), Input::Adopted { pid: 42 }, at(Running), adopted.clone()),
            (
                at(state),
                Input::LaunchFailed {
                    message: "port 2302/udp (game) is already in use".into(),
                },
                at(Error),
                failed("port 2302/udp (game) is already in use"),
            ),
        ]);
    }
    // Recording a new process can fail too: the start fails and the process is let go.
    rows.push((
        at(Starting),
        Input::LaunchFailed { message: "db".into() },
        at(Error),
        failed("db"),
    ));
    check(rows);
}

#[test]
fn the_startup_grace_and_the_stop_timeout() {
    let killing = with(Stopping, |m| m.expecting_exit = true);
    let running = vec![
        Record(Running),
        noted("running", "the server is running", None),
        WatchPlayers,
    ];
    let mut rows = vec![
        (at(Starting), Input::GraceOver { alive: true }, at(Running), running),
        // Dead already: its exit is on its way and decides.
        (at(Starting), Input::GraceOver { alive: false }, at(Starting), vec![]),
        (killing.clone(), Input::StopTimeout, killing.clone(), vec![KillOverdue]),
        (at(Stopped), Input::StopTimeout, at(Stopped), vec![]),
    ];
    // The grace only ever turns `starting` into `running`.
    for state in [Stopped, Running, Stopping, Crashed, Error] {
        rows.push((at(state), Input::GraceOver { alive: true }, at(state), vec![]));
    }
    check(rows);
}

#[test]
fn an_exit_asked_for_stops_and_one_nobody_asked_for_is_a_crash() {
    let code = Exit {
        code: Some(0),
        signal: None,
    };
    let killed = Exit {
        code: None,
        signal: Some(9),
    };
    let expected = |state, restart: bool| {
        with(state, |m| {
            m.expecting_exit = true;
            m.restart_when_stopped = restart;
        })
    };
    let stopped = |exit: &str| {
        vec![
            Release,
            Record(Stopped),
            noted("stopped", &format!("the server stopped ({exit})"), None),
        ]
    };
    let crashed = |exit| vec![Release, NameSystem, Record(Crashed), ReportCrash(exit), ReadPolicy];
    let mut restarts = stopped("exit code 0");
    restarts.push(Launch);
    let mut rows = vec![
        (
            expected(Stopping, false),
            Input::Exited(code),
            at(Stopped),
            stopped("exit code 0"),
        ),
        (expected(Stopping, true), Input::Exited(code), at(Stopped), restarts),
        // Killed while starting or running.
        (
            expected(Running, false),
            Input::Exited(killed),
            at(Stopped),
            stopped("signal 9"),
        ),
        (
            expected(Starting, false),
            Input::Exited(killed),
            at(Stopped),
            stopped("signal 9"),
        ),
    ];
    for state in [Starting, Running] {
        rows.push((at(state), Input::Exited(code), at(Crashed), crashed(code)));
    }
    check(rows);
    assert_eq!(
        Exit {
            code: None,
            signal: None
        }
        .describe(),
        "exit status unknown (the process was adopted after a panel restart)"
    );
}

#[test]
fn after_a_panel_restart() {
    let restored = |recorded, adopted| Input::Restored { recorded, adopted };
    let reattached = || {
        noted(
            "reattached",
            "Languard restarted and reattached to pid 7",
            Some(json!({"pid": 7})),
        )
    };
    let ended = vec![
        CloseStaleSessions,
        Record(Crashed),
        noted("crashed", "the server ended while Languard was not running", None),
    ];
    let mut rows = Vec::new();
    for recorded in ServerState::ALL {
        let before = Machine::default();
        // A live process is taken back whatever the row says; a stop asked for before the
        // restart is finished.
        if recorded == Stopping {
            let after = with(Stopping, |m| m.expecting_exit = true);
            rows.push((
                before.clone(),
                restored(recorded, Some(7)),
                after,
                vec![AwaitStop, reattached()],
            ));
        } else {
            let actions = vec![Record(Running), WatchPlayers, reattached()];
            rows.push((before.clone(), restored(recorded, Some(7)), at(Running), actions));
        }
        // Gone: an active row means it ended while nobody watched.
        if recorded.is_active() {
            rows.push((before, restored(recorded, None), at(Crashed), ended.clone()));
        } else {
            rows.push((before, restored(recorded, None), at(recorded), vec![CloseStaleSessions]));
        }
    }
    check(rows);
}

fn policy(auto_restart: bool, max_restarts: i32, window_secs: i32) -> Input {
    Input::Policy {
        policy: RestartPolicy {
            auto_restart,
            max_restarts,
            window_secs,
        },
        now: Instant::now(),
    }
}

#[test]
fn the_crash_policy_restarts_with_backoff_then_gives_up() {
    let mut m = at(Crashed);
    // Delays double from 1 s and stop at 30 s; the sixth crash of six allowed waits 30 s.
    for (crash, delay) in [1u64, 2, 4, 8, 16, 30].into_iter().enumerate() {
        let input = policy(true, 6, 600);
        let Input::Policy { now, .. } = input else {
            unreachable!()
        };
        let (next, actions) = decide(&m, input);
        let crash = crash + 1;
        assert_eq!(
            actions,
            vec![
                ScheduleRestart(now + Duration::from_secs(delay)),
                noted(
                    "restart_scheduled",
                    &format!("restarting in {delay} s (crash {crash} of 6 allowed)"),
                    None
                ),
            ]
        );
        assert!(next.restart_pending && next.state == Crashed);
        assert_eq!(next.crashes.len(), crash);
        // The restart comes due: Languard starts it.
        let (next, actions) = decide(&next, Input::RestartDue);
        assert_eq!(actions, vec![NameSystem, Launch]);
        assert!(!next.restart_pending);
        m = next;
    }
    let (next, actions) = decide(&m, policy(true, 6, 600));
    assert_eq!(
        actions,
        vec![noted("gave_up", "crashed 7 times within 600 s; not restarting", None)]
    );
    assert!(!next.restart_pending, "it stays crashed");
}

#[test]
fn the_crash_policy_counts_only_crashes_within_the_window_and_may_be_off() {
    let old = with(Crashed, |m| {
        m.crashes.push_back(Instant::now() - Duration::from_secs(120));
    });
    // An earlier crash outside the 60 s window is forgotten: this is crash 1 again.
    let (next, actions) = decide(&old, policy(true, 1, 60));
    assert_eq!(next.crashes.len(), 1);
    assert!(matches!(
        &actions[..],
        [
            ScheduleRestart(_),
            Note {
                kind: "restart_scheduled",
                ..
            }
        ]
    ));
    // Within a 600 s window it counts: two crashes, one allowed.
    let (next, actions) = decide(&old, policy(true, 1, 600));
    assert_eq!(next.crashes.len(), 2);
    assert!(matches!(&actions[..], [Note { kind: "gave_up", .. }]));
    // No automatic restart: nothing happens, nothing is counted.
    let (next, actions) = decide(&at(Crashed), policy(false, 3, 600));
    assert_eq!((next, actions), (at(Crashed), vec![]));
    // No restarts allowed (or a negative count): it gives up at once.
    for max in [0, -1] {
        let (_, actions) = decide(&at(Crashed), policy(true, max, 600));
        assert!(matches!(&actions[..], [Note { kind: "gave_up", .. }]), "{max}");
    }
}

/// Start, run, crash, restart by itself, then stop by hand: the decisions chained as the
/// actor chains them.
#[test]
fn a_whole_life() {
    let steps = [
        (Input::Power(Power::Start), Stopped),
        (
            Input::Spawned {
                program: "/srv/game".into(),
                pid: 1,
            },
            Starting,
        ),
        (Input::GraceOver { alive: true }, Running),
        (
            Input::Exited(Exit {
                code: Some(1),
                signal: None,
            }),
            Crashed,
        ),
        (policy(true, 3, 600), Crashed),
        (Input::RestartDue, Crashed),
        (
            Input::Spawned {
                program: "/srv/game".into(),
                pid: 2,
            },
            Starting,
        ),
        (Input::GraceOver { alive: true }, Running),
        (Input::Power(Power::Stop), Stopping),
        (
            Input::Exited(Exit {
                code: Some(0),
                signal: None,
            }),
            Stopped,
        ),
    ];
    let mut m = Machine::default();
    for (input, state) in steps {
        let label = format!("{input:?}");
        m = decide(&m, input).0;
        assert_eq!(m.state, state, "after {label}");
    }
    assert_eq!(m.crashes.len(), 1, "the crash is remembered until a start by hand");
    assert!(!m.process && !m.expecting_exit && !m.restart_pending);
}
