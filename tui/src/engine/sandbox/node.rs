//! One neard sandbox process: `init` a temporary home, `run` it on free loopback ports with its
//! output in a log file (never the terminal), wait until its RPC answers, stop it on shutdown or
//! drop.
//!
//! nearviz starts neard itself (with the same commands near-sandbox uses) instead of letting
//! near-sandbox do it, because near-sandbox lets the child inherit the terminal's stdout/stderr
//! and retries silently for up to a minute when neard exits at once. near-workspaces then
//! connects to this node (`sandbox().rpc_addr(..).validator_key(HomeDir)`).

use super::error::SandboxError;
use super::orphan::{StateFile, HOME_PREFIX};
use near_jsonrpc_client::{methods, JsonRpcClient};
use std::fs::File;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;
use tempfile::TempDir;
use tokio::process::{Child, Command};

/// How long neard gets to answer on its RPC port.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How often the RPC port is tried while neard starts.
const READY_POLL: Duration = Duration::from_millis(25);
/// Attempts with fresh ports when another process took ours first.
const PORT_ATTEMPTS: u32 = 3;
/// What near-sandbox configures (`store.max_open_files`), overridable the same way.
const DEFAULT_MAX_OPEN_FILES: u64 = 3000;
/// The open-files limit neard sets at start (nearcore `neard/src/main.rs`): it exits when the
/// hard limit is lower.
pub const NEARD_NOFILE: u64 = 65535;
/// Overrides [`NEARD_NOFILE`] for the pre-spawn check (`0` turns the check off), e.g. for a
/// neard built to need less.
pub const NOFILE_ENV: &str = "NEARVIZ_NEARD_NOFILE";
/// Lines of `neard.log` quoted when neard stops.
const LOG_TAIL_LINES: usize = 3;

/// A running neard. Dropping it kills the process (`kill_on_drop`); `shutdown` also waits.
pub struct Node {
    // Declared first: dropped (killed) before the home directory is deleted.
    child: Child,
    home: TempDir,
    /// Removed when the node is dropped; left behind (for the next start to reap) on SIGKILL.
    _state: Option<StateFile>,
    pub rpc_url: String,
    pub log_path: PathBuf,
    pub protocol_version: u32,
}

impl Node {
    /// Initialises a fresh home and starts neard; its output goes to `log_path` (truncated).
    /// With `state_dir`, the running node is recorded there so that a later start can reap it
    /// if nearviz is killed (`orphan`).
    pub async fn start(
        binary: &Path,
        log_path: &Path,
        state_dir: Option<&Path>,
    ) -> Result<Node, SandboxError> {
        let mut home = tempfile::Builder::new()
            .prefix(HOME_PREFIX)
            .tempdir()
            .map_err(SandboxError::io("cannot create the sandbox home directory"))?;
        if let Some(dir) = log_path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(SandboxError::io(format!(
                "cannot create the log directory {}",
                dir.display()
            )))?;
        }
        File::create(log_path)
            .map_err(SandboxError::io(format!("cannot create {}", log_path.display())))?;

        let mut init = neard(binary, home.path(), log_path)?;
        init.args(["init", "--fast"]);
        let status = run_to_end(init, START_TIMEOUT, log_path).await?;
        if !status.success() {
            return Err(failure("init", &status.to_string(), log_path));
        }
        configure(home.path())?;

        let mut attempt = 1;
        loop {
            let (rpc_port, net_port) = free_ports()?;
            let rpc_addr = format!("127.0.0.1:{rpc_port}");
            let mut run = neard(binary, home.path(), log_path)?;
            run.args(["run", "--rpc-addr", &rpc_addr])
                .args(["--network-addr", &format!("127.0.0.1:{net_port}")]);
            let child = run
                .spawn()
                .map_err(SandboxError::io(format!("cannot start {}", binary.display())))?;
            let state = match (state_dir, child.id()) {
                (Some(dir), Some(pid)) => StateFile::write(dir, pid, home.path())
                    .map_err(|err| tracing::warn!(%err, "cannot record the neard process"))
                    .ok(),
                _ => None,
            };
            let mut node = Node {
                child,
                home,
                _state: state,
                rpc_url: format!("http://{rpc_addr}"),
                log_path: log_path.to_owned(),
                protocol_version: 0,
            };
            match node.wait_ready().await {
                Ok(()) => return Ok(node),
                Err(err) => {
                    node.stop().await;
                    let port_taken = matches!(err, SandboxError::NodeFailed { .. })
                        && log_mentions(log_path, "already in use");
                    if !port_taken {
                        return Err(err);
                    }
                    if attempt >= PORT_ATTEMPTS {
                        return Err(SandboxError::PortTaken {
                            addr: format!("{rpc_addr} or 127.0.0.1:{net_port}"),
                            attempts: attempt,
                            log: log_path.to_owned(),
                        });
                    }
                    tracing::warn!(attempt, "neard could not bind its ports, retrying");
                    home = node.into_home();
                    let _ = std::fs::remove_dir_all(home.path().join("data"));
                    attempt += 1;
                }
            }
        }
    }

    /// The node's home (`validator_key.json` holds the root account's key).
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Resolves when neard exits by itself, with a one-line description.
    pub async fn exited(&mut self) -> String {
        let status = self.child.wait().await;
        let status = status.map_or_else(|err| err.to_string(), |status| status.to_string());
        format!("neard exited ({status}): {}", last_lines(&self.log_path, LOG_TAIL_LINES))
    }

    /// Kills neard and waits for it to be gone.
    pub async fn shutdown(mut self) {
        self.stop().await;
    }

    async fn stop(&mut self) {
        if let Err(err) = self.child.start_kill() {
            tracing::debug!(%err, "neard already stopped");
        }
        if tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await.is_err() {
            tracing::warn!("neard did not stop within 5 s of SIGKILL");
        }
    }

    fn into_home(self) -> TempDir {
        self.home
    }

    /// Polls the RPC `status` until it answers; fails early when neard exits.
    async fn wait_ready(&mut self) -> Result<(), SandboxError> {
        let client = JsonRpcClient::connect(&self.rpc_url);
        let deadline = tokio::time::Instant::now() + START_TIMEOUT;
        let mut attempts = 0u32;
        let mut last_error;
        loop {
            if let Some(status) = self.child.try_wait().map_err(SandboxError::io("neard"))? {
                return Err(failure("run", &status.to_string(), &self.log_path));
            }
            let answer = tokio::time::timeout(
                READY_POLL * 20,
                client.call(methods::status::RpcStatusRequest),
            );
            attempts += 1;
            match answer.await {
                Ok(Ok(status)) => {
                    self.protocol_version = status.protocol_version;
                    return Ok(());
                }
                Ok(Err(err)) => last_error = one_line(&err.to_string()),
                Err(_) => {
                    last_error = format!("timed out after {} ms", (READY_POLL * 20).as_millis())
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(SandboxError::StartTimeout {
                    url: self.rpc_url.clone(),
                    secs: START_TIMEOUT.as_secs(),
                    attempts,
                    last_error,
                    log: self.log_path.clone(),
                });
            }
            tokio::time::sleep(READY_POLL).await;
        }
    }
}

/// `neard --home HOME` with stdin closed and stdout/stderr appended to the log file.
fn neard(binary: &Path, home: &Path, log_path: &Path) -> Result<Command, SandboxError> {
    let open = || {
        File::options()
            .append(true)
            .open(log_path)
            .map_err(SandboxError::io(format!("cannot open {}", log_path.display())))
    };
    let mut command = Command::new(binary);
    command
        .arg("--home")
        .arg(home)
        .stdin(Stdio::null())
        .stdout(Stdio::from(open()?))
        .stderr(Stdio::from(open()?))
        .kill_on_drop(true);
    // As near-sandbox does: NEAR_SANDBOX_LOG is neard's RUST_LOG.
    if let Ok(filter) = std::env::var("NEAR_SANDBOX_LOG") {
        command.env("RUST_LOG", filter);
    }
    if let Ok(style) = std::env::var("NEAR_SANDBOX_LOG_STYLE") {
        command.env("RUST_LOG_STYLE", style);
    }
    Ok(command)
}

async fn run_to_end(
    mut command: Command,
    limit: Duration,
    log_path: &Path,
) -> Result<ExitStatus, SandboxError> {
    let mut child = command.spawn().map_err(SandboxError::io("cannot start neard"))?;
    match tokio::time::timeout(limit, child.wait()).await {
        Ok(status) => status.map_err(SandboxError::io("neard init")),
        Err(_) => Err(failure("init", "timed out", log_path)),
    }
}

/// The same settings near-sandbox writes into `config.json`.
fn configure(home: &Path) -> Result<(), SandboxError> {
    let path = home.join("config.json");
    let text = std::fs::read_to_string(&path)
        .map_err(SandboxError::io(format!("neard init wrote no {}", path.display())))?;
    let mut config: serde_json::Value = serde_json::from_str(&text)
        .map_err(|err| SandboxError::setup("reading neard's config.json", err))?;
    let max_open_files = std::env::var("NEAR_SANDBOX_MAX_FILES")
        .ok()
        .and_then(|value| value.parse::<u64>().ok())
        .unwrap_or(DEFAULT_MAX_OPEN_FILES);
    if let Some(object) = config.as_object_mut() {
        let store = object.entry("store").or_insert_with(|| serde_json::json!({}));
        if let Some(store) = store.as_object_mut() {
            store.insert("max_open_files".to_owned(), max_open_files.into());
        }
    }
    let text = serde_json::to_string_pretty(&config)
        .map_err(|err| SandboxError::setup("writing neard's config.json", err))?;
    std::fs::write(&path, text)
        .map_err(SandboxError::io(format!("cannot write {}", path.display())))
}

/// Two free loopback ports (bound, read, released just before neard binds them).
fn free_ports() -> Result<(u16, u16), SandboxError> {
    let bind = || {
        TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
            .map_err(SandboxError::io("cannot find a free port on 127.0.0.1"))
    };
    let (rpc, net) = (bind()?, bind()?);
    let port = |listener: &TcpListener| {
        listener.local_addr().map(|addr| addr.port()).map_err(SandboxError::io("local port"))
    };
    Ok((port(&rpc)?, port(&net)?))
}

/// The error for neard stopping during `step`: the open-files limit gets its own message.
fn failure(step: &'static str, status: &str, log_path: &Path) -> SandboxError {
    let log = std::fs::read_to_string(log_path).unwrap_or_default();
    if let Some(line) = log.lines().find(|line| line.contains(FD_LIMIT_MESSAGE)) {
        let message = strip_ansi(line);
        let message = message.trim().trim_start_matches("Error: ").to_owned();
        return SandboxError::FdLimit { message, limits: open_files_limits() };
    }
    SandboxError::NodeFailed {
        step,
        status: status.to_owned(),
        last_line: last_lines(log_path, LOG_TAIL_LINES),
        log: log_path.to_owned(),
    }
}

/// What neard prints when it cannot raise its open-files limit (nearcore `neard/src/main.rs`).
pub const FD_LIMIT_MESSAGE: &str = "couldn't set the file descriptor limit";

fn log_mentions(log_path: &Path, needle: &str) -> bool {
    std::fs::read_to_string(log_path).is_ok_and(|log| log.contains(needle))
}

/// The last `n` non-empty lines of the log, without colour codes, oldest first, joined by
/// ` | ` (one line for an error message).
pub fn last_lines(log_path: &Path, n: usize) -> String {
    let log = std::fs::read_to_string(log_path).unwrap_or_default();
    let mut lines: Vec<String> = log
        .lines()
        .rev()
        .map(|line| strip_ansi(line).trim().to_owned())
        .filter(|line| !line.is_empty())
        .take(n)
        .collect();
    if lines.is_empty() {
        return "(no output)".to_owned();
    }
    lines.reverse();
    lines.join(" | ")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Predicts neard's open-files failure before spawning it: the hard `nofile` limit (read from
/// `/proc/self/limits`, which neard inherits) must be at least [`NEARD_NOFILE`] (or
/// `NEARVIZ_NEARD_NOFILE`). Unknown limits (no `/proc`) pass: neard's own message then applies.
pub fn check_open_files() -> Result<(), SandboxError> {
    let needed = std::env::var(NOFILE_ENV)
        .ok()
        .and_then(|value| value.trim().parse::<u64>().ok())
        .unwrap_or(NEARD_NOFILE);
    check_hard_limit(Path::new("/proc/self/limits"), needed)
}

fn check_hard_limit(limits: &Path, needed: u64) -> Result<(), SandboxError> {
    let Some((_, hard)) = read_nofile(limits) else { return Ok(()) };
    match hard.parse::<u64>() {
        Ok(hard) if hard < needed => Err(SandboxError::FdLimit {
            message: format!(
                "needs an open-files limit of {needed}, but the hard limit is {hard} (checked before starting it)"
            ),
            limits: read_limits(limits).unwrap_or_else(|| "an unknown limit".to_owned()),
        }),
        _ => Ok(()), // enough, or "unlimited"
    }
}

/// Removes `ESC [ ... letter` sequences.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// This process's open-files limits (neard inherits them), e.g. `soft 1024, hard 4096`.
pub fn open_files_limits() -> String {
    read_limits(Path::new("/proc/self/limits")).unwrap_or_else(|| "an unknown limit".to_owned())
}

fn read_limits(path: &Path) -> Option<String> {
    let (soft, hard) = read_nofile(path)?;
    Some(format!("soft {soft}, hard {hard} open files"))
}

/// The soft and hard `Max open files` of a `/proc/PID/limits` file, as written.
fn read_nofile(path: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|line| line.starts_with("Max open files"))?;
    let mut fields = line["Max open files".len()..].split_whitespace();
    Some((fields.next()?.to_owned(), fields.next()?.to_owned()))
}

#[cfg(all(test, unix))]
mod tests;
