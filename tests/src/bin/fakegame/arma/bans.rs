//! BattlEye ban commands for the Arma flavour: `ban`, `addBan`, `removeBan`, `bans`,
//! `writeBans`, `loadBans`, and refusing banned players when they join. Every change is
//! saved to bans.txt at once (as BattlEye does), so bans survive a restart.

use super::{stamp, Arma};
use crate::bebans::{BanList, Target};
use crate::common::{be_guid, write_atomic, Player};

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Splits `[minutes] [reason]`: a leading all-digit word is the minutes (0 = permanent).
fn minutes_and_reason(rest: &str) -> (u64, String) {
    let rest = rest.trim();
    let (first, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    match first.parse::<u64>() {
        Ok(m) => (m, tail.trim().to_string()),
        Err(_) => (0, rest.to_string()),
    }
}

fn or_banned(reason: &str) -> &str {
    if reason.is_empty() {
        "Banned"
    } else {
        reason
    }
}

impl Arma {
    /// Runs a ban command; None when `verb` is not one.
    pub(super) fn ban_command(&self, verb: &str, rest: &str) -> Option<String> {
        let reply = match verb {
            "bans" => self.ban_list().listing(now()),
            "ban" => {
                let (num, tail) = rest.trim().split_once(char::is_whitespace).unwrap_or((rest.trim(), ""));
                let Ok(slot) = num.parse::<u32>() else {
                    return Some("Invalid player number".into());
                };
                let Some(p) = self.player_in_slot(slot) else {
                    return Some("Invalid player number".into());
                };
                let (minutes, reason) = minutes_and_reason(tail);
                let reason = or_banned(&reason).to_string();
                self.ban_list()
                    .add(Target::Guid(be_guid(p.steamid64)), minutes, &reason, now());
                self.save_bans();
                self.drop_player(slot, &format!("Admin Ban ({reason})"));
                String::new()
            }
            "addban" => {
                let rest = rest.trim();
                let (who, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let Some(target) = Target::parse(who) else {
                    return Some("Invalid ban format".into());
                };
                let (minutes, reason) = minutes_and_reason(tail);
                let reason = or_banned(&reason).to_string();
                self.ban_list().add(target.clone(), minutes, &reason, now());
                self.save_bans();
                // Someone online under that GUID/IP is kicked like by `ban`.
                let online: Vec<Player> = self
                    .roster()
                    .sorted()
                    .into_iter()
                    .filter(|p| match &target {
                        Target::Guid(g) => *g == be_guid(p.steamid64),
                        Target::Ip(ip) => ip.to_string() == p.ip,
                    })
                    .collect();
                for p in online {
                    self.drop_player(p.slot, &format!("Admin Ban ({reason})"));
                }
                String::new()
            }
            "removeban" => {
                let removed = rest.trim().parse::<usize>().is_ok_and(|i| self.ban_list().remove(i));
                if !removed {
                    return Some("Invalid ban number".into());
                }
                self.save_bans();
                String::new()
            }
            "writebans" => {
                self.ban_list().drop_expired(now());
                self.save_bans();
                String::new()
            }
            "loadbans" => {
                *self.ban_list() = BanList::load(&self.bans_file);
                String::new()
            }
            _ => return None,
        };
        Some(reply)
    }

    fn ban_list(&self) -> std::sync::MutexGuard<'_, BanList> {
        self.bans.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn save_bans(&self) {
        let text = self.ban_list().to_file();
        if let Err(e) = write_atomic(&self.bans_file, &text) {
            eprintln!("fakegame: cannot write {}: {e}", self.bans_file.display());
        }
    }

    /// The reason a joining player is refused, if their GUID or IP is banned.
    pub(super) fn ban_reason(&self, p: &Player) -> Option<String> {
        self.ban_list()
            .find(&be_guid(p.steamid64), &p.ip, now())
            .map(|b| b.reason.clone())
    }

    /// A banned player's join: BattlEye sees the connection and GUID, then kicks.
    pub(super) fn refuse(&self, p: &Player, reason: &str) {
        let guid = be_guid(p.steamid64);
        self.be_event(&format!(
            "Player #{} {} ({}:{}) connected",
            p.slot, p.name, p.ip, p.port
        ));
        self.log.line(&format!("{} Player {} connecting.", stamp(), p.name));
        self.be_event(&format!("Player #{} {} - BE GUID: {guid}", p.slot, p.name));
        let why = format!("Admin Ban ({reason})");
        self.be_event(&format!(
            "Player #{} {} ({guid}) has been kicked by BattlEye: {why}",
            p.slot, p.name
        ));
        self.log
            .line(&format!("{} Player {} kicked off by BattlEye: {why}", stamp(), p.name));
        self.be_event(&format!("Player #{} {} disconnected", p.slot, p.name));
    }
}
