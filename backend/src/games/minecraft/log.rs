//! Reads `logs/latest.log` / console lines: `[HH:MM:SS] [<thread>/<LEVEL>]: <msg>`.

use crate::games::{LogEventKind, LogLevel, LogLine};

/// Vanilla player names: 1–16 of `[A-Za-z0-9_]`. Requiring this is part of the
/// anti-spoofing rule: `[Server] Alex joined the game` (from `/say`) does not match.
fn is_player_name(name: &str) -> bool {
    (1..=16).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn level(text: &str) -> LogLevel {
    match text {
        "WARN" => LogLevel::Warn,
        "ERROR" | "FATAL" => LogLevel::Error,
        "DEBUG" | "TRACE" => LogLevel::Debug,
        _ => LogLevel::Info,
    }
}

/// `<Name> text`, optionally after `[Not Secure] ` (1.19+ unsigned chat).
fn chat(msg: &str) -> Option<(&str, &str)> {
    let msg = msg.strip_prefix("[Not Secure] ").unwrap_or(msg);
    let (name, text) = msg.strip_prefix('<')?.split_once("> ")?;
    is_player_name(name).then_some((name, text))
}

/// Events only come from what the server itself prints on its main thread (chat also from
/// Paper's `Async Chat Thread - #N`). Player-controlled text starts with `<`, `[Not Secure]`
/// or `*` (`/me`), so such messages are never read as joins, leaves or readiness.
fn kind(thread: &str, level: LogLevel, msg: &str) -> LogEventKind {
    let server = thread == "Server thread";
    if level != LogLevel::Info || !(server || thread.starts_with("Async Chat Thread")) {
        return LogEventKind::Other;
    }
    if msg.starts_with('<') || msg.starts_with("[Not Secure]") {
        return match chat(msg) {
            Some((name, text)) => LogEventKind::Chat {
                name: name.to_owned(),
                text: text.to_owned(),
            },
            None => LogEventKind::Other,
        };
    }
    if !server || msg.starts_with('*') {
        return LogEventKind::Other;
    }
    if let Some(name) = msg.strip_suffix(" joined the game").filter(|n| is_player_name(n)) {
        return LogEventKind::PlayerJoined { name: name.to_owned() };
    }
    if let Some(name) = msg.strip_suffix(" left the game").filter(|n| is_player_name(n)) {
        return LogEventKind::PlayerLeft { name: name.to_owned() };
    }
    if msg.starts_with("Done (") {
        return LogEventKind::Ready;
    }
    LogEventKind::Other
}

/// Lines without the `[time] [thread/LEVEL]: ` header (stack traces, the JVM's own output)
/// are not log lines.
pub fn parse(line: &str) -> Option<LogLine> {
    let line = line.trim_end_matches(['\r', '\n']);
    let rest = line.strip_prefix('[')?;
    let (time, rest) = rest.split_once("] [")?;
    let time_ok = time.len() == 8
        && time.bytes().enumerate().all(|(i, b)| {
            if i == 2 || i == 5 {
                b == b':'
            } else {
                b.is_ascii_digit()
            }
        });
    if !time_ok {
        return None;
    }
    let (source, msg) = rest.split_once("]: ")?;
    let (thread, level_text) = source.rsplit_once('/')?;
    let level = level(level_text);
    Some(LogLine {
        level,
        time: Some(time.to_owned()),
        message: msg.to_owned(),
        kind: kind(thread, level, msg),
    })
}
