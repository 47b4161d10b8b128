//! `/api/v1/bans` and banning a player from a server (operators); everyone may read bans.

use actix_web::{delete, get, post, web, HttpResponse};

use super::enforce;
use super::model::{Ban, BanPage, BanRequest, BansQuery};
use super::store::{self, BanFilter, NewBan};
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::db::now;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::games::moderation::{self, clean_text, Target};
use crate::games::roster::IdentityKind;
use crate::http::extract::{Json, Query};
use crate::http::page::PageRequest;
use crate::ids::{BanId, PlayerId, ServerId};
use crate::players::store as players_store;
use crate::servers::event_actor::EventActor;
use crate::servers::store as servers_store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(ban_player).service(list_bans).service(lift_ban);
}

/// Longest ban with a duration: ten years.
const MAX_MINUTES: i64 = 5_256_000;

/// Ban a player from this server (or, with `global`, from every server of a game that names
/// players the same way). Written into the game's own ban list at once where the server runs,
/// and again whenever the player joins a server it applies to.
#[utoipa::path(tag = "bans", params(("id" = i64, Path), ("player" = i64, Path)), request_body = BanRequest, security(("bearer" = [])),
    responses((status = 201, description = "Banned", body = Ban),
        (status = 422, description = "Invalid duration or reason, or the player is from another game", body = ErrorBody)))]
#[post("/servers/{id}/players/{player}/ban")]
async fn ban_player(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(ServerId, PlayerId)>,
    body: Json<BanRequest>,
) -> ApiResult<HttpResponse> {
    p.require(Role::Operator)?;
    let (server, player_id) = path.into_inner();
    let request = body.0;
    let expires_at = match (request.duration_minutes, request.permanent) {
        (Some(_), Some(true)) => {
            return Err(ApiError::validation(
                "permanent",
                "give either duration_minutes or permanent: true",
            ))
        }
        (Some(m), _) if !(1..=MAX_MINUTES).contains(&m) => {
            return Err(ApiError::validation(
                "duration_minutes",
                format!("must be between 1 and {MAX_MINUTES}"),
            ))
        }
        (Some(m), _) => Some(now() + chrono::Duration::minutes(m)),
        (None, Some(true)) => None,
        (None, _) => {
            return Err(ApiError::validation(
                "duration_minutes",
                "give duration_minutes, or permanent: true",
            ))
        }
    };
    let reason =
        clean_text(request.reason.as_deref().unwrap_or(""), 200).map_err(|m| ApiError::validation("reason", m))?;
    let row = servers_store::row(&state.db, server).await?;
    let player = players_store::player_row(&state.db, player_id).await?;
    let server_kind = row.game.rcon_flavour().map(IdentityKind::of);
    if server_kind != Some(player.kind) {
        return Err(ApiError::validation(
            "player",
            format!(
                "player {player_id} is a {} player; server {server} runs {}",
                player.kind, row.game
            ),
        ));
    }
    // Refused before the ban exists when the game could not take its reason (or the name).
    let target = Target {
        kind: player.kind,
        identity: &player.identity,
        name: &player.name,
        slot: None,
    };
    if let Some(flavour) = row.game.rcon_flavour() {
        moderation::ban(flavour, &target, None, &reason)?;
    }
    let ban = store::create(
        &state.db,
        NewBan {
            player_id,
            server_id: (!request.global.unwrap_or(false)).then_some(server),
            reason,
            created_by: p.username.clone(),
            expires_at,
        },
    )
    .await?;
    enforce::apply(&state.runtime, &state.supervisor, &EventActor::of(&p), &ban, &player).await?;
    Ok(HttpResponse::Created().json(store::get(&state.db, ban.id).await?))
}

/// Bans, newest first.
#[utoipa::path(tag = "bans", params(BansQuery), security(("bearer" = [])),
    responses((status = 200, description = "One page of bans", body = BanPage)))]
#[get("/bans")]
async fn list_bans(
    state: web::Data<AppState>,
    _p: Principal,
    query: Query<BansQuery>,
) -> ApiResult<web::Json<BanPage>> {
    let q = query.0;
    let page = PageRequest::parse(q.page, q.per_page)?;
    let search = q.search.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if search.as_ref().is_some_and(|s| s.chars().count() > 100) {
        return Err(ApiError::validation("search", "must be at most 100 characters"));
    }
    let filter = BanFilter {
        active: q.active,
        server_id: q.server_id.map(ServerId),
        player_id: q.player_id.map(PlayerId),
        search,
    };
    let (items, total) = store::list(&state.db, filter, page).await?;
    Ok(web::Json(BanPage::new(items, page, total)))
}

/// Lift a ban everywhere: in Languard at once, in each game's list now where the server runs,
/// else when its RCON next comes up. 409 when it was already lifted.
#[utoipa::path(tag = "bans", params(BanId), security(("bearer" = [])),
    responses((status = 204, description = "Lifted"),
        (status = 409, description = "Already lifted", body = ErrorBody)))]
#[delete("/bans/{id}")]
async fn lift_ban(state: web::Data<AppState>, p: Principal, id: web::Path<BanId>) -> ApiResult<HttpResponse> {
    p.require(Role::Operator)?;
    enforce::lift(
        &state.runtime,
        &state.supervisor,
        &EventActor::of(&p),
        id.into_inner(),
        p.username.clone(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
