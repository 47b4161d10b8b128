//! Installs the signature keys of a server's mods into its `keys/` folder before a start. Keys
//! the panel installed earlier for mods no longer loaded are removed; keys put there by hand
//! (e.g. the game's own `a3.bikey`) are never touched. A manifest remembers which are ours.

use std::collections::BTreeSet;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::serverdir::ServerDir;

const KEYS: &str = "keys";
const MANIFEST: &str = ".languard-keys";

pub fn sync(server_dir: &ServerDir, keys: &[PathBuf]) -> anyhow::Result<()> {
    let dir = Path::new(KEYS);
    let manifest = dir.join(MANIFEST);
    let mut listed = String::new();
    match server_dir.open_read(&manifest) {
        Ok(mut file) => {
            file.read_to_string(&mut listed)
                .with_context(|| format!("reading {}", server_dir.path(&manifest).display()))?;
        }
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e.into()),
    }
    let before: BTreeSet<String> = listed
        .lines()
        .filter(|l| !l.is_empty() && !l.contains('/'))
        .map(str::to_owned)
        .collect();
    if keys.is_empty() && before.is_empty() {
        return Ok(());
    }
    server_dir.create_dir_all(dir)?;
    let mut now = BTreeSet::new();
    for key in keys {
        let Some(name) = key.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        // A key of that name put there by hand stays; two mods may ship the same key.
        let hand_placed = !before.contains(name) && server_dir.metadata(&dir.join(name)).is_ok();
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
    write_manifest(server_dir, &manifest, before.union(&now))?;
    for name in &now {
        let key = keys
            .iter()
            .find(|k| k.file_name().and_then(|n| n.to_str()) == Some(name.as_str()));
        let Some(key) = key else { continue };
        let bytes = read_key(key).with_context(|| format!("copying the key {}", key.display()))?;
        server_dir.create_atomic(&dir.join(name), &bytes, 0o644)?;
    }
    for stale in before.difference(&now) {
        let _ = server_dir.remove_file(&dir.join(stale));
    }
    write_manifest(server_dir, &manifest, now.iter())
}

/// A key's bytes, never through a link put in its place since it was checked.
fn read_key(key: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(key)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn write_manifest<'a>(
    server_dir: &ServerDir,
    manifest: &Path,
    names: impl Iterator<Item = &'a String>,
) -> anyhow::Result<()> {
    let list: String = names.map(|n| format!("{n}\n")).collect();
    Ok(server_dir.create_atomic(manifest, list.as_bytes(), 0o644)?)
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
        sync(&ServerDir::open(&server).unwrap(), &[ace.clone(), cba]).unwrap();
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
        sync(&ServerDir::open(&server).unwrap(), &[ace]).unwrap();
        assert_eq!(names(), ["a3.bikey", "ace_3.bikey"]);
        sync(&ServerDir::open(&server).unwrap(), &[]).unwrap();
        assert_eq!(names(), ["a3.bikey"]);
        // A key put there by hand under a mod key's name is neither replaced nor removed.
        std::fs::write(server.join("keys/cba_3.bikey"), "mine").unwrap();
        sync(
            &ServerDir::open(&server).unwrap(),
            &[mods.join("@cba/keys/cba_3.bikey")],
        )
        .unwrap();
        sync(&ServerDir::open(&server).unwrap(), &[]).unwrap();
        assert_eq!(
            std::fs::read_to_string(server.join("keys/cba_3.bikey")).unwrap(),
            "mine"
        );
        // A linked key is refused.
        std::os::unix::fs::symlink("/etc/hostname", mods.join("@ace/keys/evil.bikey")).unwrap();
        assert!(sync(&ServerDir::open(&server).unwrap(), &[mods.join("@ace/keys/evil.bikey")]).is_err());
        assert!(!server.join("keys/evil.bikey").exists());
    }

    #[test]
    fn a_keys_folder_linked_elsewhere_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let (server, outside) = (tmp.path().join("server"), tmp.path().join("outside"));
        std::fs::create_dir_all(tmp.path().join("mods/@ace/keys")).unwrap();
        std::fs::write(tmp.path().join("mods/@ace/keys/ace_3.bikey"), "ace").unwrap();
        std::fs::create_dir_all(&server).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, server.join("keys")).unwrap();
        let err = sync(
            &ServerDir::open(&server).unwrap(),
            &[tmp.path().join("mods/@ace/keys/ace_3.bikey")],
        )
        .unwrap_err();
        assert!(
            err.downcast_ref::<crate::serverdir::PathError>()
                .is_some_and(|e| e.is_escape()),
            "{err:#}"
        );
        assert_eq!(
            std::fs::read_dir(&outside).unwrap().count(),
            0,
            "nothing written outside"
        );
    }
}
