//! The Arma mission rotation: the `missions` list of the server's config, read and replaced
//! through the Arma adapter's typed calls, so `class Missions` in server.cfg and the config
//! preview follow it; and switching the running mission.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::missions::Target;
use super::names::{content_file_name, stem};
use crate::db::Db;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::events::Bus;
use crate::games::arma3::rotation::{Difficulty, Mission, MissionFields, MissionParam, MissionRotation};
use crate::ids::ServerId;
use crate::secrets::SecretBox;
use crate::servers::event_actor::EventActor;
use crate::servers::store as servers_store;
use crate::supervisor::Supervisor;

/// The rotation's own field names, for refusals of its entries (`rotation.1.mission`).
const ROTATION_FIELDS: MissionFields = MissionFields {
    list: "rotation",
    template: "mission",
};

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

/// The server, its content folder and its rotation (409 for games without one).
async fn rotation_target(db: &Db, id: ServerId) -> ApiResult<(Target, MissionRotation)> {
    let mut t = Target::load(db, id).await?;
    let Some(rotation) = t.rotation.take() else {
        return Err(ApiError::conflict(
            ErrorKind::Unsupported,
            format!("{} servers have no mission rotation", t.adapter.name()),
        ));
    };
    Ok((t, rotation))
}

fn entry_of(m: &Mission) -> RotationEntry {
    RotationEntry {
        mission: m.template.clone(),
        difficulty: m.difficulty.as_str().to_owned(),
        params: m
            .params
            .iter()
            .map(|p| RotationParam {
                name: p.name.clone(),
                value: p.value,
            })
            .collect(),
    }
}

pub async fn rotation(db: &Db, id: ServerId) -> ApiResult<Rotation> {
    let (t, rotation) = rotation_target(db, id).await?;
    Ok(Rotation {
        rotation: rotation.missions().iter().map(entry_of).collect(),
        restart_required: t.row.restart_required && servers_store::is_active(&t.row),
    })
}

/// Saves the rotation into the config: every mission must be uploaded; errors name the
/// rotation entry (`rotation.2.params.0.name`). Difficulties are refused before parameters,
/// as when the whole config is saved.
pub async fn set_rotation(
    db: &Db,
    bus: &Bus,
    secret_box: &SecretBox,
    by: &EventActor,
    id: ServerId,
    input: RotationInput,
) -> ApiResult<Rotation> {
    let (t, rotation) = rotation_target(db, id).await?;
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
    let missing = crate::serverdir::on_disk(db, bus, id, &root, move |dir| {
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
    let missions = input
        .rotation
        .into_iter()
        .zip(&names)
        .enumerate()
        .map(|(i, (e, name))| {
            Ok(Mission {
                template: stem(&t.folder, name).to_owned(),
                difficulty: Difficulty::parse(&format!("rotation.{i}.difficulty"), &e.difficulty)?,
                params: e
                    .params
                    .into_iter()
                    .map(|p| MissionParam {
                        name: p.name,
                        value: p.value,
                    })
                    .collect(),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let config = rotation.replaced(missions, ROTATION_FIELDS)?;
    crate::servers::service::set_config(db, bus, secret_box, by, id, config).await?;
    self::rotation(db, id).await
}

/// Switches the running server to one mission of the rotation over RCON (`#mission`).
pub async fn apply(
    db: &Db,
    bus: &Bus,
    supervisor: &Supervisor,
    by: &EventActor,
    id: ServerId,
    request: ApplyRequest,
) -> ApiResult<Applied> {
    let (_, rotation) = rotation_target(db, id).await?;
    let missions = rotation.missions();
    let entry = missions
        .get(request.index)
        .ok_or_else(|| ApiError::validation("index", format!("the rotation has {} missions", missions.len())))?;
    let link = supervisor.link(id).await?.ok_or_else(|| {
        ApiError::conflict(
            ErrorKind::NotRunning,
            "the server is not running, or its RCON is not connected",
        )
    })?;
    let (mission, difficulty) = (&entry.template, entry.difficulty.as_str());
    let command = format!("#mission {mission} {difficulty}");
    let output = link.command(&command).await?;
    servers_store::add_event(
        db,
        bus,
        id,
        by,
        "mission_changed",
        format!("switched to {mission} ({difficulty})"),
        None,
    )
    .await?;
    Ok(Applied { command, output })
}
