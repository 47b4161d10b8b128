//! Follows growing text files the way `tail -F` does: new lines from where it left off, and
//! from the top again when a file is truncated or replaced (a game rotating its log), or when a
//! newer file appears (Arma writes a new `.rpt` per start). Stored sources resume from their
//! cursor after a panel restart, so lines are neither read twice nor skipped. Polling backs off
//! from 5 ms while lines flow to 200 ms when idle, so a busy console is streamed within
//! milliseconds and an idle one costs next to nothing.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::store::{self, Batch, Cursor, NewEntry};
use super::writer::LogWriter;
use crate::db::{now, Db};
use crate::events::payloads::{frame, ConsoleData, LogData};
use crate::events::Bus;
use crate::games::{GameAdapter, GameLog, LogLine};
use crate::ids::ServerId;
use crate::serverdir::{record_refusal, PathError, ServerDir};

/// Polling while a game writes; after `BUSY_FOR` without a line the wait doubles up to `IDLE`.
const FAST: Duration = Duration::from_millis(2);
const BUSY_FOR: Duration = Duration::from_millis(250);
const IDLE: Duration = Duration::from_millis(200);
/// Longest line kept whole; longer ones are cut (a game printing a binary blob).
const MAX_LINE: usize = 16 * 1024;
/// Most bytes read in one go, which bounds a batch.
const MAX_READ: u64 = 128 << 10;

/// Aborts its tasks when dropped.
pub struct Tailers(Vec<JoinHandle<()>>);

impl Drop for Tailers {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// What the tailers of every server share.
#[derive(Clone)]
pub struct Tailing {
    pub db: Db,
    pub bus: Bus,
    pub writer: LogWriter,
}

/// One followed file: `console` lines are streamed raw, `store`d ones are parsed, published as
/// `log` frames and written to the database.
struct Follow {
    target: GameLog,
    source: &'static str,
    console: bool,
    store: bool,
}

/// Follows the server's captured stdout/stderr (`console`, relative to `directory`) and, when
/// the game writes one, its own log. With a game log, that is the stored source (stdout
/// repeats its lines); else stdout is. Files are read beneath the server directory only.
pub async fn follow(
    server: ServerId,
    directory: &Path,
    console: &Path,
    game_log: Option<GameLog>,
    adapter: &'static dyn GameAdapter,
    ctx: &Tailing,
) -> Tailers {
    // The adapters name the game's log by its absolute path; it is followed relative to the
    // server directory, and one named outside it is not followed at all.
    let game_log = game_log.and_then(|log| match relative(directory, log) {
        Ok(log) => Some(log),
        Err(path) => {
            tracing::warn!(server = %server, path = %path.display(), "the game's log is outside the server directory; not followed");
            None
        }
    });
    let mut follows = vec![Follow {
        target: GameLog::File(console.to_owned()),
        source: "console",
        console: true,
        store: game_log.is_none(),
    }];
    if let Some(target) = game_log {
        follows.push(Follow {
            target,
            source: "game",
            console: false,
            store: true,
        });
    }
    let mut tasks = Vec::new();
    for follow in follows {
        let cursor = if follow.store {
            store::cursor(&ctx.db, server, follow.source).await.unwrap_or_else(|e| {
                tracing::error!(server = %server, error = ?e, "reading the log cursor failed; following from the end");
                None
            })
        } else {
            None
        };
        // Positioned before the game is spawned, so its first lines are not missed.
        let file = Followed::start(directory, follow.target.clone(), cursor.as_ref());
        tasks.push(tokio::spawn(run(server, follow, file, adapter, ctx.clone())));
    }
    Tailers(tasks)
}

fn relative(directory: &Path, log: GameLog) -> Result<GameLog, PathBuf> {
    let strip = |p: PathBuf| match p.strip_prefix(directory) {
        Ok(rel) if !rel.as_os_str().is_empty() => Ok(rel.to_owned()),
        _ => Err(p),
    };
    Ok(match log {
        GameLog::File(path) => GameLog::File(strip(path)?),
        GameLog::Newest { dir, extension } => GameLog::Newest {
            dir: strip(dir)?,
            extension,
        },
    })
}

async fn run(server: ServerId, follow: Follow, mut file: Followed, adapter: &'static dyn GameAdapter, ctx: Tailing) {
    let mut wait = FAST;
    let mut last_line = tokio::time::Instant::now();
    // A refused path is reported once, not at every poll, until it is readable again.
    let mut reported = false;
    loop {
        tokio::time::sleep(wait).await;
        let lines = match file.read_new() {
            Ok(lines) => {
                reported = false;
                lines
            }
            Err(e) => {
                if e.is_escape() && !reported {
                    reported = true;
                    record_refusal(&ctx.db, &ctx.bus, server, &e).await;
                }
                Vec::new()
            }
        };
        if lines.is_empty() {
            if last_line.elapsed() > BUSY_FOR {
                wait = (wait * 2).min(IDLE);
            }
            continue;
        }
        last_line = tokio::time::Instant::now();
        wait = FAST;
        let at = now();
        let mut entries = Vec::new();
        let mut frames = Vec::with_capacity(lines.len() * 2);
        for line in lines {
            if follow.store {
                let parsed = adapter.parse_log_line(&line);
                if let Some(parsed) = &parsed {
                    frames.push(frame(&LogData {
                        source: follow.source,
                        level: parsed.level,
                        time: parsed.time.as_deref(),
                        message: &parsed.message,
                        kind: parsed.kind.name(),
                    }));
                }
                entries.push(entry(server, follow.source, at, parsed, &line));
            }
            if follow.console {
                frames.push(frame(&ConsoleData {
                    source: follow.source,
                    line: &line,
                }));
            }
        }
        ctx.bus.publish_all(Some(server), frames);
        if follow.store {
            if let Some(cursor) = file.cursor(server, follow.source) {
                if !ctx.writer.send(Batch { entries, cursor }).await {
                    return;
                }
            }
        }
    }
}

fn entry(
    server: ServerId,
    source: &'static str,
    at: chrono::NaiveDateTime,
    parsed: Option<LogLine>,
    line: &str,
) -> NewEntry {
    let (level, kind, game_time, message) = match parsed {
        Some(p) => (p.level.as_str(), p.kind.name(), p.time, p.message),
        None => ("info", "other", None, line.to_owned()),
    };
    NewEntry {
        server_id: server,
        source,
        logged_at: at,
        game_time,
        level,
        kind: kind.to_owned(),
        message,
        line: line.to_owned(),
    }
}

/// One followed file; `target` and `path` are relative to the server directory.
struct Followed {
    root: PathBuf,
    /// Opened on first use, and again after a failure (the directory may appear later).
    dir: Option<ServerDir>,
    target: GameLog,
    /// The file being read (for `Newest`, the newest one seen so far).
    path: Option<PathBuf>,
    /// (device, inode) of that file, to notice a replacement.
    identity: Option<(u64, u64)>,
    offset: u64,
    partial: Vec<u8>,
}

/// A followed file opened beneath the directory: the handle, (device, inode) and length.
type Opened = (File, (u64, u64), u64);

/// The file opened beneath the directory; `None` when missing.
fn open(dir: &ServerDir, rel: &Path) -> Result<Option<Opened>, PathError> {
    let file = match dir.open_read(rel) {
        Ok(file) => file,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(file.metadata().ok().map(|m| (file, (m.dev(), m.ino()), m.len())))
}

/// The file a target means now: the named one, or the newest with the extension.
fn resolve(dir: &ServerDir, target: &GameLog) -> Result<Option<PathBuf>, PathError> {
    match target {
        GameLog::File(path) => Ok(Some(path.clone())),
        GameLog::Newest { dir: folder, extension } => {
            let entries = match dir.read_dir(folder) {
                Ok(entries) => entries,
                Err(e) if e.is_not_found() => return Ok(None),
                Err(e) => return Err(e),
            };
            Ok(entries
                .into_iter()
                .filter(|e| {
                    Path::new(&e.name)
                        .extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case(extension))
                })
                .filter_map(|e| Some((e.meta.modified().ok()?, folder.join(e.name))))
                .max()
                .map(|(_, path)| path))
        }
    }
}

impl Followed {
    /// Where the stored cursor left off when it names the same file; from the top of a file
    /// that replaced it; without a cursor, from the current end (older lines predate us).
    fn start(root: &Path, target: GameLog, cursor: Option<&Cursor>) -> Followed {
        let dir = ServerDir::open(root).ok();
        let path = dir.as_ref().and_then(|d| resolve(d, &target).ok().flatten());
        let found = match (&dir, &path) {
            (Some(d), Some(p)) => open(d, p).ok().flatten().map(|(_, id, len)| (id, len)),
            _ => None,
        };
        let offset = match (found, cursor) {
            (None, _) => 0,
            (Some((id, len)), Some(c)) => {
                let same = path.as_ref().map(|p| root.join(p)).as_deref() == Some(Path::new(&c.path))
                    && (c.device as u64, c.inode as u64) == id
                    && c.read_to as u64 <= len;
                if same {
                    c.read_to as u64
                } else {
                    0
                }
            }
            (Some((_, len)), None) => len,
        };
        Followed {
            root: root.to_owned(),
            dir,
            target,
            path,
            identity: found.map(|(id, _)| id),
            offset,
            partial: Vec::new(),
        }
    }

    fn dir(&mut self) -> Result<&ServerDir, PathError> {
        if self.dir.is_none() {
            self.dir = Some(ServerDir::open(&self.root)?);
        }
        self.dir.as_ref().ok_or_else(|| PathError::Escapes {
            root: self.root.clone(),
            path: self.root.clone(),
        })
    }

    /// Complete lines written since the last call.
    fn read_new(&mut self) -> Result<Vec<String>, PathError> {
        let lines = self.read_current();
        if lines.is_err() {
            self.dir = None;
        }
        let lines = lines?;
        if !lines.is_empty() || !matches!(self.target, GameLog::Newest { .. }) {
            return Ok(lines);
        }
        let target = self.target.clone();
        let newest = resolve(self.dir()?, &target)?;
        if newest.is_none() || newest == self.path {
            return Ok(lines);
        }
        self.path = newest;
        self.identity = None;
        self.offset = 0;
        self.partial.clear();
        self.read_current()
    }

    fn read_current(&mut self) -> Result<Vec<String>, PathError> {
        if self.path.is_none() {
            let target = self.target.clone();
            self.path = resolve(self.dir()?, &target)?;
        }
        let Some(path) = self.path.clone() else {
            return Ok(Vec::new());
        };
        let Some((file, id, len)) = open(self.dir()?, &path)? else {
            return Ok(Vec::new());
        };
        if Some(id) != self.identity || len < self.offset {
            // Replaced or truncated: the new content starts at the top.
            self.identity = Some(id);
            self.offset = 0;
            self.partial.clear();
        }
        if len == self.offset {
            return Ok(Vec::new());
        }
        let mut buf = Vec::new();
        let mut file = file;
        let read = file
            .seek(SeekFrom::Start(self.offset))
            .and_then(|_| file.take((len - self.offset).min(MAX_READ)).read_to_end(&mut buf));
        let Ok(n) = read else { return Ok(Vec::new()) };
        self.offset += n as u64;
        self.partial.extend_from_slice(&buf);
        let mut lines = Vec::new();
        let mut start = 0;
        while let Some(end) = self.partial[start..].iter().position(|b| *b == b'\n') {
            let raw = &self.partial[start..start + end];
            let text = String::from_utf8_lossy(raw);
            lines.push(text.trim_end_matches('\r').to_owned());
            start += end + 1;
        }
        self.partial.drain(..start);
        if self.partial.len() > MAX_LINE {
            lines.push(String::from_utf8_lossy(&self.partial).into_owned());
            self.partial.clear();
        }
        Ok(lines)
    }

    /// Where the file stands after the lines returned so far (a partial line is not counted).
    fn cursor(&self, server: ServerId, source: &str) -> Option<Cursor> {
        let (path, (device, inode)) = (self.path.as_ref()?, self.identity?);
        Some(Cursor {
            server_id: server,
            source: source.to_owned(),
            path: self.root.join(path).to_string_lossy().into_owned(),
            device: device as i64,
            inode: inode as i64,
            read_to: (self.offset - self.partial.len() as u64) as i64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn follows_appends_truncation_and_replacement() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("console.log");
        std::fs::write(&path, "old line\n").unwrap();
        let mut f = Followed::start(dir.path(), GameLog::File("console.log".into()), None);
        assert!(f.read_new().unwrap().is_empty(), "what was there before is not re-read");
        let mut out = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        out.write_all(b"one\ntw").unwrap();
        assert_eq!(f.read_new().unwrap(), ["one"]);
        out.write_all(b"o\r\nthree\n").unwrap();
        assert_eq!(f.read_new().unwrap(), ["two", "three"]);
        // Truncated in place.
        std::fs::write(&path, "").unwrap();
        assert!(f.read_new().unwrap().is_empty());
        std::fs::write(&path, "after truncation\n").unwrap();
        assert_eq!(f.read_new().unwrap(), ["after truncation"]);
        // Rotated: a new file under the same name.
        std::fs::rename(&path, dir.path().join("console.log.1")).unwrap();
        std::fs::write(&path, "fresh file\n").unwrap();
        assert_eq!(f.read_new().unwrap(), ["fresh file"]);
        assert!(f.read_new().unwrap().is_empty(), "no duplicates");
    }

    #[test]
    fn resumes_from_the_cursor_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latest.log");
        std::fs::write(&path, "one\ntwo\n").unwrap();
        let mut f = Followed::start(dir.path(), GameLog::File("latest.log".into()), None);
        let mut out = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        out.write_all(b"three\nfou").unwrap();
        assert_eq!(f.read_new().unwrap(), ["three"]);
        let cursor = f.cursor(ServerId(1), "game").unwrap();
        // A new panel: what was written while it was away, once, and the partial line too.
        out.write_all(b"r\nfive\n").unwrap();
        let mut again = Followed::start(dir.path(), GameLog::File("latest.log".into()), Some(&cursor));
        assert_eq!(again.read_new().unwrap(), ["four", "five"]);
        assert!(again.read_new().unwrap().is_empty());
        // A cursor of another file (replaced while away): the new file from its top.
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "new run\n").unwrap();
        let mut replaced = Followed::start(dir.path(), GameLog::File("latest.log".into()), Some(&cursor));
        assert_eq!(replaced.read_new().unwrap(), ["new run"]);
    }

    #[test]
    fn switches_to_the_newest_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = GameLog::Newest {
            dir: "profiles".into(),
            extension: "rpt",
        };
        let root = dir.path();
        let dir = root.join("profiles");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("server_2026-01-01_10-00-00.rpt"), "last run\n").unwrap();
        std::fs::write(dir.join("notes.txt"), "not a log\n").unwrap();
        let mut f = Followed::start(root, target, None);
        assert!(
            f.read_new().unwrap().is_empty(),
            "the previous run's file is not re-read"
        );
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(dir.join("server_2026-01-01_11-00-00.rpt"), "this run\n").unwrap();
        assert_eq!(f.read_new().unwrap(), ["this run"]);
        assert!(f.cursor(ServerId(1), "game").unwrap().path.ends_with("11-00-00.rpt"));
    }

    #[test]
    fn a_log_linked_outside_is_refused_until_a_real_file_replaces_it() {
        let dir = tempfile::tempdir().unwrap();
        let (root, outside) = (dir.path().join("server"), dir.path().join("elsewhere.log"));
        std::fs::create_dir_all(root.join("logs")).unwrap();
        std::fs::write(&outside, "").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("logs/game.log")).unwrap();
        let mut f = Followed::start(&root, GameLog::File("logs/game.log".into()), None);
        std::fs::write(&outside, "secret\n").unwrap();
        assert!(f.read_new().unwrap_err().is_escape());
        std::fs::remove_file(root.join("logs/game.log")).unwrap();
        std::fs::write(root.join("logs/game.log"), "own\n").unwrap();
        assert_eq!(f.read_new().unwrap(), ["own"]);
    }

    #[test]
    fn a_game_log_named_outside_the_directory_is_not_followed() {
        let root = Path::new("/srv/servers/1");
        assert!(relative(root, GameLog::File("/srv/servers/2/latest.log".into())).is_err());
        assert_eq!(
            relative(root, GameLog::File("/srv/servers/1/logs/latest.log".into())),
            Ok(GameLog::File("logs/latest.log".into()))
        );
    }
}
