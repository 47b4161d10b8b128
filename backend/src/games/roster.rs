//! Reading who is on a server from its RCON roster command: BattlEye `players`, Source
//! `status`, Minecraft `list uuids` (protocols.md §1–3). Parsers skip lines they do not
//! understand rather than fail: games and plugins vary the surrounding text.

use std::time::Duration;

use serde::Serialize;
use utoipa::ToSchema;

use super::RconFlavour;

/// How a game identifies a player; together with the identity it is the key of a player.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    serde::Deserialize,
    ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[serde(rename_all = "lowercase")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum IdentityKind {
    /// BattlEye GUID (32 lowercase hex characters): Arma 3.
    Battleye,
    /// SteamID64 as decimal text: Source games.
    Steam,
    /// Player UUID (dashed): Minecraft. `name:<name>` when the server prints no UUIDs.
    Minecraft,
}

impl IdentityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Battleye => "battleye",
            IdentityKind::Steam => "steam",
            IdentityKind::Minecraft => "minecraft",
        }
    }

    pub fn parse(text: &str) -> Option<IdentityKind> {
        match text {
            "battleye" => Some(IdentityKind::Battleye),
            "steam" => Some(IdentityKind::Steam),
            "minecraft" => Some(IdentityKind::Minecraft),
            _ => None,
        }
    }

    pub fn of(flavour: RconFlavour) -> IdentityKind {
        match flavour {
            RconFlavour::Battleye => IdentityKind::Battleye,
            RconFlavour::Source => IdentityKind::Steam,
            RconFlavour::Minecraft => IdentityKind::Minecraft,
        }
    }
}

crate::stored_as_text!(IdentityKind, "identity kind");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    /// What kick/ban commands address: BattlEye `#`, Source userid; `None` for Minecraft (by name).
    pub slot: Option<u32>,
    pub name: String,
    pub identity: String,
    pub ip: Option<String>,
    pub ping: Option<i32>,
    /// How long the player has been connected, where the game says (Source `status`), so a
    /// session first seen by a late poll still starts when the player joined.
    pub connected: Option<Duration>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    /// Humans only; bots are counted in `bots`.
    pub players: Vec<RosterEntry>,
    pub max_players: Option<i32>,
    pub bots: i32,
    pub map: Option<String>,
    pub hibernating: bool,
}

pub fn roster_command(flavour: RconFlavour) -> &'static str {
    match flavour {
        RconFlavour::Battleye => "players",
        RconFlavour::Source => "status",
        RconFlavour::Minecraft => "list uuids",
    }
}

pub fn parse_roster(flavour: RconFlavour, text: &str) -> Roster {
    match flavour {
        RconFlavour::Battleye => parse_battleye(text),
        RconFlavour::Source => parse_status(text),
        RconFlavour::Minecraft => parse_minecraft_list(text),
    }
}

/// `0   203.0.113.7:2304     47   0123…cdef(OK) Steve` — the name is the rest of the line.
fn parse_battleye(text: &str) -> Roster {
    let mut roster = Roster::default();
    for line in text.lines() {
        let mut rest = line.trim();
        let mut field = || {
            let end = rest.find(char::is_whitespace)?;
            let (token, tail) = rest.split_at(end);
            rest = tail.trim_start();
            Some(token)
        };
        let (Some(slot), Some(addr), Some(ping), Some(guid)) = (field(), field(), field(), field()) else {
            continue;
        };
        let Ok(slot) = slot.parse::<u32>() else { continue };
        let Some(guid) = guid.strip_suffix("(OK)").or_else(|| guid.strip_suffix("(?)")) else {
            continue;
        };
        if guid.len() != 32 || !guid.bytes().all(|b| b.is_ascii_hexdigit()) || rest.is_empty() {
            continue;
        }
        let name = rest.strip_suffix(" (Lobby)").unwrap_or(rest);
        roster.players.push(RosterEntry {
            slot: Some(slot),
            name: name.to_owned(),
            identity: guid.to_ascii_lowercase(),
            ip: addr.rsplit_once(':').map(|(ip, _)| ip.to_owned()),
            ping: ping.parse().ok().filter(|p: &i32| *p >= 0),
            connected: None,
        });
    }
    roster
}

pub const STEAM_ID64_BASE: u64 = 76_561_197_960_265_728;

/// `[U:1:W]` or `STEAM_X:Y:Z` → SteamID64; `BOT`, `STEAM_ID_LAN`, … are not ids.
pub fn steam_id64(text: &str) -> Option<u64> {
    if let Some(w) = text.strip_prefix("[U:1:").and_then(|t| t.strip_suffix(']')) {
        return w.parse::<u64>().ok().map(|w| STEAM_ID64_BASE + w);
    }
    let rest = text.strip_prefix("STEAM_")?;
    let mut parts = rest.split(':');
    let (_x, y, z) = (
        parts.next()?,
        parts.next()?.parse::<u64>().ok()?,
        parts.next()?.parse::<u64>().ok()?,
    );
    (y <= 1 && parts.next().is_none()).then_some(STEAM_ID64_BASE + 2 * z + y)
}

/// The `[U:1:W]` form srcds accepts in `banid`/`removeid`.
pub fn steam3(id64: &str) -> Option<String> {
    let id: u64 = id64.parse().ok()?;
    id.checked_sub(STEAM_ID64_BASE).map(|w| format!("[U:1:{w}]"))
}

/// Source `status`: header lines, then `# userid "name" uniqueid time ping loss state adr` rows.
fn parse_status(text: &str) -> Roster {
    let mut roster = Roster::default();
    for line in text.lines() {
        if let Some(value) = header(line, "map") {
            roster.map = value.split_whitespace().next().map(str::to_owned);
        } else if let Some(value) = header(line, "players") {
            parse_players_header(value, &mut roster);
        } else if let Some(entry) = status_row(line) {
            roster.players.push(entry);
        }
    }
    roster
}

fn header<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let (k, v) = line.split_once(':')?;
    (k.trim() == key).then(|| v.trim())
}

/// `17 humans, 1 bots (25 max) (not hibernating)`; CS:GO prints `(16/0 max)`.
fn parse_players_header(value: &str, roster: &mut Roster) {
    let words: Vec<&str> = value.split_whitespace().collect();
    for pair in words.windows(2) {
        if pair[1].starts_with("bots") {
            roster.bots = pair[0].parse().unwrap_or(0);
        }
        if pair[1].starts_with("max") {
            let max = pair[0].trim_start_matches('(');
            roster.max_players = max.split('/').next().and_then(|m| m.parse().ok());
        }
    }
    roster.hibernating = value.contains("(hibernating)");
}

/// One human row; bots and malformed rows give `None`. The name is quoted and may itself hold
/// quotes, so the fixed columns are taken from both ends.
fn status_row(line: &str) -> Option<RosterEntry> {
    let body = line.strip_prefix('#')?;
    let open = body.find('"')?;
    let close = body.rfind('"')?;
    if close <= open {
        return None;
    }
    let userid: u32 = body[..open].split_whitespace().next()?.parse().ok()?;
    let name = &body[open + 1..close];
    let tail: Vec<&str> = body[close + 1..].split_whitespace().collect();
    let id64 = steam_id64(tail.first()?)?;
    // uniqueid, time, ping, loss, state[, rate], adr
    let connected = tail.get(1).and_then(|t| connected_time(t));
    let ping = tail.get(2).and_then(|p| p.parse().ok());
    let ip = tail
        .last()
        .filter(|a| a.contains(':') && tail.len() > 5)
        .and_then(|a| a.rsplit_once(':'))
        .map(|(ip, _)| ip.to_owned());
    Some(RosterEntry {
        slot: Some(userid),
        name: name.to_owned(),
        identity: id64.to_string(),
        ip,
        ping,
        connected,
    })
}

/// The `connected` column: `mm:ss`, or `h:mm:ss` from an hour on (minutes and seconds below 60).
fn connected_time(text: &str) -> Option<Duration> {
    let parts: Vec<u64> = text.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let (hours, minutes, seconds) = match parts[..] {
        [m, s] => (0, m, s),
        [h, m, s] if m < 60 => (h, m, s),
        _ => return None,
    };
    (seconds < 60).then(|| Duration::from_secs((hours * 60 + minutes) * 60 + seconds))
}

/// `There are 2 of a max of 20 players online: Steve (uuid), Alex (uuid)`.
fn parse_minecraft_list(text: &str) -> Roster {
    let mut roster = Roster::default();
    let Some((head, names)) = text.split_once(':') else {
        return roster;
    };
    let numbers: Vec<i32> = head.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    roster.max_players = numbers.get(1).copied();
    for entry in names.split(", ").map(str::trim).filter(|e| !e.is_empty()) {
        let (name, identity) = match entry.strip_suffix(')').and_then(|e| e.rsplit_once(" (")) {
            Some((name, uuid)) if uuid.len() == 36 => (name, uuid.to_ascii_lowercase()),
            _ => (entry, format!("name:{entry}")),
        };
        roster.players.push(RosterEntry {
            slot: None,
            name: name.to_owned(),
            identity,
            ip: None,
            ping: None,
            connected: None,
        });
    }
    roster
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn battleye_players_reference_reply() {
        let text = "Players on server:\n[#] [IP Address]:[Port] [Ping] [GUID] [Name]\n\
            --------------------------------------------------\n\
            0   203.0.113.7:2304     47   0123456789abcdef0123456789abcdef(OK) Steve\n\
            1   198.51.100.4:2316    -1   fedcba9876543210fedcba9876543210(?) New Guy (Lobby)\n\
            2   garbage line\n\
            (2 players in total)";
        let roster = parse_roster(RconFlavour::Battleye, text);
        assert_eq!(roster.players.len(), 2);
        assert_eq!(
            roster.players[0],
            RosterEntry {
                slot: Some(0),
                name: "Steve".into(),
                identity: "0123456789abcdef0123456789abcdef".into(),
                ip: Some("203.0.113.7".into()),
                ping: Some(47),
                connected: None,
            }
        );
        assert_eq!(roster.players[1].name, "New Guy");
        assert_eq!(roster.players[1].ping, None);
        assert_eq!(roster.players[1].slot, Some(1));
    }

    #[test]
    fn source_status_tf2_and_l4d2() {
        let tf2 = "hostname: BlackOut Gaming #5\nversion : 2406664/24 2406664 secure\n\
            map     : koth_pro_viaduct_rc4 at: 0 x, 0 y, 0 z\n\
            players : 17 humans, 1 bots (25 max)\n\
            # userid name                uniqueid            connected ping loss state  adr\n\
            #      2 \"SourceTV\"          BOT                                     active\n\
            #    806 \"Meh \"quoted\"\"     [U:1:101574366]     14:36       69    0 active 1.2.3.4:27005\n";
        let roster = parse_roster(RconFlavour::Source, tf2);
        assert_eq!(roster.map.as_deref(), Some("koth_pro_viaduct_rc4"));
        assert_eq!(
            (roster.bots, roster.max_players, roster.hibernating),
            (1, Some(25), false)
        );
        assert_eq!(roster.players.len(), 1);
        let p = &roster.players[0];
        assert_eq!(p.slot, Some(806));
        assert_eq!(p.name, "Meh \"quoted\"");
        assert_eq!(p.identity, (STEAM_ID64_BASE + 101_574_366).to_string());
        assert_eq!((p.ping, p.ip.as_deref()), (Some(69), Some("1.2.3.4")));
        assert_eq!(p.connected, Some(Duration::from_secs(14 * 60 + 36)));

        let l4d2 = "map     : c10m2_drainage at ( -11074, -9007, -529 )\n\
            players : 1 humans, 0 bots (4 max) (hibernating) (unreserved)\n\
            # userid name uniqueid connected ping loss state rate adr\n\
            #  8 1 \"Mal\" STEAM_1:1:35074132 32:17 10 0 active 100000 192.168.4.85:27005\n";
        let roster = parse_roster(RconFlavour::Source, l4d2);
        assert!(roster.hibernating);
        assert_eq!(roster.max_players, Some(4));
        assert_eq!(
            roster.players[0].identity,
            (STEAM_ID64_BASE + 2 * 35_074_132 + 1).to_string()
        );
        assert_eq!(roster.players[0].ip.as_deref(), Some("192.168.4.85"));
        assert_eq!(roster.players[0].connected, Some(Duration::from_secs(32 * 60 + 17)));
    }

    #[test]
    fn source_status_connected_time() {
        let status = |time: &str| {
            let text = format!("#  8 1 \"Mal\" STEAM_1:1:35074132 {time} 10 0 active 100000 192.168.4.85:27005\n");
            parse_roster(RconFlavour::Source, &text).players[0].connected
        };
        assert_eq!(status("05:32"), Some(Duration::from_secs(5 * 60 + 32)));
        assert_eq!(status("1:02:03"), Some(Duration::from_secs(3723)));
        assert_eq!(status("123:00:59"), Some(Duration::from_secs(123 * 3600 + 59)));
        for bad in ["05:60", "1:60:00", "5", "1:2:3:4", "a:00", "-1:00"] {
            assert_eq!(status(bad), None, "{bad}");
        }
    }

    #[test]
    fn steam_id_forms() {
        assert_eq!(steam_id64("STEAM_1:0:470167891"), Some(76_561_198_900_601_510));
        assert_eq!(steam_id64("[U:1:12345678]"), Some(76_561_197_972_611_406));
        assert_eq!(steam_id64("BOT"), None);
        assert_eq!(steam_id64("STEAM_ID_PENDING"), None);
        assert_eq!(steam3("76561197972611406").as_deref(), Some("[U:1:12345678]"));
        assert_eq!(steam3("12"), None);
    }

    #[test]
    fn minecraft_list() {
        let roster = parse_roster(
            RconFlavour::Minecraft,
            "There are 2 of a max of 20 players online: Steve (5627dd98-e6be-3c21-b8a8-e92344183641), Alex",
        );
        assert_eq!(roster.max_players, Some(20));
        assert_eq!(roster.players[0].name, "Steve");
        assert_eq!(roster.players[0].identity, "5627dd98-e6be-3c21-b8a8-e92344183641");
        assert_eq!(roster.players[1].identity, "name:Alex");
        let empty = parse_roster(RconFlavour::Minecraft, "There are 0 of a max of 20 players online: ");
        assert!(empty.players.is_empty());
    }

    /// Random text never panics any parser.
    #[test]
    fn parsers_survive_noise() {
        use rand::Rng;
        let mut rng = rand::rng();
        let alphabet = b"#\"[]():U 0123456789abcdef\n-STEAM_,.";
        for _ in 0..2000 {
            let len = rng.random_range(0..120);
            let text: String = (0..len)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
                .collect();
            for flavour in [RconFlavour::Battleye, RconFlavour::Source, RconFlavour::Minecraft] {
                let _ = parse_roster(flavour, &text);
            }
        }
    }
}
