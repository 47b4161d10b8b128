//! Each server's ordered mod set: stored per server, and turned into the folders and keys
//! its launch line needs.

use std::path::{Path, PathBuf};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::mods::inspect;
use crate::db::schema::{mods, server_mods};
use crate::db::{Db, WriteTransaction};
use crate::error::{ApiError, ApiResult};
use crate::games::LaunchMod;
use crate::ids::ServerId;
use crate::with_conn;

/// One entry of a server's mod set.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerModEntry {
    /// The library mod's id.
    #[serde(rename = "mod")]
    pub mod_id: i64,
    /// Loaded by the server only (`-serverMod`), not required from players (`-mod`).
    #[serde(default)]
    pub server_only: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerModsInput {
    /// In load order.
    pub mods: Vec<ServerModEntry>,
}

/// A server's mod set in load order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServerMods {
    pub mods: Vec<ServerMod>,
    /// Changed while the server runs: it takes effect at the next start.
    pub restart_required: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServerMod {
    #[serde(rename = "mod")]
    pub mod_id: i64,
    pub name: String,
    pub folder: String,
    pub server_only: bool,
}

/// The server's mod set in load order.
pub async fn of_server(db: &Db, server: ServerId) -> ApiResult<Vec<ServerMod>> {
    let rows: Vec<(i64, String, String, bool)> = db
        .run(move |pool| {
            with_conn!(pool, |c| Ok(server_mods::table
                .inner_join(mods::table)
                .filter(server_mods::server_id.eq(server))
                .order(server_mods::position)
                .select((mods::id, mods::name, mods::folder, server_mods::server_only))
                .load(c)?))
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|(mod_id, name, folder, server_only)| ServerMod {
            mod_id,
            name,
            folder,
            server_only,
        })
        .collect())
}

/// Replaces the server's mod set (every mod must be in the library, each once).
pub async fn set_of_server(db: &Db, server: ServerId, entries: Vec<ServerModEntry>) -> ApiResult<()> {
    for (i, e) in entries.iter().enumerate() {
        if entries[..i].iter().any(|o| o.mod_id == e.mod_id) {
            return Err(ApiError::validation(format!("mods.{i}.mod"), "is listed twice"));
        }
    }
    if entries.len() > 200 {
        return Err(ApiError::validation("mods", "at most 200 mods"));
    }
    db.run(move |pool| {
        with_conn!(pool, |c| c.write_transaction(|c| {
            let ids: Vec<i64> = entries.iter().map(|e| e.mod_id).collect();
            let known: Vec<i64> = mods::table.filter(mods::id.eq_any(&ids)).select(mods::id).load(c)?;
            if let Some(i) = entries.iter().position(|e| !known.contains(&e.mod_id)) {
                return Err(ApiError::validation(
                    format!("mods.{i}.mod"),
                    format!("no mod with id {} in the library", entries[i].mod_id),
                ));
            }
            diesel::delete(server_mods::table.filter(server_mods::server_id.eq(server))).execute(c)?;
            for (position, e) in entries.iter().enumerate() {
                diesel::insert_into(server_mods::table)
                    .values((
                        server_mods::server_id.eq(server),
                        server_mods::mod_id.eq(e.mod_id),
                        server_mods::position.eq(position as i32),
                        server_mods::server_only.eq(e.server_only),
                    ))
                    .execute(c)?;
            }
            Ok(())
        }))
    })
    .await
}

/// The server's mod set as the launch line needs it: absolute folders and the keys found in
/// them now (a mod update may rename its keys).
pub async fn launch_mods(db: &Db, server: ServerId, root: &Path) -> ApiResult<Vec<LaunchMod>> {
    let rows: Vec<(String, bool)> = db
        .run(move |pool| {
            with_conn!(pool, |c| Ok(server_mods::table
                .inner_join(mods::table)
                .filter(server_mods::server_id.eq(server))
                .order(server_mods::position)
                .select((mods::folder, server_mods::server_only))
                .load(c)?))
        })
        .await?;
    let root = root.to_path_buf();
    tokio::task::spawn_blocking(move || {
        rows.into_iter()
            .map(|(folder, server_only)| {
                let found = inspect(&root, &folder).map_err(|why| ApiError::validation("mods", why))?;
                let dir: PathBuf = root.join(&folder);
                Ok(LaunchMod {
                    keys: found.keys.iter().map(|k| dir.join(k)).collect(),
                    folder: dir,
                    server_only,
                })
            })
            .collect()
    })
    .await
    .map_err(ApiError::internal)?
}
