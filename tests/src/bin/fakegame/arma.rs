//! Arma 3 dedicated server flavour: server.cfg + beserver_x64.cfg, UDP game port, BattlEye
//! RCon, and an RPT log in the profiles folder (protocols.md §1, §5). BattlEye bans live in
//! `bans.txt` beside the BE config (see bans.rs).

mod bans;

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::battleye::{BeServer, Handler};
use crate::bebans::BanList;
use crate::common::{be_guid, eq_arg, fail, Logger, Player, Roster};
use crate::config;
use crate::control::Game;

pub struct Arma {
    log: Logger,
    roster: Mutex<Roster>,
    be: Option<Arc<BeServer>>,
    hostname: String,
    max_players: usize,
    templates: Vec<String>,
    bans: Mutex<BanList>,
    bans_file: PathBuf,
}

/// RPT timestamp, `short` layout: hour right-aligned to two characters (` 9:00:55`).
fn stamp() -> String {
    chrono::Local::now().format("%k:%M:%S").to_string()
}

/// The BE config lives in `-bepath=`; without it real servers disagree, so try both places.
/// Linux names are lowercase; accept the Windows capitalisation as well.
fn find_be_cfg(bepath: Option<&str>, profiles: &Path) -> Option<PathBuf> {
    let dirs: Vec<PathBuf> = match bepath {
        Some(p) => vec![PathBuf::from(p)],
        None => vec![
            PathBuf::from("battleye"),
            profiles.join("BattlEye"),
            profiles.join("battleye"),
        ],
    };
    dirs.iter()
        .flat_map(|d| ["beserver_x64.cfg", "BEServer_x64.cfg", "beserver.cfg", "BEServer.cfg"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

pub fn run(exe: &str, args: &[String]) {
    let port: u16 = match eq_arg(args, "port") {
        Some(p) => p.parse().unwrap_or_else(|_| fail(&format!("bad -port={p}"))),
        None => 2302,
    };
    let cfg_path = eq_arg(args, "config").unwrap_or_else(|| fail("missing -config=server.cfg"));
    let text = std::fs::read_to_string(&cfg_path).unwrap_or_else(|e| fail(&format!("cannot read {cfg_path}: {e}")));
    let cfg = config::parse_arma(&text).unwrap_or_else(|e| fail(&format!("{cfg_path}: {e}")));
    if let Some(basic) = eq_arg(args, "cfg") {
        if !Path::new(&basic).is_file() {
            fail(&format!("cannot read {basic}"));
        }
    }
    let profiles = PathBuf::from(eq_arg(args, "profiles").unwrap_or_else(|| ".".into()));
    let now = chrono::Local::now();
    let rpt = profiles.join(format!("{exe}_{}.rpt", now.format("%Y-%m-%d_%H-%M-%S")));
    let log = Logger::new(Some(&rpt));

    let max_players = match cfg.get("maxplayers") {
        Some(v) => v
            .parse()
            .unwrap_or_else(|_| fail(&format!("{cfg_path}: maxPlayers is not a number: {v}"))),
        None => 64,
    };
    let hostname = cfg.get("hostname").unwrap_or("Arma 3 Server").to_string();
    let game_sock = UdpSocket::bind(("0.0.0.0", port)).unwrap_or_else(|e| fail(&format!("bind UDP {port}: {e}")));

    let be_cfg = find_be_cfg(eq_arg(args, "bepath").as_deref(), &profiles);
    // bans.txt sits in the BattlEye folder: the config's, else -bepath, else ./battleye.
    let be_dir = match (&be_cfg, eq_arg(args, "bepath")) {
        (Some(cfg), _) => cfg.parent().map(Path::to_path_buf).unwrap_or_default(),
        (None, Some(dir)) => PathBuf::from(dir),
        (None, None) => PathBuf::from("battleye"),
    };
    let bans_file = be_dir.join("bans.txt");
    let be = match be_cfg {
        Some(path) => {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
            let be = config::parse_be(&text);
            let pass = be.get("rconpassword").cloned().unwrap_or_default();
            let rport = be.get("rconport").map(|p| {
                p.parse::<u16>()
                    .unwrap_or_else(|_| fail(&format!("{}: bad RConPort {p}", path.display())))
            });
            match rport {
                Some(rp) if !pass.is_empty() => {
                    let ip = be.get("rconip").cloned().unwrap_or_else(|| "0.0.0.0".into());
                    let srv = BeServer::bind(&format!("{ip}:{rp}"), &pass)
                        .unwrap_or_else(|e| fail(&format!("bind BattlEye RCon {ip}:{rp}: {e}")));
                    Some(srv)
                }
                _ => None,
            }
        }
        None => None,
    };

    log.line(&format!("{} Dedicated host created.", stamp()));
    log.line(&format!(
        "{} Game Port: {port}, Steam Query Port: {}",
        stamp(),
        port + 1
    ));
    log.line(&format!("{} BattlEye Server: Initialized (v1.220)", stamp()));
    if be.is_none() {
        log.line(&format!(
            "{} BattlEye Server: RCon disabled (no RConPassword/RConPort)",
            stamp()
        ));
    }
    log.line(&format!("{} Host identity created.", stamp()));
    // What it was given, so tests can see the launch line and server.cfg took effect.
    for (flag, label) in [("mod", "Mods"), ("serverMod", "Server mods")] {
        if let Some(list) = eq_arg(args, flag) {
            log.line(&format!("{} {label}: {list}", stamp()));
        }
    }
    if !cfg.templates.is_empty() {
        log.line(&format!("{} Mission rotation: {}", stamp(), cfg.templates.join(", ")));
    }
    let arma = Arc::new(Arma {
        log,
        roster: Mutex::new(Roster::default()),
        be,
        hostname,
        max_players,
        templates: cfg.templates,
        bans: Mutex::new(BanList::load(&bans_file)),
        bans_file,
    });
    if let Some(be) = &arma.be {
        be.spawn(arma.clone());
    }
    crate::control::spawn(arma.clone());
    crate::install_signals(arma.clone());
    // Game traffic is not simulated; the port is bound so the panel sees it in use.
    let mut buf = [0u8; 2048];
    loop {
        let _ = game_sock.recv_from(&mut buf);
    }
}

impl Arma {
    fn be_event(&self, text: &str) {
        self.log.line(&format!("{} BattlEye Server: {text}", stamp()));
        if let Some(be) = &self.be {
            be.broadcast(text);
        }
    }

    fn roster(&self) -> MutexGuard<'_, Roster> {
        self.roster.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn player_in_slot(&self, slot: u32) -> Option<Player> {
        self.roster().sorted().into_iter().find(|p| p.slot == slot)
    }

    fn players_text(&self) -> String {
        let roster = self.roster();
        let mut out = String::from(
            "Players on server:\n[#] [IP Address]:[Port] [Ping] [GUID] [Name]\n\
             --------------------------------------------------\n",
        );
        for p in roster.sorted() {
            let addr = format!("{}:{}", p.ip, p.port);
            out.push_str(&format!(
                "{:<4}{:<21}{:<5}{}(OK) {}\n",
                p.slot,
                addr,
                p.ping,
                be_guid(p.steamid64),
                p.name
            ));
        }
        out.push_str(&format!("({} players in total)", roster.len()));
        out
    }

    fn kick(&self, args: &str) {
        let (num, reason) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let Ok(slot) = num.trim().parse::<u32>() else { return };
        let why = match reason.trim() {
            "" => "Admin Kick".to_string(),
            r => format!("Admin Kick ({r})"),
        };
        self.drop_player(slot, &why);
    }

    /// BattlEye kicks the player in `slot`; `why` is e.g. `Admin Kick (AFK)`.
    fn drop_player(&self, slot: u32, why: &str) {
        let gone = self.roster().remove_by(|p| p.slot == slot);
        if let Some(p) = gone {
            let guid = be_guid(p.steamid64);
            self.be_event(&format!(
                "Player #{} {} ({guid}) has been kicked by BattlEye: {why}",
                p.slot, p.name
            ));
            self.log
                .line(&format!("{} Player {} kicked off by BattlEye: {why}", stamp(), p.name));
            self.be_event(&format!("Player #{} {} disconnected", p.slot, p.name));
            self.log.line(&format!("{} Player {} disconnected.", stamp(), p.name));
        }
    }

    fn missions_text(&self) -> String {
        let mut out = String::from("Missions on server:");
        let mut names: Vec<String> = std::fs::read_dir("mpmissions")
            .or_else(|_| std::fs::read_dir("MPMissions"))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| {
                        e.file_name()
                            .to_str()
                            .and_then(|n| n.strip_suffix(".pbo"))
                            .map(String::from)
                    })
                    .collect()
            })
            .unwrap_or_default();
        names.extend(self.templates.iter().cloned());
        names.sort();
        names.dedup();
        for n in names {
            out.push('\n');
            out.push_str(&n);
        }
        out
    }

    fn shutdown_soon(&self) {
        self.log
            .line(&format!("{} Server shutdown requested by RCon.", stamp()));
        std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(300));
            std::process::exit(0);
        });
    }
}

impl Handler for Arma {
    fn command(&self, text: &str, admin: u32) -> String {
        let text = text.trim();
        let (verb, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let verb = verb.to_ascii_lowercase();
        if let Some(reply) = self.ban_command(&verb, rest) {
            return reply;
        }
        match verb.as_str() {
            "players" => self.players_text(),
            "admins" => "Connected RCon admins:\n[#] [IP Address]:[Port]\n-----------------------------".into(),
            "version" => "1.220".into(),
            "missions" => self.missions_text(),
            "kick" => {
                self.kick(rest);
                String::new()
            }
            "say" => {
                let (target, msg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let channel = if target == "-1" {
                    "Global".to_string()
                } else {
                    format!("To #{target}")
                };
                self.be_event(&format!("RCon admin #{admin}: ({channel}) {}", msg.trim()));
                String::new()
            }
            "#shutdown" => {
                self.shutdown_soon();
                String::new()
            }
            "#mission" => {
                self.log
                    .line(&format!("{} Mission switched to {}", stamp(), rest.trim()));
                String::new()
            }
            "#restart" | "#reassign" | "#lock" | "#unlock" | "#init" | "loadscripts" | "loadevents" | "maxping" => {
                String::new()
            }
            _ => "Unknown command".into(),
        }
    }
}

impl Game for Arma {
    fn join(&self, name: &str, steamid64: Option<u64>, connected_for: Duration) {
        let p = {
            let mut roster = self.roster.lock().unwrap_or_else(|e| e.into_inner());
            if roster.len() >= self.max_players {
                drop(roster);
                self.log.line(&format!(
                    "{} Player {name} kicked: server full ({})",
                    stamp(),
                    self.hostname
                ));
                return;
            }
            match roster.join(name, steamid64, connected_for) {
                Some(p) => p,
                None => return,
            }
        };
        if let Some(reason) = self.ban_reason(&p) {
            self.roster().remove_by(|q| q.slot == p.slot);
            self.refuse(&p, &reason);
            return;
        }
        let guid = be_guid(p.steamid64);
        self.be_event(&format!(
            "Player #{} {} ({}:{}) connected",
            p.slot, p.name, p.ip, p.port
        ));
        self.log.line(&format!("{} Player {} connecting.", stamp(), p.name));
        self.be_event(&format!("Player #{} {} - BE GUID: {guid}", p.slot, p.name));
        self.log.line(&format!(
            "{} Player {} connected (id={}).",
            stamp(),
            p.name,
            p.steamid64
        ));
        self.be_event(&format!("Verified GUID ({guid}) of player #{} {}", p.slot, p.name));
    }

    fn leave(&self, name: &str) {
        let gone = self
            .roster
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove_by(|p| p.name == name);
        if let Some(p) = gone {
            self.be_event(&format!("Player #{} {} disconnected", p.slot, p.name));
            self.log.line(&format!("{} Player {} disconnected.", stamp(), p.name));
        }
    }

    fn chat(&self, name: &str, text: &str) {
        self.be_event(&format!("(Global) {name}: {text}"));
    }

    fn log(&self, text: &str) {
        self.log.line(&format!("{} {text}", stamp()));
    }

    fn shutdown_line(&self) {
        self.log.line(&format!("{} Dedicated host destroyed.", stamp()));
    }
}
