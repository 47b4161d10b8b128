//! What an uploaded file may be called. A name is checked, never repaired into something else
//! the user did not ask for, except that it is lowercased (the games run on Linux, where Arma
//! looks missions and mods up case-sensitively while mission makers use any case).

use crate::error::ApiError;
use crate::games::ContentFolder;

fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// The stored name of an uploaded file, or why it is refused (for the field `file`).
pub fn content_file_name(folder: &ContentFolder, given: &str) -> Result<String, ApiError> {
    let refuse = |why: String| Err(ApiError::validation("file", why));
    if given.contains(['/', '\\']) {
        return refuse("the file name must not contain a folder (`/` or `\\`)".into());
    }
    let name = given.trim().to_lowercase();
    if name.len() > 128 {
        return refuse("the file name must be at most 128 characters".into());
    }
    if name.starts_with('.') || !name.chars().all(plain) {
        return refuse(format!(
            "`{given}`: a file name may only hold letters, digits, `_`, `-` and `.`, and not start with `.`"
        ));
    }
    let Some(stem) = name.strip_suffix(&format!(".{}", folder.extension)) else {
        return refuse(format!("`{given}` is not a .{} file", folder.extension));
    };
    if stem.is_empty() || stem.contains("..") {
        return refuse(format!("`{given}` needs a name before .{}", folder.extension));
    }
    // Arma finds the terrain from the name: <mission>.<terrain>.pbo.
    if folder.extension == "pbo" {
        match stem.rsplit_once('.') {
            Some((mission, terrain)) if !mission.is_empty() && !terrain.is_empty() => {}
            _ => {
                return refuse(format!(
                    "`{given}` must be named <mission>.<terrain>.pbo, e.g. coop_01.altis.pbo"
                ))
            }
        }
    }
    Ok(name)
}

/// The part before the extension: what server.cfg calls a mission's `template`.
pub fn stem<'a>(folder: &ContentFolder, name: &'a str) -> &'a str {
    name.strip_suffix(&format!(".{}", folder.extension)).unwrap_or(name)
}

/// A mod folder under the mods root: one plain path component starting with `@`; `;` and
/// quotes would break `-mod=`.
pub fn mod_folder(given: &str) -> Result<&str, ApiError> {
    let ok = given.len() > 1
        && given.len() <= 128
        && given.starts_with('@')
        && given[1..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '+' | ' '))
        && !given.contains("..");
    if ok {
        Ok(given)
    } else {
        Err(ApiError::validation(
            "folder",
            "must be one folder name under the mods root starting with `@` (letters, digits, space, `_-.+`; no `;`, quotes or `/`)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missions() -> ContentFolder {
        ContentFolder {
            dir: "mpmissions".into(),
            extension: "pbo",
            kind: "missions",
        }
    }

    #[test]
    fn mission_names() {
        let f = missions();
        assert_eq!(content_file_name(&f, "Coop_01.Altis.pbo").unwrap(), "coop_01.altis.pbo");
        assert_eq!(content_file_name(&f, "a.b.c.vr.pbo").unwrap(), "a.b.c.vr.pbo");
        for bad in [
            "../x.pbo",
            "x/../y.altis.pbo",
            "..\\x.altis.pbo",
            "x.exe",
            "x.altis.pbo.exe",
            "x.pbo",
            ".hidden.altis.pbo",
            "co\"op.altis.pbo",
            "co'op.altis.pbo",
            "co op.altis.pbo",
            "coop;rm.altis.pbo",
            "a..altis.pbo",
            ".pbo",
            "",
        ] {
            let err = content_file_name(&f, bad).expect_err(bad);
            assert_eq!(err.body().field.as_deref(), Some("file"), "{bad}");
        }
        assert!(content_file_name(&f, &format!("{}.altis.pbo", "a".repeat(130))).is_err());
        assert_eq!(stem(&f, "coop_01.altis.pbo"), "coop_01.altis");
    }

    #[test]
    fn other_content_needs_no_terrain() {
        let maps = ContentFolder {
            dir: "tf/maps".into(),
            extension: "bsp",
            kind: "maps",
        };
        assert_eq!(content_file_name(&maps, "ctf_2fort.bsp").unwrap(), "ctf_2fort.bsp");
        assert!(content_file_name(&maps, "ctf_2fort.pbo").is_err());
    }

    #[test]
    fn mod_folders() {
        assert!(mod_folder("@ace").is_ok());
        assert!(mod_folder("@CBA_A3 v3.1+").is_ok());
        for bad in ["ace", "@", "@a;b", "@a\"b", "@a/b", "@..", "@a'b", "/abs/@x"] {
            assert!(mod_folder(bad).is_err(), "{bad}");
        }
    }
}
