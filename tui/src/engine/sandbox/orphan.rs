//! Reaping a neard left running when nearviz was killed with `kill -9` (nothing runs at SIGKILL,
//! so the next start cleans up).
//!
//! ```text
//! spawn neard run ─▶ <state dir>/neard-<pid>.json {neard pid + start time, home, nearviz pid + start time}
//! node stopped    ─▶ the state file is removed (drop)
//! next start      ─▶ for each state file whose nearviz is gone:
//!                      neard alive, same start time, cmdline `--home HOME` ─▶ SIGKILL it
//!                      remove HOME (only `nearviz-sandbox-*` directories) and the state file
//! ```
//!
//! A process is only stopped when its pid, its start time (`/proc/PID/stat`) and its command
//! line (`/proc/PID/cmdline`: `--home` and the recorded home) all match what nearviz recorded
//! when it started it: a reused pid is never touched. No `unsafe`: the signal is sent by
//! `kill(1)`. On systems without `/proc` nothing is reaped.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Prefix of the sandbox home directories nearviz creates (the only ones it removes).
pub const HOME_PREFIX: &str = "nearviz-sandbox-";

/// What nearviz knows about a neard it started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRecord {
    pub neard_pid: u32,
    /// Field 22 of `/proc/PID/stat` (clock ticks since boot): tells a reused pid apart.
    pub neard_start: u64,
    pub home: PathBuf,
    pub owner_pid: u32,
    pub owner_start: u64,
}

/// The state file of a running node; dropping it removes the file (the node is stopped).
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    /// Records the neard `pid` (a child of this process) running in `home`.
    pub fn write(dir: &Path, pid: u32, home: &Path) -> std::io::Result<StateFile> {
        let record = NodeRecord {
            neard_pid: pid,
            neard_start: start_time(pid).unwrap_or(0),
            home: home.to_owned(),
            owner_pid: std::process::id(),
            owner_start: start_time(std::process::id()).unwrap_or(0),
        };
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("neard-{pid}.json"));
        let text = serde_json::to_string(&record).map_err(std::io::Error::other)?;
        std::fs::write(&path, text)?;
        Ok(StateFile { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for StateFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Cleans up after every nearviz that died without stopping its neard; one line per node
/// reaped or cleaned, for the log.
pub fn reap(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut lines = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let is_state = path.extension().is_some_and(|ext| ext == "json")
            && path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("neard-"));
        if is_state {
            if let Some(line) = reap_one(&path) {
                lines.push(line);
            }
        }
    }
    lines
}

fn reap_one(state: &Path) -> Option<String> {
    let text = std::fs::read_to_string(state).ok()?;
    let Ok(record) = serde_json::from_str::<NodeRecord>(&text) else {
        let _ = std::fs::remove_file(state);
        return Some(format!("removed an unreadable sandbox state file {}", state.display()));
    };
    if alive_as(record.owner_pid, record.owner_start) {
        return None; // another nearviz still runs this node
    }
    let what = if is_our_neard(&record) {
        kill(record.neard_pid);
        format!("stopped a neard left running by a killed nearviz (pid {})", record.neard_pid)
    } else {
        format!("cleaned up after a killed nearviz (its neard pid {} was gone)", record.neard_pid)
    };
    let removed = remove_home(&record.home);
    let _ = std::fs::remove_file(state);
    Some(match removed {
        Ok(true) => format!("{what}; removed its home {}", record.home.display()),
        Ok(false) => what,
        Err(err) => format!("{what}; could not remove its home {}: {err}", record.home.display()),
    })
}

/// The recorded neard is running: same pid, same start time, `--home HOME` on its command line.
fn is_our_neard(record: &NodeRecord) -> bool {
    alive_as(record.neard_pid, record.neard_start)
        && cmdline_has_home(record.neard_pid, &record.home)
}

fn alive_as(pid: u32, start: u64) -> bool {
    start != 0 && start_time(pid) == Some(start)
}

/// Field 22 (`starttime`) of `/proc/PID/stat`; `None` when the process is gone or a zombie.
pub fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so split after the last `)`.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    if fields.first() == Some(&"Z") {
        return None;
    }
    fields.get(19)?.parse().ok()
}

fn cmdline_has_home(pid: u32, home: &Path) -> bool {
    let Ok(raw) = std::fs::read(format!("/proc/{pid}/cmdline")) else { return false };
    let args: Vec<&[u8]> = raw.split(|&b| b == 0).collect();
    let home = home.as_os_str().as_encoded_bytes();
    args.windows(2).any(|pair| pair[0] == b"--home" && pair[1] == home)
}

/// SIGKILL through `kill(1)`, then waits (up to 2 s) for the process to be gone.
fn kill(pid: u32) {
    let sent = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    if let Err(err) = sent {
        tracing::warn!(pid, %err, "cannot run kill(1)");
        return;
    }
    for _ in 0..80 {
        if start_time(pid).is_none() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Removes `home` if it is a sandbox home nearviz made; `Ok(false)` when there was none.
fn remove_home(home: &Path) -> std::io::Result<bool> {
    let ours = home.file_name().is_some_and(|name| name.to_string_lossy().starts_with(HOME_PREFIX));
    if !ours || !home.is_dir() {
        return Ok(false);
    }
    std::fs::remove_dir_all(home).map(|()| true)
}

/// `<data dir>/sandbox` (e.g. `~/.local/share/nearviz/sandbox`), else a temp directory.
pub fn default_state_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "nearviz")
        .map(|dirs| dirs.data_local_dir().join("sandbox"))
        .unwrap_or_else(|| std::env::temp_dir().join("nearviz-sandbox-state"))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn own_start_time_is_read() {
        let me = start_time(std::process::id()).expect("own stat");
        assert!(me > 0);
        assert_eq!(start_time(u32::MAX), None);
    }

    #[test]
    fn a_live_owner_keeps_its_node_and_a_stranger_is_never_killed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join(format!("{HOME_PREFIX}x"));
        std::fs::create_dir(&home).expect("home");
        // A process nearviz did not start under that home: `sleep`, no `--home` argument.
        let mut stranger =
            std::process::Command::new("sleep").arg("30").spawn().expect("spawn sleep");
        let pid = stranger.id();
        let record = NodeRecord {
            neard_pid: pid,
            neard_start: start_time(pid).expect("stat"),
            home: home.clone(),
            owner_pid: std::process::id(),
            owner_start: start_time(std::process::id()).expect("stat"),
        };
        let state = dir.path().join(format!("neard-{pid}.json"));
        std::fs::write(&state, serde_json::to_string(&record).expect("json")).expect("write");
        assert!(reap(dir.path()).is_empty(), "the owner (this test) is alive");
        assert!(state.exists() && home.exists());

        // The owner is gone (a pid that is not running): the stranger is still not killed,
        // because its command line does not name the home.
        let orphaned = NodeRecord { owner_pid: u32::MAX, owner_start: 1, ..record };
        std::fs::write(&state, serde_json::to_string(&orphaned).expect("json")).expect("write");
        let lines = reap(dir.path());
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].contains("was gone") && lines[0].contains("removed its home"),
            "{lines:?}"
        );
        assert!(start_time(pid).is_some(), "a process nearviz did not start was killed");
        assert!(!state.exists() && !home.exists());
        let _ = stranger.kill();
        let _ = stranger.wait();
    }

    #[test]
    fn unreadable_state_is_removed_and_said() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("neard-1.json"), "{not json").expect("write");
        std::fs::write(dir.path().join("other.json"), "{}").expect("write");
        let lines = reap(dir.path());
        assert_eq!(lines.len(), 1);
        assert!(dir.path().join("other.json").exists());
    }
}
