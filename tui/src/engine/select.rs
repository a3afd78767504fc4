//! Choosing and starting an engine for `--engine auto|sandbox|embedded`, with the one-line
//! reason the header shows.
//!
//! `auto` picks the sandbox when a neard binary is at hand without the network
//! (`NEAR_SANDBOX_BIN_PATH`, or one downloaded before), else the embedded runtime. When an `auto`
//! sandbox fails to boot (open-files limit, broken binary...), the embedded runtime takes over and
//! the reason says why.

use super::embedded::{self, EmbeddedOptions, Pacing};
use super::sandbox::{self, BinarySource, NeardBinary, SandboxOptions, BIN_ENV};
use super::{EngineCommand, EngineEvent, EngineHandle, EngineKind};
use crate::scenario::Scenario;

/// Options of every engine `start` may pick.
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    pub sandbox: SandboxOptions,
    /// Protocol version of the embedded runtime (`None`: its latest).
    pub protocol_version: Option<u32>,
    /// Block pacing of the embedded runtime (timer by default; as fast as possible headless).
    pub embedded_pacing: Pacing,
    /// Fork a network (`--fork`): the embedded runtime starts from its block.
    pub fork: Option<crate::fork::ForkPoint>,
}

/// The engine that will run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Chosen {
    Sandbox,
    Embedded,
}

/// What `--engine` resolved to, and why (one line, for the header).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Choice {
    pub engine: Chosen,
    pub reason: String,
    /// `auto` chose the sandbox: fall back to embedded if it cannot boot.
    pub fallback: bool,
}

/// Decides from `--engine` and what `sandbox::find_local()` found.
pub fn choose(kind: EngineKind, local: Result<NeardBinary, String>) -> Choice {
    let (engine, reason, fallback) = match (kind, local) {
        (EngineKind::Sandbox, _) => (Chosen::Sandbox, "--engine sandbox".to_owned(), false),
        (EngineKind::Embedded, _) => (Chosen::Embedded, "--engine embedded".to_owned(), false),
        (EngineKind::Auto, Ok(NeardBinary { path, source })) => {
            let whence = match source {
                BinarySource::EnvVar => BIN_ENV.to_owned(),
                BinarySource::Download => "downloaded earlier".to_owned(),
            };
            (Chosen::Sandbox, format!("auto: neard at {} ({whence})", path.display()), true)
        }
        (EngineKind::Auto, Err(why)) => (
            Chosen::Embedded,
            format!("auto: no neard binary ({why}); set {BIN_ENV} or use --engine sandbox for a real node"),
            false,
        ),
    };
    Choice { engine, reason, fallback }
}

/// Picks the engine for `kind` and starts it (inside a tokio runtime).
pub fn start(kind: EngineKind, scenario: Scenario, opts: StartOptions) -> EngineHandle {
    if let Some(fork) = &opts.fork {
        // Only the embedded runtime forks (`nearviz::fork::check_engine` refuses a sandbox).
        let reason = fork.describe();
        return start_embedded(scenario, &opts, reason);
    }
    let choice = choose(kind, sandbox::find_local());
    tracing::info!(engine = ?choice.engine, reason = %choice.reason, "engine chosen");
    start_choice(choice, scenario, opts)
}

/// Starts what `choice` says.
pub fn start_choice(choice: Choice, scenario: Scenario, opts: StartOptions) -> EngineHandle {
    match choice.engine {
        Chosen::Embedded => start_embedded(scenario, &opts, choice.reason),
        Chosen::Sandbox if !choice.fallback => {
            let sandbox_opts =
                SandboxOptions { reason: Some(choice.reason), ..opts.sandbox.clone() };
            sandbox::spawn(scenario, sandbox_opts)
        }
        Chosen::Sandbox => with_fallback(scenario, opts, choice.reason),
    }
}

fn start_embedded(scenario: Scenario, opts: &StartOptions, reason: String) -> EngineHandle {
    let embedded_opts = EmbeddedOptions {
        protocol_version: opts.protocol_version,
        pacing: opts.embedded_pacing,
        reason: Some(reason),
        cache_dir: embedded::default_cache_dir(),
        fork: opts.fork.clone(),
    };
    embedded::spawn(scenario, embedded_opts)
}

/// An `auto` sandbox: if it goes down before it is ready, the embedded runtime replaces it and
/// the app sees one engine. Commands and events are relayed to whichever engine runs.
fn with_fallback(scenario: Scenario, opts: StartOptions, reason: String) -> EngineHandle {
    let (mut side, commands, events) = EngineHandle::channels();
    let sandbox_opts = SandboxOptions { reason: Some(reason), ..opts.sandbox.clone() };
    let mut inner = sandbox::spawn(scenario.clone(), sandbox_opts);
    let task = tokio::spawn(async move {
        let mut ready = false;
        let mut fell_back = false;
        loop {
            tokio::select! {
                command = side.commands.recv() => {
                    let stop = matches!(command, None | Some(EngineCommand::Shutdown));
                    let _ = inner.commands.send(command.unwrap_or(EngineCommand::Shutdown)).await;
                    if stop {
                        let _ = (&mut inner.task).await;
                        return;
                    }
                }
                event = inner.events.recv() => {
                    let Some(event) = event else { return };
                    let event = match event {
                        EngineEvent::Down(error) if !ready && !fell_back => {
                            fell_back = true;
                            let line = format!("the sandbox failed: {error}");
                            let _ = side.events.send(EngineEvent::Progress(line)).await;
                            let reason = format!(
                                "auto: the sandbox failed ({}); embedded runtime instead",
                                first_clause(&error)
                            );
                            inner = start_embedded(scenario.clone(), &opts, reason);
                            continue;
                        }
                        EngineEvent::Ready(info) => {
                            ready = true;
                            EngineEvent::Ready(info)
                        }
                        other => other,
                    };
                    if side.events.send(event).await.is_err() {
                        let _ = inner.commands.send(EngineCommand::Shutdown).await;
                        let _ = (&mut inner.task).await;
                        return;
                    }
                }
            }
        }
    });
    EngineHandle { commands, events, task }
}

/// `neard: couldn't set ... (this shell allows ...). Raise ...` -> `neard: couldn't set ...`.
fn first_clause(error: &str) -> &str {
    let end = [" (", "; ", ". "].iter().filter_map(|sep| error.find(sep)).min();
    end.map_or(error, |end| &error[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn auto_without_binary_is_embedded_with_the_reason() {
        let choice = choose(EngineKind::Auto, Err("NEAR_SANDBOX_BIN_PATH is unset".to_owned()));
        assert_eq!(choice.engine, Chosen::Embedded);
        assert_eq!(
            choice.reason,
            "auto: no neard binary (NEAR_SANDBOX_BIN_PATH is unset); set NEAR_SANDBOX_BIN_PATH \
             or use --engine sandbox for a real node"
        );
        assert!(!choice.reason.contains('\n'));
    }

    #[test]
    fn auto_with_binary_is_sandbox_with_fallback() {
        let binary =
            NeardBinary { path: PathBuf::from("/opt/neard"), source: BinarySource::EnvVar };
        let choice = choose(EngineKind::Auto, Ok(binary));
        assert_eq!(choice.engine, Chosen::Sandbox);
        assert_eq!(choice.reason, "auto: neard at /opt/neard (NEAR_SANDBOX_BIN_PATH)");
        assert!(choice.fallback);
    }

    #[test]
    fn fallback_reason_is_short() {
        let error = "neard: couldn't set the file descriptor limit to 65535, hard limit = 20000 \
                     (this shell allows soft 20000, hard 20000 open files). Raise it";
        assert_eq!(
            first_clause(error),
            "neard: couldn't set the file descriptor limit to 65535, hard limit = 20000"
        );
        assert_eq!(first_clause("no neard binary: x; set it"), "no neard binary: x");
        assert_eq!(first_clause("plain"), "plain");
    }

    #[test]
    fn explicit_choices_are_kept() {
        let none = || Err("NEAR_SANDBOX_BIN_PATH is unset".to_owned());
        let sandbox = choose(EngineKind::Sandbox, none());
        assert_eq!((sandbox.engine, sandbox.fallback), (Chosen::Sandbox, false));
        assert_eq!(sandbox.reason, "--engine sandbox");
        let embedded = choose(EngineKind::Embedded, none());
        assert_eq!(embedded.engine, Chosen::Embedded);
    }
}
