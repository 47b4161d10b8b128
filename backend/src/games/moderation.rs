//! Kick, ban, unban and say, written in each game's own RCON commands (protocols.md §1, §2, §6).
//! Text reaching a command line (reasons, messages) has passed [`clean_text`] first.

use super::roster::{steam3, IdentityKind};
use super::RconFlavour;

/// Who a command is about: the identity always, the slot/name when the player is online.
pub struct Target<'a> {
    pub kind: IdentityKind,
    pub identity: &'a str,
    pub name: &'a str,
    /// BattlEye `#` or Source userid while the player is on the server.
    pub slot: Option<u32>,
}

/// A reason or chat message as one line of printable text, or why it cannot be.
pub fn clean_text(text: &str, max_chars: usize) -> Result<String, String> {
    if text.chars().any(char::is_control) {
        return Err("must be one line without control characters".into());
    }
    let text = text.trim();
    if text.chars().count() > max_chars {
        return Err(format!("must be at most {max_chars} characters"));
    }
    Ok(text.to_owned())
}

pub fn say(flavour: RconFlavour, message: &str) -> String {
    match flavour {
        RconFlavour::Battleye => format!("say -1 {message}"),
        RconFlavour::Source | RconFlavour::Minecraft => format!("say {message}"),
    }
}

/// `None` when the player cannot be addressed (not online where a slot is needed).
pub fn kick(flavour: RconFlavour, target: &Target<'_>, reason: &str) -> Option<String> {
    Some(match flavour {
        RconFlavour::Battleye => format!("kick {} {reason}", target.slot?),
        RconFlavour::Source => format!("kickid {} {reason}", target.slot?),
        RconFlavour::Minecraft => format!("kick {} {reason}", target.name),
    })
    .map(|c| c.trim_end().to_owned())
}

/// Commands that ban (and remove, if online) a player; `minutes` `None` is permanent. Minecraft's
/// vanilla ban has no duration: Languard lifts it when the ban expires.
pub fn ban(flavour: RconFlavour, target: &Target<'_>, minutes: Option<u32>, reason: &str) -> Vec<String> {
    let minutes = minutes.unwrap_or(0);
    let line = |s: String| s.trim_end().to_owned();
    match flavour {
        RconFlavour::Battleye => {
            let first = match target.slot {
                Some(slot) => line(format!("ban {slot} {minutes} {reason}")),
                None => line(format!("addBan {} {minutes} {reason}", target.identity)),
            };
            vec![first, "writeBans".into()]
        }
        RconFlavour::Source => match steam3(target.identity) {
            Some(id) => vec![format!("banid {minutes} {id} kick"), "writeid".into()],
            None => Vec::new(),
        },
        RconFlavour::Minecraft => vec![line(format!("ban {} {reason}", target.name))],
    }
}

/// Commands that lift a ban. BattlEye removes by index into its `bans` listing, so the caller
/// passes that listing; `None` there means "not listed" (nothing to lift).
pub fn unban(flavour: RconFlavour, target: &Target<'_>, battleye_bans: Option<&str>) -> Vec<String> {
    match flavour {
        RconFlavour::Battleye => match battleye_bans.and_then(|listing| ban_index(listing, target.identity)) {
            Some(index) => vec![format!("removeBan {index}"), "writeBans".into()],
            None => Vec::new(),
        },
        RconFlavour::Source => match steam3(target.identity) {
            Some(id) => vec![format!("removeid {id}"), "writeid".into()],
            None => Vec::new(),
        },
        RconFlavour::Minecraft => vec![format!("pardon {}", target.name)],
    }
}

/// The `#` of a GUID or IP in a BattlEye `bans` reply (GUID and IP bans share one numbering).
pub fn ban_index(listing: &str, identity: &str) -> Option<u32> {
    listing.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        let index = words.next()?.parse::<u32>().ok()?;
        words
            .next()
            .filter(|id| id.eq_ignore_ascii_case(identity))
            .map(|_| index)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(kind: IdentityKind, identity: &str, slot: Option<u32>) -> Target<'_> {
        Target {
            kind,
            identity,
            name: "Steve",
            slot,
        }
    }

    #[test]
    fn commands_per_game() {
        let guid = "0123456789abcdef0123456789abcdef";
        let be = target(IdentityKind::Battleye, guid, Some(3));
        assert_eq!(kick(RconFlavour::Battleye, &be, "afk").as_deref(), Some("kick 3 afk"));
        assert_eq!(
            ban(RconFlavour::Battleye, &be, Some(60), "toxic"),
            ["ban 3 60 toxic", "writeBans"]
        );
        let offline = target(IdentityKind::Battleye, guid, None);
        assert_eq!(kick(RconFlavour::Battleye, &offline, "x"), None);
        assert_eq!(
            ban(RconFlavour::Battleye, &offline, None, ""),
            [format!("addBan {guid} 0"), "writeBans".into()]
        );
        let listing = "GUID Bans:\n[#] [GUID] [Minutes left] [Reason]\n----\n\
            0  11111111111122222222222223333333 perm   cheater\n\
            1  0123456789ABCDEF0123456789abcdef 163901 toxic\n\nIP Bans:\n----\n2 192.0.2.1 perm x\n";
        assert_eq!(
            unban(RconFlavour::Battleye, &offline, Some(listing)),
            ["removeBan 1", "writeBans"]
        );
        assert!(unban(RconFlavour::Battleye, &offline, Some("GUID Bans:\n")).is_empty());

        let steam = target(IdentityKind::Steam, "76561197972611406", Some(806));
        assert_eq!(
            kick(RconFlavour::Source, &steam, "bye").as_deref(),
            Some("kickid 806 bye")
        );
        assert_eq!(
            ban(RconFlavour::Source, &steam, None, "x"),
            ["banid 0 [U:1:12345678] kick", "writeid"]
        );
        assert_eq!(
            unban(RconFlavour::Source, &steam, None),
            ["removeid [U:1:12345678]", "writeid"]
        );

        let mc = target(IdentityKind::Minecraft, "5627dd98-e6be-3c21-b8a8-e92344183641", None);
        assert_eq!(kick(RconFlavour::Minecraft, &mc, "").as_deref(), Some("kick Steve"));
        assert_eq!(ban(RconFlavour::Minecraft, &mc, Some(5), "grief"), ["ban Steve grief"]);
        assert_eq!(unban(RconFlavour::Minecraft, &mc, None), ["pardon Steve"]);
        assert_eq!(say(RconFlavour::Battleye, "hi all"), "say -1 hi all");
        assert_eq!(say(RconFlavour::Source, "hi"), "say hi");
    }

    #[test]
    fn text_is_one_clean_line() {
        assert_eq!(clean_text("  spam  ", 10).as_deref(), Ok("spam"));
        assert!(clean_text("a\nkick 0", 100).is_err());
        assert!(clean_text("a\u{0}", 100).is_err());
        assert!(clean_text(&"x".repeat(11), 10).is_err());
    }
}
