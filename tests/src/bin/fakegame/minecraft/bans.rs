//! Minecraft ban commands (`ban`, `pardon`, `banlist`) over RCON and the console, with
//! vanilla's replies; every change rewrites banned-players.json atomically, and a banned
//! player's join is refused.

use std::path::Path;

use super::{line, Minecraft};
use crate::common::{offline_uuid, write_atomic, Player};
use crate::mcbans::{date_now, BanList, BannedPlayer, DEFAULT_REASON, FILE};

pub const BANNED_MESSAGE: &str = "You are banned from this server.";

fn valid_name(name: &str) -> bool {
    (1..=16).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Reads banned-players.json, creating `[]` when it is missing (as vanilla does at start).
pub fn load(log: &dyn Fn(&str)) -> BanList {
    match std::fs::read_to_string(FILE) {
        Ok(text) => BanList::from_json(&text).unwrap_or_else(|e| {
            log(&line(
                "Server thread",
                "WARN",
                &format!("Failed to load user banlist: {e}"),
            ));
            BanList::default()
        }),
        Err(_) => {
            let empty = BanList::default();
            let _ = write_atomic(Path::new(FILE), &empty.to_json());
            empty
        }
    }
}

impl Minecraft {
    /// Runs a ban command from `source` ("Server" or "Rcon"); None when `verb` is not one.
    pub(super) fn ban_command(&self, verb: &str, rest: &str, source: &str) -> Option<String> {
        let reply = match verb {
            "ban" => {
                let (name, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let reason = match reason.trim() {
                    "" => DEFAULT_REASON,
                    r => r,
                };
                if !valid_name(name) {
                    return Some("That player does not exist".into());
                }
                // An online player is banned under their own spelling and UUID.
                let online = self.roster().find_ci(name);
                let name = online.as_ref().map_or(name, |p| p.name.as_str()).to_string();
                let added = self.ban_list().add(BannedPlayer {
                    uuid: offline_uuid(&name),
                    name: name.clone(),
                    created: date_now(),
                    source: source.to_string(),
                    expires: "forever".into(),
                    reason: reason.to_string(),
                });
                if !added {
                    return Some("Nothing changed. The player is already banned".into());
                }
                self.save_bans();
                if online.is_some() {
                    self.disconnect(&name, BANNED_MESSAGE);
                }
                let msg = format!("Banned {name}: {reason}");
                self.info(&format!("[{source}: {msg}]"));
                msg
            }
            "pardon" => {
                let removed = self.ban_list().pardon(rest.trim());
                match removed {
                    Some(name) => {
                        self.save_bans();
                        let msg = format!("Unbanned {name}");
                        self.info(&format!("[{source}: {msg}]"));
                        msg
                    }
                    None => "Nothing changed. The player isn't banned".into(),
                }
            }
            "banlist" => match rest.trim() {
                "" | "players" => self.ban_list().listing(),
                "ips" => "There are no bans".into(),
                other => format!("Incorrect argument for command\n...banlist {other}<--[HERE]"),
            },
            _ => return None,
        };
        Some(reply)
    }

    fn ban_list(&self) -> std::sync::MutexGuard<'_, BanList> {
        self.bans.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn save_bans(&self) {
        let text = self.ban_list().to_json();
        if let Err(e) = write_atomic(Path::new(FILE), &text) {
            eprintln!("fakegame: cannot write {FILE}: {e}");
        }
    }

    /// A banned player's login: authenticated, then disconnected before joining.
    pub(super) fn refuse_if_banned(&self, name: &str) -> bool {
        if self.ban_list().find(&offline_uuid(name), name).is_none() {
            return false;
        }
        self.log.line(&line(
            "User Authenticator #1",
            "INFO",
            &format!("UUID of player {name} is {}", offline_uuid(name)),
        ));
        let port = 50000 + self.roster().len();
        self.info(&format!("Disconnecting {name} (/127.0.0.1:{port}): {BANNED_MESSAGE}"));
        true
    }

    /// Drops an online player with a message, as kick and ban do.
    pub(super) fn disconnect(&self, name: &str, message: &str) -> Option<Player> {
        let gone = self.roster().remove_by(|p| p.name == name)?;
        self.info(&format!("{} lost connection: {message}", gone.name));
        self.info(&format!("{} left the game", gone.name));
        Some(gone)
    }
}
