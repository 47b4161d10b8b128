//! Gives every request an id (response header `X-Request-Id`, tracing span) and writes an
//! audit row for each mutating `/api` request once its response is known.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use diesel::prelude::*;
use serde_json::{json, Value};
use tracing::Instrument;

use super::RequestSummary;
use crate::auth::principal::{Credential, Principal};
use crate::db::schema::audit_log;
use crate::db::Db;
use crate::with_conn;

pub async fn record_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = uuid::Uuid::new_v4().simple().to_string();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let audited =
        matches!(method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE) && path.starts_with("/api/");
    let ip = req.peer_addr().map(|a| a.ip().to_string());
    let query = req.query_string().to_owned();
    let db = req.app_data::<web::Data<Db>>().cloned();
    let span = tracing::info_span!("request", id = %request_id, method = %method, path = %path);
    let started = Instant::now();

    let mut res = next.call(req).instrument(span.clone()).await?;
    let status = res.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "request done"
        );
    });
    if let Ok(value) = header::HeaderValue::from_str(&request_id) {
        res.headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), value);
    }
    if let (true, Some(db)) = (audited, db) {
        let principal = res.request().extensions().get::<Principal>().cloned();
        let body = res.request().extensions().get::<RequestSummary>().map(|s| s.0.clone());
        let summary = summarize(body, &query);
        let row = AuditRecord {
            request_id,
            principal,
            ip,
            method: method.to_string(),
            path,
            status: i32::from(status),
            summary,
        };
        // The response waits for its audit row: an action that happened is never missing from the log.
        if let Err(e) = write(&db, row).instrument(span).await {
            tracing::error!(error = %e, "could not write the audit row");
        }
    }
    Ok(res)
}

fn summarize(body: Option<Value>, query: &str) -> Option<String> {
    let mut query_map = serde_json::Map::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        query_map.insert(k.into_owned(), Value::String(v.into_owned()));
    }
    let mut query = Value::Object(query_map);
    super::mask(&mut query);
    let mut summary = serde_json::Map::new();
    if let Some(body) = body {
        summary.insert("body".into(), body);
    }
    if query.as_object().is_some_and(|q| !q.is_empty()) {
        summary.insert("query".into(), query);
    }
    if summary.is_empty() {
        return None;
    }
    let mut text = json!(summary).to_string();
    if text.len() > MAX_SUMMARY_BYTES {
        // Anyone can send large bodies (e.g. to the login route): keep the log small.
        let mut cut = MAX_SUMMARY_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("… (truncated)");
    }
    Some(text)
}

const MAX_SUMMARY_BYTES: usize = 4096;

/// A console command sent over the WebSocket (method `WS`, path `/api/v1/ws`), allowed or
/// refused, with its server and line as the summary.
pub async fn record_ws_command(db: &Db, principal: &Principal, server: crate::ids::ServerId, line: &str, status: u16) {
    let row = AuditRecord {
        request_id: uuid::Uuid::new_v4().simple().to_string(),
        principal: Some(principal.clone()),
        ip: None,
        method: "WS".into(),
        path: "/api/v1/ws".into(),
        status: i32::from(status),
        summary: summarize(
            Some(RequestSummary::from_body(json!({"type": "command", "server": server, "line": line})).0),
            "",
        ),
    };
    if let Err(e) = write(db, row).await {
        tracing::error!(error = ?e, "could not write the audit record of a console command");
    }
}

struct AuditRecord {
    request_id: String,
    principal: Option<Principal>,
    ip: Option<String>,
    method: String,
    path: String,
    status: i32,
    summary: Option<String>,
}

async fn write(db: &Db, row: AuditRecord) -> Result<(), crate::error::ApiError> {
    let (kind, actor_id, actor_name) = match &row.principal {
        Some(p) => match &p.credential {
            Credential::Session { .. } => ("user", Some(p.user_id), Some(p.username.clone())),
            Credential::ApiToken { name, .. } => {
                ("token", Some(p.user_id), Some(format!("{} (token {name})", p.username)))
            }
        },
        None => ("anonymous", None, None),
    };
    db.run(move |pool| {
        with_conn!(pool, |c| diesel::insert_into(audit_log::table)
            .values((
                audit_log::created_at.eq(crate::db::now()),
                audit_log::request_id.eq(&row.request_id),
                audit_log::actor_kind.eq(kind),
                audit_log::actor_id.eq(actor_id),
                audit_log::actor_name.eq(&actor_name),
                audit_log::ip.eq(&row.ip),
                audit_log::method.eq(&row.method),
                audit_log::path.eq(&row.path),
                audit_log::status.eq(row.status),
                audit_log::summary.eq(&row.summary),
            ))
            .execute(c)
            .map(|_| ())
            .map_err(Into::into))
    })
    .await
}
