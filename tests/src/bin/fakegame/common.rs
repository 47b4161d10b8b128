//! Pieces every flavour shares: the line logger, the record of received commands, atomic
//! file writes, the player roster, Steam/BE/Minecraft identity helpers, and the process-wide
//! "hang" switch.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

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

/// Every RCON/console command received, one line each, in the server dir (tests read it).
pub const COMMANDS_FILE: &str = "fakegame.commands";
/// Every command a Source server ran, one line each: a received line holding several commands
/// (`a; b`) shows here as each of them.
pub const EXECUTED_FILE: &str = "fakegame.executed";
/// Every BattlEye server-message ack received, as `<seq>` per line.
pub const ACKS_FILE: &str = "fakegame.acks";

static RECORD: Mutex<()> = Mutex::new(());

/// Appends one line to a record file at once, so a test sees it as soon as the command ran.
/// Line breaks inside the text become spaces to keep one command per line.
fn append_line(file: &str, text: &str) {
    let _guard = RECORD.lock().unwrap_or_else(|e| e.into_inner());
    let line = text.replace(['\r', '\n'], " ");
    if let Ok(mut f) = OpenOptions::new().create(true).append(true).open(file) {
        let _ = f.write_all(format!("{line}\n").as_bytes());
        let _ = f.flush();
    }
}

/// Records a received command (empty ones, such as BattlEye keepalives, are not commands).
pub fn record_command(text: &str) {
    if !text.trim().is_empty() {
        append_line(COMMANDS_FILE, text);
    }
}

pub fn record_executed(command: &str) {
    append_line(EXECUTED_FILE, command);
}

pub fn record_ack(seq: u8) {
    append_line(ACKS_FILE, &seq.to_string());
}

/// Writes a file the way the real servers should: temp file beside it, fsync, rename.
pub fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    {
        let mut f = File::create(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
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
    /// Wall-clock time, so a player can have joined before this host booted (`joined`).
    pub joined: SystemTime,
    /// Round-trip time in ms, fixed per name so rosters are deterministic.
    pub ping: u32,
}

#[derive(Default)]
pub struct Roster {
    players: Vec<Player>,
    next_userid: u32,
}

impl Roster {
    /// Adds a player who has been connected for `connected_for` already; a second join under a
    /// name already present is ignored (returns None).
    pub fn join(&mut self, name: &str, steamid64: Option<u64>, connected_for: Duration) -> Option<Player> {
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
            joined: SystemTime::now()
                .checked_sub(connected_for)
                .unwrap_or_else(SystemTime::now),
            ping: 20 + crc32fast::hash(name.as_bytes()) % 90,
        };
        self.players.push(player.clone());
        Some(player)
    }

    pub fn find(&self, name: &str) -> Option<&Player> {
        self.players.iter().find(|p| p.name == name)
    }

    /// Case-insensitive lookup (Minecraft names).
    pub fn find_ci(&self, name: &str) -> Option<Player> {
        self.players.iter().find(|p| p.name.eq_ignore_ascii_case(name)).cloned()
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

/// `[U:1:N]` of a SteamID64 (N = account number = id − base).
pub fn steam3(steamid64: u64) -> String {
    format!("[U:1:{}]", steamid64.saturating_sub(STEAM_BASE))
}

/// SteamID64 from `[U:1:N]`, `STEAM_X:Y:Z` or a decimal SteamID64; None for anything else
/// (`BOT`, `STEAM_ID_LAN`, junk).
pub fn parse_steamid(text: &str) -> Option<u64> {
    let t = text.trim();
    if let Some(n) = t.strip_prefix("[U:1:").and_then(|r| r.strip_suffix(']')) {
        return n.parse::<u32>().ok().map(|n| STEAM_BASE + u64::from(n));
    }
    if let Some(rest) = t.strip_prefix("STEAM_") {
        let mut parts = rest.split(':');
        let (_x, y, z) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let y: u64 = y.parse().ok().filter(|y| *y <= 1)?;
        let z: u64 = z.parse::<u32>().ok()?.into();
        return Some(STEAM_BASE + 2 * z + y);
    }
    t.parse::<u64>()
        .ok()
        .filter(|id| *id > STEAM_BASE && *id - STEAM_BASE <= u64::from(u32::MAX))
}

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
    fn steamid_forms() {
        assert_eq!(parse_steamid("STEAM_1:0:470167891"), Some(76561198900601510));
        assert_eq!(parse_steamid("STEAM_0:0:470167891"), Some(76561198900601510));
        assert_eq!(parse_steamid("[U:1:12345678]"), Some(76561197972611406));
        assert_eq!(parse_steamid("76561197972611406"), Some(76561197972611406));
        assert_eq!(steam3(76561197972611406), "[U:1:12345678]");
        for bad in ["BOT", "STEAM_ID_LAN", "[U:1:x]", "STEAM_1:2:3", "12", ""] {
            assert_eq!(parse_steamid(bad), None, "{bad}");
        }
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/f.txt");
        write_atomic(&p, "one").unwrap();
        write_atomic(&p, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn slots_are_reused_userids_are_not() {
        let mut r = Roster::default();
        let a = r.join("A", None, Duration::ZERO).unwrap();
        let b = r.join("B", None, Duration::ZERO).unwrap();
        assert_eq!((a.slot, a.userid, b.slot, b.userid), (0, 2, 1, 3));
        assert!(r.join("A", None, Duration::ZERO).is_none());
        r.remove_by(|p| p.name == "A");
        let c = r.join("C", None, Duration::ZERO).unwrap();
        assert_eq!((c.slot, c.userid), (0, 4));
    }
}
