//! Reads srcds console/log lines, loosely: `L MM/DD/YYYY - HH:MM:SS: <msg>`, where player
//! events look like `"Name<uid><STEAM_…><team>" connected, address "…"`.

use crate::games::{LogEventKind, LogLevel, LogLine};

/// `L 05/10/2024 - 21:03:07: ` → ("05/10/2024 - 21:03:07", rest).
fn split_time(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("L ")?;
    let stamp = rest.get(..21)?;
    let msg = rest.get(21..)?.strip_prefix(": ")?;
    let shape_ok = stamp.bytes().enumerate().all(|(i, b)| match i {
        2 | 5 => b == b'/',
        10 | 12 => b == b' ',
        11 => b == b'-',
        15 | 18 => b == b':',
        _ => b.is_ascii_digit(),
    });
    shape_ok.then_some((stamp, msg))
}

/// The name in `"Name<uid><steamid><team>"`: the three trailing `<…>` groups are the
/// server's, so they are stripped from the right; the name may contain anything.
fn player_name(token: &str) -> Option<&str> {
    let mut rest = token;
    for _ in 0..3 {
        let inner = rest.strip_suffix('>')?;
        let open = inner.rfind('<')?;
        rest = &inner[..open];
    }
    (!rest.is_empty()).then_some(rest)
}

/// Splits `"<player>" <verb…>` at the first `>" ` so that the tail is the server's text.
fn split_player(msg: &str) -> Option<(&str, &str)> {
    let body = msg.strip_prefix('"')?;
    let end = body.find(">\" ")?;
    let name = player_name(&body[..=end])?;
    Some((name, &body[end + 3..]))
}

fn kind(msg: &str) -> LogEventKind {
    let Some((name, tail)) = split_player(msg) else {
        return LogEventKind::Other;
    };
    let name = name.to_owned();
    // Chat first: its text is player-controlled and may imitate the other verbs.
    for verb in ["say \"", "say_team \""] {
        if let Some(text) = tail.strip_prefix(verb) {
            let text = text.strip_suffix('"').unwrap_or(text);
            return LogEventKind::Chat {
                name,
                text: text.to_owned(),
            };
        }
    }
    // The address is the server's text and never holds a quote; a tail with more quotes is a
    // name crafted to look like a connect.
    let address = tail
        .strip_prefix("connected, address \"")
        .and_then(|a| a.strip_suffix('"'));
    if address.is_some_and(|a| !a.contains('"')) {
        return LogEventKind::PlayerJoined { name };
    }
    if tail.starts_with("disconnected") {
        return LogEventKind::PlayerLeft { name };
    }
    // "entered the game" follows the connect of the same player, so it is not a second join.
    LogEventKind::Other
}

/// Lines without the `L …:` prefix are plain console output, still worth showing.
pub fn parse(line: &str) -> Option<LogLine> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() {
        return None;
    }
    let (time, msg, kind) = match split_time(line) {
        Some((time, msg)) => (Some(time.to_owned()), msg, kind(msg)),
        None => (None, line, LogEventKind::Other),
    };
    Some(LogLine {
        level: LogLevel::Info,
        time,
        message: msg.to_owned(),
        kind,
    })
}
