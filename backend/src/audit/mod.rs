//! The audit log: every mutating API request (who, from where, what, outcome) with secrets
//! masked, and `GET /api/v1/audit` to read it.

pub mod middleware;
pub mod routes;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

pub use middleware::record_requests;

/// A request's body (and query), masked, as the JSON extractor saw it.
#[derive(Debug, Clone)]
pub struct RequestSummary(pub Value);

/// Any key whose name contains one of these has its value replaced.
const SECRET_MARKERS: &[&str] = &[
    "password",
    "token",
    "secret",
    "key",
    "authorization",
    "credential",
    // Source's sv_setsteamaccount takes a game server login token.
    "steamaccount",
];

/// Whether a field or setting named `name` holds a secret: masked in the audit log, never kept
/// where the API shows it.
pub fn names_a_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_MARKERS.iter().any(|m| lower.contains(m))
}
/// Keys whose text is a console command line (raw RCON over HTTP, console over the WebSocket).
const COMMAND_KEYS: &[&str] = &["command", "line"];
pub const MASK: &str = "***";

impl RequestSummary {
    pub fn from_body(mut body: Value) -> RequestSummary {
        mask(&mut body);
        RequestSummary(body)
    }
}

pub fn mask(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if names_a_secret(key) {
                    *v = Value::String(MASK.to_owned());
                } else if let (true, Value::String(line)) =
                    (COMMAND_KEYS.contains(&key.to_ascii_lowercase().as_str()), &v)
                {
                    *v = Value::String(mask_command(line));
                } else {
                    mask(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

/// A console line with the arguments of every command that sets or sends a password replaced:
/// `rcon_password`, `sv_password`, BattlEye's `RConPassword`, `#login`. The line is cut where
/// any game could start another command (`;` for srcds, line breaks), so a password hidden
/// behind a first, harmless command is masked too.
pub fn mask_command(line: &str) -> String {
    line.split_inclusive([';', '\n', '\r'])
        .map(|part| {
            let body = part.trim_end_matches([';', '\n', '\r']);
            let end = &part[body.len()..];
            let start = body.len() - body.trim_start().len();
            let (lead, command) = body.split_at(start);
            let (word, rest) = command.split_once(char::is_whitespace).unwrap_or((command, ""));
            let lower = word.to_lowercase();
            let secret = ["password", "passwd", "steamaccount"].iter().any(|m| lower.contains(m))
                || matches!(lower.as_str(), "#login" | "login");
            if secret && !rest.trim().is_empty() {
                format!("{lead}{word} {MASK}{end}")
            } else {
                part.to_owned()
            }
        })
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    User,
    Token,
    Anonymous,
}

/// One audited request.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    /// Also sent as the `X-Request-Id` response header and written to the log.
    pub request_id: String,
    pub actor_kind: ActorKind,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub ip: Option<String>,
    pub method: String,
    pub path: String,
    pub status: i32,
    /// JSON text of the request body and query with passwords, tokens and secrets masked.
    pub summary: Option<String>,
}

crate::page_of!(AuditPage, AuditEntry);

type AuditRow = (
    i64,
    NaiveDateTime,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    String,
    i32,
    Option<String>,
);

fn to_entry(row: AuditRow) -> AuditEntry {
    let (id, created_at, request_id, actor_kind, actor_id, actor_name, ip, method, path, status, summary) = row;
    AuditEntry {
        id,
        created_at: crate::db::to_utc(created_at),
        request_id,
        actor_kind: match actor_kind.as_str() {
            "user" => ActorKind::User,
            "token" => ActorKind::Token,
            _ => ActorKind::Anonymous,
        },
        actor_id,
        actor_name,
        ip,
        method,
        path,
        status,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_at_any_depth() {
        let s = RequestSummary::from_body(serde_json::json!({
            "username": "alice", "password": "hunter22", "nested": {"new_password": "x", "list": [{"RCON_PASSWORD": "y"}]},
            "refresh_token": "abc", "api_key": 5, "role": "viewer"
        }));
        let text = s.0.to_string();
        for secret in ["hunter22", "\"x\"", "\"y\"", "abc", "5"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert!(text.contains("alice") && text.contains("viewer"));
    }

    #[test]
    fn password_commands_are_masked() {
        assert_eq!(mask_command("rcon_password hunter2"), "rcon_password ***");
        assert_eq!(mask_command("#login s3cret"), "#login ***");
        assert_eq!(mask_command("RConPassword a b"), "RConPassword ***");
        assert_eq!(mask_command("sv_password"), "sv_password");
        assert_eq!(mask_command("say hello"), "say hello");
        assert_eq!(
            mask_command("echo x; rcon_password y;status"),
            "echo x; rcon_password ***;status"
        );
        assert_eq!(mask_command("say a\nsv_password b"), "say a\nsv_password ***");
        assert_eq!(mask_command("sv_setsteamaccount 0123ABCD"), "sv_setsteamaccount ***");
    }

    #[test]
    fn command_fields_are_masked() {
        let s = RequestSummary::from_body(
            serde_json::json!({"command": "sv_password pw1", "nested": {"line": "#login pw2"}}),
        );
        let text = s.0.to_string();
        assert!(!text.contains("pw1") && !text.contains("pw2"), "{text}");
        assert!(
            text.contains("sv_password ***") && text.contains("#login ***"),
            "{text}"
        );
    }
}
