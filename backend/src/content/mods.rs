//! The mod library: folders under `mods_root`, each with an `addons/` folder, registered one
//! by one or by a scan; their size and signature keys are read from disk.

use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::names::mod_folder;
use crate::db::schema::{mods, server_mods, servers};
use crate::db::{now, to_utc, Db, WriteTransaction};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::with_conn;

/// A mod in the library.
#[derive(Debug, Serialize, ToSchema)]
pub struct Mod {
    pub id: i64,
    pub name: String,
    /// Folder under the mods root, e.g. `@ace`.
    pub folder: String,
    pub workshop_id: Option<String>,
    pub description: Option<String>,
    /// Size of the folder when it was registered or last scanned.
    pub size_bytes: i64,
    /// Its `.bikey` files, relative to the folder.
    pub keys: Vec<String>,
    /// Servers whose mod set holds it.
    pub servers: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMod {
    /// Shown in the UI (1–100 printable characters); unique.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// A folder directly under the mods root, starting with `@`.
    #[schema(pattern = r"^[^\u0000]*$")]
    pub folder: String,
    /// Steam Workshop item id (digits).
    #[schema(pattern = "^[0-9]{0,20}$")]
    pub workshop_id: Option<String>,
    #[schema(max_length = 2000, pattern = r"^[^\u0000]*$")]
    pub description: Option<String>,
}

/// Absent fields are unchanged; an empty `workshop_id` or `description` removes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModPatch {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: Option<String>,
    #[schema(pattern = "^[0-9]{0,20}$")]
    pub workshop_id: Option<String>,
    #[schema(max_length = 2000, pattern = r"^[^\u0000]*$")]
    pub description: Option<String>,
}

/// What a scan of the mods root did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanResult {
    /// Mods registered by this scan.
    pub added: Vec<Mod>,
    /// Folders left out, with the reason.
    pub skipped: Vec<SkippedFolder>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedFolder {
    pub folder: String,
    pub reason: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = mods)]
struct ModRow {
    id: i64,
    name: String,
    folder: String,
    workshop_id: Option<String>,
    description: Option<String>,
    size_bytes: i64,
    keys: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl ModRow {
    fn into_api(self, servers: Vec<i64>) -> Mod {
        Mod {
            id: self.id,
            name: self.name,
            folder: self.folder,
            workshop_id: self.workshop_id,
            description: self.description,
            size_bytes: self.size_bytes,
            keys: serde_json::from_str(&self.keys).unwrap_or_default(),
            servers,
            created_at: to_utc(self.created_at),
            updated_at: to_utc(self.updated_at),
        }
    }
}

/// What is on disk for a mod folder: its size and signature keys.
pub struct Inspected {
    pub size_bytes: i64,
    pub keys: Vec<String>,
}

/// Reads a mod folder (blocking). It must exist and hold an `addons/` folder.
pub fn inspect(root: &Path, folder: &str) -> Result<Inspected, String> {
    let dir = root.join(folder);
    if !dir.is_dir() {
        return Err(format!("{} is not a folder", dir.display()));
    }
    let has_addons = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .any(|e| e.file_name().eq_ignore_ascii_case("addons") && e.path().is_dir());
    if !has_addons {
        return Err(format!("{} has no addons/ folder", dir.display()));
    }
    let (mut size, mut keys) = (0i64, Vec::new());
    // Depth-first, not following symlinked folders (a loop would never end).
    let mut stack = vec![(dir.clone(), 0)];
    while let Some((path, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else { continue };
            let p = entry.path();
            if kind.is_dir() && depth < 16 {
                stack.push((p, depth + 1));
            } else if kind.is_file() {
                size += entry.metadata().map_or(0, |m| m.len() as i64);
                if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("bikey")) {
                    if let Ok(rel) = p.strip_prefix(&dir) {
                        keys.push(rel.display().to_string());
                    }
                }
            }
        }
    }
    keys.sort();
    Ok(Inspected { size_bytes: size, keys })
}

fn check_text(field: &str, value: &str, max: usize) -> ApiResult<()> {
    if value.chars().count() > max {
        return Err(ApiError::validation(field, format!("must be at most {max} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::validation(field, "must not contain control characters"));
    }
    Ok(())
}

fn check_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::validation("name", "must not be empty"));
    }
    check_text("name", name, 100)?;
    Ok(name.to_owned())
}

fn check_workshop(id: &str) -> ApiResult<Option<String>> {
    if id.is_empty() {
        return Ok(None);
    }
    if id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::validation(
            "workshop_id",
            "must be a Steam Workshop id (digits)",
        ));
    }
    Ok(Some(id.to_owned()))
}

fn check_description(text: &str) -> ApiResult<Option<String>> {
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > 2000 {
        return Err(ApiError::validation("description", "must be at most 2000 characters"));
    }
    Ok(Some(text.to_owned()))
}

async fn users_of(db: &Db, ids: Vec<i64>) -> ApiResult<Vec<(i64, i64)>> {
    db.run(move |pool| {
        with_conn!(pool, |c| Ok(server_mods::table
            .filter(server_mods::mod_id.eq_any(ids))
            .select((server_mods::mod_id, server_mods::server_id))
            .order((server_mods::mod_id, server_mods::server_id))
            .load(c)?))
    })
    .await
}

async fn with_users(db: &Db, rows: Vec<ModRow>) -> ApiResult<Vec<Mod>> {
    let uses = users_of(db, rows.iter().map(|r| r.id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let servers = uses.iter().filter(|u| u.0 == r.id).map(|u| u.1).collect();
            r.into_api(servers)
        })
        .collect())
}

pub async fn list(db: &Db) -> ApiResult<Vec<Mod>> {
    let rows: Vec<ModRow> = db
        .run(|pool| {
            with_conn!(pool, |c| Ok(mods::table
                .select(ModRow::as_select())
                .order(mods::name)
                .load(c)?))
        })
        .await?;
    with_users(db, rows).await
}

pub async fn get(db: &Db, id: i64) -> ApiResult<Mod> {
    let row: Option<ModRow> = db
        .run(move |pool| {
            with_conn!(pool, |c| Ok(mods::table
                .find(id)
                .select(ModRow::as_select())
                .first(c)
                .optional()?))
        })
        .await?;
    let row = row.ok_or_else(|| ApiError::NotFound(format!("no mod with id {id}")))?;
    Ok(with_users(db, vec![row]).await?.remove(0))
}

/// Registers a folder; a name or folder already in the library is a 409.
pub async fn create(db: &Db, root: &Path, input: NewMod) -> ApiResult<Mod> {
    let name = check_name(&input.name)?;
    let folder = mod_folder(&input.folder)?.to_owned();
    let workshop_id = check_workshop(input.workshop_id.as_deref().unwrap_or(""))?;
    let description = check_description(input.description.as_deref().unwrap_or(""))?;
    let (root, f) = (root.to_path_buf(), folder.clone());
    let found = tokio::task::spawn_blocking(move || inspect(&root, &f))
        .await
        .map_err(ApiError::internal)?
        .map_err(|why| ApiError::validation("folder", why))?;
    let id = insert(db, name, folder, workshop_id, description, found).await?;
    get(db, id).await
}

async fn insert(
    db: &Db,
    name: String,
    folder: String,
    workshop_id: Option<String>,
    description: Option<String>,
    found: Inspected,
) -> ApiResult<i64> {
    let keys = serde_json::to_string(&found.keys).map_err(ApiError::internal)?;
    db.run(move |pool| {
        with_conn!(pool, |c| c.write_transaction(|c| {
            let taken: i64 = mods::table
                .filter(mods::name.eq(&name).or(mods::folder.eq(&folder)))
                .count()
                .get_result(c)?;
            if taken > 0 {
                return Err(ApiError::conflict(
                    ErrorKind::ModExists,
                    format!("a mod named `{name}` or in {folder} is already in the library"),
                ));
            }
            let t = now();
            Ok(diesel::insert_into(mods::table)
                .values((
                    mods::name.eq(&name),
                    mods::folder.eq(&folder),
                    mods::workshop_id.eq(&workshop_id),
                    mods::description.eq(&description),
                    mods::size_bytes.eq(found.size_bytes),
                    mods::keys.eq(&keys),
                    mods::created_at.eq(t),
                    mods::updated_at.eq(t),
                ))
                .returning(mods::id)
                .get_result(c)?)
        }))
    })
    .await
}

pub async fn update(db: &Db, id: i64, patch: ModPatch) -> ApiResult<Mod> {
    let name = patch.name.as_deref().map(check_name).transpose()?;
    let workshop_id = patch.workshop_id.as_deref().map(check_workshop).transpose()?;
    let description = patch.description.as_deref().map(check_description).transpose()?;
    get(db, id).await?;
    db.run(move |pool| {
        with_conn!(pool, |c| c.write_transaction(|c| {
            if let Some(name) = &name {
                let taken: i64 = mods::table
                    .filter(mods::name.eq(name))
                    .filter(mods::id.ne(id))
                    .count()
                    .get_result(c)?;
                if taken > 0 {
                    return Err(ApiError::conflict(
                        ErrorKind::ModExists,
                        format!("a mod named `{name}` exists"),
                    ));
                }
                diesel::update(mods::table.find(id))
                    .set(mods::name.eq(name))
                    .execute(c)?;
            }
            if let Some(w) = &workshop_id {
                diesel::update(mods::table.find(id))
                    .set(mods::workshop_id.eq(w))
                    .execute(c)?;
            }
            if let Some(d) = &description {
                diesel::update(mods::table.find(id))
                    .set(mods::description.eq(d))
                    .execute(c)?;
            }
            diesel::update(mods::table.find(id))
                .set(mods::updated_at.eq(now()))
                .execute(c)?;
            Ok(())
        }))
    })
    .await?;
    get(db, id).await
}

/// Removes a mod from the library (its files stay); refused while a server uses it.
pub async fn delete(db: &Db, id: i64) -> ApiResult<()> {
    get(db, id).await?;
    db.run(move |pool| {
        with_conn!(pool, |c| c.write_transaction(|c| {
            let users: Vec<String> = server_mods::table
                .inner_join(servers::table)
                .filter(server_mods::mod_id.eq(id))
                .select(servers::name)
                .load(c)?;
            if !users.is_empty() {
                return Err(ApiError::conflict(
                    ErrorKind::ModInUse,
                    format!("the mod is used by: {}", users.join(", ")),
                ));
            }
            diesel::delete(mods::table.find(id)).execute(c)?;
            Ok(())
        }))
    })
    .await
}

/// Registers every `@folder` under the root that is not in the library yet.
pub async fn scan(db: &Db, root: &Path) -> ApiResult<ScanResult> {
    let known: Vec<(String, String)> = db
        .run(|pool| with_conn!(pool, |c| Ok(mods::table.select((mods::folder, mods::name)).load(c)?)))
        .await?;
    let r = root.to_path_buf();
    let found = tokio::task::spawn_blocking(move || {
        let mut folders: Vec<String> = std::fs::read_dir(&r)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.path().is_dir())
                    .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                    .filter(|n| n.starts_with('@'))
                    .collect()
            })
            .unwrap_or_default();
        folders.sort();
        folders
            .into_iter()
            .map(|f| {
                let result = mod_folder(&f)
                    .map_err(|_| "the name holds a character -mod= cannot carry".to_owned())
                    .and_then(|_| inspect(&r, &f));
                (f, result)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(ApiError::internal)?;
    let mut result = ScanResult {
        added: Vec::new(),
        skipped: Vec::new(),
    };
    for (folder, inspected) in found {
        if known.iter().any(|k| k.0 == folder) {
            continue;
        }
        match inspected {
            Err(reason) => result.skipped.push(SkippedFolder { folder, reason }),
            Ok(found) => {
                let bare = folder.trim_start_matches('@').to_owned();
                let name = if known.iter().any(|k| k.1 == bare) {
                    folder.clone()
                } else {
                    bare
                };
                match insert(db, name, folder.clone(), None, None, found).await {
                    Ok(id) => result.added.push(get(db, id).await?),
                    Err(ApiError::Conflict { message, .. }) => result.skipped.push(SkippedFolder {
                        folder,
                        reason: message,
                    }),
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(result)
}
