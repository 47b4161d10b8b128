//! Content routes: a server's missions (or maps, datapacks) and rotation, the mod library and
//! each server's mod set. Viewers read; admins change; operators switch the running mission.

use actix_multipart::Multipart;
use actix_web::{delete, get, patch, post, put, web, HttpMessage, HttpRequest, HttpResponse};

use super::missions::{self, ContentList, UploadForm, Uploaded};
use super::mods::{self, Mod, ModPatch, NewMod, ScanResult};
use super::rotation::{self, Applied, ApplyRequest, Rotation, RotationInput};
use super::server_mods::{self, ServerMods, ServerModsInput};
use crate::app::AppState;
use crate::audit::RequestSummary;
use crate::auth::{Principal, Role};
use crate::db::Db;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorKind};
use crate::http::extract::Json;
use crate::ids::ServerId;
use crate::servers::event_actor::EventActor;
use crate::servers::store as servers_store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_content)
        .service(upload_content)
        .service(delete_content)
        .service(get_rotation)
        .service(put_rotation)
        .service(apply_rotation)
        .service(list_mods)
        .service(create_mod)
        .service(scan_mods)
        .service(get_mod)
        .service(patch_mod)
        .service(delete_mod)
        .service(get_server_mods)
        .service(put_server_mods);
}

/// The server's content folder: Arma missions (`mpmissions/*.pbo`), Source maps
/// (`<game>/maps/*.bsp`) or Minecraft datapacks (`<world>/datapacks/*.zip`).
#[utoipa::path(tag = "content", params(ServerId), security(("bearer" = [])),
    responses((status = 200, description = "The files, newest first", body = ContentList),
        (status = 404, description = "No such server", body = ErrorBody),
        (status = 409, description = "The game has no content folder, or the folder is a link leading outside the server directory", body = ErrorBody)))]
#[get("/servers/{id}/missions")]
async fn list_content(
    state: web::Data<AppState>,
    _p: Principal,
    id: web::Path<ServerId>,
) -> ApiResult<web::Json<ContentList>> {
    Ok(web::Json(
        missions::list(&state.db, &state.bus, state.config.max_upload_bytes, id.into_inner()).await?,
    ))
}

/// Uploads one file (multipart field `file`). The name is checked (no folders, the game's
/// extension, `<mission>.<terrain>.pbo` for Arma) and lowercased; the file is written
/// atomically and replaces one of the same name.
#[utoipa::path(tag = "content", params(ServerId), security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, description = "Stored", body = Uploaded),
        (status = 400, description = "Not a readable multipart body", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such server", body = ErrorBody),
        (status = 409, description = "The game has no content folder, or the folder is a link leading outside the server directory", body = ErrorBody),
        (status = 413, description = "Larger than max_upload_bytes", body = ErrorBody),
        (status = 422, description = "The file name is refused (field `file`)", body = ErrorBody)))]
#[post("/servers/{id}/missions")]
async fn upload_content(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    p.require(Role::Admin)?;
    let id = id.into_inner();
    let total = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let form = Multipart::new(req.headers(), payload.into_inner());
    let limit = state.config.max_upload_bytes;
    let uploaded = missions::upload(&state.db, &state.bus, limit, id, p.username.clone(), total, form).await?;
    req.extensions_mut()
        .insert(RequestSummary::from_body(serde_json::json!({
            "file": uploaded.file.name,
            "size_bytes": uploaded.file.size_bytes,
        })));
    Ok(HttpResponse::Created().json(uploaded))
}

/// Deletes a content file (409 for a mission in the rotation).
#[utoipa::path(tag = "content", params(("id" = i64, Path), ("file" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Deleted"),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such server or file", body = ErrorBody),
        (status = 409, description = "The mission is in the rotation, or the folder is a link leading outside the server directory", body = ErrorBody),
        (status = 422, description = "Not a valid file name", body = ErrorBody)))]
#[delete("/servers/{id}/missions/{file}")]
async fn delete_content(
    state: web::Data<AppState>,
    p: Principal,
    path: web::Path<(ServerId, String)>,
) -> ApiResult<HttpResponse> {
    p.require(Role::Admin)?;
    let (id, file) = path.into_inner();
    missions::delete(&state.db, &state.bus, id, &file).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The Arma mission rotation, in play order.
#[utoipa::path(tag = "content", params(ServerId), security(("bearer" = [])),
    responses((status = 200, description = "The rotation", body = Rotation),
        (status = 404, description = "No such server", body = ErrorBody),
        (status = 409, description = "Not an Arma server", body = ErrorBody)))]
#[get("/servers/{id}/missions/rotation")]
async fn get_rotation(
    state: web::Data<AppState>,
    _p: Principal,
    id: web::Path<ServerId>,
) -> ApiResult<web::Json<Rotation>> {
    Ok(web::Json(rotation::rotation(&state.db, id.into_inner()).await?))
}

/// Replaces the rotation; server.cfg's `class Missions` is rendered from it at the next start
/// (see the config preview). A running server is marked `restart_required`.
#[utoipa::path(tag = "content", params(ServerId), request_body = RotationInput, security(("bearer" = [])),
    responses((status = 200, description = "The saved rotation", body = Rotation),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such server", body = ErrorBody),
        (status = 409, description = "Not an Arma server", body = ErrorBody),
        (status = 422, description = "An entry is invalid (e.g. `rotation.1.mission`)", body = ErrorBody)))]
#[put("/servers/{id}/missions/rotation")]
async fn put_rotation(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
    body: Json<RotationInput>,
) -> ApiResult<web::Json<Rotation>> {
    p.require(Role::Admin)?;
    Ok(web::Json(
        rotation::set_rotation(
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

/// Switches the running server to a mission of the rotation now (`#mission` over RCON).
#[utoipa::path(tag = "content", params(ServerId), request_body = ApplyRequest, security(("bearer" = [])),
    responses((status = 200, description = "The command and the game's reply", body = Applied),
        (status = 403, description = "Operators and admins only", body = ErrorBody),
        (status = 409, description = "Not an Arma server, or not running", body = ErrorBody),
        (status = 422, description = "No such rotation entry (field `index`)", body = ErrorBody),
        (status = 502, description = "The game refused or broke the RCON exchange", body = ErrorBody),
        (status = 504, description = "The game did not answer in time", body = ErrorBody)))]
#[post("/servers/{id}/missions/rotation/apply")]
async fn apply_rotation(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
    body: Json<ApplyRequest>,
) -> ApiResult<web::Json<Applied>> {
    p.require(Role::Operator)?;
    Ok(web::Json(
        rotation::apply(
            &state.db,
            &state.bus,
            &state.supervisor,
            &EventActor::of(&p),
            id.into_inner(),
            body.0,
        )
        .await?,
    ))
}

/// The mod library, by name.
#[utoipa::path(tag = "content", security(("bearer" = [])),
    responses((status = 200, description = "Every registered mod", body = Vec<Mod>)))]
#[get("/mods")]
async fn list_mods(state: web::Data<AppState>, _p: Principal) -> ApiResult<web::Json<Vec<Mod>>> {
    Ok(web::Json(mods::list(&state.db).await?))
}

/// Registers a folder under `mods_root` (it must hold an `addons/` folder; its `.bikey` files
/// are found).
#[utoipa::path(tag = "content", request_body = NewMod, security(("bearer" = [])),
    responses((status = 201, description = "Registered", body = Mod),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 409, description = "The name or folder is already registered", body = ErrorBody),
        (status = 422, description = "A field is invalid (the field is named)", body = ErrorBody)))]
#[post("/mods")]
async fn create_mod(state: web::Data<AppState>, p: Principal, body: Json<NewMod>) -> ApiResult<HttpResponse> {
    p.require(Role::Admin)?;
    let created = mods::create(&state.db, &state.config.mods_root, body.0).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Registers every `@folder` under `mods_root` that is not in the library yet.
#[utoipa::path(tag = "content", security(("bearer" = [])),
    responses((status = 200, description = "What was added and what was skipped", body = ScanResult),
        (status = 403, description = "Admins only", body = ErrorBody)))]
#[post("/mods/scan")]
async fn scan_mods(state: web::Data<AppState>, p: Principal) -> ApiResult<web::Json<ScanResult>> {
    p.require(Role::Admin)?;
    Ok(web::Json(mods::scan(&state.db, &state.config.mods_root).await?))
}

#[utoipa::path(tag = "content", security(("bearer" = [])),
    responses((status = 200, description = "The mod", body = Mod),
        (status = 404, description = "No such mod", body = ErrorBody)))]
#[get("/mods/{id}")]
async fn get_mod(state: web::Data<AppState>, _p: Principal, id: web::Path<i64>) -> ApiResult<web::Json<Mod>> {
    Ok(web::Json(mods::get(&state.db, id.into_inner()).await?))
}

/// Renames a mod or changes its Workshop id or description (its folder stays).
#[utoipa::path(tag = "content", request_body = ModPatch, security(("bearer" = [])),
    responses((status = 200, description = "The mod", body = Mod),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such mod", body = ErrorBody),
        (status = 409, description = "The name is taken", body = ErrorBody),
        (status = 422, description = "A field is invalid (the field is named)", body = ErrorBody)))]
#[patch("/mods/{id}")]
async fn patch_mod(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<i64>,
    body: Json<ModPatch>,
) -> ApiResult<web::Json<Mod>> {
    p.require(Role::Admin)?;
    Ok(web::Json(mods::update(&state.db, id.into_inner(), body.0).await?))
}

/// Removes a mod from the library (its files stay on disk).
#[utoipa::path(tag = "content", security(("bearer" = [])),
    responses((status = 204, description = "Removed"),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such mod", body = ErrorBody),
        (status = 409, description = "A server uses it", body = ErrorBody)))]
#[delete("/mods/{id}")]
async fn delete_mod(state: web::Data<AppState>, p: Principal, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    p.require(Role::Admin)?;
    mods::delete(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn server_mods(db: &Db, id: ServerId) -> ApiResult<ServerMods> {
    let row = servers_store::row(db, id).await?;
    supports_mods(row.game)?;
    Ok(ServerMods {
        mods: server_mods::of_server(db, id).await?,
        restart_required: row.restart_required && servers_store::is_active(&row),
    })
}

fn supports_mods(game: crate::games::GameId) -> ApiResult<()> {
    let adapter = game.adapter();
    if adapter.supports_mods() {
        Ok(())
    } else {
        Err(ApiError::conflict(
            ErrorKind::Unsupported,
            format!("{} servers do not load library mods", adapter.name()),
        ))
    }
}

/// The server's mods in load order (Arma).
#[utoipa::path(tag = "content", params(ServerId), security(("bearer" = [])),
    responses((status = 200, description = "The mod set", body = ServerMods),
        (status = 404, description = "No such server", body = ErrorBody),
        (status = 409, description = "The game does not load library mods", body = ErrorBody)))]
#[get("/servers/{id}/mods")]
async fn get_server_mods(
    state: web::Data<AppState>,
    _p: Principal,
    id: web::Path<ServerId>,
) -> ApiResult<web::Json<ServerMods>> {
    Ok(web::Json(server_mods(&state.db, id.into_inner()).await?))
}

/// Replaces the server's mod set; the launch line gets `-mod=`/`-serverMod=` from it and, with
/// `verify_signatures` on, the mods' keys are installed at the next start.
#[utoipa::path(tag = "content", params(ServerId), request_body = ServerModsInput, security(("bearer" = [])),
    responses((status = 200, description = "The saved mod set", body = ServerMods),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such server", body = ErrorBody),
        (status = 409, description = "The game does not load library mods", body = ErrorBody),
        (status = 422, description = "An entry is invalid (e.g. `mods.2.mod`)", body = ErrorBody)))]
#[put("/servers/{id}/mods")]
async fn put_server_mods(
    state: web::Data<AppState>,
    p: Principal,
    id: web::Path<ServerId>,
    body: Json<ServerModsInput>,
) -> ApiResult<web::Json<ServerMods>> {
    p.require(Role::Admin)?;
    let id = id.into_inner();
    let row = servers_store::row(&state.db, id).await?;
    supports_mods(row.game)?;
    server_mods::set_of_server(&state.db, id, body.0.mods).await?;
    servers_store::set_restart_required(&state.db, id, true).await?;
    Ok(web::Json(server_mods(&state.db, id).await?))
}
