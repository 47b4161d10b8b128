//! The srcds `status` reply in the TF2 / Source 2013 layout (protocols.md §3): header lines,
//! then one padded row per player: `#  userid "name"  [U:1:N]  mm:ss  ping loss active ip:port`.

use std::time::SystemTime;

use crate::common::{steam3, Player};

pub struct Header<'a> {
    pub hostname: &'a str,
    pub port: u16,
    pub map: &'a str,
    pub max_players: usize,
}

/// Connected time as srcds prints it: `mm:ss`, or `h:mm:ss` from an hour on.
fn connected(secs: u64) -> String {
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("{:02}:{:02}", secs / 60, secs % 60)
    }
}

/// One player row; `secs` is how long the player has been connected.
pub fn row(p: &Player, secs: u64) -> String {
    let name = format!("\"{}\"", p.name);
    let uid = steam3(p.steamid64);
    let time = connected(secs);
    let adr = format!("{}:27005", p.ip);
    format!(
        "# {:>6} {name:<19} {uid:<19} {time:<9} {:>4} {:>4} active {adr}\n",
        p.userid, p.ping, 0
    )
}

/// The whole reply; rows are ordered by userid like srcds prints them.
pub fn text(h: &Header, players: &[Player]) -> String {
    let mut s = format!(
        "hostname: {}\nversion : 8835751/24 8835751 secure\nudp/ip  : 0.0.0.0:{port}  (public ip: 0.0.0.0)\n\
         steamid : [A:1:1234567890:23456] (90200000000000000)\naccount : not logged in  (No account specified)\n\
         map     : {} at: 0 x, 0 y, 0 z\ntags    : fakegame\nplayers : {} humans, 0 bots ({} max)\n\
         edicts  : 478 used of 2048 max\n\
         # userid name                uniqueid            connected ping loss state  adr\n",
        h.hostname,
        h.map,
        players.len(),
        h.max_players,
        port = h.port,
    );
    let mut players = players.to_vec();
    players.sort_by_key(|p| p.userid);
    for p in players {
        let secs = SystemTime::now().duration_since(p.joined).unwrap_or_default().as_secs();
        s.push_str(&row(&p, secs));
    }
    s
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::common::Roster;

    #[test]
    fn row_layout_matches_srcds() {
        let mut r = Roster::default();
        let mut p = r
            .join("Meh", Some(76561197960265728 + 101574366), Duration::ZERO)
            .unwrap();
        p.userid = 806;
        p.ping = 69;
        p.ip = "1.2.3.4".into();
        assert_eq!(
            row(&p, 14 * 60 + 36),
            "#    806 \"Meh\"               [U:1:101574366]     14:36       69    0 active 1.2.3.4:27005\n"
        );
        assert!(row(&p, 3600 + 61).contains(" 1:01:01   "));
    }

    #[test]
    fn header_counts_players() {
        let mut r = Roster::default();
        r.join("A", None, Duration::ZERO);
        r.join("B", None, Duration::ZERO);
        let h = Header {
            hostname: "Test",
            port: 27015,
            map: "cp_badlands",
            max_players: 24,
        };
        let t = text(&h, &r.sorted());
        assert!(t.starts_with("hostname: Test\nversion : "));
        assert!(t.contains("\nudp/ip  : 0.0.0.0:27015  (public ip: 0.0.0.0)\n"));
        assert!(t.contains("\nmap     : cp_badlands at: 0 x, 0 y, 0 z\n"));
        assert!(t.contains("\nplayers : 2 humans, 0 bots (24 max)\n"));
        assert_eq!(t.lines().filter(|l| l.starts_with("#      ")).count(), 2);
    }
}
