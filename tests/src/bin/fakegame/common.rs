//! Pieces every flavour shares: the line logger, the player roster, Steam/BE/Minecraft
//! identity helpers, and the process-wide "hang" switch.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use md5::{Digest, Md5};

/// Set by the control command `hang`: protocol servers stop answering and SIGTERM is ignored,
/// which is how a wedged real server looks to the panel (only SIGKILL ends it).
static HANG: AtomicBool = AtomicBool::new(false);

pub fn hang() {
    HANG.store(true, Ordering::SeqCst);
}

pub fn is_hung() -> bool {
    HANG.load(Ordering::SeqCst)
}

/// Blocks the calling thread forever once `hang` was requested; protocol loops call this
/// before answering so a hung server keeps its sockets open but never replies.
pub fn park_if_hung() {
    while is_hung() {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// A real server failing to start: message on stderr, exit code 2.
pub fn fail(msg: &str) -> ! {
    eprintln!("fakegame: {msg}");
    std::process::exit(2);
}

/// Writes each line to stdout and (optionally) a log file, flushing both every time:
/// stdout is a file under Languard, not a TTY, so buffered lines would arrive late.
pub struct Logger {
    file: Mutex<Option<File>>,
}

impl Logger {
    pub fn new(path: Option<&Path>) -> Logger {
        let file = path.map(|p| {
            if let Some(dir) = p.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            File::create(p).unwrap_or_else(|e| fail(&format!("cannot create log {}: {e}", p.display())))
        });
        Logger { file: Mutex::new(file) }
    }

    pub fn line(&self, text: &str) {
        // One lock for both sinks keeps stdout and the file in the same order.
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
        if let Some(f) = file.as_mut() {
            let _ = writeln!(f, "{text}");
            let _ = f.flush();
        }
    }
}

#[derive(Clone, Debug)]
pub struct Player {
    pub name: String,
    pub steamid64: u64,
    /// BattlEye `#` / lowest free slot; reused after a leave like the real servers.
    pub slot: u32,
    /// Source `userid`: grows for every join, never reused.
    pub userid: u32,
    pub ip: String,
    pub port: u16,
    pub joined: Instant,
}

#[derive(Default)]
pub struct Roster {
    players: Vec<Player>,
    next_userid: u32,
}

impl Roster {
    /// Adds a player; a second join under a name already present is ignored (returns None).
    pub fn join(&mut self, name: &str, steamid64: Option<u64>) -> Option<Player> {
        if self.find(name).is_some() {
            return None;
        }
        let slot = (0..).find(|s| self.players.iter().all(|p| p.slot != *s)).unwrap_or(0);
        if self.next_userid < 2 {
            self.next_userid = 2; // userids 1 and below belong to SourceTV/the console in Source.
        }
        let userid = self.next_userid;
        self.next_userid += 1;
        let player = Player {
            name: name.to_string(),
            steamid64: steamid64.unwrap_or_else(|| default_steamid(name)),
            slot,
            userid,
            // Documentation range (RFC 5737): shows up only in text, never contacted.
            ip: format!("203.0.113.{}", 10 + slot % 240),
            port: 2304 + (slot as u16 % 1000),
            joined: Instant::now(),
        };
        self.players.push(player.clone());
        Some(player)
    }

    pub fn find(&self, name: &str) -> Option<&Player> {
        self.players.iter().find(|p| p.name == name)
    }

    pub fn remove_by(&mut self, pred: impl Fn(&Player) -> bool) -> Option<Player> {
        let idx = self.players.iter().position(pred)?;
        Some(self.players.remove(idx))
    }

    /// Players ordered by slot, as `players`/`list` print them.
    pub fn sorted(&self) -> Vec<Player> {
        let mut v = self.players.clone();
        v.sort_by_key(|p| p.slot);
        v
    }

    pub fn len(&self) -> usize {
        self.players.len()
    }
}

pub const STEAM_BASE: u64 = 76_561_197_960_265_728;

/// A stable fake SteamID64 for names scripted without one.
pub fn default_steamid(name: &str) -> u64 {
    76_561_198_000_000_000 + u64::from(crc32fast::hash(name.as_bytes()) % 100_000_000)
}

/// BattlEye GUID: hex(md5("BE" ‖ steamid64 as u64 LE)).
pub fn be_guid(steamid64: u64) -> String {
    let mut h = Md5::new();
    h.update(b"BE");
    h.update(steamid64.to_le_bytes());
    hex(&h.finalize())
}

/// Offline-mode Minecraft UUID: v3 UUID of MD5("OfflinePlayer:" + name).
pub fn offline_uuid(name: &str) -> String {
    let mut d: [u8; 16] = Md5::digest(format!("OfflinePlayer:{name}").as_bytes()).into();
    d[6] = (d[6] & 0x0f) | 0x30;
    d[8] = (d[8] & 0x3f) | 0x80;
    let h = hex(&d);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Value of `-key=value` (Arma style, case-insensitive key) among the arguments.
pub fn eq_arg(args: &[String], key: &str) -> Option<String> {
    let prefix = format!("-{}=", key.to_ascii_lowercase());
    args.iter()
        .find(|a| a.to_ascii_lowercase().starts_with(&prefix))
        .map(|a| a[prefix.len()..].to_string())
}

/// Value following a flag (`-game dir`, `+map m`).
pub fn next_arg(args: &[String], flag: &str) -> Option<String> {
    let i = args.iter().position(|a| a.eq_ignore_ascii_case(flag))?;
    args.get(i + 1).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn be_guid_vector() {
        assert_eq!(be_guid(76561198017965694), "f8960b9fd7cf711046c1df2ab8d534b2");
    }

    #[test]
    fn offline_uuid_vector() {
        assert_eq!(offline_uuid("Steve"), "5627dd98-e6be-3c21-b8a8-e92344183641");
    }

    #[test]
    fn slots_are_reused_userids_are_not() {
        let mut r = Roster::default();
        let a = r.join("A", None).unwrap();
        let b = r.join("B", None).unwrap();
        assert_eq!((a.slot, a.userid, b.slot, b.userid), (0, 2, 1, 3));
        assert!(r.join("A", None).is_none());
        r.remove_by(|p| p.name == "A");
        let c = r.join("C", None).unwrap();
        assert_eq!((c.slot, c.userid), (0, 4));
    }
}
