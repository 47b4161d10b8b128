//! srcds's SteamID ban filter: `banid` entries kept by account number (the N of `[U:1:N]`),
//! the `listid` reply, and `cfg/banned_user.cfg` (`banid 0 [U:1:N]` per permanent ban), which
//! `writeid` writes and the server executes at start.

use crate::common::{parse_steamid, STEAM_BASE};

#[derive(Clone, Debug, PartialEq)]
pub struct IdBan {
    pub account: u64,
    /// Length as given to banid; 0 = permanent.
    pub minutes: f64,
    /// Unix time the ban ends; None = permanent.
    pub expires: Option<i64>,
}

impl IdBan {
    fn uid(&self) -> String {
        format!("[U:1:{}]", self.account)
    }

    fn active(&self, now: i64) -> bool {
        self.expires.is_none_or(|t| t > now)
    }
}

#[derive(Default, Debug)]
pub struct IdBans {
    bans: Vec<IdBan>,
}

/// The account number of `[U:1:N]`, `STEAM_X:Y:Z` or a SteamID64.
pub fn account_of(id: &str) -> Option<u64> {
    parse_steamid(id).map(|s| s - STEAM_BASE)
}

impl IdBans {
    /// Adds or replaces the ban of `account`.
    pub fn add(&mut self, account: u64, minutes: f64, now: i64) {
        let expires = (minutes > 0.0).then(|| now + (minutes * 60.0).ceil() as i64);
        let ban = IdBan {
            account,
            minutes,
            expires,
        };
        match self.bans.iter_mut().find(|b| b.account == account) {
            Some(old) => *old = ban,
            None => self.bans.push(ban),
        }
    }

    /// Removes by `[U:1:N]`/`STEAM_…` or by the 1-based `listid` number; returns the removed
    /// ban's `[U:1:N]`.
    pub fn remove(&mut self, what: &str) -> Option<String> {
        let idx = match account_of(what) {
            Some(acc) => self.bans.iter().position(|b| b.account == acc)?,
            None => {
                what.parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1 && *n <= self.bans.len())?
                    - 1
            }
        };
        Some(self.bans.remove(idx).uid())
    }

    pub fn is_banned(&self, account: u64, now: i64) -> bool {
        self.bans.iter().any(|b| b.account == account && b.active(now))
    }

    /// Expired bans leave the filter, as srcds drops them when they run out.
    pub fn expire(&mut self, now: i64) {
        self.bans.retain(|b| b.active(now));
    }

    /// The `listid` reply.
    pub fn listing(&self) -> String {
        if self.bans.is_empty() {
            return "ID filter list: empty\n".into();
        }
        let n = self.bans.len();
        let mut out = format!("ID filter list: {n} {}\n", if n == 1 { "entry" } else { "entries" });
        for (i, b) in self.bans.iter().enumerate() {
            if b.expires.is_none() {
                out.push_str(&format!("{} {} : permanent\n", i + 1, b.uid()));
            } else {
                out.push_str(&format!("{} {} : {:.3} min\n", i + 1, b.uid(), b.minutes));
            }
        }
        out
    }

    /// banned_user.cfg text: permanent bans only, like `writeid`.
    pub fn to_cfg(&self) -> String {
        self.bans
            .iter()
            .filter(|b| b.expires.is_none())
            .map(|b| format!("banid 0 {}\n", b.uid()))
            .collect()
    }

    /// Runs the `banid <minutes> <id>` lines of banned_user.cfg; other lines are ignored.
    pub fn from_cfg(text: &str, now: i64) -> IdBans {
        let mut bans = IdBans::default();
        for line in text.lines() {
            let mut w = line.split_whitespace();
            if w.next() != Some("banid") {
                continue;
            }
            let (Some(min), Some(id)) = (w.next().and_then(|m| m.parse::<f64>().ok()), w.next()) else {
                continue;
            };
            if let Some(acc) = account_of(id).filter(|_| min >= 0.0) {
                bans.add(acc, min, now);
            }
        }
        bans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listid_wording() {
        let mut b = IdBans::default();
        assert_eq!(b.listing(), "ID filter list: empty\n");
        b.add(12345678, 0.0, 100);
        assert_eq!(b.listing(), "ID filter list: 1 entry\n1 [U:1:12345678] : permanent\n");
        b.add(42, 5.0, 100);
        assert_eq!(
            b.listing(),
            "ID filter list: 2 entries\n1 [U:1:12345678] : permanent\n2 [U:1:42] : 5.000 min\n"
        );
        assert!(b.is_banned(42, 399) && !b.is_banned(42, 400));
        b.expire(400);
        assert_eq!(b.listing(), "ID filter list: 1 entry\n1 [U:1:12345678] : permanent\n");
    }

    #[test]
    fn remove_by_id_or_number() {
        let mut b = IdBans::default();
        b.add(1, 0.0, 0);
        b.add(2, 0.0, 0);
        b.add(3, 0.0, 0);
        assert_eq!(b.remove("STEAM_0:0:1").as_deref(), Some("[U:1:2]"));
        assert_eq!(b.remove("2").as_deref(), Some("[U:1:3]"));
        assert_eq!(b.remove("[U:1:9]"), None);
        assert_eq!(b.remove("7"), None);
        assert_eq!(b.to_cfg(), "banid 0 [U:1:1]\n");
    }

    #[test]
    fn banned_user_cfg_round_trip() {
        let mut b = IdBans::default();
        b.add(12345678, 0.0, 0);
        b.add(5, 10.0, 0);
        let text = b.to_cfg();
        assert_eq!(text, "banid 0 [U:1:12345678]\n");
        let back = IdBans::from_cfg(&format!("// comment\n{text}banid x [U:1:1]\nbanid 0 STEAM_1:1:0\n"), 0);
        assert!(back.is_banned(12345678, 0) && back.is_banned(1, 0));
        assert_eq!(back.bans.len(), 2);
    }
}
