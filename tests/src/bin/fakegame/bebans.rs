//! BattlEye's local ban list (protocols.md §1): GUID and IP bans with an expiry, the `bans`
//! listing (GUID bans first, IP bans continue the numbering) and the `bans.txt` file
//! (`<GUID|IP> <expiry> <reason>`, expiry -1 = permanent, else a Unix time).

use std::net::Ipv4Addr;
use std::path::Path;

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// 32 lowercase hex characters.
    Guid(String),
    Ip(Ipv4Addr),
}

impl Target {
    /// A GUID (any case) or a dotted IPv4 address; anything else is not a ban target.
    pub fn parse(text: &str) -> Option<Target> {
        if text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Some(Target::Guid(text.to_ascii_lowercase()));
        }
        text.parse::<Ipv4Addr>().ok().map(Target::Ip)
    }

    fn text(&self) -> String {
        match self {
            Target::Guid(g) => g.clone(),
            Target::Ip(ip) => ip.to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ban {
    pub target: Target,
    /// Unix time the ban ends; None = permanent.
    pub expires: Option<i64>,
    pub reason: String,
}

impl Ban {
    pub fn active(&self, now: i64) -> bool {
        self.expires.is_none_or(|t| t > now)
    }

    /// `perm`, whole minutes left (rounded up), or `-` once expired.
    fn minutes_left(&self, now: i64) -> String {
        match self.expires {
            None => "perm".into(),
            Some(t) if t <= now => "-".into(),
            Some(t) => ((t - now + 59) / 60).to_string(),
        }
    }
}

#[derive(Default, Debug)]
pub struct BanList {
    bans: Vec<Ban>,
}

impl BanList {
    /// Listing order: GUID bans, then IP bans, each in the order added. This is the
    /// numbering `bans` prints and `removeBan` takes.
    fn ordered(&self) -> Vec<&Ban> {
        let guids = self.bans.iter().filter(|b| matches!(b.target, Target::Guid(_)));
        let ips = self.bans.iter().filter(|b| matches!(b.target, Target::Ip(_)));
        guids.chain(ips).collect()
    }

    /// Adds a ban; a second ban of the same target replaces the first (time and reason).
    pub fn add(&mut self, target: Target, minutes: u64, reason: &str, now: i64) {
        let expires = (minutes > 0).then(|| now + (minutes as i64).saturating_mul(60));
        let ban = Ban {
            target,
            expires,
            reason: reason.to_string(),
        };
        match self.bans.iter_mut().find(|b| b.target == ban.target) {
            Some(old) => *old = ban,
            None => self.bans.push(ban),
        }
    }

    /// Removes the ban with listing number `index`; false when there is none.
    pub fn remove(&mut self, index: usize) -> bool {
        let Some(target) = self.ordered().get(index).map(|b| b.target.clone()) else {
            return false;
        };
        self.bans.retain(|b| b.target != target);
        true
    }

    /// The active ban matching a player's GUID or IP address, if any.
    pub fn find(&self, guid: &str, ip: &str, now: i64) -> Option<&Ban> {
        self.bans.iter().filter(|b| b.active(now)).find(|b| match &b.target {
            Target::Guid(g) => g == guid,
            Target::Ip(a) => a.to_string() == ip,
        })
    }

    /// `writeBans` forgets expired bans.
    pub fn drop_expired(&mut self, now: i64) {
        self.bans.retain(|b| b.active(now));
    }

    /// The `bans` reply, laid out like BattlEye's (protocols.md §1).
    pub fn listing(&self, now: i64) -> String {
        let mut out =
            String::from("GUID Bans:\n[#] [GUID] [Minutes left] [Reason]\n----------------------------------------\n");
        let ordered = self.ordered();
        for (i, b) in ordered.iter().enumerate() {
            if let Target::Guid(g) = &b.target {
                let row = format!("{i:<2} {g} {:<6} {}", b.minutes_left(now), b.reason);
                out.push_str(row.trim_end());
                out.push('\n');
            }
        }
        out.push_str(
            "\nIP Bans:\n[#] [IP Address] [Minutes left] [Reason]\n----------------------------------------------\n",
        );
        for (i, b) in ordered.iter().enumerate() {
            if let Target::Ip(ip) = &b.target {
                let row = format!("{i} {:<15} {:<9} {}", ip.to_string(), b.minutes_left(now), b.reason);
                out.push_str(row.trim_end());
                out.push('\n');
            }
        }
        out
    }

    /// bans.txt text: one `<GUID|IP> <expiry> <reason>` line per ban, in listing order.
    pub fn to_file(&self) -> String {
        self.ordered()
            .iter()
            .map(|b| {
                let line = format!("{} {} {}", b.target.text(), b.expires.unwrap_or(-1), b.reason);
                format!("{}\n", line.trim_end())
            })
            .collect()
    }

    /// Parses bans.txt; lines that are not `<GUID|IP> <expiry> [reason]` are skipped, as
    /// BattlEye ignores them.
    pub fn from_file(text: &str) -> BanList {
        let bans = text
            .lines()
            .filter_map(|line| {
                let mut it = line.trim().splitn(3, char::is_whitespace);
                let target = Target::parse(it.next()?)?;
                let expiry: i64 = it.next()?.trim().parse().ok()?;
                Some(Ban {
                    target,
                    expires: (expiry >= 0).then_some(expiry),
                    reason: it.next().unwrap_or("").trim().to_string(),
                })
            })
            .collect();
        BanList { bans }
    }

    pub fn load(path: &Path) -> BanList {
        std::fs::read_to_string(path)
            .map(|t| BanList::from_file(&t))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G1: &str = "11111111111122222222222223333333";
    const G2: &str = "46738531902119115863919137179602";

    #[test]
    fn listing_matches_battleye_layout() {
        let now = 1_700_000_000;
        let mut l = BanList::default();
        l.add(
            Target::Ip("192.0.2.1".parse().unwrap()),
            0,
            "local connections disabled",
            now,
        );
        l.add(Target::parse(G1).unwrap(), 0, "cheater", now);
        l.add(Target::parse(G2).unwrap(), 163901, "toxic", now);
        l.add(Target::parse(&"A".repeat(32)).unwrap(), 1, "", now - 120);
        assert_eq!(
            l.listing(now),
            "GUID Bans:\n[#] [GUID] [Minutes left] [Reason]\n----------------------------------------\n\
             0  11111111111122222222222223333333 perm   cheater\n\
             1  46738531902119115863919137179602 163901 toxic\n\
             2  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa -\n\
             \nIP Bans:\n[#] [IP Address] [Minutes left] [Reason]\n----------------------------------------------\n\
             3 192.0.2.1       perm      local connections disabled\n"
        );
        assert!(l.find(G1, "198.51.100.1", now).is_some());
        assert!(l.find(&"a".repeat(32), "198.51.100.1", now).is_none(), "expired");
        assert!(l.find("x", "192.0.2.1", now).is_some());
        // removeBan 3 is the IP ban; afterwards numbering closes up.
        assert!(l.remove(3));
        assert!(!l.remove(3));
        assert!(l.find("x", "192.0.2.1", now).is_none());
        assert!(l.remove(0));
        assert!(l
            .listing(now)
            .contains("\n0  46738531902119115863919137179602 163901 toxic\n"));
    }

    #[test]
    fn empty_listing_and_minutes_round_up() {
        let l = BanList::default();
        assert_eq!(
            l.listing(0),
            "GUID Bans:\n[#] [GUID] [Minutes left] [Reason]\n----------------------------------------\n\n\
             IP Bans:\n[#] [IP Address] [Minutes left] [Reason]\n----------------------------------------------\n"
        );
        let mut l = BanList::default();
        l.add(Target::parse(G1).unwrap(), 5, "r", 1000);
        assert!(l.listing(1001).contains(" 5      r\n"));
    }

    #[test]
    fn bans_txt_round_trip_and_bad_lines() {
        let now = 1_700_000_000;
        let mut l = BanList::default();
        l.add(Target::parse(G1).unwrap(), 0, "cheater with spaces", now);
        l.add(Target::parse("203.0.113.10").unwrap(), 10, "", now);
        let text = l.to_file();
        assert_eq!(
            text,
            format!("{G1} -1 cheater with spaces\n203.0.113.10 {} \n", now + 600).replace(" \n", "\n")
        );
        let back = BanList::from_file(&format!("garbage line\n{text}zz 5 x\n"));
        assert_eq!(back.bans, l.bans);
        assert!(Target::parse("not-a-guid").is_none());
        assert!(Target::parse("300.1.1.1").is_none());
    }
}
