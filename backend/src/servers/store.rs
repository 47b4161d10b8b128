//! Server rows and their event log: the supervisor records every transition here, the HTTP
//! layer reads from here.

use diesel::prelude::*;
use serde_json::Value;

use super::event_actor::EventActor;
use super::model::{ProcessId, ServerEventPage, ServerEventRow, ServerRow, ServerState};
use crate::db::schema::{server_events, servers};
use crate::db::{now, Db, Table};
use crate::error::{ApiError, ApiResult};
use crate::games::{GameId, Secrets};
use crate::http::page::PageRequest;
use crate::ids::ServerId;
use crate::secrets::SecretBox;
use crate::with_conn;

/// `true` after a change to the config, mods or rotation; a start clears it before it reads
/// them, so a change made during the start still shows. The API shows it for active servers only.
pub async fn set_restart_required(db: &Db, id: ServerId, required: bool) -> ApiResult<()> {
    db.write(Table::Servers, move |pool| {
        with_conn!(pool, |c| {
            diesel::update(servers::table.filter(servers::id.eq(id)))
                .set(servers::restart_required.eq(required))
                .execute(c)?;
            Ok(())
        })
    })
    .await
}

/// A process is there (or about to be); not for a state this version does not know.
pub fn is_active(row: &ServerRow) -> bool {
    row.state.get().is_ok_and(ServerState::is_active)
}

pub fn not_found(id: ServerId) -> ApiError {
    ApiError::NotFound(format!("server {id} does not exist"))
}

pub async fn row(db: &Db, id: ServerId) -> ApiResult<ServerRow> {
    db.run(move |pool| {
        with_conn!(pool, |c| servers::table
            .find(id)
            .select(ServerRow::as_select())
            .first(c)
            .optional()?
            .ok_or_else(|| not_found(id)))
    })
    .await
}

pub async fn all_ids(db: &Db) -> ApiResult<Vec<ServerId>> {
    db.run(|pool| {
        with_conn!(pool, |c| servers::table
            .select(servers::id)
            .load(c)
            .map_err(ApiError::from))
    })
    .await
}

/// (id, game) of every server.
pub async fn games(db: &Db) -> ApiResult<Vec<(ServerId, GameId)>> {
    db.run(|pool| {
        with_conn!(pool, |c| servers::table
            .select((servers::id, servers::game))
            .load(c)
            .map_err(ApiError::from))
    })
    .await
}

/// Records the runtime state with the process it has (if any), when that process started and
/// the boot its start ticks count from.
pub async fn set_runtime(
    db: &Db,
    id: ServerId,
    state: ServerState,
    process: Option<(ProcessId, chrono::NaiveDateTime, Option<String>)>,
) -> ApiResult<()> {
    let pid = process.as_ref().map(|(p, _, _)| i64::from(p.pid));
    let ticks = process.as_ref().map(|(p, _, _)| p.start_ticks as i64);
    let started_at = process.as_ref().map(|(_, at, _)| *at);
    let boot = process.and_then(|(_, _, boot)| boot);
    db.write(Table::Servers, move |pool| {
        with_conn!(pool, |c| diesel::update(servers::table.find(id))
            .set((
                servers::state.eq(state),
                servers::pid.eq(pid),
                servers::pid_start_ticks.eq(ticks),
                servers::started_at.eq(started_at),
                servers::pid_boot_id.eq(&boot),
            ))
            .execute(c)
            .map(|_| ())
            .map_err(ApiError::from))
    })
    .await
}

/// Appends to a server's event timeline and announces the row on the bus.
pub async fn add_event(
    db: &Db,
    bus: &crate::events::Bus,
    id: ServerId,
    by: &EventActor,
    kind: &'static str,
    message: String,
    detail: Option<Value>,
) -> ApiResult<()> {
    let text = detail.as_ref().map(|d| d.to_string());
    let by = by.clone();
    let row: ServerEventRow = db
        .run(move |pool| {
            with_conn!(pool, |c| diesel::insert_into(server_events::table)
                .values((
                    server_events::server_id.eq(id),
                    server_events::created_at.eq(now()),
                    server_events::kind.eq(kind),
                    server_events::message.eq(&message),
                    server_events::detail.eq(&text),
                    server_events::actor_kind.eq(by.kind.as_str()),
                    server_events::actor_id.eq(by.id),
                    server_events::actor_name.eq(&by.name),
                ))
                .returning(ServerEventRow::as_returning())
                .get_result(c)
                .map_err(ApiError::from))
        })
        .await?;
    if let Ok(data) = serde_json::to_value(super::model::ServerEvent::from(row)) {
        bus.publish(crate::events::Channel::Event, Some(id), data);
    }
    Ok(())
}

/// Newest first.
pub async fn events(db: &Db, id: ServerId, request: PageRequest) -> ApiResult<ServerEventPage> {
    db.run(move |pool| {
        with_conn!(pool, |c| {
            let total: i64 = server_events::table
                .filter(server_events::server_id.eq(id))
                .count()
                .get_result(c)?;
            let rows: Vec<ServerEventRow> = server_events::table
                .filter(server_events::server_id.eq(id))
                .select(ServerEventRow::as_select())
                .order(server_events::id.desc())
                .limit(request.per_page)
                .offset(request.offset())
                .load(c)?;
            Ok(ServerEventPage::new(
                rows.into_iter().map(Into::into).collect(),
                request,
                total,
            ))
        })
    })
    .await
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct StoredSecrets {
    rcon_password: Option<String>,
    game_password: Option<String>,
    admin_password: Option<String>,
}

pub fn seal_secrets(secret_box: &SecretBox, secrets: &Secrets) -> ApiResult<String> {
    let stored = StoredSecrets {
        rcon_password: secrets.rcon_password.clone(),
        game_password: secrets.game_password.clone(),
        admin_password: secrets.admin_password.clone(),
    };
    let text = serde_json::to_string(&stored).map_err(ApiError::internal)?;
    secret_box.seal(&text).map_err(ApiError::internal)
}

pub fn open_secrets(secret_box: &SecretBox, sealed: &str) -> ApiResult<Secrets> {
    let text = secret_box.open(sealed).map_err(ApiError::internal)?;
    let stored: StoredSecrets = serde_json::from_str(&text).map_err(ApiError::internal)?;
    Ok(Secrets {
        rcon_password: stored.rcon_password,
        game_password: stored.game_password,
        admin_password: stored.admin_password,
    })
}
