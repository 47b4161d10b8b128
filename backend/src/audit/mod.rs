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
const SECRET_MARKERS: &[&str] = &["password", "token", "secret", "key", "authorization", "credential"];
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
                let lower = key.to_ascii_lowercase();
                if SECRET_MARKERS.iter().any(|m| lower.contains(m)) {
                    *v = Value::String(MASK.to_owned());
                } else {
                    mask(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
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
}
