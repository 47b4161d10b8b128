//! Kick, ban, unban and say, written in each game's own RCON commands (protocols.md §1, §2, §6).
//! Text reaching a command line (reasons, messages) has passed [`clean_text`] first, and goes
//! into the command only through its adapter's quoting (`arma3::command` for BattlEye,
//! `source::command`, `minecraft::command`): each game splits and reads commands its own way.

use super::roster::{steam3, IdentityKind};
use super::{arma3, minecraft, source, RconFlavour};
use crate::error::ApiError;

/// Who a command is about: the identity always, the slot/name when the player is online.
pub struct Target<'a> {
    pub kind: IdentityKind,
    pub identity: &'a str,
    pub name: &'a str,
    /// BattlEye `#` or Source userid while the player is on the server.
    pub slot: Option<u32>,
}

/// Text the game could not take as it is: the request field it came from, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub field: &'static str,
    pub message: String,
}

impl From<Refused> for ApiError {
    fn from(r: Refused) -> ApiError {
        ApiError::validation(r.field, r.message)
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field, self.message)
    }
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

/// A message or reason as its game's command must carry it.
fn text(flavour: RconFlavour, field: &'static str, text: &str) -> Result<String, Refused> {
    match flavour {
        RconFlavour::Battleye => arma3::command::text(text),
        RconFlavour::Source => source::command::quoted(text),
        RconFlavour::Minecraft => minecraft::command::text(text),
    }
    .map_err(|message| Refused { field, message })
}

/// ` <reason>` as the game takes it, or nothing for no reason.
fn reason_suffix(flavour: RconFlavour, reason: &str) -> Result<String, Refused> {
    if reason.is_empty() {
        return Ok(String::new());
    }
    Ok(format!(" {}", text(flavour, "reason", reason)?))
}

fn mc_player<'a>(target: &Target<'a>) -> Result<&'a str, Refused> {
    minecraft::command::player(target.name).map_err(|message| Refused {
        field: "player",
        message,
    })
}

fn be_identity<'a>(target: &Target<'a>) -> Result<&'a str, Refused> {
    arma3::command::identity(target.identity).map_err(|message| Refused {
        field: "player",
        message,
    })
}

pub fn say(flavour: RconFlavour, message: &str) -> Result<String, Refused> {
    let message = text(flavour, "message", message)?;
    Ok(match flavour {
        RconFlavour::Battleye => format!("say -1 {message}"),
        RconFlavour::Source | RconFlavour::Minecraft => format!("say {message}"),
    })
}

/// `Ok(None)` when the player cannot be addressed (not online where a slot is needed).
pub fn kick(flavour: RconFlavour, target: &Target<'_>, reason: &str) -> Result<Option<String>, Refused> {
    let reason = reason_suffix(flavour, reason)?;
    Ok(match flavour {
        RconFlavour::Battleye => target.slot.map(|slot| format!("kick {slot}{reason}")),
        RconFlavour::Source => target.slot.map(|slot| format!("kickid {slot}{reason}")),
        RconFlavour::Minecraft => Some(format!("kick {}{reason}", mc_player(target)?)),
    })
}

/// Commands that ban (and remove, if online) a player; `minutes` `None` is permanent. Minecraft's
/// vanilla ban has no duration: Languard lifts it when the ban expires. Source's `banid` takes
/// no reason, so a Source ban's reason stays in Languard.
pub fn ban(
    flavour: RconFlavour,
    target: &Target<'_>,
    minutes: Option<u32>,
    reason: &str,
) -> Result<Vec<String>, Refused> {
    let minutes = minutes.unwrap_or(0);
    Ok(match flavour {
        RconFlavour::Battleye => {
            let reason = reason_suffix(flavour, reason)?;
            let first = match target.slot {
                Some(slot) => format!("ban {slot} {minutes}{reason}"),
                None => format!("addBan {} {minutes}{reason}", be_identity(target)?),
            };
            vec![first, "writeBans".into()]
        }
        RconFlavour::Source => match steam3(target.identity) {
            Some(id) => vec![format!("banid {minutes} {id} kick"), "writeid".into()],
            None => Vec::new(),
        },
        RconFlavour::Minecraft => {
            let reason = reason_suffix(flavour, reason)?;
            vec![format!("ban {}{reason}", mc_player(target)?)]
        }
    })
}

/// Commands that lift a ban. BattlEye removes by index into its `bans` listing, so the caller
/// passes that listing; `None` there means "not listed" (nothing to lift).
pub fn unban(flavour: RconFlavour, target: &Target<'_>, battleye_bans: Option<&str>) -> Result<Vec<String>, Refused> {
    Ok(match flavour {
        RconFlavour::Battleye => match battleye_bans.and_then(|listing| ban_index(listing, target.identity)) {
            Some(index) => vec![format!("removeBan {index}"), "writeBans".into()],
            None => Vec::new(),
        },
        RconFlavour::Source => match steam3(target.identity) {
            Some(id) => vec![format!("removeid {id}"), "writeid".into()],
            None => Vec::new(),
        },
        RconFlavour::Minecraft => vec![format!("pardon {}", mc_player(target)?)],
    })
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
    use crate::games::testutil::NASTY;

    fn target(kind: IdentityKind, identity: &str, slot: Option<u32>) -> Target<'_> {
        Target {
            kind,
            identity,
            name: "Steve",
            slot,
        }
    }

    /// A command as built, `None` when the player could not be addressed.
    type Built = Result<Option<String>, Refused>;

    fn one<T>(r: Result<T, Refused>) -> T {
        r.unwrap_or_else(|e| panic!("refused: {e}"))
    }

    #[test]
    fn commands_per_game() {
        let guid = "0123456789abcdef0123456789abcdef";
        let be = target(IdentityKind::Battleye, guid, Some(3));
        assert_eq!(
            one(kick(RconFlavour::Battleye, &be, "afk")).as_deref(),
            Some("kick 3 afk")
        );
        assert_eq!(
            one(ban(RconFlavour::Battleye, &be, Some(60), "toxic")),
            ["ban 3 60 toxic", "writeBans"]
        );
        let offline = target(IdentityKind::Battleye, guid, None);
        assert_eq!(one(kick(RconFlavour::Battleye, &offline, "x")), None);
        assert_eq!(
            one(ban(RconFlavour::Battleye, &offline, None, "")),
            [format!("addBan {guid} 0"), "writeBans".into()]
        );
        let listing = "GUID Bans:\n[#] [GUID] [Minutes left] [Reason]\n----\n\
            0  11111111111122222222222223333333 perm   cheater\n\
            1  0123456789ABCDEF0123456789abcdef 163901 toxic\n\nIP Bans:\n----\n2 192.0.2.1 perm x\n";
        assert_eq!(
            one(unban(RconFlavour::Battleye, &offline, Some(listing))),
            ["removeBan 1", "writeBans"]
        );
        assert!(one(unban(RconFlavour::Battleye, &offline, Some("GUID Bans:\n"))).is_empty());

        let steam = target(IdentityKind::Steam, "76561197972611406", Some(806));
        assert_eq!(
            one(kick(RconFlavour::Source, &steam, "bye")).as_deref(),
            Some("kickid 806 \"bye\"")
        );
        assert_eq!(
            one(kick(RconFlavour::Source, &steam, "")).as_deref(),
            Some("kickid 806")
        );
        assert_eq!(
            one(ban(RconFlavour::Source, &steam, None, "x")),
            ["banid 0 [U:1:12345678] kick", "writeid"]
        );
        assert_eq!(
            one(unban(RconFlavour::Source, &steam, None)),
            ["removeid [U:1:12345678]", "writeid"]
        );

        let mc = target(IdentityKind::Minecraft, "5627dd98-e6be-3c21-b8a8-e92344183641", None);
        assert_eq!(
            one(kick(RconFlavour::Minecraft, &mc, "")).as_deref(),
            Some("kick Steve")
        );
        assert_eq!(
            one(ban(RconFlavour::Minecraft, &mc, Some(5), "grief")),
            ["ban Steve grief"]
        );
        assert_eq!(one(unban(RconFlavour::Minecraft, &mc, None)), ["pardon Steve"]);
        assert_eq!(one(say(RconFlavour::Battleye, "hi all")), "say -1 hi all");
        assert_eq!(one(say(RconFlavour::Source, "hi")), "say \"hi\"");
        assert_eq!(one(say(RconFlavour::Minecraft, "hi")), "say hi");
    }

    /// srcds' command buffer (protocols.md §2): commands end at `;` outside double quotes and
    /// at line breaks; a quoted argument is one token with its quotes removed.
    fn srcds(line: &str) -> Vec<Vec<String>> {
        fn end_word(commands: &mut [Vec<String>], word: &mut Option<String>) {
            if let (Some(w), Some(command)) = (word.take(), commands.last_mut()) {
                command.push(w);
            }
        }
        let mut commands = vec![vec![]];
        let (mut word, mut quoted): (Option<String>, bool) = (None, false);
        for c in line.chars() {
            match c {
                '"' if quoted => {
                    quoted = false;
                    end_word(&mut commands, &mut word);
                }
                '"' => {
                    quoted = true;
                    word.get_or_insert_with(String::new);
                }
                '\n' | '\r' => {
                    quoted = false;
                    end_word(&mut commands, &mut word);
                    commands.push(vec![]);
                }
                ';' if !quoted => {
                    end_word(&mut commands, &mut word);
                    commands.push(vec![]);
                }
                c if c.is_whitespace() && !quoted => end_word(&mut commands, &mut word),
                c => word.get_or_insert_with(String::new).push(c),
            }
        }
        end_word(&mut commands, &mut word);
        commands.retain(|c| !c.is_empty());
        commands
    }

    /// Every command each game gets holding a user's text: reads back, the way that game reads
    /// commands, as the one intended command with the text whole as its last argument; or the
    /// text is refused naming its field. The same strings as the config renderers' tests.
    #[test]
    fn text_cannot_inject_commands() {
        let be = target(IdentityKind::Battleye, "0123456789abcdef0123456789abcdef", Some(3));
        let be_offline = target(IdentityKind::Battleye, be.identity, None);
        let steam = target(IdentityKind::Steam, "76561197972611406", Some(806));
        let mc = target(IdentityKind::Minecraft, "5627dd98-e6be-3c21-b8a8-e92344183641", None);
        for nasty in NASTY {
            let line_break = nasty.contains(['\r', '\n']);
            // BattlEye and Minecraft: one command per packet, the text is the rest of it.
            type Build<'a> = Box<dyn Fn(&str) -> Built + 'a>;
            let rest_of_line: [(&str, &str, Build<'_>); 6] = [
                (
                    "message",
                    "say -1 ",
                    Box::new(|t| say(RconFlavour::Battleye, t).map(Some)),
                ),
                ("reason", "kick 3 ", Box::new(|t| kick(RconFlavour::Battleye, &be, t))),
                (
                    "reason",
                    "ban 3 0 ",
                    Box::new(|t| ban(RconFlavour::Battleye, &be, None, t).map(|c| c.first().cloned())),
                ),
                (
                    "reason",
                    "addBan 0123456789abcdef0123456789abcdef 0 ",
                    Box::new(|t| ban(RconFlavour::Battleye, &be_offline, None, t).map(|c| c.first().cloned())),
                ),
                (
                    "message",
                    "say ",
                    Box::new(|t| say(RconFlavour::Minecraft, t).map(Some)),
                ),
                (
                    "reason",
                    "kick Steve ",
                    Box::new(|t| kick(RconFlavour::Minecraft, &mc, t)),
                ),
            ];
            for (field, prefix, build) in &rest_of_line {
                match build(nasty) {
                    Ok(command) => {
                        assert!(!line_break, "{prefix:?} took a line break: {command:?}");
                        let command = command.unwrap_or_default();
                        assert_eq!(command.strip_prefix(prefix), Some(nasty), "{command:?}");
                        assert_eq!(command.lines().count(), 1, "{command:?}");
                    }
                    Err(refused) => {
                        assert!(line_break, "{prefix:?} refused {nasty:?}: {refused}");
                        assert_eq!(refused.field, *field);
                    }
                }
            }
            let mc_ban = ban(RconFlavour::Minecraft, &mc, None, nasty);
            assert_eq!(mc_ban.is_err(), line_break, "{mc_ban:?}");
            if let Ok(commands) = mc_ban {
                assert_eq!(commands, [format!("ban Steve {nasty}")]);
            }

            // srcds splits lines itself: the text must stay inside its one command.
            let builds: [(&str, &str, Built); 2] = [
                ("message", "say", say(RconFlavour::Source, nasty).map(Some)),
                ("reason", "kickid", kick(RconFlavour::Source, &steam, nasty)),
            ];
            for (field, verb, built) in builds {
                match built {
                    Ok(command) => {
                        assert!(
                            !line_break && !nasty.contains('"'),
                            "{verb} took {nasty:?}: {command:?}"
                        );
                        let parsed = srcds(&command.unwrap_or_default());
                        assert_eq!(parsed.len(), 1, "{verb} with {nasty:?} is several commands: {parsed:?}");
                        assert_eq!(parsed[0].first().map(String::as_str), Some(verb));
                        assert_eq!(parsed[0].last().map(String::as_str), Some(nasty), "{parsed:?}");
                    }
                    Err(refused) => {
                        assert!(line_break || nasty.contains('"'), "{verb} refused {nasty:?}");
                        assert_eq!(refused.field, field);
                    }
                }
            }
            // Source bans carry no text at all.
            assert_eq!(
                one(ban(RconFlavour::Source, &steam, None, nasty)),
                ["banid 0 [U:1:12345678] kick", "writeid"]
            );
        }
        assert_eq!(
            srcds("say hi; rcon_password x").len(),
            2,
            "the reader splits like srcds"
        );
        assert_eq!(srcds("say \"hi; x\"").len(), 1);
    }

    /// Minecraft expands target selectors in messages and reads a name starting with `@` as
    /// one; a name with a space would make its second word the reason.
    #[test]
    fn minecraft_selectors_and_names_are_refused() {
        for message in ["hi @a", "@e[type=creeper]", "mail me@example.org", "@s"] {
            let refused = say(RconFlavour::Minecraft, message).unwrap_err();
            assert_eq!(refused.field, "message", "{message}");
        }
        assert_eq!(
            one(say(RconFlavour::Minecraft, "50 @ 3pm, @ home")),
            "say 50 @ 3pm, @ home"
        );
        for name in ["@a", "New Guy", ""] {
            let t = Target {
                name,
                ..target(IdentityKind::Minecraft, "name:x", None)
            };
            assert_eq!(
                kick(RconFlavour::Minecraft, &t, "").unwrap_err().field,
                "player",
                "{name:?}"
            );
            assert_eq!(unban(RconFlavour::Minecraft, &t, None).unwrap_err().field, "player");
        }
        let odd = target(IdentityKind::Battleye, "a b", None);
        assert_eq!(ban(RconFlavour::Battleye, &odd, None, "").unwrap_err().field, "player");
    }

    #[test]
    fn text_is_one_clean_line() {
        assert_eq!(clean_text("  spam  ", 10).as_deref(), Ok("spam"));
        assert!(clean_text("a\nkick 0", 100).is_err());
        assert!(clean_text("a\u{0}", 100).is_err());
        assert!(clean_text(&"x".repeat(11), 10).is_err());
    }
}
