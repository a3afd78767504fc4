//! Why the sandbox could not start or stopped, each in one line that says what to do.

use std::path::PathBuf;
use thiserror::Error;

/// What users are told to do when no neard can be had.
pub const NO_BINARY_HINT: &str = "set NEAR_SANDBOX_BIN_PATH to a neard built with the sandbox \
                                  feature, or use --engine embedded";

#[derive(Debug, Error)]
pub enum SandboxError {
    /// No neard binary and none could be downloaded.
    #[error("no neard binary: {reason}; {NO_BINARY_HINT}")]
    NoBinary { reason: String },
    /// near-sandbox has no prebuilt binary for this OS/architecture.
    #[error(
        "no prebuilt neard sandbox for {platform} (only Linux x86_64/aarch64 and macOS arm64): \
         build neard with `--features sandbox` and set NEAR_SANDBOX_BIN_PATH, or use --engine embedded"
    )]
    UnsupportedPlatform { platform: String },
    /// neard exits at once when it cannot raise its open-files limit (NEAR-FACTS 17).
    #[error(
        "neard: {message} (this shell allows {limits}). Raise the open-files limit: `ulimit -n 65535` \
         (needs a hard limit of 65535: /etc/security/limits.conf, `docker run --ulimit \
         nofile=65535:65535`, `sudo launchctl limit maxfiles 65536 200000` on macOS), \
         or use --engine embedded"
    )]
    FdLimit { message: String, limits: String },
    /// neard stopped during start-up; `last_line` holds the last lines of its log, joined.
    #[error("neard {step} failed ({status}): {last_line} (full log: {})", log.display())]
    NodeFailed { step: &'static str, status: String, last_line: String, log: PathBuf },
    /// neard did not answer on its RPC port in time.
    #[error(
        "neard did not answer at {url} within {secs} s ({attempts} status requests; last: {last_error}) (log: {})",
        log.display()
    )]
    StartTimeout { url: String, secs: u64, attempts: u32, last_error: String, log: PathBuf },
    /// Another process took neard's ports, on every attempt.
    #[error(
        "neard could not bind {addr}: the port was taken by another process ({attempts} attempts \
         with fresh ports; log: {})",
        log.display()
    )]
    PortTaken { addr: String, attempts: u32, log: PathBuf },
    /// A boot step that did not finish in time.
    #[error("the sandbox hung while {step}: no result within {secs} s")]
    Hung { step: &'static str, secs: u64 },
    /// Creating accounts, deploying or initialising failed.
    #[error("setting up the scenario failed: {step}: {message}")]
    Setup { step: String, message: String },
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl SandboxError {
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> SandboxError {
        let what = what.into();
        move |source| SandboxError::Io { what, source }
    }

    /// A set-up step failed; the message (an RPC error may span lines) is made one line.
    pub(crate) fn setup(step: impl Into<String>, message: impl ToString) -> SandboxError {
        let message = message.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
        SandboxError::Setup { step: step.into(), message }
    }
}
