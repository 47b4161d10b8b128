//! Follows a growing text file the way `tail -F` does: new lines from where it started, and
//! from the top again when the file is truncated or replaced (a game rotating its log).
//! Polling backs off from 5 ms while lines flow to 200 ms when idle, so a busy console is
//! streamed within milliseconds and an idle one costs next to nothing.

use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use tokio::task::JoinHandle;

use crate::events::{Bus, Channel};
use crate::games::GameAdapter;

const FAST: Duration = Duration::from_millis(5);
const IDLE: Duration = Duration::from_millis(200);
/// Longest line kept whole; longer ones are cut (a game printing a binary blob).
const MAX_LINE: usize = 16 * 1024;

/// Aborts its tasks when dropped.
pub struct Tailers(Vec<JoinHandle<()>>);

impl Drop for Tailers {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Starts following each file from its current end (what is already there was published by an
/// earlier tailer, or predates this run).
pub fn follow(
    server: i64,
    files: Vec<(PathBuf, &'static str)>,
    adapter: &'static dyn GameAdapter,
    bus: Bus,
) -> Tailers {
    Tailers(
        files
            .into_iter()
            .map(|(path, source)| {
                let bus = bus.clone();
                tokio::spawn(async move {
                    let mut file = Followed::at_end(path);
                    let mut wait = FAST;
                    loop {
                        tokio::time::sleep(wait).await;
                        let lines = file.read_new();
                        if lines.is_empty() {
                            wait = (wait * 2).min(IDLE);
                            continue;
                        }
                        wait = FAST;
                        for line in lines {
                            publish(&bus, server, source, adapter, line);
                        }
                    }
                })
            })
            .collect(),
    )
}

fn publish(bus: &Bus, server: i64, source: &str, adapter: &dyn GameAdapter, line: String) {
    if let Some(parsed) = adapter.parse_log_line(&line) {
        let kind = format!("{:?}", parsed.kind);
        let kind = kind.split([' ', '{', '(']).next().unwrap_or("Other").to_lowercase();
        bus.publish(
            Channel::Log,
            Some(server),
            json!({"source": source, "level": parsed.level, "time": parsed.time, "message": parsed.message, "kind": kind}),
        );
    }
    bus.publish(Channel::Console, Some(server), json!({"source": source, "line": line}));
}

struct Followed {
    path: PathBuf,
    /// (device, inode) of the file being read, to notice a replacement.
    identity: Option<(u64, u64)>,
    offset: u64,
    partial: Vec<u8>,
}

fn identity(path: &Path) -> Option<((u64, u64), u64)> {
    std::fs::metadata(path).ok().map(|m| ((m.dev(), m.ino()), m.len()))
}

impl Followed {
    fn at_end(path: PathBuf) -> Followed {
        let (identity, offset) = identity(&path).map_or((None, 0), |(id, len)| (Some(id), len));
        Followed {
            path,
            identity,
            offset,
            partial: Vec::new(),
        }
    }

    /// Complete lines written since the last call.
    fn read_new(&mut self) -> Vec<String> {
        let Some((id, len)) = identity(&self.path) else {
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
        let read = std::fs::File::open(&self.path).and_then(|mut f| {
            f.seek(SeekFrom::Start(self.offset))?;
            f.take(len - self.offset).read_to_end(&mut buf)
        });
        let Ok(n) = read else { return Vec::new() };
        self.offset += n as u64;
        self.partial.extend_from_slice(&buf);
        let mut lines = Vec::new();
        while let Some(end) = self.partial.iter().position(|b| *b == b'\n') {
            let raw: Vec<u8> = self.partial.drain(..=end).collect();
            let text = String::from_utf8_lossy(&raw[..raw.len() - 1]);
            lines.push(text.trim_end_matches('\r').to_owned());
        }
        if self.partial.len() > MAX_LINE {
            lines.push(String::from_utf8_lossy(&self.partial).into_owned());
            self.partial.clear();
        }
        lines
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
        let mut f = Followed::at_end(path.clone());
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
}
