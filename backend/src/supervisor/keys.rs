//! Installs the signature keys of a server's mods into its `keys/` folder before a start. Keys
//! the panel installed earlier for mods no longer loaded are removed; keys put there by hand
//! (e.g. the game's own `a3.bikey`) are never touched. A manifest remembers which are ours.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;

const MANIFEST: &str = ".languard-keys";

pub fn sync(server_dir: &Path, keys: &[PathBuf]) -> anyhow::Result<()> {
    let dir = server_dir.join("keys");
    let manifest = dir.join(MANIFEST);
    let before: BTreeSet<String> = std::fs::read_to_string(&manifest)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if keys.is_empty() && before.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut now = BTreeSet::new();
    for key in keys {
        let Some(name) = key.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        // Two mods may ship the same key file; the first one wins.
        if !now.insert(name.to_owned()) {
            continue;
        }
        let temp = dir.join(format!(".{name}.languard-tmp"));
        let _ = std::fs::remove_file(&temp);
        std::fs::copy(key, &temp).with_context(|| format!("copying the key {}", key.display()))?;
        File::open(&temp).and_then(|f| f.sync_all())?;
        std::fs::rename(&temp, dir.join(name))?;
    }
    for stale in before.difference(&now) {
        // Only plain names were ever written to the manifest.
        if !stale.contains('/') {
            let _ = std::fs::remove_file(dir.join(stale));
        }
    }
    let list: String = now.iter().map(|n| format!("{n}\n")).collect();
    let temp = dir.join(format!("{MANIFEST}.languard-tmp"));
    std::fs::write(&temp, list)?;
    std::fs::rename(&temp, &manifest)?;
    File::open(&dir).and_then(|d| d.sync_all()).ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_mod_set_and_hand_placed_ones_stay() {
        let tmp = tempfile::tempdir().unwrap();
        let (mods, server) = (tmp.path().join("mods"), tmp.path().join("server"));
        for (m, k) in [("@ace", "ace_3.bikey"), ("@cba", "cba_3.bikey")] {
            std::fs::create_dir_all(mods.join(m).join("keys")).unwrap();
            std::fs::write(mods.join(m).join("keys").join(k), m).unwrap();
        }
        std::fs::create_dir_all(server.join("keys")).unwrap();
        std::fs::write(server.join("keys/a3.bikey"), "game").unwrap();
        let ace = mods.join("@ace/keys/ace_3.bikey");
        let cba = mods.join("@cba/keys/cba_3.bikey");
        sync(&server, &[ace.clone(), cba]).unwrap();
        let names = || {
            let mut n: Vec<String> = std::fs::read_dir(server.join("keys"))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| !n.starts_with('.'))
                .collect();
            n.sort();
            n
        };
        assert_eq!(names(), ["a3.bikey", "ace_3.bikey", "cba_3.bikey"]);
        assert_eq!(
            std::fs::read_to_string(server.join("keys/ace_3.bikey")).unwrap(),
            "@ace"
        );
        sync(&server, &[ace]).unwrap();
        assert_eq!(names(), ["a3.bikey", "ace_3.bikey"]);
        sync(&server, &[]).unwrap();
        assert_eq!(names(), ["a3.bikey"]);
    }
}
