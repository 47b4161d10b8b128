//! Server registration and configuration rules.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use diesel::prelude::*;
use serde_json::Value;

use super::event_actor::EventActor;
use super::facts::Facts;
use super::model::{
    ConfigPreview, CreateServerRequest, PreviewFile, Server, ServerPage, ServerRow, ServerState, UpdateServerRequest,
};
use super::validate::{
    default_directory, map_unique, merge_secrets, name_taken, validate_name, validate_port, validate_range,
};
use super::{import, store};
use crate::db::schema::servers;
use crate::db::snapshot::Snapshot;
use crate::db::{now, to_utc, Db};
use crate::db::{Table, WriteTransaction};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::games::{self, Secrets};
use crate::http::page::PageRequest;
use crate::ids::ServerId;
use crate::runtime::Runtime;
use crate::supervisor::plan::{check_executable, plan_for};
use crate::supervisor::Supervisor;
use crate::with_conn;

const MASK: &str = "********";

pub fn to_api(row: ServerRow, rt: &Runtime) -> ApiResult<Server> {
    let facts = rt.facts.get(&row, &rt.secret_box)?;
    view(&row, &facts, rt)
}

fn view(row: &ServerRow, facts: &Facts, rt: &Runtime) -> ApiResult<Server> {
    let (live, rcon) = rt.board.summary(row.id);
    let ports = facts.ports.clone();
    let status = row.state.get()?;
    let started_at = row.started_at.filter(|_| status.is_active()).map(to_utc);
    Ok(Server {
        id: row.id,
        name: row.name.clone(),
        game: row.game,
        executable: row.executable.clone(),
        game_port: u16::try_from(row.game_port).unwrap_or_default(),
        directory: row.directory.clone(),
        status,
        pid: row.pid.filter(|_| status.is_active()),
        started_at,
        uptime_seconds: started_at.map(|t| (chrono::Utc::now() - t).num_seconds().max(0)),
        ports,
        auto_restart: row.auto_restart,
        max_restarts: row.max_restarts,
        restart_window_secs: row.restart_window_secs,
        stop_timeout_secs: row.stop_timeout_secs,
        has_rcon_password: facts.has_rcon_password,
        has_game_password: facts.has_game_password,
        has_admin_password: facts.has_admin_password,
        live,
        rcon,
        restart_required: row.restart_required && status.is_active(),
        imported: row.imported.as_deref().and_then(|t| serde_json::from_str(t).ok()),
        created_at: to_utc(row.created_at),
        updated_at: to_utc(row.updated_at),
    })
}

/// Every server row, in id order, with what its view derives from it: kept in memory between
/// writes to the table, since dashboards list servers far more often than servers change.
pub type Listing = Vec<(ServerRow, Arc<Facts>)>;

pub async fn list(rt: &Runtime, listing: &Snapshot<Listing>, request: PageRequest) -> ApiResult<ServerPage> {
    let all = listing
        .get(&rt.db, || async {
            let rows: Vec<ServerRow> = rt
                .db
                .run(|pool| {
                    with_conn!(pool, |c| servers::table
                        .select(ServerRow::as_select())
                        .order(servers::id.asc())
                        .load(c)
                        .map_err(ApiError::from))
                })
                .await?;
            rows.into_iter()
                .map(|row| {
                    let facts = rt.facts.get(&row, &rt.secret_box)?;
                    Ok((row, facts))
                })
                .collect::<ApiResult<Listing>>()
        })
        .await?;
    let items = all
        .iter()
        .skip(usize::try_from(request.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(request.per_page).unwrap_or(0))
        .map(|(row, facts)| view(row, facts, rt))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(ServerPage::new(items, request, all.len() as i64))
}

pub async fn get(rt: &Runtime, id: ServerId) -> ApiResult<Server> {
    to_api(store::row(&rt.db, id).await?, rt)
}

/// Registers a server (new files under `data_dir`, or an existing install) and starts its actor.
pub async fn create(
    rt: &Runtime,
    supervisor: &Supervisor,
    data_dir: &Path,
    by: &EventActor,
    request: CreateServerRequest,
) -> ApiResult<Server> {
    let name = validate_name(&request.name)?;
    let adapter = request.game.adapter();
    let executable = PathBuf::from(&request.executable);
    check_executable(adapter, &executable, false)?;
    let game_port = validate_port(request.game_port)?;
    let requested = request.config.unwrap_or_else(|| Value::Object(Default::default()));
    adapter.validate(&requested)?;
    let directory = match request.directory {
        Some(dir) => {
            let plain = Path::new(&dir)
                .components()
                .all(|c| matches!(c, Component::RootDir | Component::Normal(_)));
            if !Path::new(&dir).is_absolute() || !plain {
                return Err(ApiError::validation(
                    "directory",
                    "must be an absolute path without `.` or `..`",
                ));
            }
            PathBuf::from(dir)
        }
        None => default_directory(data_dir, &name),
    };
    let directory = std::path::absolute(&directory).map_err(ApiError::internal)?;
    let max_restarts = validate_range("max_restarts", request.max_restarts, 0, 100, 3)?;
    let window = validate_range("restart_window_secs", request.restart_window_secs, 10, 86_400, 600)?;
    let stop_timeout = validate_range("stop_timeout_secs", request.stop_timeout_secs, 1, 3600, 30)?;
    // An existing install: its own config files fill in what the request does not give.
    let dir_to_read = directory.clone();
    let import::Imported {
        config,
        secrets: found_secrets,
        mut report,
    } = tokio::task::spawn_blocking(move || import::read_install(adapter, &dir_to_read, &requested))
        .await
        .map_err(ApiError::internal)??;
    let found_secrets = import::usable_secrets(found_secrets, report.as_mut());
    let secrets = merge_secrets(adapter, found_secrets, request.secrets)?;
    // The plan must work with these values (e.g. no port clash between game and RCON).
    adapter.plan(&games::ServerSpec {
        directory: &directory,
        executable: &executable,
        game_port: request.game_port,
        config: &config,
        secrets: &secrets,
        mods: &[],
    })?;
    let sealed = store::seal_secrets(&rt.secret_box, &secrets)?;
    let dir_for_fs = directory.clone();
    tokio::task::spawn_blocking(move || std::fs::create_dir_all(&dir_for_fs))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::validation("directory", format!("cannot create it: {e}")))?;
    let game = adapter.id();
    let config_text = config.to_string();
    let dir_text = directory.display().to_string();
    let auto_restart = request.auto_restart.unwrap_or(true);
    let imported_text = report
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(ApiError::internal)?;
    let row: ServerRow = rt
        .db
        .write(Table::Servers, move |pool| {
            let t = now();
            with_conn!(pool, |c| c.write_transaction(|c| {
                let taken: i64 = servers::table.filter(servers::name.eq(&name)).count().get_result(c)?;
                if taken > 0 {
                    return Err(name_taken(&name));
                }
                diesel::insert_into(servers::table)
                    .values((
                        servers::name.eq(&name),
                        servers::game.eq(game),
                        servers::executable.eq(&request.executable),
                        servers::game_port.eq(game_port),
                        servers::directory.eq(&dir_text),
                        servers::config.eq(&config_text),
                        servers::secrets.eq(&sealed),
                        servers::auto_restart.eq(auto_restart),
                        servers::max_restarts.eq(max_restarts),
                        servers::restart_window_secs.eq(window),
                        servers::stop_timeout_secs.eq(stop_timeout),
                        servers::state.eq(ServerState::Stopped),
                        servers::created_at.eq(t),
                        servers::updated_at.eq(t),
                        servers::imported.eq(&imported_text),
                    ))
                    .returning(ServerRow::as_returning())
                    .get_result(c)
                    .map_err(map_unique(&name))
            }))
        })
        .await?;
    store::add_event(
        &rt.db,
        &rt.bus,
        row.id,
        by,
        "created",
        format!("server `{}` created", row.name),
        None,
    )
    .await?;
    if let Some(report) = &report {
        store::add_event(
            &rt.db,
            &rt.bus,
            row.id,
            by,
            "config_imported",
            import::summary(report),
            serde_json::to_value(report).ok(),
        )
        .await?;
    }
    supervisor.attach(row.id);
    to_api(row, rt)
}

pub async fn update(rt: &Runtime, by: &EventActor, id: ServerId, request: UpdateServerRequest) -> ApiResult<Server> {
    let row = store::row(&rt.db, id).await?;
    let adapter = row.game.adapter();
    let runtime_change = request.executable.is_some() || request.game_port.is_some() || request.secrets.is_some();
    if runtime_change && row.state.get()?.is_active() {
        // The running process was started with the old values; the supervisor still needs them.
        return Err(ApiError::conflict(
            ErrorKind::InvalidState,
            format!(
                "stop the server before changing its executable, port or passwords (it is {})",
                row.state.get()?.as_str()
            ),
        ));
    }
    let name = request.name.as_deref().map(validate_name).transpose()?;
    if let Some(exe) = &request.executable {
        check_executable(adapter, Path::new(exe), false)?;
    }
    let game_port = request.game_port.map(validate_port).transpose()?;
    let max_restarts = request
        .max_restarts
        .map(|v| validate_range("max_restarts", Some(v), 0, 100, 3))
        .transpose()?;
    let window = request
        .restart_window_secs
        .map(|v| validate_range("restart_window_secs", Some(v), 10, 86_400, 600))
        .transpose()?;
    let stop_timeout = request
        .stop_timeout_secs
        .map(|v| validate_range("stop_timeout_secs", Some(v), 1, 3600, 30))
        .transpose()?;
    let sealed = match request.secrets {
        Some(input) => {
            let current = store::open_secrets(&rt.secret_box, &row.secrets)?;
            let merged = merge_secrets(adapter, current, Some(input))?;
            Some(store::seal_secrets(&rt.secret_box, &merged)?)
        }
        None => None,
    };
    // The changed server must still be startable (e.g. RCON port = game port + 10 must fit).
    let mut merged = row.clone();
    if let Some(exe) = &request.executable {
        merged.executable = exe.clone();
    }
    if let Some(port) = game_port {
        merged.game_port = port;
    }
    if let Some(sealed) = &sealed {
        merged.secrets = sealed.clone();
    }
    plan_for(&merged, &rt.secret_box, &[])?;
    let executable = request.executable;
    let auto_restart = request.auto_restart;
    let conflict_name = name.clone().unwrap_or_default();
    let row: ServerRow = rt
        .db
        .write(Table::Servers, move |pool| {
            with_conn!(pool, |c| diesel::update(servers::table.find(id))
                .set((
                    name.as_ref().map(|n| servers::name.eq(n)),
                    executable.as_ref().map(|e| servers::executable.eq(e)),
                    game_port.map(|p| servers::game_port.eq(p)),
                    auto_restart.map(|a| servers::auto_restart.eq(a)),
                    max_restarts.map(|m| servers::max_restarts.eq(m)),
                    window.map(|w| servers::restart_window_secs.eq(w)),
                    stop_timeout.map(|s| servers::stop_timeout_secs.eq(s)),
                    sealed.as_ref().map(|s| servers::secrets.eq(s)),
                    servers::updated_at.eq(now()),
                ))
                .returning(ServerRow::as_returning())
                .get_result(c)
                .map_err(map_unique(&conflict_name)))
        })
        .await?;
    store::add_event(
        &rt.db,
        &rt.bus,
        id,
        by,
        "updated",
        "settings changed; they apply at the next start".into(),
        None,
    )
    .await?;
    to_api(row, rt)
}

/// Deletes a server (`purge`: and its directory, when it is one under `data_dir/servers`).
pub async fn delete(db: &Db, supervisor: &Supervisor, data_dir: &Path, id: ServerId, purge: bool) -> ApiResult<()> {
    let row = store::row(db, id).await?;
    let directory = PathBuf::from(&row.directory);
    // Only a folder strictly inside <data_dir>/servers, compared after resolving symlinks and `..`.
    let ours = data_dir.join("servers").canonicalize().ok();
    let resolved = directory.canonicalize().ok();
    let inside = match (&ours, &resolved) {
        (Some(ours), Some(dir)) => dir.starts_with(ours) && dir != ours,
        // Already gone: nothing to delete.
        (_, None) => true,
        (None, Some(_)) => false,
    };
    if purge && !inside {
        return Err(ApiError::validation(
            "purge",
            "only directories Languard created can be purged; this server uses an existing install",
        ));
    }
    supervisor.retire(id).await?;
    db.write(Table::Servers, move |pool| {
        with_conn!(pool, |c| diesel::delete(servers::table.find(id))
            .execute(c)
            .map(|_| ())
            .map_err(ApiError::from))
    })
    .await?;
    if purge {
        tokio::task::spawn_blocking(move || std::fs::remove_dir_all(&directory))
            .await
            .map_err(ApiError::internal)?
            .or_else(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Ok(())
                } else {
                    Err(e)
                }
            })
            .map_err(ApiError::internal)?;
    }
    Ok(())
}

pub async fn config(db: &Db, id: ServerId) -> ApiResult<Value> {
    let row = store::row(db, id).await?;
    serde_json::from_str(&row.config).map_err(ApiError::internal)
}

pub async fn set_config(
    db: &crate::db::Db,
    bus: &crate::events::Bus,
    secret_box: &crate::secrets::SecretBox,
    by: &EventActor,
    id: ServerId,
    config: Value,
) -> ApiResult<Value> {
    let row = store::row(db, id).await?;
    let adapter = row.game.adapter();
    let config = adapter.validate(&config)?;
    let secrets = store::open_secrets(secret_box, &row.secrets)?;
    adapter.plan(&games::ServerSpec {
        directory: Path::new(&row.directory),
        executable: Path::new(&row.executable),
        game_port: u16::try_from(row.game_port).unwrap_or_default(),
        config: &config,
        secrets: &secrets,
        mods: &[],
    })?;
    let text = config.to_string();
    db.write(Table::Servers, move |pool| {
        with_conn!(pool, |c| diesel::update(servers::table.find(id))
            .set((servers::config.eq(&text), servers::updated_at.eq(now())))
            .execute(c)
            .map(|_| ())
            .map_err(ApiError::from))
    })
    .await?;
    store::add_event(
        db,
        bus,
        id,
        by,
        "config_changed",
        "configuration changed; it applies at the next start".into(),
        None,
    )
    .await?;
    store::set_restart_required(db, id, true).await?;
    Ok(config)
}

/// The files a start would write, with every password replaced by `********`. The plan is
/// rendered with stand-in passwords, so escaping (e.g. `\:` in properties) cannot reveal one.
pub async fn preview(rt: &Runtime, id: ServerId) -> ApiResult<ConfigPreview> {
    const STAND_INS: [&str; 3] = [
        "LanguardMaskedRcon7f3a",
        "LanguardMaskedGame7f3a",
        "LanguardMaskedAdmin7f3a",
    ];
    let mut row = store::row(&rt.db, id).await?;
    let real = store::open_secrets(&rt.secret_box, &row.secrets)?;
    let stand_in = |secret: &Option<String>, value: &str| secret.as_ref().map(|_| value.to_owned());
    let masked = Secrets {
        rcon_password: stand_in(&real.rcon_password, STAND_INS[0]),
        game_password: stand_in(&real.game_password, STAND_INS[1]),
        admin_password: stand_in(&real.admin_password, STAND_INS[2]),
    };
    row.secrets = store::seal_secrets(&rt.secret_box, &masked)?;
    let mods = crate::content::server_mods::launch_mods(&rt.db, id, &rt.mods_root).await?;
    let (_, plan) = plan_for(&row, &rt.secret_box, &mods)?;
    let mask = |text: &str| STAND_INS.iter().fold(text.to_owned(), |acc, s| acc.replace(s, MASK));
    Ok(ConfigPreview {
        program: plan.program.display().to_string(),
        args: plan.args.iter().map(|a| mask(a)).collect(),
        files: plan
            .files
            .iter()
            .map(|f| PreviewFile {
                path: f.path.display().to_string(),
                contents: mask(&f.contents),
            })
            .collect(),
        ports: plan.ports,
    })
}
