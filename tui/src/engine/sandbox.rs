//! The sandbox engine: a real neard through near-workspaces.
//!
//! ```text
//! boot:  binary (NEAR_SANDBOX_BIN_PATH | download) ─▶ node (neard init + run, logs to a file)
//!        ─▶ near-workspaces connects ─▶ accounts + deploys ─▶ init calls ─▶ Ready
//! run:   Send(call) ─▶ transact_async ─▶ TxSubmitted ─▶ rpc::follow_tx (one task per call)
//!        ─▶ TxPoll / Block / TxDone as the node executes it; several calls in flight at once
//! stop:  Shutdown, a closed channel, or the app's runtime ending kills neard (the engine task
//!        owns the process; dropping it kills too, so a panic never leaves a node behind)
//! ```

mod binary;
mod error;
mod node;
mod setup;

pub use binary::{
    find_local, find_local_with, prebuilt_platform, BinarySource, NeardBinary, BIN_ENV,
};
pub use error::{SandboxError, NO_BINARY_HINT};
pub use node::{open_files_limits, Node, FD_LIMIT_MESSAGE};
pub use setup::{connect, Deployment, SetupTimings};

use crate::chain::ChainEvent;
use crate::engine::rpc::{follow_tx, FollowOptions, RpcClient};
use crate::engine::{EngineCommand, EngineEvent, EngineHandle, EngineId, EngineInfo, EngineSide};
use crate::scenario::{Call, Scenario};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// How often the newest block is fetched while calls are in flight (blocks: ~125 ms).
const HEAD_POLL: Duration = Duration::from_millis(100);

/// How the sandbox engine runs.
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// neard's output goes here (truncated at start), never to the terminal.
    pub neard_log: PathBuf,
    /// Why this engine was chosen (shown in the header).
    pub reason: Option<String>,
    /// Polling of each sent transaction.
    pub follow: FollowOptions,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self { neard_log: default_log_path(), reason: None, follow: FollowOptions::default() }
    }
}

/// `<data dir>/logs/neard.log` (e.g. `~/.local/share/nearviz/logs/neard.log`), else a temp file.
pub fn default_log_path() -> PathBuf {
    directories::ProjectDirs::from("", "", "nearviz")
        .map(|dirs| dirs.data_local_dir().join("logs"))
        .unwrap_or_else(std::env::temp_dir)
        .join("neard.log")
}

/// Starts the engine task: it boots the node, reports progress, then serves commands.
pub fn spawn(scenario: Scenario, opts: SandboxOptions) -> EngineHandle {
    let (side, commands, events) = EngineHandle::channels();
    let task = tokio::spawn(run(scenario, opts, side));
    EngineHandle { commands, events, task }
}

/// A booted sandbox: the node process and the scenario deployed on it.
pub struct Booted {
    pub node: Node,
    pub deployment: Deployment,
    /// From start to neard answering on its RPC (`neard init` + `neard run`).
    pub node_start: Duration,
}

/// Binary, node, accounts, contracts, init calls. `progress` gets one line per step.
pub async fn boot(
    scenario: &Scenario,
    neard_log: &std::path::Path,
    progress: &(dyn Fn(String) + Sync),
) -> Result<Booted, SandboxError> {
    let binary = binary::obtain(progress).await?;
    progress(format!("starting neard ({}), log: {}…", binary.path.display(), neard_log.display()));
    let started = Instant::now();
    let node = Node::start(&binary.path, neard_log).await?;
    let node_start = started.elapsed();
    progress(format!(
        "neard up at {} (protocol {}) in {:.2} s",
        node.rpc_url,
        node.protocol_version,
        node_start.as_secs_f64()
    ));
    let worker = setup::connect(&node).await?;
    let deployment = Deployment::create(worker, scenario, progress).await?;
    let timings = deployment.timings;
    progress(format!(
        "accounts and contracts in {:.2} s, init in {:.2} s",
        timings.accounts.as_secs_f64(),
        timings.init.as_secs_f64()
    ));
    Ok(Booted { node, deployment, node_start })
}

async fn run(scenario: Scenario, opts: SandboxOptions, mut side: EngineSide) {
    let events = side.events.clone();
    let progress = move |line: String| {
        tracing::info!(target: "nearviz::sandbox", "{line}");
        // Progress lines may be dropped when the app is behind; chain events never are.
        let _ = events.try_send(EngineEvent::Progress(line));
    };
    let booting = boot(&scenario, &opts.neard_log, &progress);
    let booted = tokio::select! {
        booted = booting => booted,
        // Quit while booting: dropping the boot future kills a started neard.
        _ = wait_for_shutdown(&mut side.commands, &side.events) => return,
    };
    let Booted { mut node, deployment, .. } = match booted {
        Ok(booted) => booted,
        Err(err) => {
            let _ = side.events.send(EngineEvent::Down(err.to_string())).await;
            return;
        }
    };
    let client = match RpcClient::new(&node.rpc_url) {
        Ok(client) => client,
        Err(err) => {
            let _ = side.events.send(EngineEvent::Down(err.to_string())).await;
            node.shutdown().await;
            return;
        }
    };
    let info = EngineInfo {
        id: EngineId::Sandbox,
        reason: opts.reason.clone(),
        protocol_version: Some(node.protocol_version),
        manual_blocks: false,
    };
    if side.events.send(EngineEvent::Ready(info)).await.is_err() {
        node.shutdown().await;
        return;
    }

    let session = Session {
        deployment,
        client,
        events: side.events.clone(),
        follow: opts.follow.clone(),
        started: Instant::now(),
    };
    let mut followers = JoinSet::new();
    let mut head = None;
    session.report_head(&mut head).await;
    let mut head_tick = tokio::time::interval(HEAD_POLL);
    head_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let down = loop {
        tokio::select! {
            command = side.commands.recv() => match command {
                None | Some(EngineCommand::Shutdown) => break None,
                Some(EngineCommand::Send(call)) => session.send(call, &mut followers).await,
                Some(EngineCommand::ProduceBlock | EngineCommand::SetManualBlocks(_)) => {
                    let line = "the sandbox makes a block every ~125 ms by itself; \
                                blocks on demand need --engine embedded";
                    let _ = side.events.try_send(EngineEvent::Progress(line.to_owned()));
                }
            },
            reason = node.exited() => break Some(reason),
            _ = head_tick.tick(), if !followers.is_empty() => session.report_head(&mut head).await,
            Some(_) = followers.join_next(), if !followers.is_empty() => {}
        }
    };
    followers.abort_all();
    match down {
        Some(reason) => {
            let _ = side.events.send(EngineEvent::Down(reason)).await;
        }
        None => node.shutdown().await,
    }
}

/// Resolves on `Shutdown` or when the app drops its end; calls sent meanwhile are refused.
async fn wait_for_shutdown(
    commands: &mut mpsc::Receiver<EngineCommand>,
    events: &mpsc::Sender<EngineEvent>,
) {
    while let Some(command) = commands.recv().await {
        match command {
            EngineCommand::Shutdown => return,
            EngineCommand::Send(call) => {
                let error = "the sandbox is still starting".to_owned();
                let _ = events.send(EngineEvent::CallFailed { call: call.name, error }).await;
            }
            other => tracing::debug!(command = ?other, "ignored while the sandbox boots"),
        }
    }
}

/// What the running engine needs to send and follow calls.
struct Session {
    deployment: Deployment,
    client: RpcClient,
    events: mpsc::Sender<EngineEvent>,
    follow: FollowOptions,
    started: Instant,
}

impl Session {
    /// Sends the header of the newest block when the chain has moved on since `last` (while
    /// calls are in flight: the header's block number and block time stay live).
    async fn report_head(&self, last: &mut Option<u64>) {
        let raw = match self.client.call("block", json!({ "finality": "optimistic" })).await {
            Ok(raw) => raw,
            Err(err) => return tracing::debug!(%err, "head block"),
        };
        match crate::engine::rpc::block_header(&raw) {
            Ok(header) if last.is_none_or(|height| header.height > height) => {
                *last = Some(header.height);
                let _ =
                    self.events.send(EngineEvent::Chain(ChainEvent::Block(Box::new(header)))).await;
            }
            Ok(_) => {}
            Err(err) => tracing::debug!(%err, "head block"),
        }
    }

    /// Sends `call` and starts following it; a failure to send is reported, not fatal.
    async fn send(&self, call: Call, followers: &mut JoinSet<()>) {
        let failed = |error: String| EngineEvent::CallFailed { call: call.name.clone(), error };
        let resolved = match call.resolve() {
            Ok(resolved) => resolved,
            Err(err) => {
                let _ = self.events.send(failed(err.to_string())).await;
                return;
            }
        };
        let sent_at = tokio::time::Instant::now();
        let tx = match self.deployment.send(&resolved).await {
            Ok(tx) => tx,
            Err(err) => {
                let _ = self.events.send(failed(format!("not sent: {err}"))).await;
                return;
            }
        };
        let at_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let submitted = ChainEvent::TxSubmitted {
            tx,
            sender: resolved.signer.clone(),
            label: call.name.clone(),
            at_ms,
        };
        if self.events.send(EngineEvent::Chain(submitted)).await.is_err() {
            return;
        }
        let (client, events, follow) =
            (self.client.clone(), self.events.clone(), self.follow.clone());
        followers.spawn(async move {
            if let Err(err) = follow_tx(client, tx, resolved.signer, sent_at, events, follow).await
            {
                tracing::warn!(%tx, %err, "stopped following");
            }
        });
    }
}
