//! From a server row to a launch plan: the checks every start (and every registration or
//! change of a server) goes through.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error::{ApiError, ApiResult};
use crate::games::{GameAdapter, LaunchMod, LaunchPlan, ServerSpec};
use crate::secrets::SecretBox;
use crate::servers::model::ServerRow;
use crate::servers::store;

/// The executable must be an existing, executable file with a name the adapter allows.
pub fn check_executable(adapter: &dyn GameAdapter, executable: &Path, must_exist: bool) -> ApiResult<()> {
    if !executable.is_absolute() {
        return Err(ApiError::validation("executable", "must be an absolute path"));
    }
    let name = executable
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let allowed = adapter.allowed_executables();
    if !allowed.is_empty() && !allowed.contains(&name.as_str()) {
        return Err(ApiError::validation(
            "executable",
            format!(
                "`{name}` is not a {} server executable (expected one of: {})",
                adapter.name(),
                allowed.join(", ")
            ),
        ));
    }
    if must_exist {
        let meta = std::fs::metadata(executable)
            .map_err(|_| ApiError::validation("executable", format!("{} does not exist", executable.display())))?;
        if !meta.is_file() || meta.permissions().mode() & 0o111 == 0 {
            return Err(ApiError::validation(
                "executable",
                format!("{} is not an executable file", executable.display()),
            ));
        }
    }
    Ok(())
}

/// The launch plan for a row: validated config, decrypted secrets.
pub fn plan_for(
    row: &ServerRow,
    secret_box: &SecretBox,
    mods: &[LaunchMod],
) -> ApiResult<(&'static dyn GameAdapter, LaunchPlan)> {
    let adapter = row.game.adapter();
    let stored: serde_json::Value = serde_json::from_str(&row.config).map_err(ApiError::internal)?;
    let config = adapter.validate(&stored)?;
    let secrets = store::open_secrets(secret_box, &row.secrets)?;
    let port = u16::try_from(row.game_port).map_err(ApiError::internal)?;
    let plan = adapter.plan(&ServerSpec {
        directory: Path::new(&row.directory),
        executable: Path::new(&row.executable),
        game_port: port,
        config: &config,
        secrets: &secrets,
        mods,
    })?;
    Ok((adapter, plan))
}
