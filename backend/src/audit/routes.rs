//! `GET /api/v1/audit`: admin only, newest first, filterable.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{to_entry, AuditPage, AuditRow};
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::db::schema::audit_log;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::Query;
use crate::http::page::PageRequest;
use crate::with_conn;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_audit);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// 1-based page number (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
    /// Part of the actor's name.
    #[param(max_length = 100, pattern = r"^[^\u0000]*$")]
    pub actor: Option<String>,
    /// Start of the request path, e.g. `/api/v1/users`.
    #[param(max_length = 200, pattern = r"^[^\u0000]*$")]
    pub path: Option<String>,
    /// Only requests with this method.
    #[param(inline)]
    pub method: Option<AuditedMethod>,
    /// Only entries at or after this time (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Only entries before this time (RFC 3339).
    pub until: Option<DateTime<Utc>>,
}

/// The methods that are audited.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum AuditedMethod {
    Post,
    Put,
    Patch,
    Delete,
    /// Console commands sent over the WebSocket stream.
    Ws,
}

impl AuditedMethod {
    fn as_str(self) -> &'static str {
        match self {
            AuditedMethod::Post => "POST",
            AuditedMethod::Put => "PUT",
            AuditedMethod::Patch => "PATCH",
            AuditedMethod::Delete => "DELETE",
            AuditedMethod::Ws => "WS",
        }
    }
}

/// Read the audit log, newest first.
#[utoipa::path(tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, description = "One page of audit entries", body = AuditPage)))]
#[get("/audit")]
async fn list_audit(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<AuditQuery>,
) -> ApiResult<web::Json<AuditPage>> {
    principal.require(Role::Admin)?;
    let q = query.0;
    let request = PageRequest::parse(q.page, q.per_page)?;
    for (field, value, max) in [("actor", &q.actor, 100), ("path", &q.path, 200)] {
        if value.as_ref().is_some_and(|v| v.chars().count() > max) {
            return Err(ApiError::validation(field, format!("must be at most {max} characters")));
        }
    }
    // Compared in lower case: LIKE ignores case on SQLite but not on PostgreSQL.
    let actor = q
        .actor
        .filter(|a| !a.is_empty())
        .map(|a| format!("%{}%", crate::db::text::like_literal(&a.to_lowercase())));
    let path = q
        .path
        .filter(|p| !p.is_empty())
        .map(|p| format!("{}%", crate::db::text::like_literal(&p)));
    let method = q.method.map(AuditedMethod::as_str);
    let since = q.since.map(|t| crate::db::text::within_years("since", t)).transpose()?;
    let until = q.until.map(|t| crate::db::text::within_years("until", t)).transpose()?;
    let page = state
        .db
        .run(move |pool| {
            with_conn!(pool, |c| {
                macro_rules! filtered {
                    ($query:expr) => {{
                        let mut query = $query.into_boxed();
                        if let Some(actor) = &actor {
                            query = query.filter(
                                crate::db::text::lower(audit_log::actor_name)
                                    .like(actor.clone())
                                    .escape('\\'),
                            );
                        }
                        if let Some(path) = &path {
                            query = query.filter(audit_log::path.like(path.clone()).escape('\\'));
                        }
                        if let Some(method) = &method {
                            query = query.filter(audit_log::method.eq(*method));
                        }
                        if let Some(since) = since {
                            query = query.filter(audit_log::created_at.ge(since));
                        }
                        if let Some(until) = until {
                            query = query.filter(audit_log::created_at.lt(until));
                        }
                        query
                    }};
                }
                let total: i64 = filtered!(audit_log::table.count()).get_result(c)?;
                let rows: Vec<AuditRow> = filtered!(audit_log::table.select((
                    audit_log::id,
                    audit_log::created_at,
                    audit_log::request_id,
                    audit_log::actor_kind,
                    audit_log::actor_id,
                    audit_log::actor_name,
                    audit_log::ip,
                    audit_log::method,
                    audit_log::path,
                    audit_log::status,
                    audit_log::summary,
                )))
                .order(audit_log::id.desc())
                .limit(request.per_page)
                .offset(request.offset())
                .load(c)?;
                Ok(AuditPage::new(rows.into_iter().map(to_entry).collect(), request, total))
            })
        })
        .await?;
    Ok(web::Json(page))
}
