//! Reads Arma 3 RPT / console lines.

use crate::games::{LogEventKind, LogLevel, LogLine};

const BE_PREFIX: &str = "BattlEye Server: ";
const CHAT_CHANNELS: [&str; 6] = ["Global", "Side", "Group", "Vehicle", "Direct", "Command"];

/// `H:MM:SS` or `HH:MM:SS` at the start of `s` (the hour may be right-aligned with one space),
/// returning the clock's length in bytes, leading space included.
fn clock_len(s: &str) -> Option<usize> {
    let pad = usize::from(s.starts_with(' '));
    let body = s.get(pad..)?;
    let colon = body.find(':')?;
    if !(1..=2).contains(&colon) {
        return None;
    }
    let clock = body.get(..colon + 6)?;
    let digits_ok = clock.char_indices().all(|(i, c)| {
        if i == colon || i == colon + 3 {
            c == ':'
        } else {
            c.is_ascii_digit()
        }
    });
    digits_ok.then_some(pad + clock.len())
}

/// `YYYY/MM/DD, ` at the start of `s` (the `full` layout's date).
fn date_len(s: &str) -> Option<usize> {
    let date = s.get(..12)?;
    let ok = date.char_indices().all(|(i, c)| match i {
        4 | 7 => c == '/',
        10 => c == ',',
        11 => c == ' ',
        _ => c.is_ascii_digit(),
    });
    ok.then_some(12)
}

/// Splits the timestamp of whichever `timestamp_format` the server was given off a line:
/// `short` is the clock alone (`" 9:00:55 "`, `"10:15:00 "`), `full` puts the date before it
/// (`"2026/11/22, 09:00:55 "`), `none` has no timestamp at all (and yields `None` here).
fn split_time(line: &str) -> Option<(&str, &str)> {
    let date = date_len(line).unwrap_or(0);
    let end = date + clock_len(line.get(date..)?)?;
    let rest = line.get(end..)?.strip_prefix(' ')?;
    Some((line.get(..end)?.trim_start(), rest))
}

/// `Player <name> connected (id=<digits>).` — the engine's own line, with the SteamID64.
fn joined(msg: &str) -> Option<&str> {
    let body = msg.strip_prefix("Player ")?.strip_suffix(").")?;
    let (name, id) = body.rsplit_once(" connected (id=")?;
    (!name.is_empty() && !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then_some(name)
}

fn left(msg: &str) -> Option<&str> {
    let name = msg.strip_prefix("Player ")?.strip_suffix(" disconnected.")?;
    (!name.is_empty()).then_some(name)
}

/// `BattlEye Server: (Side) Name: text`.
fn chat(msg: &str) -> Option<(&str, &str)> {
    let rest = msg.strip_prefix(BE_PREFIX)?.strip_prefix('(')?;
    let (channel, rest) = rest.split_once(") ")?;
    if !CHAT_CHANNELS.contains(&channel) {
        return None;
    }
    let (name, text) = rest.split_once(": ")?;
    Some((name, text))
}

fn level(msg: &str) -> LogLevel {
    let lower = msg.get(..16).unwrap_or(msg).to_ascii_lowercase();
    if lower.starts_with("error") {
        LogLevel::Error
    } else if lower.starts_with("warning") {
        LogLevel::Warn
    } else {
        LogLevel::Info
    }
}

/// Every non-empty line is a log line (the RPT has no other structure); only the
/// engine's join/leave lines and BattlEye's chat lines become events. Chat is always prefixed
/// with `BattlEye Server: (`, so chat text cannot pass for an engine line.
pub fn parse(line: &str) -> Option<LogLine> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() {
        return None;
    }
    let (time, msg) = match split_time(line) {
        Some((t, m)) => (Some(t.to_owned()), m),
        None => (None, line),
    };
    let kind = if let Some(name) = joined(msg) {
        LogEventKind::PlayerJoined { name: name.to_owned() }
    } else if let Some(name) = left(msg) {
        LogEventKind::PlayerLeft { name: name.to_owned() }
    } else if let Some((name, text)) = chat(msg) {
        LogEventKind::Chat {
            name: name.to_owned(),
            text: text.to_owned(),
        }
    } else {
        LogEventKind::Other
    };
    Some(LogLine {
        level: level(msg),
        time,
        message: msg.to_owned(),
        kind,
    })
}
