//! Writes server.cfg, basic.cfg, the server profile and the BattlEye config.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::config::Arma3Config;
use super::missions::Difficulty;
use super::parse;
use crate::error::ApiError;
use crate::games::Secrets;

const HEADER: &str = "// Written by Languard before each start; edits here are overwritten.\n";

/// The one way a user string gets into an Arma config: double-quoted, `"` doubled to `""`,
/// backslash left alone (it is a plain character in Arma configs), and control characters
/// refused because a CR or LF would end the statement early.
pub fn quote(field: &str, value: &str) -> Result<String, ApiError> {
    if value.chars().any(char::is_control) {
        return Err(ApiError::validation(
            field,
            "must not contain control characters (CR, LF, …)",
        ));
    }
    Ok(format!("\"{}\"", value.replace('"', "\"\"")))
}

/// `{"a", "b"}` with every element quoted; `key` names the field as `config.<key>.<i>`.
fn quoted_list(key: &str, values: &[String]) -> Result<String, ApiError> {
    let items = values
        .iter()
        .enumerate()
        .map(|(i, v)| quote(&format!("config.{key}.{i}"), v))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!("{{{}}}", items.join(", ")))
}

fn flag(value: bool) -> u8 {
    u8::from(value)
}

pub fn server_cfg(c: &Arma3Config, secrets: &Secrets) -> Result<String, ApiError> {
    let mut out = String::from(HEADER);
    // `write!` into a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(out, "hostname = {};", quote("config.hostname", &c.hostname)?);
    if let Some(pw) = secrets.game_password.as_deref().filter(|p| !p.is_empty()) {
        let _ = writeln!(out, "password = {};", quote("game_password", pw)?);
    }
    if let Some(pw) = secrets.admin_password.as_deref().filter(|p| !p.is_empty()) {
        let _ = writeln!(out, "passwordAdmin = {};", quote("admin_password", pw)?);
    }
    let _ = writeln!(out, "maxPlayers = {};", c.max_players);
    let _ = writeln!(out, "motd[] = {};", quoted_list("motd", &c.motd)?);
    let _ = writeln!(out, "motdInterval = {};", c.motd_interval);
    let _ = writeln!(out, "voteThreshold = {};", c.vote_threshold);
    let _ = writeln!(out, "voteMissionPlayers = {};", c.vote_mission_players);
    let _ = writeln!(out, "kickDuplicate = {};", flag(c.kick_duplicate));
    let _ = writeln!(out, "verifySignatures = {};", c.verify_signatures);
    let _ = writeln!(out, "BattlEye = {};", flag(c.battleye));
    let _ = writeln!(out, "persistent = {};", flag(c.persistent));
    let _ = writeln!(out, "timeStampFormat = \"{}\";", c.timestamp_format.as_str());
    let _ = writeln!(
        out,
        "headlessClients[] = {};",
        quoted_list("headless_clients", &c.headless_clients)?
    );
    let _ = writeln!(
        out,
        "localClient[] = {};",
        quoted_list("local_clients", &c.local_clients)?
    );
    let _ = writeln!(out, "admins[] = {};", quoted_list("admins", &c.admins)?);
    let _ = writeln!(out, "disableVoN = {};", flag(c.disable_von));
    extra(&mut out, "config.extra", &c.extra)?;
    out.push_str("class Missions\n{\n");
    for (i, m) in c.missions.iter().enumerate() {
        let template = quote(&format!("config.missions.{i}.template"), &m.template)?;
        let _ = writeln!(out, "    class Mission{}\n    {{", i + 1);
        let _ = writeln!(out, "        template = {template};");
        let _ = writeln!(out, "        difficulty = \"{}\";", m.difficulty.as_str());
        if !m.params.is_empty() {
            out.push_str("        class Params\n        {\n");
            for p in &m.params {
                // Names are checked identifiers and values finite numbers: nothing to quote.
                let _ = writeln!(out, "            {} = {};", p.name, p.value);
            }
            out.push_str("        };\n");
        }
        out.push_str("    };\n");
    }
    out.push_str("};\n");
    Ok(out)
}

/// Kept entries, parsed again and written in canonical form (checked by `Arma3Config::check`
/// too; parsed here so that nothing but one well-formed entry can reach the file).
fn extra(out: &mut String, prefix: &str, entries: &BTreeMap<String, String>) -> Result<(), ApiError> {
    for (key, text) in entries {
        let entry = parse::parse_entry(text)
            .map_err(|e| ApiError::validation(format!("{prefix}.{key}"), format!("is not one config entry: {e}")))?;
        parse::render(out, &entry, 0);
    }
    Ok(())
}

pub fn basic_cfg(c: &Arma3Config) -> Result<String, ApiError> {
    let b = &c.basic;
    let mut out = String::from(HEADER);
    let _ = writeln!(out, "MaxMsgSend = {};", b.max_msg_send);
    let _ = writeln!(out, "MaxSizeGuaranteed = {};", b.max_size_guaranteed);
    let _ = writeln!(out, "MaxSizeNonguaranteed = {};", b.max_size_nonguaranteed);
    let _ = writeln!(out, "MinBandwidth = {};", b.min_bandwidth);
    let _ = writeln!(out, "MaxBandwidth = {};", b.max_bandwidth);
    let _ = writeln!(out, "MinErrorToSend = {};", b.min_error_to_send);
    let _ = writeln!(out, "MinErrorToSendNear = {};", b.min_error_to_send_near);
    out.push_str("class sockets\n{\n");
    let _ = writeln!(out, "    maxPacketSize = {};", b.max_packet_size);
    out.push_str("};\n");
    extra(&mut out, "config.basic.extra", &b.extra)?;
    Ok(out)
}

/// The server profile holding the `Custom` difficulty. It is written even when no mission
/// uses it, so switching a mission to Custom needs no other step.
pub fn profile(c: &Arma3Config) -> String {
    let d = &c.custom_difficulty;
    let mut out = String::from(HEADER);
    let _ = writeln!(out, "difficulty = \"{}\";", Difficulty::Custom.as_str());
    out.push_str("class DifficultyPresets\n{\n    class CustomDifficulty\n    {\n        class Options\n        {\n");
    for (key, _, value, _) in d.options() {
        let _ = writeln!(out, "            {key} = {value};");
    }
    out.push_str("        };\n");
    // 3 = Custom: the server then uses CustomAILevel below.
    out.push_str("        aiLevelPreset = 3;\n    };\n    class CustomAILevel\n    {\n");
    let _ = writeln!(out, "        skillAI = {};", d.skill_ai);
    let _ = writeln!(out, "        precisionAI = {};", d.precision_ai);
    out.push_str("    };\n};\n");
    out
}

/// BattlEye's own `Key value` format has no quoting, so the password must be one plain token;
/// `"` and `;` are refused too since how BE reads them is undocumented.
pub fn be_cfg(rcon_password: &str, rcon_port: u16) -> Result<String, ApiError> {
    if !rcon_password
        .chars()
        .all(|c| c.is_ascii_graphic() && c != '"' && c != ';')
    {
        return Err(ApiError::validation(
            "rcon_password",
            "must be printable ASCII without spaces, `\"` or `;` for BattlEye",
        ));
    }
    // No comments: every line of this file is run as a BE command. RConIP keeps RCon off the
    // network, since only the panel on this host talks to it.
    Ok(format!(
        "RConPassword {rcon_password}\nRConPort {rcon_port}\nRConIP 127.0.0.1\n"
    ))
}
