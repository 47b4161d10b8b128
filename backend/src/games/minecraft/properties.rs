//! server.properties in Java Properties format, and eula.txt.

use std::fmt::Write;

use super::config::MinecraftConfig;

/// The one way a value gets into server.properties. Escapes what Java's `Properties.load`
/// would otherwise read differently: `\`, `:`, `=`, `#`, `!`, a leading space, CR/LF/tab/FF
/// (so a value always stays on its line), and writes every other control or non-ASCII
/// character as `\uXXXX` UTF-16 units, since the server reads the file as ISO-8859-1.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            ':' | '=' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            ' ' if i == 0 => out.push_str("\\ "),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
        }
    }
    out
}

/// Keys are sorted as the server itself writes them, so diffs stay small.
pub fn server_properties(c: &MinecraftConfig, game_port: u16, rcon_port: u16, rcon_password: &str) -> String {
    let b = |v: bool| if v { "true" } else { "false" }.to_owned();
    let mut entries: Vec<(&str, String)> = vec![
        ("allow-flight", b(c.allow_flight)),
        ("allow-nether", b(c.allow_nether)),
        ("difficulty", c.difficulty.as_str().into()),
        ("enable-command-block", b(c.enable_command_block)),
        // The panel reads players and stops the server through RCON, so it is always on.
        ("enable-rcon", b(true)),
        ("enforce-whitelist", b(c.enforce_whitelist)),
        ("gamemode", c.gamemode.as_str().into()),
        ("hardcore", b(c.hardcore)),
        ("level-name", c.level_name.clone()),
        ("level-seed", c.level_seed.clone()),
        ("level-type", c.level_type.clone()),
        ("max-players", c.max_players.to_string()),
        ("motd", c.motd.clone()),
        ("online-mode", b(c.online_mode)),
        ("player-idle-timeout", c.player_idle_timeout.to_string()),
        ("pvp", b(c.pvp)),
        ("rcon.password", rcon_password.into()),
        ("rcon.port", rcon_port.to_string()),
        ("server-ip", c.server_ip.clone()),
        ("server-port", game_port.to_string()),
        ("simulation-distance", c.simulation_distance.to_string()),
        ("spawn-protection", c.spawn_protection.to_string()),
        ("view-distance", c.view_distance.to_string()),
        ("white-list", b(c.white_list)),
    ];
    // Checked by `MinecraftConfig::check`: plain keys, none of the ones above.
    entries.extend(c.extra.iter().map(|(k, v)| (k.as_str(), v.clone())));
    entries.sort_by_key(|(k, _)| *k);
    let mut out = String::from(
        "#Minecraft server properties\n#Written by Languard before each start; edits here are overwritten.\n",
    );
    for (key, value) in entries {
        let _ = writeln!(out, "{key}={}", escape(&value));
    }
    out
}

pub fn eula() -> String {
    "#Accepted by the server's owner in Languard (https://aka.ms/MinecraftEULA)\neula=true\n".into()
}
