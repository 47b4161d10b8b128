//! Minecraft Java server flavour (`java -jar server.jar nogui`): eula.txt gate,
//! server.properties, vanilla-style RCON (protocols.md §2), console commands on stdin, and
//! `logs/latest.log` and `banned-players.json` (§6).

mod bans;

use std::collections::HashMap;
use std::io::BufRead;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::common::{self, fail, offline_uuid, Logger, Roster};
use crate::config;
use crate::control::Game;
use crate::mcbans::BanList;
use crate::srcrcon::{self, encode, AUTH, AUTH_RESPONSE, EXECCOMMAND, RESPONSE_VALUE};

const VERSION: &str = "1.21.1";
/// Vanilla reads each packet from one 1460-byte read, so nothing larger can be a packet.
const MAX_REQUEST: usize = 1460 - 4;
/// Output fragments hold at most this many Java chars (UTF-16 units).
const FRAGMENT: usize = 4096;

pub struct Minecraft {
    log: Logger,
    roster: Mutex<Roster>,
    max_players: usize,
    next_entity: Mutex<u32>,
    bans: Mutex<BanList>,
}

fn line(thread: &str, level: &str, msg: &str) -> String {
    format!(
        "[{}] [{thread}/{level}]: {msg}",
        chrono::Local::now().format("%H:%M:%S")
    )
}

fn int_prop(props: &HashMap<String, String>, key: &str, default: u16) -> u16 {
    match props.get(key).map(|v| v.trim()) {
        None | Some("") => default,
        Some(v) => v
            .parse()
            .unwrap_or_else(|_| fail(&format!("server.properties: {key}={v} is not a port number"))),
    }
}

pub fn run() {
    let text = std::fs::read_to_string("server.properties")
        .unwrap_or_else(|e| fail(&format!("cannot read server.properties: {e}")));
    let props = config::parse_properties(&text).unwrap_or_else(|e| fail(&format!("server.properties: {e}")));
    let started = Instant::now();
    let log = Logger::new(Some(Path::new("logs/latest.log")));

    let eula = std::fs::read_to_string("eula.txt").ok();
    let agreed = eula
        .as_deref()
        .and_then(|t| config::parse_properties(t).ok())
        .and_then(|p| p.get("eula").cloned())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if !agreed {
        if eula.is_none() {
            log.line(&line("main", "WARN", "Failed to load eula.txt"));
            // Like the real server: write the template so the user can flip it to true.
            let stamp = chrono::Local::now().format("%a %b %d %H:%M:%S %Z %Y");
            let _ = std::fs::write(
                "eula.txt",
                format!("#By changing the setting below to TRUE you are indicating your agreement to our EULA (https://aka.ms/MinecraftEULA).\n#{stamp}\neula=false\n"),
            );
        }
        log.line(&line(
            "main",
            "INFO",
            "You need to agree to the EULA in order to run the server. Go to eula.txt for more info.",
        ));
        std::process::exit(1);
    }

    let port = int_prop(&props, "server-port", 25565);
    let rcon_port = int_prop(&props, "rcon.port", 25575);
    let max_players = match props.get("max-players") {
        Some(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| fail(&format!("server.properties: max-players={v}"))),
        None => 20,
    };
    let rcon_on = props.get("enable-rcon").is_some_and(|v| v.trim() == "true");
    let password = props.get("rcon.password").cloned().unwrap_or_default();

    log.line(&line(
        "Server thread",
        "INFO",
        &format!("Starting minecraft server version {VERSION}"),
    ));
    log.line(&line("Server thread", "INFO", "Loading properties"));
    log.line(&line("Server thread", "INFO", "Default game type: SURVIVAL"));
    log.line(&line("Server thread", "INFO", "Generating keypair"));
    log.line(&line(
        "Server thread",
        "INFO",
        &format!("Starting Minecraft server on *:{port}"),
    ));
    let game = TcpListener::bind(("0.0.0.0", port)).unwrap_or_else(|e| {
        log.line(&line("Server thread", "WARN", "**** FAILED TO BIND TO PORT!"));
        fail(&format!("bind TCP {port}: {e}"))
    });
    let motd = props
        .get("motd")
        .cloned()
        .unwrap_or_else(|| "A Minecraft Server".into());
    log.line(&line(
        "Server thread",
        "INFO",
        &format!("Preparing level \"world\" ({motd})"),
    ));
    let bans = bans::load(&|l| log.line(l));
    let mc = Arc::new(Minecraft {
        log,
        roster: Mutex::new(Roster::default()),
        max_players,
        next_entity: Mutex::new(100),
        bans: Mutex::new(bans),
    });
    let done = format!(
        "Done ({:.3}s)! For help, type \"help\"",
        started.elapsed().as_secs_f64()
    );
    mc.log.line(&line("Server thread", "INFO", &done));

    if rcon_on {
        if password.is_empty() {
            mc.log.line(&line(
                "Server thread",
                "WARN",
                "No rcon password set in server.properties, rcon disabled!",
            ));
        } else {
            mc.log
                .line(&line("Server thread", "INFO", "Starting remote control listener"));
            let rcon = TcpListener::bind(("0.0.0.0", rcon_port))
                .unwrap_or_else(|e| fail(&format!("bind RCON TCP {rcon_port}: {e}")));
            mc.log.line(&line(
                "RCON Listener #1",
                "INFO",
                &format!("RCON running on 0.0.0.0:{rcon_port}"),
            ));
            let mc2 = mc.clone();
            std::thread::spawn(move || {
                for conn in rcon.incoming().flatten() {
                    let mc = mc2.clone();
                    let pass = password.clone();
                    std::thread::spawn(move || mc.serve_rcon(conn, &pass));
                }
            });
        }
    }
    crate::control::spawn(mc.clone());
    crate::install_signals(mc.clone());
    let mc2 = mc.clone();
    std::thread::spawn(move || mc2.read_stdin());
    // The game port only accepts and closes: no Minecraft protocol is simulated.
    for conn in game.incoming().flatten() {
        drop(conn);
    }
}

impl Minecraft {
    fn info(&self, msg: &str) {
        self.log.line(&line("Server thread", "INFO", msg));
    }

    fn roster(&self) -> MutexGuard<'_, Roster> {
        self.roster.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Console commands: each stdin line runs like an RCON command; output goes to the log.
    fn read_stdin(&self) {
        for l in std::io::stdin().lock().lines() {
            let Ok(l) = l else { return };
            if l.trim().is_empty() {
                continue;
            }
            common::record_command(&l);
            let out = self.command(&l, "Server");
            for o in out.lines() {
                self.info(o);
            }
        }
    }

    fn serve_rcon(&self, mut conn: TcpStream, password: &str) {
        let mut reader = match conn.try_clone() {
            Ok(r) => std::io::BufReader::new(r),
            Err(_) => return,
        };
        let mut authed = false;
        // A malformed size closes the socket, like vanilla's `size != read - 4` check.
        while let Ok(Some(pkt)) = srcrcon::read_packet(&mut reader, MAX_REQUEST) {
            common::park_if_hung();
            let out: Vec<Vec<u8>> = match pkt.kind {
                AUTH => {
                    authed = !password.is_empty() && pkt.body == password.as_bytes();
                    vec![encode(if authed { pkt.id } else { -1 }, AUTH_RESPONSE, b"")]
                }
                EXECCOMMAND if !authed => vec![encode(-1, AUTH_RESPONSE, b"")],
                EXECCOMMAND => {
                    let cmd = String::from_utf8_lossy(&pkt.body);
                    common::record_command(&cmd);
                    let text = self.command(&cmd, "Rcon");
                    fragments(&text)
                        .iter()
                        .map(|f| encode(pkt.id, RESPONSE_VALUE, f.as_bytes()))
                        .collect()
                }
                other => vec![encode(
                    pkt.id,
                    RESPONSE_VALUE,
                    format!("Unknown request {other:x}").as_bytes(),
                )],
            };
            if srcrcon::send_packets(&mut conn, &out).is_err() {
                return;
            }
        }
    }

    /// Runs a command from the console (`source` = "Server") or RCON ("Rcon").
    fn command(&self, line: &str, source: &str) -> String {
        let line = line.trim().trim_start_matches('/');
        let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        if let Some(reply) = self.ban_command(verb, rest, source) {
            return reply;
        }
        match verb {
            "list" => {
                let uuids = rest == "uuids";
                let names: Vec<String> = self
                    .roster()
                    .sorted()
                    .into_iter()
                    .map(|p| match uuids {
                        true => format!("{} ({})", p.name, offline_uuid(&p.name)),
                        false => p.name,
                    })
                    .collect();
                let n = names.len();
                format!(
                    "There are {n} of a max of {} players online: {}",
                    self.max_players,
                    names.join(", ")
                )
            }
            "stop" => {
                self.info("Stopping the server");
                self.info("Stopping server");
                self.info("Saving players");
                self.info("Saving worlds");
                std::thread::spawn(|| {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    std::process::exit(0);
                });
                "Stopping the server".into()
            }
            "kick" => {
                let (name, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let reason = if reason.trim().is_empty() {
                    "Kicked by an operator"
                } else {
                    reason.trim()
                };
                match self.disconnect(name, reason) {
                    Some(p) => {
                        let msg = format!("Kicked {}: {reason}", p.name);
                        self.info(&format!("[{source}: {msg}]"));
                        msg
                    }
                    None => "No player was found".into(),
                }
            }
            "say" => {
                self.info(&format!("[{source}] {rest}"));
                String::new()
            }
            "help" => help_text(),
            _ => format!("Unknown or incomplete command, see below for error{line}<--[HERE]"),
        }
    }
}

/// Splits output every 4096 Java chars (UTF-16 units, not bytes); empty output is one
/// empty fragment.
fn fragments(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut units = 0;
    for c in text.chars() {
        if units + c.len_utf16() > FRAGMENT {
            out.push(String::new());
            units = 0;
        }
        units += c.len_utf16();
        if let Some(s) = out.last_mut() {
            s.push(c);
        }
    }
    out
}

/// The vanilla command usage list is several KB; long enough to need fragmentation.
fn help_text() -> String {
    const CMDS: &[&str] = &[
        "advancement (grant|revoke)", "attribute <target> <attribute> (base|get|modifier)", "ban <targets> [<reason>]",
        "ban-ip <target> [<reason>]", "banlist [ips|players]", "bossbar (add|get|list|remove|set)", "clear [<targets>]",
        "clone (<begin>|from)", "damage <target> <amount> [<damageType>]", "data (get|merge|modify|remove)",
        "datapack (disable|enable|list)", "debug (function|start|stop)", "defaultgamemode <gamemode>",
        "deop <targets>", "difficulty [peaceful|easy|normal|hard]", "effect (clear|give)", "enchant <targets> <enchantment> [<level>]",
        "execute (align|anchored|as|at|facing|if|in|on|positioned|rotated|run|store|summon|unless)",
        "experience (add|query|set)", "fill <from> <to> <block> [destroy|hollow|keep|outline|replace]",
        "fillbiome <from> <to> <biome> [replace]", "forceload (add|query|remove)", "function <name> [<arguments>|with]",
        "gamemode <gamemode> [<target>]", "gamerule (announceAdvancements|blockExplosionDropDecay|commandBlockOutput|doDaylightCycle|doFireTick|doMobSpawning|keepInventory|mobGriefing|naturalRegeneration|randomTickSpeed|spawnRadius)",
        "give <targets> <item> [<count>]", "help [<command>]", "item (modify|replace)", "jfr (start|stop)",
        "kick <targets> [<reason>]", "kill [<targets>]", "list [uuids]", "locate (biome|poi|structure)",
        "loot (give|insert|replace|spawn)", "me <action>", "msg <targets> <message>", "op <targets>", "pardon <targets>",
        "pardon-ip <target>", "particle <name> [<pos>]", "perf (start|stop)", "place (feature|jigsaw|structure|template)",
        "playsound <sound> [ambient|block|hostile|master|music|neutral|player|record|voice|weather]", "publish [<allowCommands>]",
        "random (reset|roll|value)", "recipe (give|take)", "reload", "return (<value>|fail|run)", "ride <target> (dismount|mount)",
        "save-all [flush]", "save-off", "save-on", "say <message>", "schedule (clear|function)", "scoreboard (objectives|players)",
        "seed", "setblock <pos> <block> [destroy|keep|replace]", "setidletimeout <minutes>", "setworldspawn [<pos>]",
        "spawnpoint [<targets>]", "spectate [<target>]", "spreadplayers <center> <spreadDistance> <maxRange> (<respectTeams>|under)",
        "stop", "stopsound <targets> [*|ambient|block|hostile|master|music|neutral|player|record|voice|weather]",
        "summon <entity> [<pos>]", "tag <targets> (add|list|remove)", "team (add|empty|join|leave|list|modify|remove)",
        "teammsg <message>", "teleport (<location>|<destination>|<targets>)", "tell -> msg", "tellraw <targets> <message>",
        "tick (freeze|query|rate|sprint|step|unfreeze)", "time (add|query|set)", "title <targets> (actionbar|clear|reset|subtitle|times|title)",
        "tm -> teammsg", "tp -> teleport", "transfer <hostname> [<port>]", "trigger <objective> [add|set]", "w -> msg",
        "weather (clear|rain|thunder)", "whitelist (add|list|off|on|reload|remove)", "worldborder (add|center|damage|get|set|warning)",
        "xp -> experience",
    ];
    let mut s = String::new();
    // Repeat the list with the page numbers help prints, so the text exceeds 4096 chars.
    for page in 1..=3 {
        s.push_str(&format!("--- Showing help page {page} of 3 ---\n"));
        for c in CMDS {
            s.push('/');
            s.push_str(c);
            s.push('\n');
        }
    }
    s
}

impl Game for Minecraft {
    fn join(&self, name: &str, _steamid64: Option<u64>, connected_for: Duration) {
        // Vanilla checks the ban list before the player count.
        if self.roster().find(name).is_some() || self.refuse_if_banned(name) {
            return;
        }
        let p = {
            let mut roster = self.roster();
            if roster.len() >= self.max_players {
                drop(roster);
                self.info(&format!("{name} lost connection: The server is full!"));
                return;
            }
            match roster.join(name, None, connected_for) {
                Some(p) => p,
                None => return,
            }
        };
        let entity = {
            let mut e = self.next_entity.lock().unwrap_or_else(|e| e.into_inner());
            *e += 1;
            *e
        };
        self.log.line(&line(
            "User Authenticator #1",
            "INFO",
            &format!("UUID of player {name} is {}", offline_uuid(name)),
        ));
        self.info(&format!(
            "{name}[/127.0.0.1:{}] logged in with entity id {entity} at (0.5, 64.0, 0.5)",
            50000 + p.slot
        ));
        self.info(&format!("{name} joined the game"));
    }

    fn leave(&self, name: &str) {
        if self
            .roster
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove_by(|p| p.name == name)
            .is_some()
        {
            self.info(&format!("{name} lost connection: Disconnected"));
            self.info(&format!("{name} left the game"));
        }
    }

    fn chat(&self, name: &str, text: &str) {
        self.info(&format!("<{name}> {text}"));
    }

    fn log(&self, text: &str) {
        self.info(text);
    }

    fn shutdown_line(&self) {
        self.info("Stopping server");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_count_java_chars() {
        assert_eq!(fragments(""), vec![String::new()]);
        let f = fragments(&"é".repeat(5000));
        assert_eq!((f.len(), f[0].chars().count(), f[0].len()), (2, 4096, 8192));
        assert!(help_text().len() > 4096);
    }
}
