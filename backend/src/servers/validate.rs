//! The checks of a server create or update request: names, ports, limits, passwords, and
//! where a new server's folder goes.

use std::path::{Path, PathBuf};

use super::model::SecretsInput;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::games::{GameAdapter, Secrets};

pub(super) fn validate_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(ApiError::validation("name", "must be 1 to 64 printable characters"));
    }
    Ok(name.to_owned())
}

pub(super) fn validate_range(field: &str, value: Option<i32>, min: i32, max: i32, default: i32) -> ApiResult<i32> {
    let v = value.unwrap_or(default);
    if !(min..=max).contains(&v) {
        return Err(ApiError::validation(field, format!("must be between {min} and {max}")));
    }
    Ok(v)
}

pub(super) fn validate_port(port: u16) -> ApiResult<i32> {
    if port == 0 {
        return Err(ApiError::validation("game_port", "must be between 1 and 65535"));
    }
    Ok(i32::from(port))
}

pub(super) fn validate_secret(field: &str, value: &str) -> ApiResult<Option<String>> {
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > 128 || value.chars().any(|c| c.is_control() || c == '"') {
        return Err(ApiError::validation(
            format!("secrets.{field}"),
            "must be at most 128 characters without quotes or control characters",
        ));
    }
    Ok(Some(value.to_owned()))
}

/// Applies the given passwords over `current`; RCON passwords the game needs are generated.
pub(super) fn merge_secrets(
    adapter: &dyn GameAdapter,
    mut current: Secrets,
    input: Option<SecretsInput>,
) -> ApiResult<Secrets> {
    let input = input.unwrap_or_default();
    if let Some(v) = input.rcon_password {
        current.rcon_password = validate_secret("rcon_password", &v)?;
    }
    if let Some(v) = input.game_password {
        current.game_password = validate_secret("game_password", &v)?;
    }
    if let Some(v) = input.admin_password {
        current.admin_password = validate_secret("admin_password", &v)?;
    }
    let wants = adapter.secret_names();
    if wants.contains(&"rcon_password") && current.rcon_password.is_none() {
        current.rcon_password = Some(crate::auth::random_secret(24));
    }
    if wants.contains(&"admin_password") && current.admin_password.is_none() {
        current.admin_password = Some(crate::auth::random_secret(24));
    }
    Ok(current)
}

/// Names a folder after the server, for people browsing the data dir.
pub(super) fn default_directory(data_dir: &Path, name: &str) -> PathBuf {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-');
    let base = if slug.is_empty() { "server" } else { slug };
    data_dir
        .join("servers")
        .join(format!("{base}-{}", crate::auth::random_secret(6).to_lowercase()))
}

pub(super) fn name_taken(name: &str) -> ApiError {
    ApiError::conflict(
        ErrorKind::ServerNameTaken,
        format!("a server named `{name}` already exists"),
    )
}

pub(super) fn map_unique(name: &str) -> impl Fn(diesel::result::Error) -> ApiError + '_ {
    move |e| match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => name_taken(name),
        other => other.into(),
    }
}
