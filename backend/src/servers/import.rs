//! Existing installs: reading the game's own config files when a server is registered on a
//! directory that holds them, and keeping a copy of each file Languard did not write before a
//! start first overwrites it.
//!
//! Whose a file is, is decided by its content: Languard records a SHA-256 of each file it
//! writes (`.languard-written` in the server directory); a file whose content matches the
//! record, or what is about to be written, is Languard's. Any other existing file is copied to
//! `<name>.<UTC timestamp>.bak` beside it first.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::games::import::{ImportReport, SkippedEntry};
use crate::games::{GameAdapter, RenderedFile, Secrets};
use crate::serverdir::{PathError, ServerDir};

const WRITTEN: &str = ".languard-written";
/// Config files are small; anything bigger is not one.
const MAX_READ: u64 = 1 << 20;

/// The bytes of a regular file beneath the server directory (a link at the end is not
/// followed), `None` when absent or not one.
fn read_regular(root: &ServerDir, rel: &Path) -> Option<Vec<u8>> {
    if !root.metadata(rel).ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    root.open_read(rel).ok()?.take(MAX_READ).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// What the create request brings once the install's files are read.
pub struct Imported {
    pub config: Value,
    pub secrets: Secrets,
    pub report: Option<ImportReport>,
}

/// Objects merged key by key, `over` winning; anything else is replaced by `over`.
fn merge(base: Value, over: &Value) -> Value {
    match (base, over) {
        (Value::Object(mut base), Value::Object(over)) => {
            for (k, v) in over {
                let merged = merge(base.remove(k).unwrap_or(Value::Null), v);
                base.insert(k.clone(), merged);
            }
            Value::Object(base)
        }
        (_, over) => over.clone(),
    }
}

/// Removes the imported value a validation error names (`config.a.b`, where keys may hold
/// dots themselves); returns the key removed, or `None` when the field is not imported.
fn remove_field(found: &mut Map<String, Value>, field: &str) -> Option<String> {
    let path = field.strip_prefix("config.")?;
    let mut object = found;
    let mut rest = path;
    let mut walked = String::new();
    loop {
        // The longest prefix of `rest` that is a key here.
        let key = object
            .keys()
            .filter(|k| rest == k.as_str() || rest.starts_with(&format!("{k}.")))
            .max_by_key(|k| k.len())?
            .clone();
        walked.push_str(&key);
        let remainder = rest[key.len()..].trim_start_matches('.');
        let is_object = object.get(&key).is_some_and(Value::is_object);
        if remainder.is_empty() || !is_object {
            object.remove(&key);
            return Some(walked);
        }
        walked.push('.');
        rest = remainder;
        object = object.get_mut(&key)?.as_object_mut()?;
    }
}

/// Reads the game's config files in `dir` (when it exists) under the requested config:
/// what the request gives wins, the install fills in the rest. An imported value the config
/// refuses is left out and reported, so an odd file never blocks the registration.
pub fn read_install(adapter: &dyn GameAdapter, dir: &Path, requested: &Value) -> ApiResult<Imported> {
    let base = adapter.validate(requested)?;
    // A directory that does not exist yet holds nothing to import.
    let root = ServerDir::open(dir).ok();
    let read = |relative: &Path| {
        let bytes = read_regular(root.as_ref()?, relative)?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    };
    let mut found = adapter.import(&base, &read);
    if found.report.files.is_empty() {
        return Ok(Imported {
            config: base,
            secrets: Secrets::default(),
            report: None,
        });
    }
    let config = loop {
        let merged = merge(Value::Object(found.config.clone()), requested);
        match adapter.validate(&merged) {
            Ok(config) => break config,
            Err(ApiError::Validation { field, message }) => match remove_field(&mut found.config, &field) {
                Some(key) => {
                    found.report.keys.retain(|k| *k != key);
                    // Kept entries are shown by their name in the file, without the map's.
                    let shown = ["extra.", "cvars."]
                        .iter()
                        .find_map(|p| key.strip_prefix(p).map(str::to_owned))
                        .or_else(|| key.strip_prefix("basic.extra.").map(|k| format!("basic.{k}")));
                    found.report.kept.retain(|k| Some(k) != shown.as_ref());
                    found.skip(&key, message);
                }
                None => return Err(ApiError::Validation { field, message }),
            },
            Err(other) => return Err(other),
        }
    };
    let mut report = found.report;
    for list in [&mut report.keys, &mut report.kept, &mut report.managed] {
        list.sort();
        list.dedup();
    }
    Ok(Imported {
        config,
        secrets: found.secrets,
        report: Some(report),
    })
}

/// Passwords read from an install pass the same checks as given ones; one that fails is left
/// out (and reported) so that a fresh one is generated or none is set.
pub fn usable_secrets(found: Secrets, report: Option<&mut ImportReport>) -> Secrets {
    let mut skipped = Vec::new();
    let mut check = |name: &str, value: Option<String>| match value {
        Some(v) => match super::validate::validate_secret(name, &v) {
            Ok(v) => v,
            Err(e) => {
                skipped.push(SkippedEntry {
                    key: format!("secrets.{name}"),
                    reason: e.body().message,
                });
                None
            }
        },
        None => None,
    };
    let usable = Secrets {
        rcon_password: check("rcon_password", found.rcon_password),
        game_password: check("game_password", found.game_password),
        admin_password: check("admin_password", found.admin_password),
    };
    if let Some(report) = report {
        for entry in skipped {
            report.keys.retain(|k| *k != entry.key);
            report.skipped.push(entry);
        }
    }
    usable
}

/// The `config_imported` event's message.
pub fn summary(report: &ImportReport) -> String {
    format!(
        "read {} from the install: {} settings taken, {} other entries kept",
        report.files.join(", "),
        report.keys.len(),
        report.kept.len()
    )
}

fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Path → SHA-256 of what Languard last wrote there.
fn written(root: &ServerDir) -> BTreeMap<String, String> {
    let text = read_regular(root, Path::new(WRITTEN)).unwrap_or_default();
    String::from_utf8_lossy(&text)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(hash, path)| (path.to_owned(), hash.to_owned()))
        .collect()
}

/// Before `files` are written: copies each existing file that Languard did not write to
/// `<name>.<UTC timestamp>.bak` beside it (mode 0600, as it may hold passwords), written
/// atomically and never over an earlier copy. Returns the copies made, relative to the
/// server directory.
pub fn keep_foreign_files(root: &ServerDir, files: &[RenderedFile]) -> Result<Vec<String>, PathError> {
    let ours = written(root);
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let mut copies = Vec::new();
    for file in files {
        let Some(current) = read_regular(root, &file.path) else {
            continue;
        };
        let key = file.path.display().to_string();
        if current == file.contents.as_bytes() || ours.get(&key) == Some(&digest(&current)) {
            continue;
        }
        let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        // Two starts within one second get two copies.
        let copy = (0..100)
            .map(|n| match n {
                0 => format!("{name}.{stamp}.bak"),
                n => format!("{name}.{stamp}-{n}.bak"),
            })
            .map(|copy| file.path.with_file_name(copy))
            .find(|copy| root.metadata(copy).is_err_and(|e| e.is_not_found()))
            .unwrap_or_else(|| file.path.with_file_name(format!("{name}.{stamp}-last.bak")));
        root.create_atomic(&copy, &current, 0o600)?;
        copies.push(copy.display().to_string());
    }
    Ok(copies)
}

/// After `files` were written: records their content as Languard's.
pub fn remember_written(root: &ServerDir, files: &[RenderedFile]) -> Result<(), PathError> {
    let mut ours = written(root);
    for file in files {
        ours.insert(file.path.display().to_string(), digest(file.contents.as_bytes()));
    }
    let text: String = ours.iter().map(|(path, hash)| format!("{hash} {path}\n")).collect();
    root.create_atomic(Path::new(WRITTEN), text.as_bytes(), 0o644)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(path: &str, contents: &str) -> RenderedFile {
        RenderedFile {
            path: path.into(),
            contents: contents.into(),
            secret: true,
        }
    }

    fn copies_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".bak"))
            .collect();
        names.sort();
        names
    }

    /// A file Languard did not write is copied once; its own files, rendered again with other
    /// values, are not; a hand edit after Languard wrote it is copied again.
    #[test]
    fn only_files_languard_did_not_write_are_copied() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("cfg");
        std::fs::create_dir_all(&cfg).unwrap();
        std::fs::write(cfg.join("server.cfg"), "hostname \"mine\"\n").unwrap();
        let root = ServerDir::open(dir.path()).unwrap();
        let first = [
            rendered("cfg/server.cfg", "hostname \"v1\"\n"),
            rendered("new.cfg", "x\n"),
        ];
        let copies = keep_foreign_files(&root, &first).unwrap();
        assert_eq!(copies.len(), 1, "{copies:?}");
        assert!(copies[0].starts_with("cfg/server.cfg.") && copies[0].ends_with("Z.bak"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&copies[0])).unwrap(),
            "hostname \"mine\"\n"
        );
        crate::supervisor::process::write_files(&root, &first).unwrap();
        remember_written(&root, &first).unwrap();

        let second = [rendered("cfg/server.cfg", "hostname \"v2\"\n")];
        assert!(keep_foreign_files(&root, &second).unwrap().is_empty());
        crate::supervisor::process::write_files(&root, &second).unwrap();
        remember_written(&root, &second).unwrap();

        std::fs::write(cfg.join("server.cfg"), "hostname \"edited by hand\"\n").unwrap();
        let again = keep_foreign_files(&root, &second).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(copies_in(&cfg).len(), 2, "the first copy is never replaced");
    }

    /// A symlink in place of a config file is not followed (its target is not copied).
    #[test]
    fn links_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "private").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("server.cfg")).unwrap();
        let root = ServerDir::open(dir.path()).unwrap();
        let copies = keep_foreign_files(&root, &[rendered("server.cfg", "x")]).unwrap();
        assert!(copies.is_empty());
        assert!(copies_in(dir.path()).is_empty());
    }
}
