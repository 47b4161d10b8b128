//! `fakegame`: a dedicated-server simulator for Languard's black-box tests and demo.
//!
//! The flavour comes from argv[0]'s file name (copy or symlink the binary as
//! `arma3server_x64`, `srcds_run`/`srcds_linux` or `java`), or else from the arguments
//! (`-config=` → Arma 3, `-game` → Source, `-jar` → Minecraft). Each flavour reads the real
//! game's config files from the working directory, speaks the game's RCON protocol on the
//! configured port, writes the game's log lines, and takes scripted player events from
//! `fakegame.control` (see control.rs). Exit codes: 0 on quit/stop/#shutdown/SIGTERM,
//! 2 when a required file is missing or a config does not parse, 1 for Minecraft without
//! an accepted EULA, and whatever `crash <code>` asks for. Every RCON/console command received
//! is appended to `fakegame.commands` (BattlEye acks to `fakegame.acks`) for tests to read.

// Code that runs only under test or measurement: a panic here is a failed run, said
// loudly, which is what it should be (the workspace denies unwrap/expect for product code).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod arma;
mod battleye;
mod bebans;
mod common;
mod config;
mod control;
mod mcbans;
mod minecraft;
mod source;
mod srcbans;
mod srcrcon;
mod status;

use std::path::Path;
use std::sync::Arc;

use control::Game;

#[derive(Debug, PartialEq)]
enum Flavour {
    Arma,
    Source,
    Minecraft,
}

fn detect(argv0: &str, args: &[String]) -> Option<Flavour> {
    let exe = Path::new(argv0)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if exe.starts_with("arma3server") {
        return Some(Flavour::Arma);
    }
    if exe.starts_with("srcds") {
        return Some(Flavour::Source);
    }
    if exe == "java" || exe == "java.exe" {
        return Some(Flavour::Minecraft);
    }
    let has = |p: &str| args.iter().any(|a| a.to_ascii_lowercase().starts_with(p));
    if has("-config=") {
        Some(Flavour::Arma)
    } else if args.iter().any(|a| a == "-game") {
        Some(Flavour::Source)
    } else if args.iter().any(|a| a == "-jar") {
        Some(Flavour::Minecraft)
    } else {
        None
    }
}

/// SIGTERM/SIGINT: log the game's shutdown line and exit 0, unless `hang` was scripted, in
/// which case the signal is swallowed (only SIGKILL ends a hung server).
pub fn install_signals(game: Arc<dyn Game>) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])
        .unwrap_or_else(|e| common::fail(&format!("cannot install signal handlers: {e}")));
    std::thread::spawn(move || {
        for _ in signals.forever() {
            if common::is_hung() {
                continue;
            }
            game.shutdown_line();
            std::process::exit(0);
        }
    });
}

fn main() {
    let mut argv = std::env::args();
    let argv0 = argv.next().unwrap_or_default();
    let args: Vec<String> = argv.collect();
    match detect(&argv0, &args) {
        Some(Flavour::Arma) => {
            // The RPT is named after the executable, as the real server does.
            let exe = Path::new(&argv0)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("arma3server_x64");
            let exe = if exe.starts_with("arma3server") {
                exe
            } else {
                "arma3server_x64"
            };
            arma::run(exe, &args)
        }
        Some(Flavour::Source) => source::run(&args),
        Some(Flavour::Minecraft) => minecraft::run(),
        None => common::fail(
            "cannot tell which game to simulate: run as arma3server_x64, srcds_run or java, \
             or pass -config=…, -game … or -jar …",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flavour_from_name_or_args() {
        assert_eq!(detect("/srv/a/arma3server_x64", &[]), Some(Flavour::Arma));
        assert_eq!(detect("./srcds_linux", &[]), Some(Flavour::Source));
        assert_eq!(detect("/usr/bin/java", &[]), Some(Flavour::Minecraft));
        assert_eq!(
            detect("fakegame", &v(&["-port=2302", "-config=server.cfg"])),
            Some(Flavour::Arma)
        );
        assert_eq!(
            detect("fakegame", &v(&["-game", "tf", "-port", "1"])),
            Some(Flavour::Source)
        );
        assert_eq!(
            detect("fakegame", &v(&["-Xmx1G", "-jar", "server.jar"])),
            Some(Flavour::Minecraft)
        );
        assert_eq!(detect("fakegame", &[]), None);
    }
}
