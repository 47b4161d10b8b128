//! `GET /servers/{id}/metrics` and `GET /system/metrics`: stored figures over a range, at a
//! resolution (viewers may read both); `GET /metrics` for Prometheus.

use actix_web::{get, web, HttpResponse};

use super::model::{MetricParams, MetricQuery, MetricSeries};
use super::{prometheus, store};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::to_utc;
use crate::error::{ApiResult, ErrorBody};
use crate::http::extract::Query;
use crate::ids::ServerId;
use crate::servers::store as servers_store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(server_metrics).service(host_metrics);
}

fn answer(server_id: Option<ServerId>, query: MetricQuery, points: Vec<super::model::Point>) -> MetricSeries {
    MetricSeries {
        server_id,
        resolution: query.resolution,
        bucket_seconds: query.resolution.seconds(),
        from: to_utc(query.from),
        to: to_utc(query.to),
        points,
    }
}

/// CPU % and memory of the server's process tree and its player count over a range, as
/// min/avg/max per bucket.
#[utoipa::path(tag = "servers", params(MetricParams, ServerId), security(("bearer" = [])),
    responses((status = 200, description = "The server's figures, oldest first", body = MetricSeries),
        (status = 400, description = "A parameter is not of its type (the field is named)", body = ErrorBody),
        (status = 404, description = "No such server", body = ErrorBody),
        (status = 422, description = "A parameter is invalid (the field is named)", body = ErrorBody)))]
#[get("/servers/{id}/metrics")]
async fn server_metrics(
    state: web::Data<AppState>,
    _p: Principal,
    id: web::Path<ServerId>,
    query: Query<MetricParams>,
) -> ApiResult<web::Json<MetricSeries>> {
    let id = id.into_inner();
    let query = query.0.parse(state.config.metrics_interval, chrono::Utc::now())?;
    servers_store::row(&state.db, id).await?;
    let points = store::series(&state.db, Some(id), query).await?;
    Ok(web::Json(answer(Some(id), query, points)))
}

/// The host's CPU %, memory used, disk used (of the data dir's disk) and load over a range.
#[utoipa::path(tag = "system", params(MetricParams), security(("bearer" = [])),
    responses((status = 200, description = "The host's figures, oldest first", body = MetricSeries),
        (status = 400, description = "A parameter is not of its type (the field is named)", body = ErrorBody),
        (status = 422, description = "A parameter is invalid (the field is named)", body = ErrorBody)))]
#[get("/system/metrics")]
async fn host_metrics(
    state: web::Data<AppState>,
    _p: Principal,
    query: Query<MetricParams>,
) -> ApiResult<web::Json<MetricSeries>> {
    let query = query.0.parse(state.config.metrics_interval, chrono::Utc::now())?;
    let points = store::series(&state.db, None, query).await?;
    Ok(web::Json(answer(None, query, points)))
}

/// Metrics for Prometheus (any signed-in user or API token; send it as a bearer token).
#[utoipa::path(tag = "system", security(("bearer" = [])),
    responses((status = 200, description = "Prometheus text exposition format 0.0.4", content_type = "text/plain", body = String)))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>, _p: Principal) -> ApiResult<HttpResponse> {
    let text = prometheus::scrape(&state.runtime, &state.processes, &state.http_stats).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}
