//! What an adapter reads from the config files already in a server's directory when an
//! existing install is registered: a partial config, the passwords, and a report of what was
//! taken, what is kept as it was and what could not be used.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::Secrets;

/// Gives the text of a file by its path relative to the server directory, `None` when absent.
pub type ReadFile<'a> = &'a dyn Fn(&Path) -> Option<String>;

/// Shown on the create response and the server's details.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    /// The files read, relative to the server directory.
    pub files: Vec<String>,
    /// Config keys (dotted, e.g. `basic.max_msg_send`) taken from them; passwords appear as
    /// `secrets.<name>`, never with their value.
    pub keys: Vec<String>,
    /// Entries Languard has no setting for, as the file names them: stored under the config's
    /// `extra` (or Source's `cvars`) and written back unchanged.
    pub kept: Vec<String>,
    /// Entries Languard sets itself (ports, RCON), which the next start writes over.
    pub managed: Vec<String>,
    /// Entries that could not be taken, with why.
    pub skipped: Vec<SkippedEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SkippedEntry {
    pub key: String,
    pub reason: String,
}

/// The result of reading an install.
#[derive(Debug, Default)]
pub struct Found {
    /// The values read, shaped like the game's config (keys absent when not found).
    pub config: Map<String, Value>,
    pub secrets: Secrets,
    pub report: ImportReport,
}

impl Found {
    /// Records a value read for a config key (`key` may be `basic.x` for a nested object).
    pub fn set(&mut self, key: &str, value: Value) {
        match key.split_once('.') {
            Some((outer, inner)) => {
                let entry = self
                    .config
                    .entry(outer.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(object) = entry.as_object_mut() {
                    object.insert(inner.to_owned(), value);
                }
            }
            None => {
                self.config.insert(key.to_owned(), value);
            }
        }
        self.report.keys.push(key.to_owned());
    }

    /// Records an entry kept verbatim under `<map>` (e.g. `extra`, `basic.extra`, `cvars`).
    /// The config is readable through the API, so an entry named like a secret is not kept.
    pub fn keep(&mut self, map: &str, shown: &str, key: &str, value: Value) {
        if crate::audit::names_a_secret(key) {
            self.skip(
                shown,
                "looks like a secret, and kept entries are visible in the config; set it again by hand",
            );
            return;
        }
        let mut target = &mut self.config;
        for part in map.split('.') {
            let entry = target
                .entry(part.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            let Some(object) = entry.as_object_mut() else { return };
            target = object;
        }
        target.insert(key.to_owned(), value);
        self.report.kept.push(shown.to_owned());
    }

    pub fn secret(&mut self, name: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        let slot = match name {
            "rcon_password" => &mut self.secrets.rcon_password,
            "game_password" => &mut self.secrets.game_password,
            "admin_password" => &mut self.secrets.admin_password,
            _ => return,
        };
        *slot = Some(value.to_owned());
        self.report.keys.push(format!("secrets.{name}"));
    }

    pub fn managed(&mut self, key: &str) {
        self.report.managed.push(key.to_owned());
    }

    pub fn skip(&mut self, key: &str, reason: impl Into<String>) {
        self.report.skipped.push(SkippedEntry {
            key: key.to_owned(),
            reason: reason.into(),
        });
    }

    /// Reads one file, noting it in the report when it exists.
    pub fn read(&mut self, read: ReadFile<'_>, path: &str) -> Option<String> {
        let text = read(Path::new(path))?;
        self.report.files.push(path.to_owned());
        Some(text)
    }
}
