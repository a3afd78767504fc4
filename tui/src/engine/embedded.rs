//! The embedded engine: the in-process NEAR runtime (`nearviz-runtime`) driven from a thread of
//! its own, speaking `EngineEvent`s like every other engine.
//!
//! ```text
//! boot:  test.near (genesis) ─▶ accounts + deploys (txs) ─▶ init calls ─▶ Ready
//! run:   Send(call) ─▶ submit ─▶ TxSubmitted, TxPoll(Unknown)
//!        Send(sequence) ─▶ step 1 now, step k into the block H(k-1) + after_blocks (exact)
//!        each block ─▶ Block(header) for new outcome blocks ─▶ TxPoll when changed ─▶ TxDone at FINAL
//! pace:  a block every `interval` | one per ProduceBlock (manual) | back to back while work is
//!        pending (headless)
//! ```

pub(crate) mod boot;
mod follow;
mod report;
pub(crate) use report::{millis, Tracked};
#[cfg(test)]
mod tests;

use crate::engine::{EngineCommand, EngineEvent, EngineHandle, EngineId, EngineInfo, EngineSide};
use crate::scenario::Scenario;
use follow::Followers;
use nearviz_runtime::{Runtime, RuntimeOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::error::TryRecvError;

/// Default time between blocks, close to the sandbox's.
pub const DEFAULT_BLOCK_INTERVAL: Duration = Duration::from_millis(125);

/// When blocks are produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pacing {
    /// One block every interval, like a node.
    Timer(Duration),
    /// One block per `EngineCommand::ProduceBlock`.
    Manual,
    /// Back to back while a transaction is in flight (headless runs), idle otherwise.
    AsFastAsPossible,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing::Timer(DEFAULT_BLOCK_INTERVAL)
    }
}

/// How the embedded engine runs.
#[derive(Clone, Debug, Default)]
pub struct EmbeddedOptions {
    /// Protocol version (`None`: the runtime's default, 86, the one it models completely).
    pub protocol_version: Option<u32>,
    pub pacing: Pacing,
    /// Why this engine was chosen (shown in the header).
    pub reason: Option<String>,
    /// Where compiled contracts are kept between runs (`None`: a temporary directory).
    pub cache_dir: Option<PathBuf>,
    /// Fork a network: the chain starts from its block, its state read lazily.
    pub fork: Option<crate::fork::ForkPoint>,
}

/// `<cache dir>/nearviz/contracts` when the platform has one.
pub fn default_cache_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "nearviz").map(|dirs| dirs.cache_dir().join("contracts"))
}

/// Starts the engine on a blocking thread: it deploys the scenario, reports `Ready`, then
/// serves commands and produces blocks.
pub fn spawn(scenario: Scenario, opts: EmbeddedOptions) -> EngineHandle {
    let (side, commands, events) = EngineHandle::channels();
    let task = tokio::task::spawn_blocking(move || run(&scenario, &opts, side));
    EngineHandle { commands, events, task }
}

fn run(scenario: &Scenario, opts: &EmbeddedOptions, mut side: EngineSide) {
    let progress = |line: String| {
        tracing::info!(target: "nearviz::embedded", "{line}");
        let _ = side.events.try_send(EngineEvent::Progress(line));
    };
    let mut options = RuntimeOptions {
        protocol_version: opts.protocol_version,
        cache_dir: opts.cache_dir.clone(),
        ..RuntimeOptions::default()
    };
    if let Some(fork) = &opts.fork {
        fork.apply(&mut options);
    }
    let mut runtime = match Runtime::new(options) {
        Ok(runtime) => runtime,
        Err(err) => {
            let _ =
                side.events.blocking_send(EngineEvent::Down(format!("embedded runtime: {err}")));
            return;
        }
    };
    if let Err(err) = boot::deploy(&mut runtime, scenario, &progress) {
        let _ = side.events.blocking_send(EngineEvent::Down(err));
        return;
    }
    let mut pacing = opts.pacing;
    let info = EngineInfo {
        id: EngineId::Embedded,
        reason: opts.reason.clone(),
        protocol_version: Some(runtime.protocol_version()),
        manual_blocks: pacing == Pacing::Manual,
        fork_height: opts.fork.as_ref().map(|f| f.header.height),
    };
    if side.events.blocking_send(EngineEvent::Ready(info)).is_err() {
        return;
    }
    let mut followers = Followers::new(side.events.clone());
    let mut next_block = Instant::now() + interval_of(pacing);
    loop {
        let command = match pacing {
            Pacing::Manual => side.commands.blocking_recv().ok_or(TryRecvError::Disconnected),
            Pacing::AsFastAsPossible if followers.is_empty() => {
                side.commands.blocking_recv().ok_or(TryRecvError::Disconnected)
            }
            _ => side.commands.try_recv(),
        };
        let running = match command {
            Ok(EngineCommand::Shutdown) | Err(TryRecvError::Disconnected) => false,
            Ok(EngineCommand::Send(call)) => {
                followers.send(&mut runtime, &call);
                true
            }
            Ok(EngineCommand::ProduceBlock) => followers.block(&mut runtime),
            Ok(EngineCommand::SetManualBlocks(manual)) => {
                pacing = match (manual, pacing) {
                    (true, _) => Pacing::Manual,
                    (false, Pacing::Manual) => Pacing::Timer(DEFAULT_BLOCK_INTERVAL),
                    (false, other) => other,
                };
                next_block = Instant::now() + interval_of(pacing);
                true
            }
            Err(TryRecvError::Empty) => match pacing {
                Pacing::AsFastAsPossible => followers.block(&mut runtime),
                Pacing::Timer(interval) => {
                    let now = Instant::now();
                    if now >= next_block {
                        next_block = (next_block + interval).max(now);
                        followers.block(&mut runtime)
                    } else {
                        std::thread::sleep((next_block - now).min(Duration::from_millis(5)));
                        true
                    }
                }
                Pacing::Manual => true,
            },
        };
        // Headless runs make blocks back to back: their events go out once per call.
        followers.flush(running && pacing == Pacing::AsFastAsPossible);
        if !running {
            return;
        }
    }
}

fn interval_of(pacing: Pacing) -> Duration {
    match pacing {
        Pacing::Timer(interval) => interval,
        _ => Duration::ZERO,
    }
}
