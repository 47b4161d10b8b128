//! Installs the signature keys of a server's mods into its `keys/` folder before a start. Keys
//! the panel installed earlier for mods no longer loaded are removed; keys put there by hand
//! (e.g. the game's own `a3.bikey`) are never touched. A manifest remembers which are ours.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

const MANIFEST: &str = ".languard-keys";

pub fn sync(server_dir: &Path, keys: &[PathBuf]) -> anyhow::Result<()> {
    let dir = server_dir.join("keys");
    let manifest = dir.join(MANIFEST);
    let before: BTreeSet<String> = std::fs::read_to_string(&manifest)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty() && !l.contains('/'))
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
        // A key of that name put there by hand stays; two mods may ship the same key.
        let hand_placed = !before.contains(name) && std::fs::symlink_metadata(dir.join(name)).is_ok();
        if hand_placed || now.contains(name) {
            continue;
        }
        // Only a regular file is copied: a link in a mod folder could point anywhere.
        let meta = std::fs::symlink_metadata(key).with_context(|| format!("reading the key {}", key.display()))?;
        if !meta.is_file() {
            anyhow::bail!("the key {} is not a regular file", key.display());
        }
        now.insert(name.to_owned());
    }
    // Listed before copying, so a copy that fails halfway is still ours to remove next time.
    write_manifest(&dir, &manifest, before.union(&now))?;
    for name in &now {
        let key = keys
            .iter()
            .find(|k| k.file_name().and_then(|n| n.to_str()) == Some(name.as_str()));
        let Some(key) = key else { continue };
        let temp = dir.join(format!(".{name}.languard-tmp"));
        let _ = std::fs::remove_file(&temp);
        let copied = std::fs::copy(key, &temp)
            .and_then(|_| File::open(&temp)?.sync_all())
            .and_then(|_| std::fs::rename(&temp, dir.join(name)));
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&temp);
            return Err(e).with_context(|| format!("copying the key {}", key.display()));
        }
    }
    for stale in before.difference(&now) {
        let _ = std::fs::remove_file(dir.join(stale));
    }
    write_manifest(&dir, &manifest, now.iter())
}

fn write_manifest<'a>(dir: &Path, manifest: &Path, names: impl Iterator<Item = &'a String>) -> anyhow::Result<()> {
    let list: String = names.map(|n| format!("{n}\n")).collect();
    let temp = dir.join(format!("{MANIFEST}.languard-tmp"));
    let mut out = File::create(&temp)?;
    out.write_all(list.as_bytes())?;
    out.sync_all()?;
    std::fs::rename(&temp, manifest)?;
    File::open(dir).and_then(|d| d.sync_all()).ok();
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
        // A key put there by hand under a mod key's name is neither replaced nor removed.
        std::fs::write(server.join("keys/cba_3.bikey"), "mine").unwrap();
        sync(&server, &[mods.join("@cba/keys/cba_3.bikey")]).unwrap();
        sync(&server, &[]).unwrap();
        assert_eq!(
            std::fs::read_to_string(server.join("keys/cba_3.bikey")).unwrap(),
            "mine"
        );
        // A linked key is refused.
        std::os::unix::fs::symlink("/etc/hostname", mods.join("@ace/keys/evil.bikey")).unwrap();
        assert!(sync(&server, &[mods.join("@ace/keys/evil.bikey")]).is_err());
        assert!(!server.join("keys/evil.bikey").exists());
    }
}
