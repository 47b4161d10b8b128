//! The Arma mission rotation: the `missions` list of the server's config, so `class Missions`
//! in server.cfg and the config preview follow it; and switching the running mission.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::missions::Target;
use super::names::{content_file_name, stem};
use crate::app::AppState;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::servers::event_actor::EventActor;
use crate::servers::store as servers_store;

/// One mission of the rotation, in the order the server plays them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotationEntry {
    /// The mission's name without `.pbo`, e.g. `coop_01.altis`.
    #[schema(pattern = r"^[^\u0000]*$")]
    pub mission: String,
    /// `Recruit`, `Regular` (default), `Veteran` or `Custom`.
    #[serde(default = "regular")]
    #[schema(pattern = r"^[^\u0000]*$")]
    pub difficulty: String,
    /// The mission's parameters (`class Params`).
    #[serde(default)]
    pub params: Vec<RotationParam>,
}

fn regular() -> String {
    "Regular".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotationParam {
    #[schema(pattern = r"^[^\u0000]*$")]
    pub name: String,
    pub value: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Rotation {
    pub rotation: Vec<RotationEntry>,
    /// Changed while the server runs: the new rotation applies at the next start (or switch
    /// mission now with `apply`).
    pub restart_required: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotationInput {
    pub rotation: Vec<RotationEntry>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// Which entry of the rotation to switch to (default 0, the first).
    #[serde(default)]
    pub index: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Applied {
    /// The command sent over RCON.
    pub command: String,
    /// The game's reply.
    pub output: String,
}

async fn missions_target(db: &Db, id: i64) -> ApiResult<Target> {
    let t = Target::load(db, id).await?;
    if !t.is_missions() {
        return Err(ApiError::conflict(
            "unsupported",
            format!("{} servers have no mission rotation", t.adapter.name()),
        ));
    }
    Ok(t)
}

fn rotation_of(config: &Value) -> ApiResult<Vec<RotationEntry>> {
    let missions = config.get("missions").cloned().unwrap_or(Value::Array(Vec::new()));
    let stored: Vec<Value> = serde_json::from_value(missions).map_err(ApiError::internal)?;
    Ok(stored
        .into_iter()
        .map(|m| RotationEntry {
            mission: m["template"].as_str().unwrap_or_default().to_owned(),
            difficulty: m["difficulty"].as_str().unwrap_or("Regular").to_owned(),
            params: serde_json::from_value(m["params"].clone()).unwrap_or_default(),
        })
        .collect())
}

pub async fn rotation(state: &AppState, id: i64) -> ApiResult<Rotation> {
    let t = missions_target(&state.db, id).await?;
    Ok(Rotation {
        rotation: rotation_of(&t.config)?,
        restart_required: t.row.restart_required && servers_store::is_active(&t.row),
    })
}

/// Saves the rotation into the config: every mission must be uploaded; errors name the
/// rotation entry (`rotation.2.params.0.name`).
pub async fn set_rotation(state: &AppState, by: &EventActor, id: i64, input: RotationInput) -> ApiResult<Rotation> {
    let t = missions_target(&state.db, id).await?;
    let mut names = Vec::new();
    for (i, entry) in input.rotation.iter().enumerate() {
        let field = format!("rotation.{i}.mission");
        let file = format!("{}.{}", entry.mission, t.folder.extension);
        let name = content_file_name(&t.folder, &file).map_err(|_| {
            ApiError::validation(
                &field,
                format!("`{}` is not a mission name like coop_01.altis", entry.mission),
            )
        })?;
        names.push(name);
    }
    let paths: Vec<_> = names.iter().map(|n| t.folder.dir.join(n)).collect();
    let root = std::path::PathBuf::from(&t.row.directory);
    let missing = crate::serverdir::on_disk(&state.db, &state.bus, id, &root, move |dir| {
        for (i, path) in paths.iter().enumerate() {
            match dir.metadata(path) {
                Ok(meta) if meta.is_file() => {}
                Ok(_) => return Ok(Some(i)),
                Err(e) if e.is_not_found() => return Ok(Some(i)),
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    })
    .await?;
    if let Some(i) = missing {
        let name = &names[i];
        return Err(ApiError::validation(
            format!("rotation.{i}.mission"),
            format!("no uploaded mission {name}"),
        ));
    }
    let templates: Vec<String> = names.iter().map(|n| stem(&t.folder, n).to_owned()).collect();
    let missions: Vec<Value> = input
        .rotation
        .iter()
        .zip(templates)
        .map(|(e, template)| {
            serde_json::json!({
                "template": template,
                "difficulty": e.difficulty,
                "params": e.params.iter().map(|p| serde_json::json!({"name": p.name, "value": p.value})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut config = t.config.clone();
    config["missions"] = Value::Array(missions);
    crate::servers::service::set_config(state, by, crate::ids::ServerId(id), config)
        .await
        .map_err(|e| match e {
            ApiError::Validation { field, message } => ApiError::Validation {
                field: field
                    .replacen("config.missions.", "rotation.", 1)
                    .replace(".template", ".mission"),
                message,
            },
            other => other,
        })?;
    rotation(state, id).await
}

/// Switches the running server to one mission of the rotation over RCON (`#mission`).
pub async fn apply(state: &AppState, by: &EventActor, id: i64, request: ApplyRequest) -> ApiResult<Applied> {
    let t = missions_target(&state.db, id).await?;
    let rotation = rotation_of(&t.config)?;
    let entry = rotation
        .get(request.index)
        .ok_or_else(|| ApiError::validation("index", format!("the rotation has {} missions", rotation.len())))?;
    let link =
        state.supervisor.link(crate::ids::ServerId(id)).await?.ok_or_else(|| {
            ApiError::conflict("not_running", "the server is not running, or its RCON is not connected")
        })?;
    let command = format!("#mission {} {}", entry.mission, entry.difficulty);
    let output = link.command(&command).await?;
    servers_store::add_event(
        &state.db,
        &state.bus,
        crate::ids::ServerId(id),
        by,
        "mission_changed",
        format!("switched to {} ({})", entry.mission, entry.difficulty),
        None,
    )
    .await?;
    Ok(Applied { command, output })
}
