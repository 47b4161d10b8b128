//! Source dedicated server flavour (srcds): `<game>/cfg/server.cfg`, Source RCON on TCP
//! `-port` with the SRCDS quirks (protocols.md §2), TF2-style `status` (§3), console
//! commands on stdin, `L …` console log lines on stdout, and SteamID bans (`banid`, `removeid`,
//! `listid`, `writeid` → `<game>/cfg/banned_user.cfg`, executed at start).

use std::collections::HashMap;
use std::io::BufRead;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::common::{self, fail, next_arg, steam3, write_atomic, Logger, Player, Roster, STEAM_BASE};
use crate::config;
use crate::control::Game;
use crate::srcbans::{account_of, IdBans};
use crate::srcrcon::{self, encode, AUTH, AUTH_RESPONSE, EXECCOMMAND, RESPONSE_VALUE};
use crate::status;

const BANID_USAGE: &str = "Usage:  banid < minutes > < userid | uniqueid > { kick }\nUse 0 minutes for permanent\n";

/// Long output is sent as several RESPONSE_VALUE packets with bodies of at most this size.
const SPLIT: usize = 4096;
/// Largest request accepted (the wiki says 4096; be lenient like real servers in practice).
const MAX_REQUEST: usize = 65536;

pub struct Source {
    log: Logger,
    roster: Mutex<Roster>,
    cvars: HashMap<String, String>,
    port: u16,
    map: String,
    max_players: usize,
    bans: Mutex<IdBans>,
    /// Settable at run time (`rcon_password <new>`), which de-authenticates every connection.
    rcon_password: Mutex<(String, u64)>,
    /// `<game>/cfg/banned_user.cfg`, written by `writeid`.
    banned_cfg: PathBuf,
}

fn ts() -> String {
    chrono::Local::now().format("L %m/%d/%Y - %H:%M:%S:").to_string()
}

fn tag(p: &Player, team: &str) -> String {
    format!("\"{}<{}><{}><{team}>\"", p.name, p.userid, steam3(p.steamid64))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub fn run(args: &[String]) {
    let game = next_arg(args, "-game").unwrap_or_else(|| fail("missing -game <dir>"));
    if !Path::new(&game).is_dir() {
        fail(&format!("game directory {game} not found"));
    }
    let port: u16 = match next_arg(args, "-port") {
        Some(p) => p.parse().unwrap_or_else(|_| fail(&format!("bad -port {p}"))),
        None => 27015,
    };
    let cfg_path = Path::new(&game).join("cfg").join("server.cfg");
    let text = std::fs::read_to_string(&cfg_path)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", cfg_path.display())));
    // `+cvar value` on the command line runs first; server.cfg is executed later and wins.
    let mut cvars: HashMap<String, String> = HashMap::new();
    for w in args.windows(2) {
        if let Some(name) = w[0].strip_prefix('+') {
            cvars.insert(name.to_ascii_lowercase(), w[1].clone());
        }
    }
    let file = config::parse_source_cfg(&text).unwrap_or_else(|e| fail(&format!("{}: {e}", cfg_path.display())));
    cvars.extend(file);
    let map = cvars.get("map").cloned().unwrap_or_else(|| fail("no +map given"));
    let max_players = match cvars.get("maxplayers") {
        Some(v) => v.parse().unwrap_or_else(|_| fail(&format!("bad +maxplayers {v}"))),
        None => 24,
    };
    let listener = TcpListener::bind(("0.0.0.0", port)).unwrap_or_else(|e| fail(&format!("bind TCP {port}: {e}")));
    let udp = UdpSocket::bind(("0.0.0.0", port)).unwrap_or_else(|e| fail(&format!("bind UDP {port}: {e}")));
    let banned_cfg = Path::new(&game).join("cfg").join("banned_user.cfg");
    let bans = std::fs::read_to_string(&banned_cfg)
        .map(|t| IdBans::from_cfg(&t, now()))
        .unwrap_or_default();

    let src = Arc::new(Source {
        log: Logger::new(None),
        roster: Mutex::new(Roster::default()),
        cvars: cvars.clone(),
        port,
        map,
        max_players,
        bans: Mutex::new(bans),
        banned_cfg,
        rcon_password: Mutex::new((cvars.get("rcon_password").cloned().unwrap_or_default(), 0)),
    });
    src.log.line(&format!("{} Loading map \"{}\"", ts(), src.map));
    src.log.line(&format!("{} server cvars start", ts()));
    src.log.line("Connection to Steam servers successful.");
    src.log.line("   VAC secure mode is activated.");
    crate::control::spawn(src.clone());
    crate::install_signals(src.clone());
    let console = src.clone();
    std::thread::spawn(move || console.read_stdin());
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        loop {
            let _ = udp.recv_from(&mut buf); // game traffic is not simulated
        }
    });
    for conn in listener.incoming().flatten() {
        let src = src.clone();
        std::thread::spawn(move || src.serve(conn));
    }
}

impl Source {
    fn cvar(&self, name: &str) -> &str {
        self.cvars.get(name).map(String::as_str).unwrap_or("")
    }

    /// The current RCON password and how many times it was changed.
    fn password(&self) -> (String, u64) {
        self.rcon_password.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn roster(&self) -> MutexGuard<'_, Roster> {
        self.roster.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn ban_filter(&self) -> MutexGuard<'_, IdBans> {
        let mut bans = self.bans.lock().unwrap_or_else(|e| e.into_inner());
        bans.expire(now());
        bans
    }

    /// The server console: each stdin line runs like an RCON command, output on stdout.
    fn read_stdin(&self) {
        for l in std::io::stdin().lock().lines() {
            let Ok(l) = l else { return };
            if l.trim().is_empty() {
                continue;
            }
            common::record_command(&l);
            let out = self.run_line(&l);
            for o in out.lines() {
                self.log.line(o);
            }
        }
    }

    /// One RCON connection. Requests are handled strictly in order, so several outstanding
    /// requests are answered in the order sent.
    fn serve(&self, mut conn: TcpStream) {
        let mut reader = match conn.try_clone() {
            Ok(r) => std::io::BufReader::new(r),
            Err(_) => return,
        };
        let mut authed = false;
        let mut authed_generation = 0;
        while let Ok(Some(pkt)) = srcrcon::read_packet(&mut reader, MAX_REQUEST) {
            common::park_if_hung();
            if authed && self.password().1 != authed_generation {
                authed = false;
            }
            let mut out: Vec<Vec<u8>> = Vec::new();
            match pkt.kind {
                AUTH => {
                    let (pass, generation) = self.password();
                    authed = !pass.is_empty() && pkt.body == pass.as_bytes();
                    authed_generation = generation;
                    // The SRCDS quirk: an empty RESPONSE_VALUE first, then the AUTH_RESPONSE.
                    out.push(encode(pkt.id, RESPONSE_VALUE, b""));
                    out.push(encode(if authed { pkt.id } else { -1 }, AUTH_RESPONSE, b""));
                }
                _ if !authed => return, // SRCDS drops unauthenticated connections that send commands
                EXECCOMMAND => {
                    let cmd = String::from_utf8_lossy(&pkt.body);
                    common::record_command(&cmd);
                    let text = self.run_line(&cmd);
                    let bytes = text.as_bytes();
                    if bytes.is_empty() {
                        out.push(encode(pkt.id, RESPONSE_VALUE, b""));
                    }
                    for chunk in bytes.chunks(SPLIT) {
                        out.push(encode(pkt.id, RESPONSE_VALUE, chunk));
                    }
                }
                RESPONSE_VALUE if pkt.body.is_empty() => {
                    // The end-of-reply trick: mirror the empty packet, then one more packet.
                    out.push(encode(pkt.id, RESPONSE_VALUE, b""));
                    out.push(encode(pkt.id, RESPONSE_VALUE, &[0, 0, 0, 1, 0, 0, 0, 0]));
                }
                _ => {}
            }
            if srcrcon::send_packets(&mut conn, &out).is_err() {
                return;
            }
        }
    }

    /// Runs every command of one received line, as srcds does, and joins their output.
    fn run_line(&self, line: &str) -> String {
        split_commands(line)
            .into_iter()
            .map(|command| {
                common::record_executed(command);
                self.command(command)
            })
            .collect()
    }

    fn command(&self, line: &str) -> String {
        let line = line.trim();
        let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        match verb {
            "status" => self.status(),
            "quit" | "exit" => {
                self.log.line(&format!("{} Log file closed.", ts()));
                std::thread::spawn(|| {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    std::process::exit(0);
                });
                String::new()
            }
            "kickid" => self.kickid(rest),
            "banid" => self.banid(rest),
            "removeid" => self.removeid(rest),
            "listid" => self.ban_filter().listing(),
            "writeid" => {
                let text = self.ban_filter().to_cfg();
                match write_atomic(&self.banned_cfg, &text) {
                    Ok(()) => "Writing cfg/banned_user.cfg.\n".into(),
                    Err(e) => format!("Couldn't open cfg/banned_user.cfg for writing: {e}\n"),
                }
            }
            "say" => {
                self.log.line(&format!(
                    "{} \"Console<0><Console><Console>\" say \"{}\"",
                    ts(),
                    rest.trim_matches('"')
                ));
                String::new()
            }
            "echo" => format!("{}\n", rest.trim_matches('"')),
            "rcon_password" if !rest.is_empty() => {
                let mut password = self.rcon_password.lock().unwrap_or_else(|e| e.into_inner());
                *password = (rest.trim_matches('"').to_owned(), password.1 + 1);
                String::new()
            }
            "cvarlist" => cvarlist(),
            "hostname" => format!("\"hostname\" = \"{}\"\n", self.cvar("hostname")),
            "" => String::new(),
            _ => format!("Unknown command \"{verb}\"\n"),
        }
    }

    fn kickid(&self, rest: &str) -> String {
        let (who, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let reason = reason.trim().trim_matches('"');
        let reason = if reason.is_empty() {
            "Kicked from server"
        } else {
            reason
        };
        let gone = self.roster().remove_by(|p| {
            who.parse::<u32>().ok() == Some(p.userid) || who == steam3(p.steamid64) || who == p.steamid64.to_string()
        });
        match gone {
            Some(p) => {
                self.disconnected(&p, &format!("Kicked by Console : {reason}"));
                format!("Kicked {} from server\n", p.name)
            }
            None => format!("kickid:  no user with userid {who}\n"),
        }
    }

    fn disconnected(&self, p: &Player, reason: &str) {
        self.log.line(&format!(
            "{} {} disconnected (reason \"{reason}\")",
            ts(),
            tag(p, "Unassigned")
        ));
    }

    /// `banid <minutes> <userid|[U:1:N]|STEAM_x:y:z> [kick]`; a userid must be online.
    fn banid(&self, rest: &str) -> String {
        let words: Vec<&str> = rest.split_whitespace().collect();
        let (Some(min), Some(who)) = (words.first().and_then(|m| m.parse::<f64>().ok()), words.get(1)) else {
            return BANID_USAGE.into();
        };
        if !min.is_finite() || min < 0.0 || words.len() > 3 || words.get(2).is_some_and(|k| *k != "kick") {
            return BANID_USAGE.into();
        }
        let kick = words.get(2).is_some();
        let online = self.roster().sorted().into_iter().find(|p| {
            who.parse::<u32>().ok() == Some(p.userid) || account_of(who) == Some(p.steamid64.saturating_sub(STEAM_BASE))
        });
        let account = match (&online, account_of(who)) {
            (Some(p), _) => p.steamid64.saturating_sub(STEAM_BASE),
            (None, Some(acc)) => acc,
            (None, None) => return format!("banid:  couldn't find userid {who}\n"),
        };
        self.ban_filter().add(account, min, now());
        let how = if min == 0.0 {
            "permanently".to_string()
        } else {
            format!("for {min:.2} minutes")
        };
        match &online {
            Some(p) => self
                .log
                .line(&format!("{} {} was banned \"{how}\" by \"Console\"", ts(), tag(p, ""))),
            None => self.log.line(&format!(
                "{} Banid: \"<><[U:1:{account}]><>\" was banned \"{how}\" by \"Console\"",
                ts()
            )),
        }
        if let Some(p) = online.filter(|_| kick) {
            if self.roster().remove_by(|q| q.userid == p.userid).is_some() {
                self.disconnected(&p, "Kicked and banned");
            }
        }
        String::new()
    }

    /// `removeid <[U:1:N]|STEAM_x:y:z|listid number>`.
    fn removeid(&self, rest: &str) -> String {
        let who = rest.trim();
        if who.is_empty() {
            return "Usage:  removeid < slot | uniqueid >\n".into();
        }
        let removed = self.ban_filter().remove(who);
        match removed {
            Some(uid) => {
                self.log.line(&format!(
                    "{} \"Console<0><Console><Console>\" removed id \"{uid}\"",
                    ts()
                ));
                format!("removeid:  filter removed for {uid}\n")
            }
            None => format!("removeid:  couldn't find {who}\n"),
        }
    }

    fn status(&self) -> String {
        let header = status::Header {
            hostname: self.cvar("hostname"),
            port: self.port,
            map: &self.map,
            max_players: self.max_players,
        };
        status::text(&header, &self.roster().sorted())
    }
}

/// srcds' command buffer: a line holds several commands, ended by `;` outside double quotes or
/// by a line break (inside quotes too). There is no escape for `"`.
fn split_commands(line: &str) -> Vec<&str> {
    let mut commands = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in line.char_indices() {
        let ends = match c {
            '"' => {
                quoted = !quoted;
                false
            }
            ';' => !quoted,
            '\n' | '\r' => {
                quoted = false;
                true
            }
            _ => false,
        };
        if ends {
            commands.push(&line[start..i]);
            start = i + 1;
        }
    }
    commands.push(&line[start..]);
    commands.into_iter().map(str::trim).filter(|c| !c.is_empty()).collect()
}

/// A long, deterministic cvar list (> 8 KB) so replies span several RCON packets.
fn cvarlist() -> String {
    let mut s = String::from("cvar list\n--------------\n");
    let n = 240;
    for i in 0..n {
        s.push_str(&format!(
            "{:<40} : {:<8} : {:<16} : Simulated console variable number {i}\n",
            format!("fakegame_cvar_{i:03}"),
            i % 7,
            "\"sv\", \"rep\""
        ));
    }
    s.push_str(&format!("--------------\n{n:>4} total convars/concommands\n"));
    s
}

impl Game for Source {
    fn join(&self, name: &str, steamid64: Option<u64>, connected_for: Duration) {
        let p = {
            let mut roster = self.roster.lock().unwrap_or_else(|e| e.into_inner());
            if roster.len() >= self.max_players {
                return;
            }
            match roster.join(name, steamid64, connected_for) {
                Some(p) => p,
                None => return,
            }
        };
        self.log.line(&format!(
            "{} {} connected, address \"{}:27005\"",
            ts(),
            tag(&p, ""),
            p.ip
        ));
        self.log
            .line(&format!("{} {} STEAM USERID validated", ts(), tag(&p, "")));
        if self
            .ban_filter()
            .is_banned(p.steamid64.saturating_sub(STEAM_BASE), now())
        {
            // srcds checks the ban filter once the SteamID is known, then drops the client.
            self.roster().remove_by(|q| q.userid == p.userid);
            self.log.line(&format!(
                "{} {} disconnected (reason \"You have been banned from this server.\")",
                ts(),
                tag(&p, "")
            ));
            return;
        }
        self.log.line(&format!("{} {} entered the game", ts(), tag(&p, "")));
    }

    fn leave(&self, name: &str) {
        let gone = self
            .roster
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove_by(|p| p.name == name);
        if let Some(p) = gone {
            self.log.line(&format!(
                "{} {} disconnected (reason \"Disconnect by user.\")",
                ts(),
                tag(&p, "Unassigned")
            ));
        }
    }

    fn chat(&self, name: &str, text: &str) {
        let p = self
            .roster
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .find(name)
            .cloned();
        if let Some(p) = p {
            self.log
                .line(&format!("{} {} say \"{text}\"", ts(), tag(&p, "Unassigned")));
        }
    }

    fn log(&self, text: &str) {
        self.log.line(&format!("{} {text}", ts()));
    }

    fn shutdown_line(&self) {
        self.log.line(&format!("{} Log file closed.", ts()));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_split_like_srcds() {
        use super::split_commands;
        assert_eq!(split_commands("say hi; rcon_password x"), ["say hi", "rcon_password x"]);
        assert_eq!(
            split_commands("say \"hi; there\";echo b"),
            ["say \"hi; there\"", "echo b"]
        );
        assert_eq!(split_commands("say \"a\" ; b\"; c"), ["say \"a\"", "b\"; c"]);
        assert_eq!(split_commands("say \"a\nb\""), ["say \"a", "b\""]);
        assert_eq!(split_commands("status"), ["status"]);
    }

    #[test]
    fn cvarlist_is_long() {
        assert!(super::cvarlist().len() > 8192);
    }
}
