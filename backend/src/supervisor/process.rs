//! Operating-system side of supervision: spawning a game in its own process group with its
//! console going to files, recognising a process again after a panel restart, signalling it,
//! and writing config files atomically.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::{TcpListener, UdpSocket};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Component, Path, PathBuf};
use std::process::Stdio;

use anyhow::Context;
use rustix::process::{Pid, Signal};

use crate::games::{LaunchPlan, PortSpec, RenderedFile, Transport};

/// The game's stdout and stderr are appended here (a pipe would SIGPIPE it if the panel died).
pub const CONSOLE_LOG: &str = "console.log";
/// A named pipe the game reads as stdin. The game's side is opened read-write, so it never
/// sees end-of-file, and the panel can reopen it for writing after a restart.
pub const CONSOLE_STDIN: &str = "console.stdin";

/// Identity of a running process: the PID alone could be recycled, and the program it runs may
/// change (a launcher script `exec`s the game), but PID and start time stay together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessId {
    pub pid: i32,
    /// Field 22 of /proc/<pid>/stat: start time in clock ticks after boot.
    pub start_ticks: u64,
}

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

/// Checks that a path an adapter produced stays inside the server directory.
fn inside(dir: &Path, relative: &Path) -> anyhow::Result<PathBuf> {
    let ok = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !ok || relative.as_os_str().is_empty() {
        anyhow::bail!("refusing to write {} outside the server directory", relative.display());
    }
    Ok(dir.join(relative))
}

/// Writes each file to a temporary sibling, syncs it, then renames it into place: a reader
/// sees the old file or the new one, never half of one. Secret files get mode 0600.
pub fn write_files(dir: &Path, files: &[RenderedFile]) -> anyhow::Result<()> {
    for file in files {
        let target = inside(dir, &file.path)?;
        let parent = target.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = parent.join(format!(".{name}.languard-tmp"));
        let mode = if file.secret { 0o600 } else { 0o644 };
        // A fresh file, never through a symlink someone planted in the server directory.
        let _ = std::fs::remove_file(&temp);
        let mut out = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(&temp)
            .with_context(|| format!("writing {}", temp.display()))?;
        out.set_permissions(std::fs::Permissions::from_mode(mode))?;
        out.write_all(file.contents.as_bytes())?;
        out.sync_all()?;
        std::fs::rename(&temp, &target).with_context(|| format!("replacing {}", target.display()))?;
        // The rename itself is durable only once the directory is synced.
        File::open(parent).and_then(|d| d.sync_all()).ok();
    }
    Ok(())
}

fn ensure_fifo(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_fifo() => return Ok(()),
        Ok(_) => std::fs::remove_file(path).with_context(|| format!("replacing {}", path.display()))?,
        Err(_) => {}
    }
    rustix::fs::mkfifoat(rustix::fs::CWD, path, rustix::fs::Mode::from_raw_mode(0o600))
        .with_context(|| format!("creating the console pipe {}", path.display()))
}

/// Starts the game: own process group, stdin from the console pipe, stdout/stderr appended to
/// the console log, and no `LANGUARD_*` variables (they may hold the panel's secrets).
pub fn spawn(dir: &Path, plan: &LaunchPlan) -> anyhow::Result<(tokio::process::Child, ProcessId)> {
    let fifo = dir.join(CONSOLE_STDIN);
    ensure_fifo(&fifo)?;
    let stdin = OpenOptions::new().read(true).write(true).open(&fifo)?;
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(CONSOLE_LOG))
        .context("opening the console log")?;
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
    let mut pipe = OpenOptions::new()
        .write(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(dir.join(CONSOLE_STDIN))
        .context("the game's console pipe is not open")?;
    pipe.write_all(format!("{line}\n").as_bytes())?;
    Ok(())
}

/// The last `n` lines of the console log (reads at most the last 64 KiB).
pub fn last_console_lines(dir: &Path, n: usize) -> Vec<String> {
    let Ok(mut file) = File::open(dir.join(CONSOLE_LOG)) else {
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
        write_files(dir.path(), &files).unwrap();
        let meta = std::fs::metadata(dir.path().join("cfg/server.cfg")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read_to_string(dir.path().join("basic.cfg")).unwrap(), "b");
        let escape = vec![RenderedFile {
            path: "../x".into(),
            contents: String::new(),
            secret: false,
        }];
        assert!(write_files(dir.path(), &escape).is_err());
        let absolute = vec![RenderedFile {
            path: "/tmp/x".into(),
            contents: String::new(),
            secret: false,
        }];
        assert!(write_files(dir.path(), &absolute).is_err());
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
