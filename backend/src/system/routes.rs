//! `/api/v1/system`: liveness, panel status, and host figures.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::host::HostInfo;
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(health).service(status).service(info);
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: HealthStatus,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseBackend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SystemStatus {
    pub version: String,
    pub started_at: DateTime<Utc>,
    pub uptime_seconds: i64,
    pub database: DatabaseBackend,
}

/// Liveness probe; needs no authentication.
#[utoipa::path(tag = "system", responses((status = 200, description = "The panel is up", body = Health)))]
#[get("/system/health")]
async fn health() -> web::Json<Health> {
    web::Json(Health {
        status: HealthStatus::Ok,
    })
}

/// Panel version, uptime and database backend.
#[utoipa::path(tag = "system", security(("bearer" = [])),
    responses((status = 200, description = "Panel status", body = SystemStatus)))]
#[get("/system/status")]
async fn status(state: web::Data<AppState>, _principal: Principal) -> web::Json<SystemStatus> {
    web::Json(SystemStatus {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        started_at: state.started_at,
        uptime_seconds: (Utc::now() - state.started_at).num_seconds(),
        database: match state.db.backend_name() {
            "postgres" => DatabaseBackend::Postgres,
            _ => DatabaseBackend::Sqlite,
        },
    })
}

/// Host CPU, load, memory, swap and the disk holding the data dir.
#[utoipa::path(tag = "system", security(("bearer" = [])),
    responses((status = 200, description = "Host figures", body = HostInfo)))]
#[get("/system/info")]
async fn info(state: web::Data<AppState>, _principal: Principal) -> ApiResult<web::Json<HostInfo>> {
    let host = state.host.clone();
    let data_dir = state.config.data_dir.clone();
    let info = tokio::task::spawn_blocking(move || host.read(&data_dir))
        .await
        .map_err(crate::error::ApiError::internal)?;
    Ok(web::Json(info))
}
