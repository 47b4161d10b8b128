//! The typed `data` of the frames built here (bus and control frames) and the `detail` of
//! server events, so that each
//! shape is written once and published in the OpenAPI document. Field names are the wire
//! names; the SPA and scripts read them.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{Bus, Channel};
use crate::error::ErrorBody;
use crate::games::LogLevel;
use crate::ids::ServerId;
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
    pub fn send<P: Payload>(&self, server_id: Option<ServerId>, payload: &P) {
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

/// `data` of a `lagged` control frame: frames this session will not get.
#[derive(Debug, Serialize, ToSchema)]
pub struct LaggedData {
    pub missed: u64,
    pub message: &'static str,
}

impl LaggedData {
    /// The session read more slowly than its frames came.
    pub fn too_slow(missed: u64) -> LaggedData {
        LaggedData {
            missed,
            message:
                "frames were dropped because this client read too slowly; refetch state or resubscribe with `resume`",
        }
    }

    /// A `resume` from further back than the frames kept.
    pub fn expired(missed: u64) -> LaggedData {
        LaggedData {
            missed,
            message: "older frames are no longer kept; refetch state",
        }
    }
}

/// `data` of a `pong` control frame.
#[derive(Debug, Serialize, ToSchema)]
pub struct PongData<'a> {
    /// The `id` of the `ping`.
    pub id: Option<&'a str>,
}

/// `data` of a `subscribed` control frame: what the session follows now.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscribedData<'a> {
    pub all_servers: bool,
    #[schema(value_type = Vec<i64>)]
    pub servers: &'a HashSet<ServerId>,
    #[schema(value_type = Vec<Channel>)]
    pub channels: &'a HashSet<Channel>,
}

impl<'a> SubscribedData<'a> {
    pub fn new(all_servers: bool, servers: &'a HashSet<ServerId>, channels: &'a HashSet<Channel>) -> Self {
        SubscribedData {
            all_servers,
            servers,
            channels,
        }
    }
}

/// `data` of a `reply` control frame: the answer to a `command`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplyData<'a> {
    /// The `id` of the `command`.
    pub id: Option<&'a str>,
    #[schema(value_type = i64)]
    pub server_id: ServerId,
    pub line: &'a str,
    pub output: String,
}

/// `data` of an `error` control frame for a message that could not be read.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadableData {
    pub message: String,
}

impl UnreadableData {
    pub fn new(cause: &impl std::fmt::Display) -> UnreadableData {
        UnreadableData {
            message: format!("unreadable message: {cause}"),
        }
    }
}

/// `data` of an `error` control frame answering a `command`: the error body plus its `id`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommandErrorData<'a> {
    #[serde(flatten)]
    pub error: ErrorBody,
    /// The `id` of the `command`.
    pub id: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The shapes these frames and details had on the wire before they were typed.
    #[test]
    fn payloads_keep_their_wire_shape() {
        let lines = vec!["a".to_owned(), "b".to_owned()];
        let servers = HashSet::from([ServerId(2)]);
        let channels = HashSet::from([Channel::Log]);
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
            (
                to_json(&LaggedData::expired(4)),
                json!({"missed": 4, "message": "older frames are no longer kept; refetch state"}),
            ),
            (to_json(&PongData { id: Some("p1") }), json!({"id": "p1"})),
            (
                to_json(&SubscribedData::new(false, &servers, &channels)),
                json!({"all_servers": false, "servers": [2], "channels": ["log"]}),
            ),
            (
                to_json(&ReplyData {
                    id: None,
                    server_id: ServerId(2),
                    line: "status",
                    output: "ok".into(),
                }),
                json!({"id": null, "server_id": 2, "line": "status", "output": "ok"}),
            ),
            (
                to_json(&UnreadableData::new(&"eof")),
                json!({"message": "unreadable message: eof"}),
            ),
            (
                to_json(&CommandErrorData {
                    error: crate::error::ApiError::NotFound("no such server".into()).body(),
                    id: Some("c1"),
                }),
                json!({"error": "not_found", "message": "no such server", "id": "c1"}),
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
