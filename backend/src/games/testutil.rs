//! Test helpers shared by the adapters' unit tests: golden-file comparison, a small JSON
//! Schema checker for the subset the SPA renders, and assertions on 422 errors.

use std::path::Path;

use serde_json::{json, Value};

use super::{GameAdapter, LaunchPlan, RenderedFile, Secrets, ServerSpec};
use crate::error::ApiError;

/// Fixed secrets so golden files are stable.
pub fn secrets() -> Secrets {
    Secrets {
        rcon_password: Some("rc0n-S3cret".into()),
        game_password: Some("join-me".into()),
        admin_password: Some("admin-Pa55".into()),
    }
}

pub fn plan(adapter: &dyn GameAdapter, exe: &str, port: u16, config: &Value, secrets: &Secrets) -> LaunchPlan {
    plan_with_mods(adapter, exe, port, config, secrets, &[]).unwrap_or_else(|e| panic!("plan should succeed: {e:?}"))
}

/// Validate + plan with a mod set.
pub fn plan_with_mods(
    adapter: &dyn GameAdapter,
    exe: &str,
    port: u16,
    config: &Value,
    secrets: &Secrets,
    mods: &[crate::games::LaunchMod],
) -> Result<LaunchPlan, ApiError> {
    let config = adapter
        .validate(config)
        .unwrap_or_else(|e| panic!("config should validate: {e:?}"));
    let spec = ServerSpec {
        directory: Path::new("/srv/languard/servers/7"),
        executable: &Path::new("/opt/game").join(exe),
        game_port: port,
        config: &config,
        secrets,
        mods,
    };
    adapter.plan(&spec)
}

/// Runs validate + plan and returns the error (panics if both succeed).
pub fn plan_err(adapter: &dyn GameAdapter, port: u16, config: &Value, secrets: &Secrets) -> ApiError {
    let config = match adapter.validate(config) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let exe = adapter.allowed_executables().first().copied().unwrap_or("server");
    let spec = ServerSpec {
        directory: Path::new("/srv/languard/servers/7"),
        executable: &Path::new("/opt/game").join(exe),
        game_port: port,
        config: &config,
        secrets,
        mods: &[],
    };
    match adapter.plan(&spec) {
        Ok(_) => panic!("expected a validation error for {config}"),
        Err(e) => e,
    }
}

pub fn file<'a>(plan: &'a LaunchPlan, path: &str) -> &'a RenderedFile {
    plan.files
        .iter()
        .find(|f| f.path == Path::new(path))
        .unwrap_or_else(|| panic!("no rendered file {path}; have {:?}", plan.files))
}

/// Asserts `err` is a 422 naming `field`.
pub fn assert_field(err: &ApiError, field: &str) {
    match err {
        ApiError::Validation { field: f, .. } => assert_eq!(f, field, "wrong field blamed: {err:?}"),
        other => panic!("expected a validation error naming {field}, got {other:?}"),
    }
}

pub fn assert_rejects(adapter: &dyn GameAdapter, config: Value, field: &str) {
    match adapter.validate(&config) {
        Ok(v) => panic!("{config} should be refused, got {v}"),
        Err(e) => assert_field(&e, field),
    }
}

/// Compares rendered text with a committed golden file. Set `LANGUARD_UPDATE_GOLDEN=1` to
/// rewrite the files (then review the git diff).
pub fn golden(name: &str, expected: &str, actual: &str) {
    if expected == actual {
        return;
    }
    if std::env::var_os("LANGUARD_UPDATE_GOLDEN").is_some() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/games/testdata")
            .join(name);
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let exp: Vec<&str> = expected.split('\n').collect();
    let act: Vec<&str> = actual.split('\n').collect();
    let mut diff = String::new();
    for i in 0..exp.len().max(act.len()) {
        let (e, a) = (exp.get(i), act.get(i));
        if e != a {
            diff.push_str(&format!("line {}:\n  - {:?}\n  + {:?}\n", i + 1, e, a));
        }
    }
    panic!(
        "rendered output differs from golden file src/games/testdata/{name}\n{diff}\n\
         If the change is intended, rerun with LANGUARD_UPDATE_GOLDEN=1 and review the diff.\n\
         --- full output ---\n{actual}"
    );
}

/// Checks `value` against the schema subset we write: type, enum, minimum/maximum, items,
/// properties with additionalProperties false, additionalProperties as a schema.
pub fn schema_check(schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => return Err(format!("{at}: bad type keyword")),
        };
        let ok = types.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        });
        if !ok {
            return Err(format!("{at}: {value} is not of type {types:?}"));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            return Err(format!("{at}: {value} not in enum"));
        }
    }
    if let (Some(min), Some(v)) = (schema.get("minimum").and_then(Value::as_f64), value.as_f64()) {
        if v < min {
            return Err(format!("{at}: {v} < minimum {min}"));
        }
    }
    if let (Some(max), Some(v)) = (schema.get("maximum").and_then(Value::as_f64), value.as_f64()) {
        if v > max {
            return Err(format!("{at}: {v} > maximum {max}"));
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for (i, item) in arr.iter().enumerate() {
            schema_check(items, item, &format!("{at}.{i}"))?;
        }
    }
    if let Some(obj) = value.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for (key, v) in obj {
            match props.and_then(|p| p.get(key)) {
                Some(prop) => schema_check(prop, v, &format!("{at}.{key}"))?,
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) | None if props.is_some() => {
                        return Err(format!("{at}.{key}: not in schema"))
                    }
                    Some(extra) if extra.is_object() => schema_check(extra, v, &format!("{at}.{key}"))?,
                    _ => {}
                },
            }
        }
    }
    Ok(())
}

/// Every property of the schema is in the value and vice versa (recursing into objects).
fn same_keys(schema: &Value, value: &Value, at: &str) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    if value.is_null() {
        return;
    }
    let obj = value.as_object().unwrap_or_else(|| panic!("{at} should be an object"));
    let mut schema_keys: Vec<&String> = props.keys().collect();
    let mut value_keys: Vec<&String> = obj.keys().collect();
    schema_keys.sort();
    value_keys.sort();
    assert_eq!(
        schema_keys, value_keys,
        "schema properties and default config keys differ at {at}"
    );
    for (key, prop) in props {
        assert_eq!(
            prop.get("default"),
            obj.get(key),
            "schema default differs at {at}.{key}"
        );
        same_keys(prop, &obj[key], &format!("{at}.{key}"));
    }
}

/// The checks every adapter must pass: the default validates (and is normalised to itself),
/// `{}` completes to the default, schema and default agree, unknown keys and non-objects fail.
pub fn schema_roundtrip(adapter: &dyn GameAdapter) {
    let default = adapter.default_config();
    let schema = adapter.config_schema();
    assert_eq!(schema["type"], "object");
    assert_eq!(
        adapter.validate(&default).ok(),
        Some(default.clone()),
        "default must validate to itself"
    );
    assert_eq!(
        adapter.validate(&json!({})).ok(),
        Some(default.clone()),
        "{{}} must complete to the default"
    );
    schema_check(&schema, &default, "config").unwrap_or_else(|e| panic!("default violates the schema: {e}"));
    same_keys(&schema, &default, "config");
    assert_rejects(adapter, json!({"no_such_key": 1}), "config.no_such_key");
    assert_rejects(adapter, json!([1]), "config");
}

/// Values that break naive writers: quotes, backslash, CR, LF, `;`.
pub const NASTY: [&str; 5] = ["a\"b", "a\\b", "a\rb", "a\nb", "a;b"];
