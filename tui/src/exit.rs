//! The exit-code contract, decided in one place (the binary's `main`) from error kinds:
//!
//! | code | meaning                                                          |
//! |------|------------------------------------------------------------------|
//! | 0    | ok                                                               |
//! | 1    | a call or transaction failed, or was not final (also: interrupted) |
//! | 2    | bad input: a file, scenario, wasm, argument or `--record` path    |
//! | 3    | engine or network failure (neard, the RPC, writing the recording, a crash) |
//!
//! Commands return their code when they did their work (0, or 1 when a call failed) and
//! `anyhow::Error`s otherwise; `main` alone prints and maps them ([`report`]). [`classify`] walks
//! each error's chain for a [`Failure`] (an explicit kind) or a known library error type
//! (`ScenarioError`, `FixtureError`, `SandboxError`, `FollowError`). Anything unknown is an
//! engine or system failure.
//!
//! Stopping a command by Ctrl-C, SIGTERM or SIGHUP ([`Interrupts`]) saves `--record` first. It
//! exits 1, except the headless servers (`serve --headless`, `watch --headless`): a signal is
//! how they are meant to stop, so it exits 0.

use crate::engine::rpc::FollowError;
use crate::engine::sandbox::SandboxError;
use crate::fixture::FixtureError;
use crate::scenario::ScenarioError;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What went wrong, as far as the exit code is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitKind {
    /// 0: everything asked for was done.
    Ok,
    /// 1: a call or transaction failed or was not final.
    Failed,
    /// 2: bad input (file, scenario, wasm, arguments).
    BadInput,
    /// 3: engine or network failure.
    Engine,
}

impl ExitKind {
    /// The process exit status.
    pub const fn code(self) -> u8 {
        match self {
            ExitKind::Ok => 0,
            ExitKind::Failed => 1,
            ExitKind::BadInput => 2,
            ExitKind::Engine => 3,
        }
    }

    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(self.code())
    }
}

/// An error with an explicit kind; `Display` is the one-line message.
#[derive(Debug)]
pub struct Failure {
    pub kind: ExitKind,
    pub message: String,
}

impl Failure {
    pub fn new(kind: ExitKind, message: impl Into<String>) -> Self {
        Failure { kind, message: message.into() }
    }

    pub fn bad_input(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Failure::new(ExitKind::BadInput, message))
    }

    pub fn failed(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Failure::new(ExitKind::Failed, message))
    }

    pub fn engine(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Failure::new(ExitKind::Engine, message))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The kind of `err`: the first cause in its chain that says.
pub fn classify(err: &anyhow::Error) -> ExitKind {
    err.chain().find_map(kind_of).unwrap_or(ExitKind::Engine)
}

fn kind_of(cause: &(dyn std::error::Error + 'static)) -> Option<ExitKind> {
    if let Some(failure) = cause.downcast_ref::<Failure>() {
        return Some(failure.kind);
    }
    if cause.is::<ScenarioError>() {
        return Some(ExitKind::BadInput);
    }
    if let Some(fixture) = cause.downcast_ref::<FixtureError>() {
        // Reading a file the user named is input; writing the recording is the system's.
        return Some(match fixture {
            FixtureError::Write { .. } => ExitKind::Engine,
            _ => ExitKind::BadInput,
        });
    }
    if let Some(follow) = cause.downcast_ref::<FollowError>() {
        // A transaction or account the node does not know is input; a failing node is the engine.
        return Some(if follow.is_network() { ExitKind::Engine } else { ExitKind::BadInput });
    }
    if cause.is::<SandboxError>() {
        return Some(ExitKind::Engine);
    }
    None
}

/// What `main` does with a command's result: an error is printed as one `nearviz: ` line on
/// `stderr` and mapped to its exit code ([`classify`]); a code is returned as it is.
pub fn report(result: anyhow::Result<ExitCode>, stderr: &mut impl std::io::Write) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(err) => {
            let _ = writeln!(stderr, "nearviz: {}", one_line(&err));
            classify(&err).exit_code()
        }
    }
}

/// The error and its causes joined by `: `, leaving out a cause the text before it already ends
/// with (errors that print their source themselves).
pub fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.ends_with(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// Ctrl-C (SIGINT), or on Unix SIGTERM or SIGHUP (the terminal closed), listened to from
/// [`Interrupts::listen`] until the listener is dropped: the session is then saved and neard
/// stopped before exiting.
///
/// One listener serves a whole command. A signal that arrives while nothing awaits
/// [`Interrupts::next`] (between two turns of a loop) waits in it for the next call. Once tokio
/// handles a signal it no longer kills the process, so a listener made afresh at each turn lost
/// such a signal and left the process running: a near-workspaces `tearDown` (one SIGINT) then
/// waited forever for `near-sandbox` to exit.
pub struct Interrupts {
    #[cfg(unix)]
    signals: Vec<(tokio::signal::unix::Signal, &'static str)>,
}

impl Interrupts {
    /// Starts listening; must be called inside the tokio runtime. A signal that cannot be
    /// listened to keeps its default action (it ends the process).
    pub fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let kinds = [
                (SignalKind::interrupt(), "Ctrl-C"),
                (SignalKind::terminate(), "SIGTERM"),
                (SignalKind::hangup(), "SIGHUP"),
            ];
            let signals = kinds
                .into_iter()
                .filter_map(|(kind, name)| Some((signal(kind).ok()?, name)))
                .collect();
            Interrupts { signals }
        }
        #[cfg(not(unix))]
        Interrupts {}
    }

    /// The name of the next signal received since listening began (cancel safe: a signal is
    /// taken only when this returns it).
    pub async fn next(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            let waits = self.signals.iter_mut().map(|(signal, name)| {
                Box::pin(async move {
                    signal.recv().await;
                    *name
                })
            });
            if waits.len() == 0 {
                return std::future::pending().await;
            }
            futures::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

/// Checks a `--record PATH` before any work starts: not a directory, its directory exists and
/// nearviz can create files there (a probe file is created and removed). One line on failure,
/// naming the path once.
pub fn check_record_path(path: &Path) -> Result<(), Failure> {
    let bad = |why: String| {
        Failure::new(ExitKind::BadInput, format!("--record {}: {why}", path.display()))
    };
    if path.as_os_str().is_empty() {
        return Err(Failure::new(ExitKind::BadInput, "--record needs a file name"));
    }
    if path.is_dir() {
        return Err(bad("is a directory; name a file".to_owned()));
    }
    let dir: PathBuf = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(bad("its directory does not exist".to_owned()));
    }
    if path.exists() && std::fs::OpenOptions::new().append(true).open(path).is_err() {
        // The recording replaces the file by rename, but a read-only file is a user's signal.
        return Err(bad("the file exists and is not writable".to_owned()));
    }
    tempfile::Builder::new()
        .prefix(".nearviz-probe-")
        .tempfile_in(&dir)
        .map(drop)
        .map_err(|err| bad(format!("cannot create files in its directory ({})", io_reason(&err))))
}

/// `Permission denied` without the `(os error 13)` tail.
pub fn io_reason(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_kinds_win_over_context() {
        let err = Failure::bad_input("no call named `x`").context("running");
        assert_eq!(classify(&err), ExitKind::BadInput);
        let err = anyhow::anyhow!("something odd");
        assert_eq!(classify(&err), ExitKind::Engine);
        let err = Failure::failed("not final");
        assert_eq!(classify(&err), ExitKind::Failed);
    }

    #[test]
    fn library_errors_have_kinds() {
        let path = PathBuf::from("x.json");
        let read = FixtureError::Invalid { path: path.clone(), what: "bad".into() };
        assert_eq!(classify(&anyhow::Error::new(read)), ExitKind::BadInput);
        let source = std::io::Error::other("disk full");
        let write = FixtureError::Write { path, source };
        assert_eq!(classify(&anyhow::Error::new(write)), ExitKind::Engine);
        let sandbox = SandboxError::setup("creating hello.test.near", "rpc error");
        assert_eq!(classify(&anyhow::Error::new(sandbox)), ExitKind::Engine);
    }

    #[test]
    fn a_transaction_the_node_does_not_know_is_input_a_failing_node_is_the_engine() {
        let tx = crate::chain::TxHash(Default::default());
        let url = "http://127.0.0.1:1".to_owned();
        let not_found = FollowError::NotFound { tx, url: url.clone(), secs: 1.0 };
        assert_eq!(classify(&anyhow::Error::new(not_found)), ExitKind::BadInput);
        let rpc = |name: &str| FollowError::Rpc {
            tx,
            url: url.clone(),
            count: 3,
            name: name.to_owned(),
            message: "boom".to_owned(),
        };
        let unknown = anyhow::Error::new(rpc("UNKNOWN_TRANSACTION")).context("following");
        assert_eq!(classify(&unknown), ExitKind::BadInput);
        assert_eq!(classify(&anyhow::Error::new(rpc("UNREACHABLE"))), ExitKind::Engine);
        let timeout = FollowError::Timeout { tx, secs: 60.0, last: "INCLUDED".to_owned() };
        assert_eq!(classify(&anyhow::Error::new(timeout)), ExitKind::Engine);
    }

    #[test]
    fn report_prints_one_line_and_maps_the_kind() {
        let mut stderr = Vec::new();
        let io = std::io::Error::other("disk full");
        let write = FixtureError::Write { path: PathBuf::from("out.json"), source: io };
        let err = anyhow::Error::new(write).context("saving");
        assert_eq!(report(Err(err), &mut stderr), ExitKind::Engine.exit_code());
        let text = String::from_utf8(stderr).expect("utf-8");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.starts_with("nearviz: saving: "), "{text}");
        assert_eq!(text.matches("disk full").count(), 1, "the source once: {text}");
        let mut quiet = Vec::new();
        assert_eq!(report(Ok(ExitCode::from(1)), &mut quiet), ExitCode::from(1));
        assert!(quiet.is_empty());
    }

    #[test]
    fn record_path_checks_name_the_path_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(check_record_path(&dir.path().join("ok.json")).is_ok());
        let missing = dir.path().join("nope/out.json");
        let err = check_record_path(&missing).expect_err("missing dir");
        let text = err.to_string();
        assert_eq!(text.matches(&missing.display().to_string()).count(), 1, "{text}");
        assert!(text.ends_with("its directory does not exist"), "{text}");
        let err = check_record_path(dir.path()).expect_err("a directory");
        assert!(err.to_string().contains("is a directory"), "{err}");
        assert_eq!(err.kind, ExitKind::BadInput);
    }
}
