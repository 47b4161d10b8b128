//! The scripting channel: `fakegame.control` in the working directory (the server dir).
//!
//! Consumption rule: every ~200 ms the file is read whole; each line is run once, in order,
//! and then the text that was run is cut from the front of the file (normally leaving it
//! empty). A writer may overwrite the file (`fs::write`) or append to it (`>>`); a test can
//! wait for the file to become empty to know its lines have taken effect. (Tracking an
//! offset instead would miss a second `fs::write` of a same-length script.) A last line
//! without `\n` is run too. Writing the very same script again while the previous copy is
//! being run is the one case that can be lost.
//!
//! Commands: `join <name> [steamid64]` (name may contain spaces), `joined <seconds> <name>
//! [steamid64]` (a player who has been connected that long already, as if they were on before
//! the panel looked), `leave <name>`, `chat <name> <text>`,
//! `crash [code]` (exit at once, default code 3), `hang`, `log <text>`, `flood <n> [text]` (n
//! numbered log lines as fast as possible), `burn <ms>` (keep one core busy that long, on a
//! thread of its own), `ticks <count> <interval_ms>` (count log lines `tick <unix µs>`, each
//! stamped as it is written, one every interval, on a thread of its own: a reader subtracts the
//! stamp from its clock to get the latency). Blank lines and
//! `#` comments are skipped; unknown commands are reported on stderr and skipped.
//!
//! BattlEye delivery knobs (Arma only, process-wide, default off / 1000):
//! `be-reorder on|off` (multipart replies sent last part first, part 0 twice),
//! `be-part-size <bytes>` (split command replies into parts of at most that many text bytes),
//! `be-duplicate on|off` (every server message sent twice with the same seq).

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::battleye::Knobs;
use crate::common;

pub const FILE_NAME: &str = "fakegame.control";
const DEFAULT_CRASH_CODE: i32 = 3;

/// What a flavour does with scripted events; `crash` and `hang` are handled here.
pub trait Game: Send + Sync {
    fn join(&self, name: &str, steamid64: Option<u64>, connected_for: Duration);
    fn leave(&self, name: &str);
    fn chat(&self, name: &str, text: &str);
    fn log(&self, text: &str);
    /// SIGTERM/SIGINT: write the game's shutdown line (then main exits 0).
    fn shutdown_line(&self);
}

#[derive(Debug, PartialEq)]
pub enum Command {
    /// Name, SteamID64, how long the player has been connected already.
    Join(String, Option<u64>, Duration),
    Leave(String),
    Chat(String, String),
    Crash(i32),
    Hang,
    Log(String),
    /// `flood <n> [text]`: n log lines as fast as possible, numbered `<text> 1` … `<text> n`.
    Flood(u32, String),
    /// `burn <ms>`: one core busy for that long.
    Burn(u64),
    /// `ticks <count> <interval_ms>`: timestamped log lines at a steady pace.
    Ticks(u32, u64),
    BeReorder(bool),
    BePartSize(usize),
    BeDuplicate(bool),
}

fn on_off(verb: &str, rest: &str) -> Result<bool, String> {
    match rest {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("{verb} needs on|off, got {rest:?}")),
    }
}

pub fn parse(line: &str) -> Result<Option<Command>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let cmd = match verb {
        "join" | "joined" => {
            let (connected_for, rest) = if verb == "joined" {
                let (secs, rest) = rest
                    .split_once(char::is_whitespace)
                    .ok_or("joined needs <seconds> <name>")?;
                let secs = secs.parse().map_err(|_| format!("bad seconds {secs:?}"))?;
                (Duration::from_secs(secs), rest.trim_start())
            } else {
                (Duration::ZERO, rest)
            };
            // A trailing all-digit token is the SteamID64; the name is the rest (may hold spaces).
            let (name, sid) = match rest.rsplit_once(char::is_whitespace) {
                Some((n, id)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => (
                    n.trim(),
                    Some(id.parse::<u64>().map_err(|_| format!("bad steamid64 {id:?}"))?),
                ),
                _ => (rest, None),
            };
            if name.is_empty() {
                return Err("join needs a name".into());
            }
            Command::Join(name.to_string(), sid, connected_for)
        }
        "leave" if !rest.is_empty() => Command::Leave(rest.to_string()),
        "chat" => {
            let (name, text) = rest.split_once(char::is_whitespace).ok_or("chat needs <name> <text>")?;
            Command::Chat(name.to_string(), text.trim_start().to_string())
        }
        "crash" if rest.is_empty() => Command::Crash(DEFAULT_CRASH_CODE),
        "crash" => Command::Crash(rest.parse().map_err(|_| format!("bad exit code {rest:?}"))?),
        "hang" => Command::Hang,
        "log" => Command::Log(rest.to_string()),
        "flood" => {
            let (n, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, "flood"));
            Command::Flood(
                n.parse().map_err(|_| format!("bad line count {n:?}"))?,
                text.trim().to_string(),
            )
        }
        "burn" => Command::Burn(rest.parse().map_err(|_| format!("bad duration {rest:?}"))?),
        "ticks" => {
            let (count, interval) = rest
                .split_once(char::is_whitespace)
                .ok_or("ticks needs <count> <interval_ms>")?;
            Command::Ticks(
                count.parse().map_err(|_| format!("bad line count {count:?}"))?,
                interval
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad interval {interval:?}"))?,
            )
        }
        "be-reorder" => Command::BeReorder(on_off(verb, rest)?),
        "be-duplicate" => Command::BeDuplicate(on_off(verb, rest)?),
        "be-part-size" => Command::BePartSize(
            rest.parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("be-part-size needs a byte count > 0, got {rest:?}"))?,
        ),
        _ => return Err(format!("unknown control command {line:?}")),
    };
    Ok(Some(cmd))
}

fn run(game: &Arc<dyn Game>, cmd: Command) {
    match cmd {
        Command::Join(name, sid, connected_for) => game.join(&name, sid, connected_for),
        Command::Leave(name) => game.leave(&name),
        Command::Chat(name, text) => game.chat(&name, &text),
        Command::Crash(code) => std::process::exit(code),
        Command::Hang => common::hang(),
        Command::Log(text) => game.log(&text),
        Command::Flood(n, text) => (1..=n).for_each(|i| game.log(&format!("{text} {i}"))),
        Command::Burn(ms) => {
            std::thread::spawn(move || {
                let until = std::time::Instant::now() + Duration::from_millis(ms);
                let mut x = 0u64;
                while std::time::Instant::now() < until {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            });
        }
        Command::Ticks(count, interval_ms) => {
            let game = game.clone();
            // Paced against a fixed schedule, so the time a line takes to write does not
            // stretch the interval.
            std::thread::spawn(move || {
                let interval = Duration::from_millis(interval_ms);
                let mut next = Instant::now();
                for _ in 0..count {
                    next += interval;
                    std::thread::sleep(next.saturating_duration_since(Instant::now()));
                    let micros = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |d| d.as_micros());
                    game.log(&format!("tick {micros}"));
                }
            });
        }
        Command::BeReorder(on) => Knobs::set_reorder(on),
        Command::BePartSize(n) => Knobs::set_part_size(n),
        Command::BeDuplicate(on) => Knobs::set_duplicate(on),
    }
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Removes the already-run `done` text from the front of the file. Whatever a writer added
/// meanwhile stays for the next poll: an append leaves `done` as a prefix, and a file
/// rewritten with a new script no longer starts with it, so it is kept whole.
fn consume(path: &PathBuf, done: &str) {
    let Ok(mut f) = OpenOptions::new().read(true).write(true).open(path) else {
        return;
    };
    let mut now = String::new();
    if f.read_to_string(&mut now).is_err() {
        return;
    }
    if let Some(rest) = now.strip_prefix(done) {
        let _ = f.set_len(0);
        let _ = f.seek(SeekFrom::Start(0));
        let _ = f.write_all(rest.as_bytes());
    }
}

/// Starts the polling thread. Lines are run first and removed afterwards, so an empty file
/// means every line written so far has had its effect (log lines, RCON state) — tests can
/// wait for that. It keeps running while hung so `crash` can still end a hung server.
pub fn spawn(game: Arc<dyn Game>) {
    let path = PathBuf::from(FILE_NAME);
    std::thread::spawn(move || loop {
        let text = read(&path);
        if !text.is_empty() {
            for line in text.lines() {
                match parse(line) {
                    Ok(Some(cmd)) => run(&game, cmd),
                    Ok(None) => {}
                    Err(e) => eprintln!("fakegame: {FILE_NAME}: {e}"),
                }
            }
            consume(&path, &text);
        }
        std::thread::sleep(Duration::from_millis(200));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(
            parse("join Steve 76561198017965694").unwrap(),
            Some(Command::Join("Steve".into(), Some(76561198017965694), Duration::ZERO))
        );
        assert_eq!(
            parse("chat Steve  hello there").unwrap(),
            Some(Command::Chat("Steve".into(), "hello there".into()))
        );
        assert_eq!(parse("crash").unwrap(), Some(Command::Crash(3)));
        assert_eq!(parse("crash 137").unwrap(), Some(Command::Crash(137)));
        assert_eq!(parse("  # note").unwrap(), None);
        assert!(parse("dance").is_err());
        assert_eq!(
            parse("join New Guy").unwrap(),
            Some(Command::Join("New Guy".into(), None, Duration::ZERO))
        );
        assert_eq!(
            parse("join New Guy 7").unwrap(),
            Some(Command::Join("New Guy".into(), Some(7), Duration::ZERO))
        );
        assert!(parse("join").is_err());
        assert_eq!(
            parse("joined 3725 Old Timer 7").unwrap(),
            Some(Command::Join("Old Timer".into(), Some(7), Duration::from_secs(3725)))
        );
        assert!(parse("joined Old").is_err());
        assert!(parse("joined x Old").is_err());
        assert_eq!(parse("be-reorder on").unwrap(), Some(Command::BeReorder(true)));
        assert_eq!(parse("be-duplicate off").unwrap(), Some(Command::BeDuplicate(false)));
        assert_eq!(parse("be-part-size 64").unwrap(), Some(Command::BePartSize(64)));
        assert!(parse("be-part-size 0").is_err());
        assert!(parse("be-reorder maybe").is_err());
        assert_eq!(parse("burn 1500").unwrap(), Some(Command::Burn(1500)));
        assert!(parse("burn soon").is_err());
        assert_eq!(parse("ticks 1000 10").unwrap(), Some(Command::Ticks(1000, 10)));
        assert!(parse("ticks 1000").is_err());
        assert!(parse("ticks many 10").is_err());
    }
}
