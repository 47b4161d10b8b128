//! Every path the panel opens under a server directory goes through [`ServerDir`]. A game, a
//! mod or an uploaded archive can plant symlinks in that directory; paths are therefore resolved
//! by the kernel beneath a handle on the directory (`openat2` with `RESOLVE_BENEATH |
//! RESOLVE_NO_MAGICLINKS`), which refuses any step that would leave it: `..`, an absolute link,
//! a link to a sibling server's folder, `/proc/self/fd/..`. Operations on a final name
//! (create, remove, rename) act on that name inside a parent opened the same way, so a link as
//! the last component is replaced or removed, never followed.

use std::ffi::OsStr;
use std::fs::{File, Metadata};
use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{AtFlags, Mode, OFlags, ResolveFlags};
use rustix::io::Errno;

use crate::db::Db;
use crate::error::{ApiError, ErrorKind};
use crate::events::Bus;
use crate::ids::ServerId;
use crate::servers::event_actor::EventActor;

/// Why a path under a server directory could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    /// The path, or a link on the way, leads outside the server directory.
    #[error("{} leads outside the server directory {}", path.display(), root.display())]
    Escapes { root: PathBuf, path: PathBuf },
    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl PathError {
    pub fn is_escape(&self) -> bool {
        matches!(self, PathError::Escapes { .. })
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, PathError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}

impl From<PathError> for ApiError {
    fn from(e: PathError) -> ApiError {
        match e {
            PathError::Escapes { .. } => ApiError::conflict(ErrorKind::PathOutsideServerDirectory, e.to_string()),
            e => ApiError::internal(e),
        }
    }
}

/// Records a refused path as a `path_refused` event of the server (other errors are not events).
pub async fn record_refusal(db: &Db, bus: &Bus, server: ServerId, error: &PathError) {
    if !error.is_escape() {
        return;
    }
    tracing::warn!(server = %server, "{error}");
    let recorded = crate::servers::store::add_event(
        db,
        bus,
        server,
        &EventActor::system(),
        "path_refused",
        error.to_string(),
        None,
    )
    .await;
    if let Err(e) = recorded {
        tracing::error!(server = %server, error = ?e, "recording a refused path failed");
    }
}

/// Runs `op` on a blocking thread with the server directory at `root` opened for it (once per
/// operation). A refused path becomes a `path_refused` event and a 409.
pub async fn on_disk<T: Send + 'static>(
    db: &Db,
    bus: &Bus,
    server: ServerId,
    root: &Path,
    op: impl FnOnce(&ServerDir) -> Result<T, PathError> + Send + 'static,
) -> Result<T, ApiError> {
    let root = root.to_owned();
    let done = tokio::task::spawn_blocking(move || op(&ServerDir::open(&root)?))
        .await
        .map_err(ApiError::internal)?;
    match done {
        Ok(value) => Ok(value),
        Err(e) => {
            record_refusal(db, bus, server, &e).await;
            Err(e.into())
        }
    }
}

/// One entry of [`ServerDir::read_dir`]; the metadata is the entry's own (a link is a link).
#[derive(Debug)]
pub struct Entry {
    pub name: String,
    pub meta: Metadata,
}

/// A handle on a server directory, opened once per operation (or per followed file).
#[derive(Debug)]
pub struct ServerDir {
    root: PathBuf,
    fd: OwnedFd,
}

const BENEATH: ResolveFlags = ResolveFlags::BENEATH.union(ResolveFlags::NO_MAGICLINKS);

impl ServerDir {
    /// Opens an existing server directory.
    pub fn open(root: &Path) -> Result<ServerDir, PathError> {
        let fd = rustix::fs::open(
            root,
            OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| PathError::Io {
            action: "opening",
            path: root.to_owned(),
            source: e.into(),
        })?;
        Ok(ServerDir {
            root: root.to_owned(),
            fd,
        })
    }

    /// Creates the server directory when missing, then opens it.
    pub fn create(root: &Path) -> Result<ServerDir, PathError> {
        std::fs::create_dir_all(root).map_err(|source| PathError::Io {
            action: "creating",
            path: root.to_owned(),
            source,
        })?;
        ServerDir::open(root)
    }

    /// The absolute path of `rel`, for messages and stored cursors (never opened as such).
    pub fn path(&self, rel: &Path) -> PathBuf {
        self.root.join(rel)
    }

    /// `rel` relative to the root: `abs` must start with the root's path.
    pub fn relative<'a>(&self, abs: &'a Path) -> Result<&'a Path, PathError> {
        abs.strip_prefix(&self.root).map_err(|_| self.escapes(abs))
    }

    fn escapes(&self, rel: &Path) -> PathError {
        PathError::Escapes {
            root: self.root.clone(),
            path: self.root.join(rel),
        }
    }

    fn fail(&self, action: &'static str, rel: &Path, errno: Errno) -> PathError {
        match errno {
            // EXDEV: the resolution left the directory; ELOOP: a magic link (or a link loop).
            Errno::XDEV | Errno::LOOP => self.escapes(rel),
            e => PathError::Io {
                action,
                path: self.root.join(rel),
                source: e.into(),
            },
        }
    }

    /// Only plain names: no `..`, no root, never empty.
    fn checked<'a>(&self, rel: &'a Path) -> Result<&'a Path, PathError> {
        let plain = rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if !plain || rel.as_os_str().is_empty() {
            return Err(self.escapes(rel));
        }
        Ok(rel)
    }

    fn resolve(&self, action: &'static str, rel: &Path, flags: OFlags, mode: Mode) -> Result<OwnedFd, PathError> {
        let rel = self.checked(rel)?;
        rustix::fs::openat2(&self.fd, rel, flags | OFlags::CLOEXEC, mode, BENEATH)
            .map_err(|e| self.fail(action, rel, e))
    }

    /// The directory holding `rel`'s last component, and that component.
    fn parent<'a>(&self, rel: &'a Path) -> Result<(OwnedFd, &'a OsStr), PathError> {
        let rel = self.checked(rel)?;
        let name = rel.file_name().ok_or_else(|| self.escapes(rel))?;
        let parent = rel
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let fd = self.resolve("opening", parent, OFlags::DIRECTORY | OFlags::RDONLY, Mode::empty())?;
        Ok((fd, name))
    }

    /// Opens `rel` only when it is a regular file. Opened non-blocking first, so that a FIFO or
    /// a device planted under a file's name is refused instead of blocking the opener until
    /// someone writes to it; blocking again once it is known to be a file.
    fn regular_file(&self, action: &'static str, rel: &Path, flags: OFlags, mode: Mode) -> Result<File, PathError> {
        let fd = self.resolve(action, rel, flags | OFlags::NONBLOCK, mode)?;
        let stat = rustix::fs::fstat(&fd).map_err(|e| self.fail(action, rel, e))?;
        if rustix::fs::FileType::from_raw_mode(stat.st_mode) != rustix::fs::FileType::RegularFile {
            return Err(PathError::Io {
                action,
                path: self.root.join(rel),
                source: io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"),
            });
        }
        let blocking = rustix::fs::fcntl_getfl(&fd).map_err(|e| self.fail(action, rel, e))? - OFlags::NONBLOCK;
        rustix::fs::fcntl_setfl(&fd, blocking).map_err(|e| self.fail(action, rel, e))?;
        Ok(fd.into())
    }

    /// A regular file for reading.
    pub fn open_read(&self, rel: &Path) -> Result<File, PathError> {
        self.regular_file("reading", rel, OFlags::RDONLY, Mode::empty())
    }

    /// A regular file for appending, created with `mode` when missing (the game's console log).
    pub fn open_append(&self, rel: &Path, mode: u32) -> Result<File, PathError> {
        let flags = OFlags::WRONLY | OFlags::APPEND | OFlags::CREATE;
        self.regular_file("opening", rel, flags, Mode::from_raw_mode(mode))
    }

    /// Read-write without creating (the game's side of its console pipe).
    pub fn open_read_write(&self, rel: &Path) -> Result<File, PathError> {
        Ok(self.resolve("opening", rel, OFlags::RDWR, Mode::empty())?.into())
    }

    /// Write-only and non-blocking (the panel's side of the console pipe: fails at once when
    /// nobody holds it for reading).
    pub fn open_write_nonblocking(&self, rel: &Path) -> Result<File, PathError> {
        Ok(self
            .resolve("opening", rel, OFlags::WRONLY | OFlags::NONBLOCK, Mode::empty())?
            .into())
    }

    /// A new file (refused when the name exists, even as a link), with exactly `mode`.
    pub fn create_new(&self, rel: &Path, mode: u32) -> Result<File, PathError> {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL;
        let fd = self.resolve("creating", rel, flags, Mode::from_raw_mode(mode))?;
        // The umask may have taken bits away; set exactly what was asked.
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(mode)).map_err(|e| self.fail("creating", rel, e))?;
        Ok(fd.into())
    }

    /// Writes `contents` to a temporary sibling, syncs it, renames it over `rel` and syncs the
    /// directory: a reader sees the old file or the new one, never half of one. A link at
    /// `rel` is replaced, not followed. Parent folders are created.
    pub fn create_atomic(&self, rel: &Path, contents: &[u8], mode: u32) -> Result<(), PathError> {
        let rel = self.checked(rel)?;
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.create_dir_all(parent)?;
        }
        let name = rel.file_name().ok_or_else(|| self.escapes(rel))?;
        let mut temp_name = OsStr::new(".").to_os_string();
        temp_name.push(name);
        temp_name.push(".languard-tmp");
        let temp = rel.with_file_name(&temp_name);
        // A leftover of a crashed write (or anything planted under that name) goes first.
        let _ = self.remove_file(&temp);
        let written = self.create_new(&temp, mode).and_then(|mut out| {
            let io = |source| PathError::Io {
                action: "writing",
                path: self.root.join(&temp),
                source,
            };
            out.write_all(contents).map_err(io)?;
            out.sync_all().map_err(io)
        });
        let renamed = written.and_then(|()| self.rename(&temp, rel));
        if renamed.is_err() {
            let _ = self.remove_file(&temp);
        }
        renamed
    }

    /// The entries of a folder with their own metadata; names that are not UTF-8 are skipped.
    pub fn read_dir(&self, rel: &Path) -> Result<Vec<Entry>, PathError> {
        let fd = self.resolve("listing", rel, OFlags::DIRECTORY | OFlags::RDONLY, Mode::empty())?;
        let dir = rustix::fs::Dir::read_from(&fd).map_err(|e| self.fail("listing", rel, e))?;
        let mut entries = Vec::new();
        for entry in dir {
            let entry = entry.map_err(|e| self.fail("listing", rel, e))?;
            let bytes = entry.file_name().to_bytes();
            if bytes == b"." || bytes == b".." {
                continue;
            }
            let Ok(name) = std::str::from_utf8(bytes) else {
                continue;
            };
            let at = OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            // Removed since the listing: not an entry any more.
            let Ok(meta) = rustix::fs::openat(&fd, name, at, Mode::empty()).map(File::from) else {
                continue;
            };
            let Ok(meta) = meta.metadata() else { continue };
            entries.push(Entry {
                name: name.to_owned(),
                meta,
            });
        }
        Ok(entries)
    }

    /// Metadata of `rel` itself: a link at the end is reported as a link, not followed.
    pub fn metadata(&self, rel: &Path) -> Result<Metadata, PathError> {
        let (parent, name) = self.parent(rel)?;
        let at = OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let file: File = rustix::fs::openat(&parent, name, at, Mode::empty())
            .map_err(|e| self.fail("reading", rel, e))?
            .into();
        file.metadata().map_err(|source| PathError::Io {
            action: "reading",
            path: self.root.join(rel),
            source,
        })
    }

    /// Removes a file (or a link, never what it points to).
    pub fn remove_file(&self, rel: &Path) -> Result<(), PathError> {
        let (parent, name) = self.parent(rel)?;
        rustix::fs::unlinkat(&parent, name, AtFlags::empty()).map_err(|e| self.fail("removing", rel, e))
    }

    /// Creates `rel` and any missing parents, each resolved beneath the root.
    pub fn create_dir_all(&self, rel: &Path) -> Result<(), PathError> {
        let rel = self.checked(rel)?;
        let mut prefix = PathBuf::new();
        for component in rel.components() {
            let Component::Normal(name) = component else { continue };
            let parent = if prefix.as_os_str().is_empty() {
                Path::new(".")
            } else {
                prefix.as_path()
            };
            let dir = self.resolve("creating", parent, OFlags::DIRECTORY | OFlags::RDONLY, Mode::empty())?;
            match rustix::fs::mkdirat(&dir, name, Mode::from_raw_mode(0o755)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(e) => return Err(self.fail("creating", &prefix.join(name), e)),
            }
            prefix.push(name);
        }
        // A name that existed as a link to elsewhere is refused here.
        self.resolve("creating", rel, OFlags::DIRECTORY | OFlags::RDONLY, Mode::empty())
            .map(drop)
    }

    /// Renames within the directory (a link at `to` is replaced) and syncs the target folder,
    /// so that the rename is durable.
    pub fn rename(&self, from: &Path, to: &Path) -> Result<(), PathError> {
        let (from_dir, from_name) = self.parent(from)?;
        let (to_dir, to_name) = self.parent(to)?;
        rustix::fs::renameat(&from_dir, from_name, &to_dir, to_name).map_err(|e| self.fail("renaming", to, e))?;
        let _ = rustix::fs::fsync(&to_dir);
        Ok(())
    }

    /// Creates a named pipe at `rel` (refused when the name exists).
    pub fn make_fifo(&self, rel: &Path, mode: u32) -> Result<(), PathError> {
        let (parent, name) = self.parent(rel)?;
        rustix::fs::mkfifoat(&parent, name, Mode::from_raw_mode(mode)).map_err(|e| self.fail("creating", rel, e))
    }
}

#[cfg(test)]
mod tests;
