//! Content files of a server (Arma missions, Source maps, Minecraft datapacks) in the folder
//! its adapter names: upload, list, delete.

use std::path::{Path, PathBuf};

use actix_multipart::Multipart;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use futures_util::StreamExt;
use serde::Serialize;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

use utoipa::ToSchema;

use super::names::{content_file_name, stem};
use crate::db::schema::content_files;
use crate::db::{now, to_utc, Db};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::events::job::Job;
use crate::events::Bus;
use crate::games::arma3::rotation::MissionRotation;
use crate::games::{ContentFolder, GameAdapter};
use crate::ids::ServerId;
use crate::serverdir::on_disk;
use crate::servers::model::ServerRow;
use crate::servers::store as servers_store;
use crate::with_conn;

/// One file in a server's content folder.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentFile {
    /// The file name, e.g. `coop_01.altis.pbo`.
    pub name: String,
    /// For Arma missions: the name server.cfg uses (`coop_01.altis`).
    pub mission: Option<String>,
    /// For Arma missions: the terrain part of the name (`altis`).
    pub terrain: Option<String>,
    pub size_bytes: i64,
    pub modified_at: DateTime<Utc>,
    /// Null for files put there by other means than an upload.
    pub uploaded_at: Option<DateTime<Utc>>,
    pub uploaded_by: Option<String>,
    /// In the server's mission rotation (Arma).
    pub in_rotation: bool,
}

/// A server's content folder and its files, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentList {
    /// `missions`, `maps` or `datapacks`.
    pub kind: String,
    /// Relative to the server directory.
    pub folder: String,
    /// The accepted extension.
    pub extension: String,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: u64,
    pub files: Vec<ContentFile>,
}

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file; its name must be `<mission>.<terrain>.pbo` for Arma, `<map>.bsp` for Source,
    /// `<pack>.zip` for Minecraft.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Uploaded {
    pub file: ContentFile,
    /// A file of that name was there and has been replaced.
    pub replaced: bool,
}

/// The server, its adapter, its content folder (409 for games without one) and its mission
/// rotation (Arma).
pub struct Target {
    pub row: ServerRow,
    pub adapter: &'static dyn GameAdapter,
    pub folder: ContentFolder,
    pub rotation: Option<MissionRotation>,
}

impl Target {
    pub async fn load(db: &Db, id: ServerId) -> ApiResult<Target> {
        let row = servers_store::row(db, id).await?;
        let adapter = row.game.adapter();
        let config: Value = serde_json::from_str(&row.config).map_err(ApiError::internal)?;
        let folder = adapter.content(&config).ok_or_else(|| {
            ApiError::conflict(
                ErrorKind::Unsupported,
                format!("{} servers have no content folder", adapter.name()),
            )
        })?;
        let rotation = MissionRotation::of(adapter, &config)?;
        Ok(Target {
            row,
            adapter,
            folder,
            rotation,
        })
    }

    fn is_missions(&self) -> bool {
        self.folder.extension == "pbo"
    }

    /// The templates of the rotation (Arma), lowercased as uploaded names are.
    fn rotation_templates(&self) -> Vec<String> {
        self.rotation.as_ref().map_or_else(Vec::new, |r| {
            r.missions().iter().map(|m| m.template.to_lowercase()).collect()
        })
    }
}

#[derive(Queryable)]
struct UploadRow {
    file_name: String,
    uploaded_by: String,
    uploaded_at: NaiveDateTime,
}

fn describe(
    t: &Target,
    name: &str,
    meta: &std::fs::Metadata,
    upload: Option<&UploadRow>,
    rotation: &[String],
) -> ContentFile {
    let mission = t.is_missions().then(|| stem(&t.folder, name).to_owned());
    let terrain = mission
        .as_deref()
        .and_then(|m| m.rsplit_once('.'))
        .map(|(_, terrain)| terrain.to_owned());
    let modified = meta.modified().ok().map(DateTime::<Utc>::from).unwrap_or_else(Utc::now);
    ContentFile {
        in_rotation: mission.as_ref().is_some_and(|m| rotation.contains(m)),
        name: name.to_owned(),
        mission,
        terrain,
        size_bytes: meta.len() as i64,
        modified_at: modified,
        uploaded_at: upload.map(|u| to_utc(u.uploaded_at)),
        uploaded_by: upload.map(|u| u.uploaded_by.clone()),
    }
}

/// `max_upload_bytes` is the configured limit, which the list reports to the upload form.
pub async fn list(db: &Db, bus: &Bus, max_upload_bytes: u64, id: ServerId) -> ApiResult<ContentList> {
    let t = Target::load(db, id).await?;
    let uploads: Vec<UploadRow> = db
        .run(move |pool| {
            with_conn!(pool, |c| Ok(content_files::table
                .filter(content_files::server_id.eq(id))
                .select((
                    content_files::file_name,
                    content_files::uploaded_by,
                    content_files::uploaded_at
                ))
                .load(c)?))
        })
        .await?;
    let folder = t.folder.dir.clone();
    let extension = t.folder.extension;
    let root = PathBuf::from(&t.row.directory);
    let entries = on_disk(db, bus, id, &root, move |dir| {
        let entries = match dir.read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if e.is_not_found() => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(entries
            .into_iter()
            .filter(|e| {
                e.meta.is_file()
                    && !e.name.starts_with('.')
                    && Path::new(&e.name)
                        .extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case(extension))
            })
            .map(|e| (e.name, e.meta))
            .collect::<Vec<_>>())
    })
    .await?;
    let rotation = t.rotation_templates();
    let mut files: Vec<ContentFile> = entries
        .iter()
        .map(|(name, meta)| describe(&t, name, meta, uploads.iter().find(|u| &u.file_name == name), &rotation))
        .collect();
    files.sort_by(|a, b| b.modified_at.cmp(&a.modified_at).then(a.name.cmp(&b.name)));
    Ok(ContentList {
        kind: t.folder.kind.to_owned(),
        folder: t.folder.dir.display().to_string(),
        extension: t.folder.extension.to_owned(),
        max_upload_bytes,
        files,
    })
}

/// Streams the `file` part to a temporary file in the content folder and renames it into
/// place once complete and synced: an interrupted or refused upload leaves nothing behind.
/// `total` is the request's length, for the `job` frames' progress; `limit` the largest file.
pub async fn upload(
    db: &Db,
    bus: &Bus,
    limit: u64,
    id: ServerId,
    user: String,
    total: Option<u64>,
    mut form: Multipart,
) -> ApiResult<Uploaded> {
    let t = Target::load(db, id).await?;
    let root = PathBuf::from(&t.row.directory);
    while let Some(part) = form.next().await {
        let mut part = part.map_err(unreadable)?;
        if part.name() != Some("file") {
            while let Some(chunk) = part.next().await {
                chunk.map_err(unreadable)?;
            }
            continue;
        }
        let given = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned)
            .ok_or_else(|| ApiError::validation("file", "the part has no file name"))?;
        let name = content_file_name(&t.folder, &given)?;
        let (folder, temp) = (
            t.folder.dir.clone(),
            t.folder
                .dir
                .join(format!(".{name}.{}.languard-upload", rand::random::<u32>())),
        );
        let (f, tmp) = (folder.clone(), temp.clone());
        let out = on_disk(db, bus, id, &root, move |dir| {
            dir.create_dir_all(&f)?;
            dir.create_new(&tmp, 0o644)
        })
        .await?;
        let mut job = Job::start(bus, id, "upload", &name, total);
        let written = write_part(&mut part, tokio::fs::File::from_std(out), limit, &mut job).await;
        let remove_temp = |temp: PathBuf| {
            let root = root.clone();
            async move {
                let _ = on_disk(db, bus, id, &root, move |dir| dir.remove_file(&temp)).await;
            }
        };
        let size = match written {
            Ok(size) => size,
            Err((e, done)) => {
                remove_temp(temp).await;
                job.failed(done, &e.to_string());
                return Err(e);
            }
        };
        let target = folder.join(&name);
        let (from, to) = (temp.clone(), target.clone());
        let placed = on_disk(db, bus, id, &root, move |dir| {
            let replaced = dir.metadata(&to).is_ok();
            dir.rename(&from, &to)?;
            Ok((replaced, dir.metadata(&to)?))
        })
        .await;
        let (replaced, meta) = match placed {
            Ok(placed) => placed,
            Err(e) => {
                remove_temp(temp).await;
                job.failed(size as u64, "the file could not be put in place");
                return Err(e);
            }
        };
        job.done(size as u64);
        let (n, by, at) = (name.clone(), user.clone(), now());
        db.run(move |pool| {
            with_conn!(pool, |c| {
                diesel::insert_into(content_files::table)
                    .values((
                        content_files::server_id.eq(id),
                        content_files::file_name.eq(&n),
                        content_files::size_bytes.eq(size),
                        content_files::uploaded_by.eq(&by),
                        content_files::uploaded_at.eq(at),
                    ))
                    .on_conflict((content_files::server_id, content_files::file_name))
                    .do_update()
                    .set((
                        content_files::size_bytes.eq(excluded(content_files::size_bytes)),
                        content_files::uploaded_by.eq(excluded(content_files::uploaded_by)),
                        content_files::uploaded_at.eq(excluded(content_files::uploaded_at)),
                    ))
                    .execute(c)?;
                Ok(())
            })
        })
        .await?;
        let upload = UploadRow {
            file_name: name.clone(),
            uploaded_by: user,
            uploaded_at: at,
        };
        let file = describe(&t, &name, &meta, Some(&upload), &t.rotation_templates());
        return Ok(Uploaded { file, replaced });
    }
    Err(ApiError::validation("file", "the form has no `file` part"))
}

fn unreadable(e: actix_multipart::MultipartError) -> ApiError {
    ApiError::BadRequest {
        kind: ErrorKind::InvalidBody,
        message: format!("the upload is not a readable multipart/form-data body: {e}"),
        field: Some("file".into()),
    }
}

/// The bytes written, or the error with how far it got.
async fn write_part(
    part: &mut actix_multipart::Field,
    mut out: tokio::fs::File,
    limit: u64,
    job: &mut Job,
) -> Result<i64, (ApiError, u64)> {
    let mut size = 0u64;
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(|e| (unreadable(e), size))?;
        size += chunk.len() as u64;
        if size > limit {
            let limit = usize::try_from(limit).unwrap_or(usize::MAX);
            return Err((ApiError::PayloadTooLarge { limit }, size));
        }
        out.write_all(&chunk).await.map_err(|e| (ApiError::internal(e), size))?;
        job.progress(size);
    }
    if size == 0 {
        return Err((ApiError::validation("file", "the file is empty"), 0));
    }
    out.sync_all().await.map_err(|e| (ApiError::internal(e), size))?;
    Ok(size as i64)
}

/// Deletes a content file; a mission in the rotation is refused (409).
pub async fn delete(db: &Db, bus: &Bus, id: ServerId, file: &str) -> ApiResult<()> {
    let t = Target::load(db, id).await?;
    // Checked as an upload name would be, then deleted by its own name: files put there by
    // hand may have capitals.
    let checked = content_file_name(&t.folder, file)?;
    if checked != file.to_lowercase() {
        return Err(ApiError::NotFound(format!("no file {file}")));
    }
    let name = file.to_owned();
    if t.rotation_templates().contains(&stem(&t.folder, &checked).to_owned()) {
        return Err(ApiError::conflict(
            ErrorKind::InRotation,
            format!("{name} is in the mission rotation; remove it from the rotation first"),
        ));
    }
    let path = t.folder.dir.join(&name);
    let root = PathBuf::from(&t.row.directory);
    let removed = on_disk(db, bus, id, &root, move |dir| match dir.metadata(&path) {
        Ok(meta) if meta.is_file() => dir.remove_file(&path).map(|()| true),
        Ok(_) => Ok(false),
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    })
    .await?;
    if !removed {
        return Err(ApiError::NotFound(format!("no file {name}")));
    }
    db.run(move |pool| {
        with_conn!(pool, |c| {
            diesel::delete(
                content_files::table
                    .filter(content_files::server_id.eq(id))
                    .filter(content_files::file_name.eq(&name)),
            )
            .execute(c)?;
            Ok(())
        })
    })
    .await
}
