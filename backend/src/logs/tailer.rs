//! Follows growing text files the way `tail -F` does: new lines from where it left off, and
//! from the top again when a file is truncated or replaced (a game rotating its log), or when a
//! newer file appears (Arma writes a new `.rpt` per start). Stored sources resume from their
//! cursor after a panel restart, so lines are neither read twice nor skipped. Polling backs off
//! from 5 ms while lines flow to 200 ms when idle, so a busy console is streamed within
//! milliseconds and an idle one costs next to nothing.

use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use tokio::task::JoinHandle;

use super::store::{self, Batch, Cursor, NewEntry};
use super::writer::LogWriter;
use crate::db::{now, Db};
use crate::events::{Bus, Channel};
use crate::games::{GameAdapter, GameLog, LogLine};

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

/// Follows the server's captured stdout/stderr and, when the game writes one, its own log.
/// With a game log, that is the stored source (stdout repeats its lines); else stdout is.
pub async fn follow(
    server: i64,
    console_file: PathBuf,
    game_log: Option<GameLog>,
    adapter: &'static dyn GameAdapter,
    ctx: &Tailing,
) -> Tailers {
    let mut follows = vec![Follow {
        target: GameLog::File(console_file),
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
                tracing::error!(server, error = ?e, "reading the log cursor failed; following from the end");
                None
            })
        } else {
            None
        };
        // Positioned before the game is spawned, so its first lines are not missed.
        let file = Followed::start(follow.target.clone(), cursor.as_ref());
        tasks.push(tokio::spawn(run(server, follow, file, adapter, ctx.clone())));
    }
    Tailers(tasks)
}

async fn run(server: i64, follow: Follow, mut file: Followed, adapter: &'static dyn GameAdapter, ctx: Tailing) {
    let mut wait = FAST;
    let mut last_line = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(wait).await;
        let lines = file.read_new();
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
                    frames.push((
                        Channel::Log,
                        json!({"source": follow.source, "level": parsed.level, "time": parsed.time,
                               "message": parsed.message, "kind": parsed.kind.name()}),
                    ));
                }
                entries.push(entry(server, follow.source, at, parsed, &line));
            }
            if follow.console {
                frames.push((Channel::Console, json!({"source": follow.source, "line": line})));
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
    server: i64,
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

struct Followed {
    target: GameLog,
    /// The file being read (for `Newest`, the newest one seen so far).
    path: Option<PathBuf>,
    /// (device, inode) of that file, to notice a replacement.
    identity: Option<(u64, u64)>,
    offset: u64,
    partial: Vec<u8>,
}

fn identity(path: &Path) -> Option<((u64, u64), u64)> {
    std::fs::metadata(path).ok().map(|m| ((m.dev(), m.ino()), m.len()))
}

/// The file a target means now: the named one, or the newest with the extension.
fn resolve(target: &GameLog) -> Option<PathBuf> {
    match target {
        GameLog::File(path) => Some(path.clone()),
        GameLog::Newest { dir, extension } => std::fs::read_dir(dir)
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x.eq_ignore_ascii_case(extension)))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .max()
            .map(|(_, path)| path),
    }
}

impl Followed {
    /// Where the stored cursor left off when it names the same file; from the top of a file
    /// that replaced it; without a cursor, from the current end (older lines predate us).
    fn start(target: GameLog, cursor: Option<&Cursor>) -> Followed {
        let path = resolve(&target);
        let found = path.as_deref().and_then(identity);
        let offset = match (found, cursor) {
            (None, _) => 0,
            (Some((id, len)), Some(c)) => {
                let same = path.as_deref() == Some(Path::new(&c.path))
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
            target,
            path,
            identity: found.map(|(id, _)| id),
            offset,
            partial: Vec::new(),
        }
    }

    /// Complete lines written since the last call.
    fn read_new(&mut self) -> Vec<String> {
        let lines = self.read_current();
        if !lines.is_empty() || !matches!(self.target, GameLog::Newest { .. }) {
            return lines;
        }
        let newest = resolve(&self.target);
        if newest.is_none() || newest == self.path {
            return lines;
        }
        self.path = newest;
        self.identity = None;
        self.offset = 0;
        self.partial.clear();
        self.read_current()
    }

    fn read_current(&mut self) -> Vec<String> {
        let Some(path) = self.path.clone() else {
            return Vec::new();
        };
        let Some((id, len)) = identity(&path) else {
            return Vec::new();
        };
        if Some(id) != self.identity || len < self.offset {
            // Replaced or truncated: the new content starts at the top.
            self.identity = Some(id);
            self.offset = 0;
            self.partial.clear();
        }
        if len == self.offset {
            return Vec::new();
        }
        let mut buf = Vec::new();
        let read = std::fs::File::open(&path).and_then(|mut f| {
            f.seek(SeekFrom::Start(self.offset))?;
            f.take((len - self.offset).min(MAX_READ)).read_to_end(&mut buf)
        });
        let Ok(n) = read else { return Vec::new() };
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
        lines
    }

    /// Where the file stands after the lines returned so far (a partial line is not counted).
    fn cursor(&self, server: i64, source: &str) -> Option<Cursor> {
        let (path, (device, inode)) = (self.path.as_ref()?, self.identity?);
        Some(Cursor {
            server_id: server,
            source: source.to_owned(),
            path: path.to_string_lossy().into_owned(),
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
        let mut f = Followed::start(GameLog::File(path.clone()), None);
        assert!(f.read_new().is_empty(), "what was there before is not re-read");
        let mut out = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        out.write_all(b"one\ntw").unwrap();
        assert_eq!(f.read_new(), ["one"]);
        out.write_all(b"o\r\nthree\n").unwrap();
        assert_eq!(f.read_new(), ["two", "three"]);
        // Truncated in place.
        std::fs::write(&path, "").unwrap();
        assert!(f.read_new().is_empty());
        std::fs::write(&path, "after truncation\n").unwrap();
        assert_eq!(f.read_new(), ["after truncation"]);
        // Rotated: a new file under the same name.
        std::fs::rename(&path, dir.path().join("console.log.1")).unwrap();
        std::fs::write(&path, "fresh file\n").unwrap();
        assert_eq!(f.read_new(), ["fresh file"]);
        assert!(f.read_new().is_empty(), "no duplicates");
    }

    #[test]
    fn resumes_from_the_cursor_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latest.log");
        std::fs::write(&path, "one\ntwo\n").unwrap();
        let mut f = Followed::start(GameLog::File(path.clone()), None);
        let mut out = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        out.write_all(b"three\nfou").unwrap();
        assert_eq!(f.read_new(), ["three"]);
        let cursor = f.cursor(1, "game").unwrap();
        // A new panel: what was written while it was away, once, and the partial line too.
        out.write_all(b"r\nfive\n").unwrap();
        let mut again = Followed::start(GameLog::File(path.clone()), Some(&cursor));
        assert_eq!(again.read_new(), ["four", "five"]);
        assert!(again.read_new().is_empty());
        // A cursor of another file (replaced while away): the new file from its top.
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "new run\n").unwrap();
        let mut replaced = Followed::start(GameLog::File(path), Some(&cursor));
        assert_eq!(replaced.read_new(), ["new run"]);
    }

    #[test]
    fn switches_to_the_newest_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = GameLog::Newest {
            dir: dir.path().to_owned(),
            extension: "rpt",
        };
        std::fs::write(dir.path().join("server_2026-01-01_10-00-00.rpt"), "last run\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a log\n").unwrap();
        let mut f = Followed::start(target, None);
        assert!(f.read_new().is_empty(), "the previous run's file is not re-read");
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(dir.path().join("server_2026-01-01_11-00-00.rpt"), "this run\n").unwrap();
        assert_eq!(f.read_new(), ["this run"]);
        assert!(f.cursor(1, "game").unwrap().path.ends_with("11-00-00.rpt"));
    }
}
