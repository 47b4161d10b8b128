use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::event_actor::EventActor;
use crate::db::schema::{server_events, servers};
use crate::games::import::ImportReport;
use crate::games::{GameId, PortSpec};
use crate::ids::ServerId;

/// `stopped → starting → running → stopping → stopped`, plus `crashed` (an exit nobody asked
/// for) and `error` (could not start).
// Stored as its lower-case name in `servers.state` (TEXT).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, diesel::AsExpression, diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "lowercase")]
pub enum ServerState {
    Stopped,
    Starting,
    Running,
    Stopping,
    Crashed,
    Error,
}

impl ServerState {
    pub const ALL: [ServerState; 6] = [
        ServerState::Stopped,
        ServerState::Starting,
        ServerState::Running,
        ServerState::Stopping,
        ServerState::Crashed,
        ServerState::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServerState::Stopped => "stopped",
            ServerState::Starting => "starting",
            ServerState::Running => "running",
            ServerState::Stopping => "stopping",
            ServerState::Crashed => "crashed",
            ServerState::Error => "error",
        }
    }

    /// A stored state; one this version does not know (written by another version or by
    /// hand) is an error, never taken for `stopped`.
    pub fn parse(text: &str) -> anyhow::Result<ServerState> {
        ServerState::ALL
            .into_iter()
            .find(|state| state.as_str() == text)
            .ok_or_else(|| anyhow::anyhow!("unknown stored server state `{text}`"))
    }

    /// A process exists in these states.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            ServerState::Starting | ServerState::Running | ServerState::Stopping
        )
    }
}

// Over the existing TEXT column on both databases: the same strings as before, no migration.
impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for ServerState
where
    DB: diesel::backend::Backend,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
        self.as_str().to_sql(out)
    }
}

impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for ServerState
where
    DB: diesel::backend::Backend,
    String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        let text = String::from_sql(bytes)?;
        Ok(ServerState::parse(&text)?)
    }
}

/// `servers.state` as read. A row whose state this version does not know (written by another
/// version or by hand) must stay readable: the supervisor still adopts or refuses to delete
/// the process it records. So the unknown state is kept, and is an error where the state is
/// used ([`StoredState::get`]), never taken for another one.
#[derive(Debug, Clone, PartialEq, Eq, diesel::FromSqlRow)]
pub enum StoredState {
    Known(ServerState),
    Unknown(String),
}

impl StoredState {
    pub fn get(&self) -> crate::error::ApiResult<ServerState> {
        match self {
            StoredState::Known(state) => Ok(*state),
            StoredState::Unknown(text) => Err(crate::error::ApiError::internal(anyhow::anyhow!(
                "unknown stored server state `{text}`"
            ))),
        }
    }

    pub fn is(&self, state: ServerState) -> bool {
        *self == StoredState::Known(state)
    }
}

impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for StoredState
where
    DB: diesel::backend::Backend,
    String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        let text = String::from_sql(bytes)?;
        Ok(ServerState::parse(&text).map_or(StoredState::Unknown(text), StoredState::Known))
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = servers)]
pub struct ServerRow {
    pub id: ServerId,
    pub name: String,
    pub game: GameId,
    pub executable: String,
    pub game_port: i32,
    pub directory: String,
    pub config: String,
    pub secrets: String,
    pub auto_restart: bool,
    pub max_restarts: i32,
    pub restart_window_secs: i32,
    pub stop_timeout_secs: i32,
    pub state: StoredState,
    pub pid: Option<i64>,
    pub pid_start_ticks: Option<i64>,
    /// The boot the start ticks count from (`/proc/sys/kernel/random/boot_id`).
    pub pid_boot_id: Option<String>,
    pub started_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub restart_required: bool,
    /// JSON of the [`ImportReport`] made when the server was registered on an existing install.
    pub imported: Option<String>,
}

/// A managed game server. Passwords are never shown: only whether each is set.
#[derive(Debug, Serialize, ToSchema)]
pub struct Server {
    pub id: ServerId,
    pub name: String,
    pub game: GameId,
    pub executable: String,
    pub game_port: u16,
    /// Where its files live.
    pub directory: String,
    pub status: ServerState,
    pub pid: Option<i64>,
    pub started_at: Option<DateTime<Utc>>,
    pub uptime_seconds: Option<i64>,
    /// Every port the game binds with the current config.
    pub ports: Vec<PortSpec>,
    pub auto_restart: bool,
    pub max_restarts: i32,
    pub restart_window_secs: i32,
    pub stop_timeout_secs: i32,
    pub has_rcon_password: bool,
    pub has_game_password: bool,
    pub has_admin_password: bool,
    /// Players, max, map as of the last roster poll (running servers with RCON only).
    pub live: Option<crate::players::model::LiveSummary>,
    /// The state of the RCON link while the server runs.
    pub rcon: Option<crate::players::model::RconStatus>,
    /// Its config, mods or mission rotation changed while it ran: a restart applies them.
    pub restart_required: bool,
    /// What was read from the game's own config files when the server was registered on a
    /// directory that held them; absent otherwise.
    pub imported: Option<ImportReport>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Write-only passwords. Absent ones are generated (RCON) or left unset (game, admin) on create;
/// on update, absent means unchanged and an empty string removes the password.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretsInput {
    /// At most 128 characters, one line, no `"`.
    #[schema(max_length = 128, pattern = r#"^[^"\u0000-\u001f\u007f-\u009f]*$"#)]
    pub rcon_password: Option<String>,
    #[schema(max_length = 128, pattern = r#"^[^"\u0000-\u001f\u007f-\u009f]*$"#)]
    pub game_password: Option<String>,
    #[schema(max_length = 128, pattern = r#"^[^"\u0000-\u001f\u007f-\u009f]*$"#)]
    pub admin_password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateServerRequest {
    /// 1–64 printable characters, unique.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// An adapter id from `GET /games`.
    pub game: crate::games::GameId,
    /// Absolute path of the server executable.
    #[schema(pattern = r"^/[^\u0000]*$")]
    pub executable: String,
    #[schema(minimum = 1, maximum = 65535)]
    pub game_port: u16,
    /// The adapter's config; missing keys take their defaults.
    #[schema(value_type = Option<Object>)]
    pub config: Option<Value>,
    /// An existing install to manage in place (absolute path); default: a new folder under the data dir.
    #[schema(pattern = r"^/[^\u0000]*$")]
    pub directory: Option<String>,
    pub auto_restart: Option<bool>,
    /// Crashes tolerated within `restart_window_secs` before Languard gives up (0–100).
    #[schema(minimum = 0, maximum = 100)]
    pub max_restarts: Option<i32>,
    #[schema(minimum = 10, maximum = 86400)]
    pub restart_window_secs: Option<i32>,
    /// Seconds a graceful stop may take before the process group is killed.
    #[schema(minimum = 1, maximum = 3600)]
    pub stop_timeout_secs: Option<i32>,
    pub secrets: Option<SecretsInput>,
}

/// Only the fields present are changed; the config has its own endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateServerRequest {
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: Option<String>,
    #[schema(pattern = r"^/[^\u0000]*$")]
    pub executable: Option<String>,
    #[schema(minimum = 1, maximum = 65535)]
    pub game_port: Option<u16>,
    pub auto_restart: Option<bool>,
    #[schema(minimum = 0, maximum = 100)]
    pub max_restarts: Option<i32>,
    #[schema(minimum = 10, maximum = 86400)]
    pub restart_window_secs: Option<i32>,
    #[schema(minimum = 1, maximum = 3600)]
    pub stop_timeout_secs: Option<i32>,
    pub secrets: Option<SecretsInput>,
}

crate::page_of!(ServerPage, Server);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = server_events)]
pub struct ServerEventRow {
    pub id: i64,
    pub server_id: ServerId,
    pub created_at: NaiveDateTime,
    pub kind: String,
    pub message: String,
    pub detail: Option<String>,
    pub actor_kind: Option<String>,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
}

/// Something that happened to a server: `created`, `config_imported`, `config_changed`,
/// `config_backup`, `starting`, `running`, `stopping`, `stopped`, `crashed`,
/// `restart_scheduled`, `gave_up`, `error`, `killed`, `reattached`, `path_refused` (a link in
/// the server directory leads outside it).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServerEvent {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub kind: String,
    pub message: String,
    /// E.g. for `crashed`: `{"exit_code": 3, "signal": null, "last_lines": [...]}`.
    #[schema(value_type = Option<Object>)]
    pub detail: Option<Value>,
    /// Who caused it: a user, an API token, a schedule, or `system` (Languard itself: crashes,
    /// automatic restarts, reattaching, what it saw in the game). Null only for events recorded
    /// before Languard kept actors.
    pub actor: Option<EventActor>,
}

impl From<ServerEventRow> for ServerEvent {
    fn from(row: ServerEventRow) -> Self {
        ServerEvent {
            id: row.id,
            created_at: crate::db::to_utc(row.created_at),
            kind: row.kind,
            message: row.message,
            detail: row.detail.and_then(|d| serde_json::from_str(&d).ok()),
            actor: EventActor::from_columns(row.actor_kind.as_deref(), row.actor_id, row.actor_name),
        }
    }
}

crate::page_of!(ServerEventPage, ServerEvent);

/// The result of a power action that was accepted; the outcome arrives as events.
#[derive(Debug, Serialize, ToSchema)]
pub struct PowerAccepted {
    pub status: ServerState,
}

/// A rendered config file, with passwords masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewFile {
    pub path: String,
    pub contents: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigPreview {
    pub program: String,
    pub args: Vec<String>,
    pub files: Vec<PreviewFile>,
    pub ports: Vec<PortSpec>,
}

/// A game Languard can manage.
#[derive(Debug, Serialize, ToSchema)]
pub struct Game {
    pub id: crate::games::GameId,
    pub name: String,
    pub default_game_port: u16,
    /// File names the executable may have; empty means any.
    pub allowed_executables: Vec<String>,
    /// Passwords this game uses.
    pub secrets: Vec<String>,
    #[schema(value_type = Object)]
    pub config_schema: Value,
    #[schema(value_type = Object)]
    pub default_config: Value,
}

/// Identity of a running process: the PID alone could be recycled, and the program it runs may
/// change (a launcher script `exec`s the game), but PID and start time stay together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessId {
    pub pid: i32,
    /// Field 22 of /proc/<pid>/stat: start time in clock ticks after boot.
    pub start_ticks: u64,
}

#[cfg(test)]
mod tests {
    use super::{ServerState, StoredState};

    #[test]
    fn stored_states_read_back_and_unknown_ones_are_errors() {
        for state in ServerState::ALL {
            assert_eq!(ServerState::parse(state.as_str()).ok(), Some(state));
        }
        assert!(ServerState::parse("paused").is_err());
        assert!(ServerState::parse("").is_err());
    }

    /// Through a real (SQLite) database: a state is written as its name, read back as itself,
    /// and an unknown stored text fails to read as a state and is kept as unknown in a row.
    #[test]
    fn states_go_through_the_text_column() {
        use diesel::dsl::sql;
        use diesel::prelude::*;
        use diesel::sql_types::Text;

        let mut c = diesel::SqliteConnection::establish(":memory:").unwrap();
        for state in ServerState::ALL {
            let text: String = diesel::select(state.into_sql::<Text>()).get_result(&mut c).unwrap();
            assert_eq!(text, state.as_str());
            let back: ServerState = diesel::select(state.into_sql::<Text>()).get_result(&mut c).unwrap();
            assert_eq!(back, state);
            let stored: StoredState = diesel::select(state.into_sql::<Text>()).get_result(&mut c).unwrap();
            assert_eq!(stored.get().ok(), Some(state));
        }
        let unknown = || diesel::select(sql::<Text>("'paused'"));
        assert!(unknown().get_result::<ServerState>(&mut c).is_err());
        let stored: StoredState = unknown().get_result(&mut c).unwrap();
        assert_eq!(stored, StoredState::Unknown("paused".into()));
        assert!(stored.get().is_err());
        assert!(!stored.is(ServerState::Stopped));
    }
}
