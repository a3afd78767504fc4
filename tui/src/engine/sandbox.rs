//! The sandbox engine: a real neard through near-workspaces.
//!
//! ```text
//! boot:  open-files check ─▶ reap a neard orphaned by a `kill -9` of nearviz (orphan.rs)
//!        ─▶ binary (NEAR_SANDBOX_BIN_PATH | download) ─▶ node (neard init + run, logs to a file,
//!        recorded in a state file) ─▶ near-workspaces connects ─▶ accounts + deploys
//!        ─▶ init calls ─▶ Ready                 (each step that can hang has a deadline)
//! run:   Send(call) ─▶ transact_async ─▶ TxSubmitted ─▶ rpc::follow_tx (one task per call)
//!        ─▶ TxPoll / Block / TxDone as the node executes it; several calls in flight at once
//!        Send(sequence): step 1 at once, step k by `CallStep::due` (the embedded engine's rule):
//!        once a transaction sent now lands in H(k-1) + after_blocks at the earliest, H being
//!        the block that included step k-1, or the one it is expected in; the lag from sending
//!        to inclusion is measured (steps.rs). The node picks the including block, so a step
//!        may still land late: a Progress line says where each step landed and any slip
//! stop:  Shutdown, a closed channel, or the app's runtime ending kills neard (the engine task
//!        owns the process; dropping it kills too, so a panic never leaves a node behind)
//! ```

mod binary;
mod error;
mod node;
pub mod orphan;
mod setup;
mod steps;

pub use binary::{
    find_local, find_local_with, prebuilt_platform, BinarySource, NeardBinary, BIN_ENV,
};
pub use error::{SandboxError, NO_BINARY_HINT};
pub use node::{
    check_open_files, last_lines, open_files_limits, Node, FD_LIMIT_MESSAGE, NEARD_NOFILE,
    NOFILE_ENV,
};
pub use setup::{connect, Deployment, SetupTimings};

use crate::chain::{ChainEvent, TxStatusReply};
use crate::engine::rpc::{follow_tx, FollowOptions, RpcClient};
use crate::engine::EventSender;
use crate::engine::{EngineCommand, EngineEvent, EngineHandle, EngineId, EngineInfo, EngineSide};
use crate::scenario::{Call, CallStep, Scenario};
use serde_json::json;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use steps::{Lag, Queued, Sent};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// How often the newest block is fetched while calls are in flight (blocks: ~125 ms).
const HEAD_POLL: Duration = Duration::from_millis(100);
/// How often while a sequence has steps to send or place: a step has one block to be sent in.
const STEP_POLL: Duration = Duration::from_millis(20);
/// Blocks after which a sent step that no block included is given up (~25 s).
const GIVE_UP_BLOCKS: u64 = 200;
/// Deadline for near-workspaces to connect to a node that already answers its RPC.
const CONNECT_DEADLINE: Duration = Duration::from_secs(30);
/// Deadline for creating every account and running the init calls (each transaction also has
/// its own, in `setup`).
const DEPLOY_DEADLINE: Duration = Duration::from_secs(120);

/// How the sandbox engine runs.
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// neard's output goes here (truncated at start), never to the terminal.
    pub neard_log: PathBuf,
    /// Why this engine was chosen (shown in the header).
    pub reason: Option<String>,
    /// Polling of each sent transaction.
    pub follow: FollowOptions,
    /// Where running nodes are recorded, so that a later start reaps one orphaned by a
    /// `kill -9` of nearviz.
    pub state_dir: PathBuf,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            neard_log: default_log_path(),
            reason: None,
            follow: FollowOptions::default(),
            state_dir: orphan::default_state_dir(),
        }
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
    boot_with(scenario, neard_log, &orphan::default_state_dir(), progress).await
}

/// `boot` with the directory of the node state files (`SandboxOptions::state_dir`).
pub async fn boot_with(
    scenario: &Scenario,
    neard_log: &std::path::Path,
    state_dir: &std::path::Path,
    progress: &(dyn Fn(String) + Sync),
) -> Result<Booted, SandboxError> {
    check_open_files()?;
    for line in orphan::reap(state_dir) {
        tracing::warn!(target: "nearviz::sandbox", "{line}");
        progress(line);
    }
    let binary = binary::obtain(progress).await?;
    progress(format!("starting neard ({}), log: {}…", binary.path.display(), neard_log.display()));
    let started = Instant::now();
    let node = Node::start(&binary.path, neard_log, Some(state_dir)).await?;
    let node_start = started.elapsed();
    progress(format!(
        "neard up at {} (protocol {}) in {:.2} s",
        node.rpc_url,
        node.protocol_version,
        node_start.as_secs_f64()
    ));
    let worker =
        deadline("connecting near-workspaces", CONNECT_DEADLINE, setup::connect(&node)).await?;
    let deploying = Deployment::create(worker, scenario, progress);
    let deployment =
        deadline("creating accounts and contracts", DEPLOY_DEADLINE, deploying).await?;
    let timings = deployment.timings;
    progress(format!(
        "accounts and contracts in {:.2} s, init in {:.2} s",
        timings.accounts.as_secs_f64(),
        timings.init.as_secs_f64()
    ));
    Ok(Booted { node, deployment, node_start })
}

/// `step` with a deadline: a boot step that hangs becomes `SandboxError::Hung`.
async fn deadline<T>(
    step: &'static str,
    limit: Duration,
    work: impl std::future::Future<Output = Result<T, SandboxError>>,
) -> Result<T, SandboxError> {
    tokio::time::timeout(limit, work)
        .await
        .unwrap_or(Err(SandboxError::Hung { step, secs: limit.as_secs() }))
}

async fn run(scenario: Scenario, opts: SandboxOptions, mut side: EngineSide) {
    let events = side.events.clone();
    let progress = move |line: String| {
        tracing::info!(target: "nearviz::sandbox", "{line}");
        // Progress lines may be dropped when the app is behind; chain events never are.
        let _ = events.try_send(EngineEvent::Progress(line));
    };
    let booting = boot_with(&scenario, &opts.neard_log, &opts.state_dir, &progress);
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
        fork_height: None,
    };
    if side.events.send(EngineEvent::Ready(info)).await.is_err() {
        node.shutdown().await;
        return;
    }

    let link = NodeLink {
        deployment,
        client,
        events: side.events.clone(),
        follow: opts.follow.clone(),
        started: Instant::now(),
    };
    let mut followers = JoinSet::new();
    let mut queued: Vec<Queued> = Vec::new();
    let mut lag = Lag::default();
    let mut head = None;
    link.report_head(&mut head).await;
    let mut next_poll = tokio::time::Instant::now();
    let down = loop {
        tokio::select! {
            command = side.commands.recv() => match command {
                None | Some(EngineCommand::Shutdown) => break None,
                Some(EngineCommand::Send(call)) => {
                    // A fresh head: a sequence's steps are timed from it.
                    link.report_head(&mut head).await;
                    if let Some(q) = link.send(call, head, &mut followers).await {
                        queued.push(q);
                        link.advance(&mut queued, head, &mut lag, &mut followers).await;
                    }
                }
                Some(EngineCommand::ProduceBlock | EngineCommand::SetManualBlocks(_)) => {
                    let line = "the sandbox makes a block every ~125 ms by itself; \
                                blocks on demand need --engine embedded";
                    let _ = side.events.try_send(EngineEvent::Progress(line.to_owned()));
                }
            },
            reason = node.exited() => break Some(reason),
            _ = tokio::time::sleep_until(next_poll),
                if !followers.is_empty() || !queued.is_empty() => {
                link.report_head(&mut head).await;
                link.advance(&mut queued, head, &mut lag, &mut followers).await;
                let every = if queued.is_empty() { HEAD_POLL } else { STEP_POLL };
                next_poll = tokio::time::Instant::now() + every;
            }
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
async fn wait_for_shutdown(commands: &mut mpsc::Receiver<EngineCommand>, events: &EventSender) {
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
struct NodeLink {
    deployment: Deployment,
    client: RpcClient,
    events: EventSender,
    follow: FollowOptions,
    started: Instant,
}

impl NodeLink {
    /// The height of the newest block, if the node answers.
    async fn head_height(&self) -> Option<u64> {
        let raw = self.client.call("block", json!({ "finality": "optimistic" })).await.ok()?;
        crate::engine::rpc::block_header(&raw).ok().map(|header| header.height)
    }

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

    /// Sends `call` (the first step of a sequence; the others come back queued) and starts
    /// following it; a failure to send is reported, not fatal. `head`: the newest block.
    async fn send(
        &self,
        call: Call,
        head: Option<u64>,
        followers: &mut JoinSet<()>,
    ) -> Option<Queued> {
        let mut rest: VecDeque<CallStep> = call.steps().into();
        let Some(first) = rest.pop_front() else {
            let error = "a sequence without steps".to_owned();
            let _ = self.events.send(EngineEvent::CallFailed { call: call.name, error }).await;
            return None;
        };
        let sent = self.send_step(&first, head, followers).await?;
        Some(Queued::new(sent, rest))
    }

    /// On each head: learns where the steps sent landed (measuring the lag), reports each
    /// step's timing, sends the steps now due; drops finished sequences.
    async fn advance(
        &self,
        queued: &mut Vec<Queued>,
        head: Option<u64>,
        lag: &mut Lag,
        followers: &mut JoinSet<()>,
    ) {
        for q in queued.iter_mut() {
            self.place(q, head, lag).await;
            for line in q.timing_lines() {
                tracing::info!(target: "nearviz::sandbox", "{line}");
                let _ = self.events.send(EngineEvent::Progress(line)).await;
            }
            let Some(head) = head else { continue };
            while q.next_due(head, lag.blocks()) {
                let Some(step) = q.rest.pop_front() else { break };
                match self.send_step(&step, Some(head), followers).await {
                    Some(sent) => q.sent.push(sent),
                    None => self.fail_rest(q, format!("not sent: {} failed", step.label)).await,
                }
            }
        }
        queued.retain(|q| !q.finished());
    }

    /// Asks the node where each sent step of `q` not placed yet was included.
    async fn place(&self, q: &mut Queued, head: Option<u64>, lag: &mut Lag) {
        let mut rejected = None;
        for sent in q.sent.iter_mut().filter(|s| s.included.is_none() && !s.lost) {
            if head.is_some_and(|head| head > sent.sent_at.saturating_add(GIVE_UP_BLOCKS)) {
                // Never included: stop asking (its follower reports it lost).
                sent.lost = true;
                let error = format!("not sent: no block included {}", sent.label);
                rejected.get_or_insert(error);
                continue;
            }
            match self.client.tx_status(sent.tx, &sent.sender).await {
                TxStatusReply::Known { outcome: Some(outcome), .. } => {
                    let hash = outcome.final_outcome.transaction_outcome.block_hash;
                    let header = self.client.block_header(crate::chain::BlockHash(hash)).await;
                    let Ok(header) = header else { continue };
                    sent.included = Some(header.height);
                    let measured = lag.measure(sent.sent_at, header.height);
                    tracing::debug!(
                        target: "nearviz::sandbox",
                        "{} sent at #{}, included in #{}: lag {measured} (planning with {})",
                        sent.label,
                        sent.sent_at,
                        header.height,
                        lag.blocks()
                    );
                }
                TxStatusReply::Error { name, .. } if name == "INVALID_TRANSACTION" => {
                    sent.lost = true;
                    rejected
                        .get_or_insert_with(|| format!("not sent: {} was rejected", sent.label));
                }
                _ => {}
            }
        }
        if let Some(error) = rejected {
            self.fail_rest(q, error).await;
        }
    }

    /// Reports every step of `q` still to send as failed with `error`.
    async fn fail_rest(&self, q: &mut Queued, error: String) {
        for rest in q.rest.drain(..) {
            let error = error.clone();
            let _ = self.events.send(EngineEvent::CallFailed { call: rest.label, error }).await;
        }
    }

    /// Sends one step (labelled with the step's label) and starts following it.
    async fn send_step(
        &self,
        step: &CallStep,
        head: Option<u64>,
        followers: &mut JoinSet<()>,
    ) -> Option<Sent> {
        let call = &step.call;
        let failed = |error: String| EngineEvent::CallFailed { call: step.label.clone(), error };
        let resolved = match call.resolve() {
            Ok(resolved) => resolved,
            Err(err) => {
                let _ = self.events.send(failed(err.to_string())).await;
                return None;
            }
        };
        let sent_at = tokio::time::Instant::now();
        let tx = match self.deployment.send(&resolved).await {
            Ok(tx) => tx,
            Err(err) => {
                let _ = self.events.send(failed(format!("not sent: {err}"))).await;
                return None;
            }
        };
        // The head read after sending: the node had at most this block when the transaction
        // arrived, so its inclusion is expected no earlier than this plus the lag (a head read
        // before could be a block behind and would send the next step too early).
        let head_after = self.head_height().await.or(head).unwrap_or(0);
        let at_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let submitted = ChainEvent::TxSubmitted {
            tx,
            sender: resolved.signer.clone(),
            label: step.label.clone(),
            at_ms,
        };
        if self.events.send(EngineEvent::Chain(submitted)).await.is_err() {
            return None;
        }
        let signer = resolved.signer.clone();
        let (client, events, follow) =
            (self.client.clone(), self.events.clone(), self.follow.clone());
        followers.spawn(async move {
            if let Err(err) = follow_tx(client, tx, resolved.signer, sent_at, events, follow).await
            {
                tracing::warn!(%tx, %err, "stopped following");
            }
        });
        Some(Sent {
            tx,
            sender: signer,
            label: step.label.clone(),
            after_blocks: step.after_blocks,
            sent_at: head_after,
            included: None,
            lost: false,
        })
    }
}
