//! The typed `data` of the frames built here and the `detail` of server events, so that each
//! shape is written once and published in the OpenAPI document. Field names are the wire
//! names; the SPA and scripts read them.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{Bus, Channel};
use crate::games::LogLevel;
use crate::servers::model::ServerState;

/// The data of one channel's frames: the type names its channel, so a frame cannot carry
/// another channel's data.
pub trait Payload: Serialize {
    const CHANNEL: Channel;
}

/// JSON of a payload or detail. They are plain structs of strings, numbers and lists, which
/// always serialise; `Null` would only stand for a type that cannot.
pub fn to_json(payload: &impl Serialize) -> Value {
    serde_json::to_value(payload).unwrap_or_default()
}

/// A frame for [`Bus::publish_all`].
pub fn frame<P: Payload>(payload: &P) -> (Channel, Value) {
    (P::CHANNEL, to_json(payload))
}

impl Bus {
    /// Publishes `payload` on its channel.
    pub fn send<P: Payload>(&self, server_id: Option<i64>, payload: &P) {
        self.publish(P::CHANNEL, server_id, to_json(payload));
    }
}

/// `status` frame: a server's state changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusData {
    pub status: ServerState,
    /// The game's process, while there is one.
    pub pid: Option<i32>,
}

impl Payload for StatusData {
    const CHANNEL: Channel = Channel::Status;
}

/// `console` frame: one raw line of a followed file.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsoleData<'a> {
    /// `console` or `game` (the game's own log).
    pub source: &'static str,
    pub line: &'a str,
}

impl Payload for ConsoleData<'_> {
    const CHANNEL: Channel = Channel::Console;
}

/// `log` frame: one parsed line of a stored source.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogData<'a> {
    /// `console` or `game` (the game's own log).
    pub source: &'static str,
    pub level: LogLevel,
    /// As the game printed it, when it printed one.
    pub time: Option<&'a str>,
    pub message: &'a str,
    /// What the line says happened: `playerjoined`, `playerleft`, `chat`, `ready`, `other`.
    pub kind: &'static str,
}

impl Payload for LogData<'_> {
    const CHANNEL: Channel = Channel::Log;
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Done,
    Failed,
}

/// `job` frame: progress of long-running work (an upload).
#[derive(Debug, Serialize, ToSchema)]
pub struct JobData<'a> {
    /// The same for every frame of one job.
    pub id: &'a str,
    /// What the work is, e.g. `upload`.
    pub kind: &'static str,
    /// What it works on, e.g. the uploaded file's name.
    pub subject: &'a str,
    pub state: JobState,
    pub done_bytes: u64,
    /// Expected size, when known.
    pub total_bytes: Option<u64>,
    /// Why it failed (`failed` only).
    pub error: Option<&'a str>,
}

impl Payload for JobData<'_> {
    const CHANNEL: Channel = Channel::Job;
}

/// `detail` of the `starting` and `reattached` server events.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessDetail {
    pub pid: i32,
}

/// `detail` of the `config_backup` server event.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigBackupDetail<'a> {
    /// Where the file Languard did not write was kept, relative to the server directory.
    pub copy: &'a str,
}

/// `detail` of the `crashed` server event.
#[derive(Debug, Serialize, ToSchema)]
pub struct CrashDetail<'a> {
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    /// The last lines of the console before the exit.
    pub last_lines: &'a [String],
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The shapes these frames and details had on the wire before they were typed.
    #[test]
    fn payloads_keep_their_wire_shape() {
        let lines = vec!["a".to_owned(), "b".to_owned()];
        let cases = [
            (
                to_json(&StatusData {
                    status: ServerState::Running,
                    pid: Some(7),
                }),
                json!({"status": "running", "pid": 7}),
            ),
            (
                to_json(&StatusData {
                    status: ServerState::Stopped,
                    pid: None,
                }),
                json!({"status": "stopped", "pid": null}),
            ),
            (
                to_json(&ConsoleData {
                    source: "console",
                    line: "hello",
                }),
                json!({"source": "console", "line": "hello"}),
            ),
            (
                to_json(&LogData {
                    source: "game",
                    level: LogLevel::Warn,
                    time: None,
                    message: "m",
                    kind: "chat",
                }),
                json!({"source": "game", "level": "warn", "time": null, "message": "m", "kind": "chat"}),
            ),
            (
                to_json(&JobData {
                    id: "upload-0000002a",
                    kind: "upload",
                    subject: "a.pbo",
                    state: JobState::Failed,
                    done_bytes: 3,
                    total_bytes: None,
                    error: Some("disk full"),
                }),
                json!({"id": "upload-0000002a", "kind": "upload", "subject": "a.pbo", "state": "failed",
                       "done_bytes": 3, "total_bytes": null, "error": "disk full"}),
            ),
            (to_json(&ProcessDetail { pid: 9 }), json!({"pid": 9})),
            (
                to_json(&ConfigBackupDetail { copy: "server.cfg.bak" }),
                json!({"copy": "server.cfg.bak"}),
            ),
            (
                to_json(&CrashDetail {
                    exit_code: Some(3),
                    signal: None,
                    last_lines: &lines,
                }),
                json!({"exit_code": 3, "signal": null, "last_lines": ["a", "b"]}),
            ),
        ];
        for (typed, wire) in cases {
            assert_eq!(typed, wire);
        }
        let frame = frame(&ConsoleData {
            source: "console",
            line: "x",
        });
        assert_eq!(frame.0, Channel::Console);
        for (state, wire) in [
            (JobState::Running, "running"),
            (JobState::Done, "done"),
            (JobState::Failed, "failed"),
        ] {
            assert_eq!(to_json(&state), json!(wire));
        }
    }
}
