//! `/api/v1/games` and `/api/v1/servers`: viewers read, operators run power actions, admins
//! register, configure and delete.

use actix_web::{delete, get, patch, post, put, web, HttpResponse};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::event_actor::EventActor;
use super::model::{
    ConfigPreview, CreateServerRequest, Game, PowerAccepted, Server, ServerEventPage, ServerPage, UpdateServerRequest,
};
use super::{service, store};
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiResult, ErrorBody};
use crate::games;
use crate::http::extract::{Json, Query};
use crate::http::page::PageQuery;
use crate::ids::ServerId;
use crate::supervisor::Power;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_games)
        .service(list_servers)
        .service(create_server)
        .service(get_server)
        .service(update_server)
        .service(delete_server)
        .service(get_config)
        .service(put_config)
        .service(preview_config)
        .service(start_server)
        .service(stop_server)
        .service(restart_server)
        .service(kill_server)
        .service(list_events);
}

/// The games Languard can manage, with their config schemas and defaults.
#[utoipa::path(tag = "servers", security(("bearer" = [])),
    responses((status = 200, description = "Every game adapter", body = Vec<Game>)))]
#[get("/games")]
async fn list_games(_principal: Principal) -> web::Json<Vec<Game>> {
    web::Json(
        games::GameId::ALL
            .into_iter()
            .map(|id| (id, id.adapter()))
            .map(|(id, a)| Game {
                id,
                name: a.name().to_owned(),
                default_game_port: a.default_game_port(),
                allowed_executables: a.allowed_executables().iter().map(|s| (*s).to_owned()).collect(),
                secrets: a.secret_names().iter().map(|s| (*s).to_owned()).collect(),
                config_schema: a.config_schema(),
                default_config: a.default_config(),
            })
            .collect(),
    )
}

/// List servers with their status, PID, uptime and ports.
#[utoipa::path(tag = "servers", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, description = "One page of servers", body = ServerPage)))]
#[get("/servers")]
async fn list_servers(
    state: web::Data<AppState>,
    _p: Principal,
    query: Query<PageQuery>,
) -> ApiResult<web::Json<ServerPage>> {
    Ok(web::Json(
        service::list(&state.runtime, &state.server_listing, query.0.parse()?).await?,
    ))
}

/// Register a server. Passwords that are not given are generated where the game needs them.
#[utoipa::path(tag = "servers", request_body = CreateServerRequest, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Server),
        (status = 409, description = "The name is taken", body = ErrorBody)))]
#[post("/servers")]
async fn create_server(
    state: web::Data<AppState>,
    p: Principal,
    body: Json<CreateServerRequest>,
) -> ApiResult<HttpResponse> {
    p.require(Role::Admin)?;
    Ok(HttpResponse::Created().json(
        service::create(
            &state.runtime,
            &state.supervisor,
            &state.config.data_dir,
            &EventActor::of(&p),
            body.0,
        )
        .await?,
    ))
}

/// One server.
#[utoipa::path(tag = "servers", params(ServerId), security(("bearer" = [])),
    responses((status = 200, description = "The server", body = Server)))]
#[get("/servers/{id}")]
async fn get_server(
    state: web::Data<AppState>,
    _p: Principal,
    id: web::Path<ServerId>,
) -> ApiResult<web::Json<Server>> {
    Ok(web::Json(service::get(&state.runtime, id.into_inner()).await?))
}

/// Change a server's settings (they apply at the next start).
#[utoipa::path(tag = "servers", params(ServerId), request_body = UpdateServerRequest, security(("bearer" = [])),
    responses((status = 200, description = "The updated server", body = Server),
        (status = 409, description = "The name is taken", body = ErrorBody)))]
#[patch("/servers/{id}")]
async fn update_server(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
    body: Json<UpdateServerRequest>,
) -> ApiResult<web::Json<Server>> {
    p.require(Role::Admin)?;
    Ok(web::Json(
        service::update(&state.runtime, &EventActor::of(&p), id.into_inner(), body.0).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// Also delete the server's directory (only one Languard created).
    pub purge: Option<bool>,
}

/// Delete a stopped server. Its files stay unless `purge=true`.
#[utoipa::path(tag = "servers", params(DeleteQuery, ServerId), security(("bearer" = [])),
    responses((status = 204, description = "Deleted"),
        (status = 409, description = "The server is running", body = ErrorBody)))]
#[delete("/servers/{id}")]
async fn delete_server(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
    query: Query<DeleteQuery>,
) -> ApiResult<HttpResponse> {
    p.require(Role::Admin)?;
    service::delete(
        &state.db,
        &state.supervisor,
        &state.config.data_dir,
        id.into_inner(),
        query.0.purge.unwrap_or(false),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The server's game configuration (passwords are not part of it).
#[utoipa::path(tag = "servers", params(ServerId), security(("bearer" = [])),
    responses((status = 200, description = "The config", body = Object)))]
#[get("/servers/{id}/config")]
async fn get_config(state: web::Data<AppState>, _p: Principal, id: web::Path<ServerId>) -> ApiResult<web::Json<Value>> {
    Ok(web::Json(service::config(&state.db, id.into_inner()).await?))
}

/// Replace the game configuration; it is validated against the game's schema (422 names the
/// field) and applies at the next start.
#[utoipa::path(tag = "servers", params(ServerId), request_body = Object, security(("bearer" = [])),
    responses((status = 200, description = "The stored, completed config", body = Object)))]
#[put("/servers/{id}/config")]
async fn put_config(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
    body: Json<Value>,
) -> ApiResult<web::Json<Value>> {
    p.require(Role::Admin)?;
    Ok(web::Json(
        service::set_config(
            &state.db,
            &state.bus,
            &state.runtime.secret_box,
            &EventActor::of(&p),
            id.into_inner(),
            body.0,
        )
        .await?,
    ))
}

/// The files and command line a start would use, with passwords masked.
#[utoipa::path(tag = "servers", params(ServerId), security(("bearer" = [])),
    responses((status = 200, description = "Rendered files", body = ConfigPreview)))]
#[get("/servers/{id}/config/preview")]
async fn preview_config(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
) -> ApiResult<web::Json<ConfigPreview>> {
    p.require(Role::Admin)?;
    Ok(web::Json(service::preview(&state.runtime, id.into_inner()).await?))
}

async fn power(state: &AppState, p: &Principal, id: ServerId, action: Power) -> ApiResult<HttpResponse> {
    p.require(Role::Operator)?;
    let status = state.supervisor.power(id, action, EventActor::of(p)).await?;
    Ok(HttpResponse::Accepted().json(PowerAccepted { status }))
}

/// Start the server. 409 when it already runs or a port it needs is taken; 422 when the
/// executable is missing or not allowed or the config is invalid.
#[utoipa::path(tag = "servers", params(ServerId), security(("bearer" = [])),
    responses((status = 202, description = "Starting; the outcome arrives as events", body = PowerAccepted),
        (status = 409, description = "Illegal in the current state, a port is in use, or a file to write is behind a link leading outside the server directory", body = ErrorBody)))]
#[post("/servers/{id}/start")]
async fn start_server(state: web::Data<AppState>, p: Principal, id: web::Path<ServerId>) -> ApiResult<HttpResponse> {
    power(&state, &p, id.into_inner(), Power::Start).await
}

/// Stop the server gracefully; the process group is killed after the stop timeout.
#[utoipa::path(tag = "servers", params(ServerId), security(("bearer" = [])),
    responses((status = 202, description = "Stopping", body = PowerAccepted),
        (status = 409, description = "Illegal in the current state", body = ErrorBody)))]
#[post("/servers/{id}/stop")]
async fn stop_server(state: web::Data<AppState>, p: Principal, id: web::Path<ServerId>) -> ApiResult<HttpResponse> {
    power(&state, &p, id.into_inner(), Power::Stop).await
}

/// Stop (if running) and start again.
#[utoipa::path(tag = "servers", params(ServerId), security(("bearer" = [])),
    responses((status = 202, description = "Restarting", body = PowerAccepted),
        (status = 409, description = "A port is in use", body = ErrorBody)))]
#[post("/servers/{id}/restart")]
async fn restart_server(state: web::Data<AppState>, p: Principal, id: web::Path<ServerId>) -> ApiResult<HttpResponse> {
    power(&state, &p, id.into_inner(), Power::Restart).await
}

/// Kill the process group at once (also while a stop is in progress).
#[utoipa::path(tag = "servers", params(ServerId), security(("bearer" = [])),
    responses((status = 202, description = "Killed", body = PowerAccepted),
        (status = 409, description = "Nothing runs", body = ErrorBody)))]
#[post("/servers/{id}/kill")]
async fn kill_server(state: web::Data<AppState>, p: Principal, id: web::Path<ServerId>) -> ApiResult<HttpResponse> {
    power(&state, &p, id.into_inner(), Power::Kill).await
}

/// The server's event timeline, newest first.
#[utoipa::path(tag = "servers", params(PageQuery, ServerId), security(("bearer" = [])),
    responses((status = 200, description = "One page of events", body = ServerEventPage)))]
#[get("/servers/{id}/events")]
async fn list_events(
    state: web::Data<AppState>,
    _p: Principal,
    id: web::Path<ServerId>,
    query: Query<PageQuery>,
) -> ApiResult<web::Json<ServerEventPage>> {
    let id = id.into_inner();
    store::row(&state.db, id).await?;
    Ok(web::Json(store::events(&state.db, id, query.0.parse()?).await?))
}
