//! Helpers every adapter shares: typed config parsing that names the failing field, range
//! checks, path and secret checks.

use std::fmt::Display;
use std::path::{Component, Path};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;

/// Parses a (possibly partial) config into its typed struct. The structs use
/// `#[serde(default, deny_unknown_fields)]`, so missing keys take defaults and unknown keys
/// fail; `serde_path_to_error` tells which key failed so the 422 can name it.
pub fn parse_config<T: DeserializeOwned>(config: &Value) -> Result<T, ApiError> {
    if !config.is_object() {
        return Err(ApiError::validation("config", "must be an object"));
    }
    serde_path_to_error::deserialize::<_, T>(config).map_err(|err| {
        let mut field = String::from("config");
        for segment in err.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => field.push_str(&format!(".{index}")),
                serde_path_to_error::Segment::Map { key } => {
                    field.push('.');
                    field.push_str(key);
                }
                serde_path_to_error::Segment::Enum { variant } => {
                    field.push('.');
                    field.push_str(variant);
                }
                serde_path_to_error::Segment::Unknown => {}
            }
        }
        ApiError::validation(field, err.into_inner().to_string())
    })
}

/// The normalised (complete) JSON form of a typed config.
pub fn to_json<T: Serialize>(config: &T) -> Result<Value, ApiError> {
    serde_json::to_value(config).map_err(ApiError::internal)
}

/// `config.<key>` for top-level keys; nested paths are built by the caller.
pub fn field(key: &str) -> String {
    format!("config.{key}")
}

pub fn check_range<T: PartialOrd + Display + Copy>(field: &str, value: T, min: T, max: T) -> Result<(), ApiError> {
    if value < min || value > max {
        return Err(ApiError::validation(
            field,
            format!("must be between {min} and {max}, got {value}"),
        ));
    }
    Ok(())
}

/// Refuses control characters (CR, LF, NUL, tab, …): every format we write is line-based, so
/// one of them in a value could start a new statement.
pub fn no_control_chars(field: &str, value: &str) -> Result<(), ApiError> {
    if value.chars().any(char::is_control) {
        return Err(ApiError::validation(
            field,
            "must not contain control characters (CR, LF, …)",
        ));
    }
    Ok(())
}

/// Checks a string against a character whitelist and a length, for values used as names or
/// path components where escaping is not possible.
pub fn check_name(
    field: &str,
    value: &str,
    max_len: usize,
    allowed: impl Fn(char) -> bool,
    description: &str,
) -> Result<(), ApiError> {
    if value.is_empty() || value.chars().count() > max_len || !value.chars().all(allowed) {
        return Err(ApiError::validation(
            field,
            format!("must be 1 to {max_len} characters of {description}"),
        ));
    }
    Ok(())
}

/// A path relative to the server directory that cannot leave it: no absolute paths, no
/// `..`, no drive prefixes, no backslashes (which are separators on Windows).
pub fn check_relative_path(field: &str, value: &str) -> Result<(), ApiError> {
    no_control_chars(field, value)?;
    let path = Path::new(value);
    let inside = !value.is_empty()
        && !value.contains('\\')
        && !value.contains(':')
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !inside {
        return Err(ApiError::validation(
            field,
            "must be a relative path inside the server directory (no `..`, no leading `/`)",
        ));
    }
    Ok(())
}

/// A secret the game cannot run without (e.g. the RCON password the panel logs in with).
pub fn required_secret<'a>(name: &str, value: &'a Option<String>) -> Result<&'a str, ApiError> {
    match value.as_deref() {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiError::validation(name, "is required for this game")),
    }
}

/// `base + offset` as a port, or a 422 naming `game_port` when it would pass 65535.
pub fn port_offset(base: u16, offset: u16) -> Result<u16, ApiError> {
    base.checked_add(offset)
        .ok_or_else(|| ApiError::validation("game_port", format!("must be at most {}", u16::MAX - offset)))
}

/// The adapter is also asked for the executable's name, but the supervisor may be handed a
/// path from elsewhere: checking again here keeps a plan from ever naming a foreign binary.
pub fn check_executable(allowed: &[&str], executable: &Path) -> Result<(), ApiError> {
    if allowed.is_empty() {
        return Ok(());
    }
    let name = executable.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if !allowed.contains(&name) {
        return Err(ApiError::validation(
            "executable",
            format!("must be one of: {}", allowed.join(", ")),
        ));
    }
    Ok(())
}

/// Adds each property's default (nested objects too) (taken from the default config) to a hand-written schema, so
/// the two cannot drift apart.
pub fn with_defaults(mut schema: Value, defaults: &Value) -> Value {
    if let (Some(props), Some(defaults)) = (
        schema.get_mut("properties").and_then(Value::as_object_mut),
        defaults.as_object(),
    ) {
        for (key, prop) in props.iter_mut() {
            if let Some(default) = defaults.get(key) {
                if prop.get("properties").is_some() {
                    *prop = with_defaults(prop.take(), default);
                }
                if let Some(prop) = prop.as_object_mut() {
                    prop.insert("default".into(), default.clone());
                }
            }
        }
    }
    schema
}
