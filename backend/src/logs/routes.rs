//! `GET /servers/{id}/logs` (viewers) and `DELETE /servers/{id}/logs` (admins).

use actix_web::{delete, get, web};

use super::model::{LogPage, LogParams, LogsDeleted};
use super::store;
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiResult, ErrorBody};
use crate::http::extract::Query;
use crate::ids::ServerId;
use crate::servers::store as servers_store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_logs).service(delete_logs);
}

/// The server's stored log lines, newest first, filtered; page backwards with `cursor`.
#[utoipa::path(tag = "logs", params(LogParams, ServerId), security(("bearer" = [])),
    responses((status = 200, description = "One page of log lines", body = LogPage),
        (status = 400, description = "A filter is invalid (the field is named)", body = ErrorBody),
        (status = 404, description = "No such server", body = ErrorBody)))]
#[get("/servers/{id}/logs")]
async fn list_logs(
    state: web::Data<AppState>,
    _p: Principal,
    id: web::Path<ServerId>,
    query: Query<LogParams>,
) -> ApiResult<web::Json<LogPage>> {
    let id = id.into_inner();
    let query = query.0.parse()?;
    servers_store::row(&state.db, id).await?;
    let limit = query.limit as usize;
    let items = store::page(&state.db, id, query).await?;
    let next_cursor = if items.len() == limit {
        items.last().map(|e| e.id)
    } else {
        None
    };
    Ok(web::Json(LogPage { items, next_cursor }))
}

/// Deletes every stored log line of the server (the game's files are not touched).
#[utoipa::path(tag = "logs", params(ServerId), security(("bearer" = [])),
    responses((status = 200, description = "How many lines were deleted", body = LogsDeleted),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such server", body = ErrorBody)))]
#[delete("/servers/{id}/logs")]
async fn delete_logs(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
) -> ApiResult<web::Json<LogsDeleted>> {
    p.require(Role::Admin)?;
    let id = id.into_inner();
    servers_store::row(&state.db, id).await?;
    let deleted = store::delete_all(&state.db, id).await?;
    Ok(web::Json(LogsDeleted { deleted }))
}
