//! `/api/v1/players`, and per server: roster, sessions, live state, kick, say and raw RCON.
//! Viewers read (IP addresses only for admins), operators act, raw RCON is for admins.

use actix_web::{get, post, web};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{
    KickRequest, LiveState, PlayerDetail, PlayerPage, RconOutput, RconRequest, SayRequest, ServerPlayers, SessionPage,
};
use super::{console, queries, store};
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::bans;
use crate::db::text::within_years;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorKind};
use crate::games::moderation::{self, clean_text, Target};
use crate::http::extract::{Json, Query};
use crate::http::page::{PageQuery, PageRequest};
use crate::ids::{PlayerId, ServerId};
use crate::servers::store as servers_store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(server_players)
        .service(server_sessions)
        .service(live_state)
        .service(kick_player)
        .service(say)
        .service(rcon_command)
        .service(list_players)
        .service(get_player);
}

/// Who is on the server now (as of the last poll), with the RCON link's state.
#[utoipa::path(tag = "players", params(ServerId), security(("bearer" = [])),
    responses((status = 200, description = "The live roster", body = ServerPlayers)))]
#[get("/servers/{id}/players")]
async fn server_players(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
) -> ApiResult<web::Json<ServerPlayers>> {
    let id = id.into_inner();
    servers_store::row(&state.db, id).await?;
    let mut view = state.runtime.board.get(id).unwrap_or(ServerPlayers {
        monitored: false,
        rcon: None,
        polled_at: None,
        live: None,
        players: Vec::new(),
    });
    if !p.is_admin() {
        view.players.iter_mut().for_each(|player| player.ip = None);
    }
    Ok(web::Json(view))
}

/// Recent visits to the server, newest first.
#[utoipa::path(tag = "players", params(PageQuery, ServerId), security(("bearer" = [])),
    responses((status = 200, description = "One page of sessions", body = SessionPage)))]
#[get("/servers/{id}/sessions")]
async fn server_sessions(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
    query: Query<PageQuery>,
) -> ApiResult<web::Json<SessionPage>> {
    let id = id.into_inner();
    let page = query.0.parse()?;
    servers_store::row(&state.db, id).await?;
    let (items, total) = queries::sessions(&state.db, Some(id), None, page, p.is_admin()).await?;
    Ok(web::Json(SessionPage::new(items, page, total)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiveStateQuery {
    /// Start of the range (default: 24 hours before `to`).
    pub from: Option<DateTime<Utc>>,
    /// End of the range (default: now).
    pub to: Option<DateTime<Utc>>,
}

/// Players, max players, bots, map and hibernation over time: one row per stretch during which
/// nothing changed (at most 10 000 rows).
#[utoipa::path(tag = "players", params(LiveStateQuery, ServerId), security(("bearer" = [])),
    responses((status = 200, description = "Live-state history, oldest first", body = Vec<LiveState>)))]
#[get("/servers/{id}/live-state")]
async fn live_state(
    state: web::Data<AppState>,
    _p: Principal,
    id: web::Path<ServerId>,
    query: Query<LiveStateQuery>,
) -> ApiResult<web::Json<Vec<LiveState>>> {
    let id = id.into_inner();
    let to = within_years("to", query.0.to.unwrap_or_else(Utc::now))?;
    let from = match query.0.from {
        Some(from) => within_years("from", from)?,
        None => to - Duration::hours(24),
    };
    if from > to {
        return Err(ApiError::validation("from", "must not be after `to`"));
    }
    servers_store::row(&state.db, id).await?;
    Ok(web::Json(queries::live_states(&state.db, id, from, to).await?))
}

fn reason_of(reason: Option<&str>) -> ApiResult<String> {
    clean_text(reason.unwrap_or(""), 200).map_err(|m| ApiError::validation("reason", m))
}

/// Kick a player who is on the server now; the game's reply is returned.
#[utoipa::path(tag = "players", params(("id" = i64, Path), ("player" = i64, Path)), request_body = KickRequest, security(("bearer" = [])),
    responses((status = 200, description = "Kicked", body = RconOutput),
        (status = 409, description = "The server is not running or the player is not on it", body = ErrorBody),
        (status = 502, description = "The game refused or broke the RCON exchange", body = ErrorBody),
        (status = 504, description = "The game did not answer in time", body = ErrorBody)))]
#[post("/servers/{id}/players/{player}/kick")]
async fn kick_player(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(ServerId, PlayerId)>,
    body: Json<KickRequest>,
) -> ApiResult<web::Json<RconOutput>> {
    p.require(Role::Operator)?;
    let (server, player) = path.into_inner();
    let reason = reason_of(body.0.reason.as_deref())?;
    store::player_row(&state.db, player).await?;
    let (link, flavour) = console::link_of(&state.db, &state.supervisor, server).await?;
    let online = state
        .runtime
        .board
        .get(server)
        .and_then(|view| view.players.into_iter().find(|o| o.player_id == player))
        .ok_or_else(|| {
            ApiError::conflict(
                ErrorKind::PlayerNotOnline,
                format!("player {player} is not on server {server}"),
            )
        })?;
    let target = Target {
        kind: online.kind,
        identity: &online.identity,
        name: &online.name,
        slot: online.slot,
    };
    let command = moderation::kick(flavour, &target, &reason)?
        .ok_or_else(|| ApiError::conflict(ErrorKind::PlayerNotOnline, "the game gave no slot for this player"))?;
    let output = link.command(&command).await?;
    Ok(web::Json(RconOutput { output }))
}

/// Send a chat message to everyone on the server.
#[utoipa::path(tag = "players", params(ServerId), request_body = SayRequest, security(("bearer" = [])),
    responses((status = 200, description = "Sent", body = RconOutput),
        (status = 409, description = "The server is not running", body = ErrorBody),
        (status = 502, description = "The game refused or broke the RCON exchange", body = ErrorBody),
        (status = 504, description = "The game did not answer in time", body = ErrorBody)))]
#[post("/servers/{id}/say")]
async fn say(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
    body: Json<SayRequest>,
) -> ApiResult<web::Json<RconOutput>> {
    p.require(Role::Operator)?;
    let message = clean_text(&body.0.message, 400).map_err(|m| ApiError::validation("message", m))?;
    if message.is_empty() {
        return Err(ApiError::validation("message", "must not be empty"));
    }
    let (link, flavour) = console::link_of(&state.db, &state.supervisor, id.into_inner()).await?;
    let output = link.command(&moderation::say(flavour, &message)?).await?;
    Ok(web::Json(RconOutput { output }))
}

/// Run one raw console command over RCON and return the game's reply (admins only; the
/// command is kept in the audit log).
#[utoipa::path(tag = "players", params(ServerId), request_body = RconRequest, security(("bearer" = [])),
    responses((status = 200, description = "The game's reply", body = RconOutput),
        (status = 409, description = "The server is not running", body = ErrorBody),
        (status = 502, description = "The game refused or broke the RCON exchange", body = ErrorBody),
        (status = 504, description = "The game did not answer in time", body = ErrorBody)))]
#[post("/servers/{id}/rcon")]
async fn rcon_command(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
    body: Json<RconRequest>,
) -> ApiResult<web::Json<RconOutput>> {
    p.require(Role::Admin)?;
    let command = clean_text(&body.0.command, 1000).map_err(|m| ApiError::validation("command", m))?;
    if command.is_empty() {
        return Err(ApiError::validation("command", "must not be empty"));
    }
    let (link, _) = console::link_of(&state.db, &state.supervisor, id.into_inner()).await?;
    let output = link.command(&command).await?;
    Ok(web::Json(RconOutput { output }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlayersQuery {
    /// Part of any name the player used (or their Steam name), or of their identity.
    #[param(max_length = 100, pattern = r"^[^\u0000]*$")]
    pub search: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

/// Everyone ever seen on a managed server, most recently seen first.
#[utoipa::path(tag = "players", params(PlayersQuery), security(("bearer" = [])),
    responses((status = 200, description = "One page of players", body = PlayerPage)))]
#[get("/players")]
async fn list_players(
    state: web::Data<AppState>,
    _p: Principal,
    query: Query<PlayersQuery>,
) -> ApiResult<web::Json<PlayerPage>> {
    let q = query.0;
    let page = PageRequest::parse(q.page, q.per_page)?;
    let search = q.search.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if search.as_ref().is_some_and(|s| s.chars().count() > 100) {
        return Err(ApiError::validation("search", "must be at most 100 characters"));
    }
    let (items, total) = queries::players_page(&state.db, search, page).await?;
    Ok(web::Json(PlayerPage::new(items, page, total)))
}

/// One player: identity, Steam profile, names used, recent sessions across servers, bans.
#[utoipa::path(tag = "players", params(PlayerId), security(("bearer" = [])),
    responses((status = 200, description = "The player", body = PlayerDetail)))]
#[get("/players/{id}")]
async fn get_player(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<PlayerId>,
) -> ApiResult<web::Json<PlayerDetail>> {
    let id = id.into_inner();
    let player = queries::player(&state.db, id).await?;
    let names = queries::names(&state.db, id).await?;
    let recent = PageRequest::parse(Some(1), Some(100))?;
    let (sessions, _) = queries::sessions(&state.db, None, Some(id), recent, p.is_admin()).await?;
    let filter = bans::store::BanFilter {
        active: None,
        server_id: None,
        player_id: Some(id),
        search: None,
    };
    let (bans, _) = bans::store::list(&state.db, filter, PageRequest::parse(Some(1), Some(200))?).await?;
    Ok(web::Json(PlayerDetail {
        player,
        names,
        sessions,
        bans,
    }))
}
