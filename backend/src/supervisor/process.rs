//! Operating-system side of supervision: spawning a game in its own process group with its
//! console going to files, recognising a process again after a panel restart, signalling it,
//! and writing config files atomically (beneath the server directory, see [`crate::serverdir`]).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::{TcpListener, UdpSocket};
use std::os::unix::fs::FileTypeExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;

use anyhow::Context;
use rustix::process::{Pid, Signal};

use crate::games::{LaunchPlan, PortSpec, RenderedFile, Transport};
use crate::serverdir::{PathError, ServerDir};

/// The game's stdout and stderr are appended here (a pipe would SIGPIPE it if the panel died).
pub const CONSOLE_LOG: &str = "console.log";
/// A named pipe the game reads as stdin. The game's side is opened read-write, so it never
/// sees end-of-file, and the panel can reopen it for writing after a restart.
pub const CONSOLE_STDIN: &str = "console.stdin";

/// Recorded in the server's row, hence defined with it.
pub use crate::servers::model::ProcessId;

/// (state character, start ticks) from /proc/<pid>/stat.
fn stat(pid: i32) -> Option<(char, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    let start_ticks = fields.get(19)?.parse().ok()?;
    Some((state, start_ticks))
}

pub fn identify(pid: u32) -> Option<ProcessId> {
    let pid = i32::try_from(pid).ok()?;
    stat(pid).map(|(_, start_ticks)| ProcessId { pid, start_ticks })
}

/// Alive and still the same process (not a zombie, not a recycled PID).
pub fn is_alive(id: ProcessId) -> bool {
    matches!(stat(id.pid), Some((state, ticks)) if ticks == id.start_ticks && state != 'Z' && state != 'X')
}

/// This boot of the machine: start ticks count from it, so a recorded process belongs to it.
pub fn boot_id() -> Option<String> {
    let text = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    Some(text.trim().to_owned())
}

/// Signals the process group the game leads (it was started as its own group leader), but
/// only while the leader is still the same process: a recycled PID must never be hit.
pub fn signal_group(id: ProcessId, signal: Signal) {
    if is_alive(id) {
        if let Some(pid) = Pid::from_raw(id.pid) {
            let _ = rustix::process::kill_process_group(pid, signal);
        }
    }
}

/// After the leader has exited: SIGKILL whatever it left in its group. The group id cannot be
/// reused while any member lives, so this reaches the game's children or nobody.
pub fn kill_leftover_group(id: ProcessId) {
    if let Some(pid) = Pid::from_raw(id.pid) {
        let _ = rustix::process::kill_process_group(pid, Signal::KILL);
    }
}

/// Whether every port is free, else the first one that is taken.
pub fn first_port_in_use(ports: &[PortSpec]) -> Option<&PortSpec> {
    ports.iter().find(|spec| match spec.transport {
        Transport::Tcp => TcpListener::bind(("0.0.0.0", spec.port)).is_err(),
        Transport::Udp => UdpSocket::bind(("0.0.0.0", spec.port)).is_err(),
    })
}

/// Writes each rendered file atomically beneath the server directory (a link planted on the
/// way is refused, a link in its place is replaced). Secret files get mode 0600.
pub fn write_files(dir: &ServerDir, files: &[RenderedFile]) -> Result<(), PathError> {
    for file in files {
        let mode = if file.secret { 0o600 } else { 0o644 };
        dir.create_atomic(&file.path, file.contents.as_bytes(), mode)?;
    }
    Ok(())
}

/// The game's console: its stdin pipe (opened read-write, so it never sees end-of-file) and
/// the log its stdout and stderr are appended to, both opened beneath the server directory.
pub struct Console {
    stdin: File,
    log: File,
}

pub fn open_console(dir: &ServerDir) -> Result<Console, PathError> {
    let fifo = Path::new(CONSOLE_STDIN);
    match dir.metadata(fifo) {
        Ok(meta) if meta.file_type().is_fifo() => {}
        Ok(_) => {
            dir.remove_file(fifo)?;
            dir.make_fifo(fifo, 0o600)?;
        }
        Err(e) if e.is_not_found() => dir.make_fifo(fifo, 0o600)?,
        Err(e) => return Err(e),
    }
    Ok(Console {
        stdin: dir.open_read_write(fifo)?,
        log: dir.open_append(Path::new(CONSOLE_LOG), 0o644)?,
    })
}

/// Starts the game: own process group, stdin from the console pipe, stdout/stderr appended to
/// the console log, and no `LANGUARD_*` variables (they may hold the panel's secrets).
pub fn spawn(console: Console, plan: &LaunchPlan) -> anyhow::Result<(tokio::process::Child, ProcessId)> {
    let Console { stdin, log } = console;
    let mut cmd = std::process::Command::new(&plan.program);
    cmd.args(&plan.args)
        .current_dir(&plan.cwd)
        .stdin(Stdio::from(stdin))
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .process_group(0);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("LANGUARD_") {
            cmd.env_remove(key);
        }
    }
    let child = tokio::process::Command::from(cmd)
        .kill_on_drop(false)
        .spawn()
        .with_context(|| format!("starting {}", plan.program.display()))?;
    let pid = child.id().context("the process exited at once")?;
    let id = identify(pid).context("the process exited at once")?;
    Ok((child, id))
}

/// Writes one console line to the game's stdin pipe without blocking when nobody reads it.
pub fn send_console_line(dir: &Path, line: &str) -> anyhow::Result<()> {
    let mut pipe = ServerDir::open(dir)
        .and_then(|d| d.open_write_nonblocking(Path::new(CONSOLE_STDIN)))
        .context("the game's console pipe is not open")?;
    pipe.write_all(format!("{line}\n").as_bytes())?;
    Ok(())
}

/// The last `n` lines of the console log (reads at most the last 64 KiB).
pub fn last_console_lines(dir: &Path, n: usize) -> Vec<String> {
    let Ok(mut file) = ServerDir::open(dir).and_then(|d| d.open_read(Path::new(CONSOLE_LOG))) else {
        return Vec::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(64 * 1024)));
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| (*l).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn files_are_written_atomically_with_private_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            RenderedFile {
                path: "cfg/server.cfg".into(),
                contents: "a".into(),
                secret: true,
            },
            RenderedFile {
                path: "basic.cfg".into(),
                contents: "b".into(),
                secret: false,
            },
        ];
        let server = ServerDir::open(dir.path()).unwrap();
        write_files(&server, &files).unwrap();
        let meta = std::fs::metadata(dir.path().join("cfg/server.cfg")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read_to_string(dir.path().join("basic.cfg")).unwrap(), "b");
        let escape = vec![RenderedFile {
            path: "../x".into(),
            contents: String::new(),
            secret: false,
        }];
        assert!(write_files(&server, &escape).unwrap_err().is_escape());
        let absolute = vec![RenderedFile {
            path: "/tmp/x".into(),
            contents: String::new(),
            secret: false,
        }];
        assert!(write_files(&server, &absolute).unwrap_err().is_escape());
    }

    #[test]
    fn a_process_is_recognised_by_pid_and_start_time() {
        let me = identify(std::process::id()).unwrap();
        assert!(is_alive(me));
        assert!(!is_alive(ProcessId {
            start_ticks: me.start_ticks + 1,
            ..me
        }));
        let boot = boot_id().unwrap();
        assert_eq!(boot.len(), 36, "{boot}");
        assert_eq!(boot_id().as_deref(), Some(boot.as_str()));
    }
}
