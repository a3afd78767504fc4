//! The node thread: owns the embedded runtime, answers RPC calls, runs the app's scenario calls
//! and produces blocks (on a timer, as soon as work is pending, or on demand).

use super::follow::{label, Follower};
use super::keyfile::{root_key, write_key_file};
use super::methods::{dispatch, Answer, Then};
use super::wait::{Waiter, Waiters, WAIT_TIMEOUT};
use super::{BlockPacing, Boot, Context, RpcCall};
use crate::engine::embedded::boot;
use crate::engine::journal::Journal;
use crate::engine::EventSender;
use crate::engine::{EngineCommand, EngineEvent, EngineId, EngineInfo, EngineSide};
use crate::scenario::{Call, Scenario};
use near_primitives::action::{Action, FunctionCallAction};
use near_primitives::types::{Balance, Gas};
use nearviz_runtime::{Runtime, RuntimeOptions};
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Engine name in the header and recordings.
pub const ENGINE_NAME: &str = "serve";

pub struct NodeOptions {
    /// `NEARVIZ_RECORD_DIR`'s recording, appended by the follower.
    pub journal: Option<Journal>,
    pub pacing: BlockPacing,
    pub protocol_version: Option<u32>,
    pub cache_dir: Option<PathBuf>,
    pub key_file: PathBuf,
    pub addr: SocketAddr,
    pub fork: Option<crate::fork::ForkPoint>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pace {
    Timer(std::time::Duration),
    Instant,
    Manual,
}

struct Node {
    rt: Runtime,
    ctx: Context,
    follower: Follower,
    waiters: Waiters,
    pace: Pace,
    next_block: Instant,
    events: EventSender,
}

/// Runs on a blocking thread of the tokio runtime until the app shuts the engine down.
pub fn run(boot: Boot, opts: NodeOptions, side: EngineSide, calls: mpsc::Receiver<RpcCall>) {
    tokio::runtime::Handle::current().block_on(run_async(boot, opts, side, calls));
}

/// A fresh runtime with the scenario deployed, and the root key written to the key file.
fn boot_scenario(
    scenario: &Scenario,
    opts: &NodeOptions,
    events: &EventSender,
) -> Result<Runtime, String> {
    let mut options = RuntimeOptions {
        protocol_version: opts.protocol_version,
        cache_dir: opts.cache_dir.clone(),
        ..RuntimeOptions::default()
    };
    if let Some(fork) = &opts.fork {
        fork.apply(&mut options);
    }
    let mut rt = Runtime::new(options).map_err(|err| format!("embedded runtime: {err}"))?;
    let progress = |line: String| {
        let _ = events.try_send(EngineEvent::Progress(line));
    };
    boot::deploy(&mut rt, scenario, &progress)?;
    root_key()
        .and_then(|key| write_key_file(&opts.key_file, &key))
        .map_err(|e| format!("{e:#}"))?;
    Ok(rt)
}

async fn run_async(
    boot: Boot,
    mut opts: NodeOptions,
    mut side: EngineSide,
    mut calls: mpsc::Receiver<RpcCall>,
) {
    let rt = match boot {
        Boot::Scenario(scenario) => match boot_scenario(&scenario, &opts, &side.events) {
            Ok(rt) => rt,
            Err(why) => {
                let _ = side.events.send(EngineEvent::Down(why)).await;
                return;
            }
        },
        Boot::Runtime(rt) => *rt,
    };
    let info = EngineInfo {
        reason: Some(format!("JSON-RPC on http://{}", opts.addr)),
        protocol_version: Some(rt.protocol_version()),
        fork_height: opts.fork.as_ref().map(|f| f.header.height),
        ..EngineInfo::new(EngineId::Serve)
    };
    if side.events.send(EngineEvent::Ready(info)).await.is_err() {
        return;
    }
    let pace = match opts.pacing {
        BlockPacing::Timer(interval) => Pace::Timer(interval),
        BlockPacing::Instant => Pace::Instant,
    };
    let mut node = Node {
        rt,
        ctx: Context { addr: opts.addr, started: std::time::Instant::now() },
        follower: Follower::new(side.events.clone(), opts.journal.take()),
        waiters: Waiters::default(),
        pace,
        next_block: Instant::now(),
        events: side.events.clone(),
    };
    node.schedule_next();
    let mut calls_open = true;
    loop {
        let due = node.block_due();
        let wake = node.waiters.next_deadline();
        tokio::select! {
            biased;
            command = side.commands.recv() => match command {
                None | Some(EngineCommand::Shutdown) => return,
                Some(EngineCommand::Send(call)) => node.send_call(&call).await,
                Some(EngineCommand::ProduceBlock) => node.block().await,
                Some(EngineCommand::SetManualBlocks(manual)) => node.set_manual(manual, opts.pacing),
            },
            _ = sleep_until(due), if due.is_some() => node.block().await,
            _ = sleep_until(wake), if wake.is_some() => node.waiters.check(&node.rt),
            call = calls.recv(), if calls_open => match call {
                Some(call) => node.answer(call).await,
                None => calls_open = false,
            },
        }
        if node.events.is_closed() {
            return;
        }
    }
}

/// With `--instant`, blocks come one after another while receipts are in flight, and while a
/// followed transaction still needs blocks to become final. A yielded receipt waiting for
/// `promise_yield_resume` is not work: while one waits and nothing else runs, blocks come at a
/// sandbox's pace (`YIELD_BLOCK_INTERVAL`, so its 200-block timeout takes about as long as on a
/// sandbox) instead of back to back, which would time it out before any client could resume it.
fn instant_block_due(
    busy: bool,
    following: bool,
    yields_waiting: bool,
    paced: Instant,
) -> Option<Instant> {
    match (busy, following, yields_waiting) {
        (true, _, _) => Some(Instant::now()),
        (false, true, true) => Some(paced),
        (false, true, false) => Some(Instant::now()),
        (false, false, _) => None,
    }
}

/// A real sandbox makes a block about every 130 ms (148 blocks in 19 s of uptime in
/// `fixtures/reference/state/meta.json`'s node status).
const YIELD_BLOCK_INTERVAL: std::time::Duration = std::time::Duration::from_millis(130);

async fn sleep_until(at: Option<Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
}

impl Node {
    /// When the next block is due, if one is.
    fn block_due(&self) -> Option<Instant> {
        match self.pace {
            Pace::Timer(_) => Some(self.next_block),
            Pace::Instant => instant_block_due(
                !self.rt.is_idle(),
                !self.follower.is_empty(),
                self.rt.yields_waiting() > 0,
                self.next_block,
            ),
            Pace::Manual => None,
        }
    }

    fn schedule_next(&mut self) {
        match self.pace {
            Pace::Timer(interval) => {
                self.next_block = (self.next_block + interval).max(Instant::now());
            }
            Pace::Instant => self.next_block = Instant::now() + YIELD_BLOCK_INTERVAL,
            Pace::Manual => {}
        }
    }

    fn set_manual(&mut self, manual: bool, configured: BlockPacing) {
        self.pace = match (manual, configured) {
            (true, _) => Pace::Manual,
            (false, BlockPacing::Timer(interval)) => Pace::Timer(interval),
            (false, BlockPacing::Instant) => Pace::Instant,
        };
        self.next_block = Instant::now();
        self.schedule_next();
    }

    async fn block(&mut self) {
        self.rt.produce_block();
        self.schedule_next();
        self.follower.after_block(&self.rt).await;
        self.waiters.check(&self.rt);
    }

    async fn answer(&mut self, call: RpcCall) {
        match dispatch(&self.rt, &self.ctx, &call.method, call.params) {
            Answer::Now(reply) => {
                let _ = call.reply.send(reply);
            }
            Answer::Sandbox(op) => {
                let reply = super::sandbox::apply(&mut self.rt, op);
                self.schedule_next();
                self.follower.after_block(&self.rt).await;
                self.waiters.check(&self.rt);
                let _ = call.reply.send(reply);
            }
            Answer::Wait { tx, until, receipts } => {
                let deadline = Instant::now() + WAIT_TIMEOUT;
                self.waiters.push(Waiter { tx, until, receipts, deadline, reply: call.reply });
                self.waiters.check(&self.rt);
            }
            Answer::Sent { tx, then } => {
                let sender = tx.transaction.signer_id().clone();
                let name = label(&tx);
                let (hash, then) = match (self.rt.submit_signed(*tx), then) {
                    (Ok(hash), then) => (hash, then),
                    // Not checked, as the node: the answer stands, the transaction is dropped.
                    (Err(_), Then::Unchecked(answer)) => {
                        let _ = call.reply.send(Ok(answer));
                        return;
                    }
                    (Err(err), Then::Wait { .. }) => {
                        let _ = call.reply.send(Err(super::errors::rejected(err)));
                        return;
                    }
                };
                self.follower.submitted(&self.rt, hash, sender, name).await;
                match then {
                    Then::Unchecked(answer) => {
                        let _ = call.reply.send(Ok(answer));
                    }
                    Then::Wait { until } => {
                        let deadline = Instant::now() + WAIT_TIMEOUT;
                        let waiter = Waiter {
                            tx: hash,
                            until,
                            receipts: false,
                            deadline,
                            reply: call.reply,
                        };
                        self.waiters.push(waiter);
                        self.waiters.check(&self.rt);
                    }
                }
            }
        }
    }

    /// A scenario call sent from the app's keys, as the embedded engine sends it.
    async fn send_call(&mut self, call: &Call) {
        let failed = |error: String| EngineEvent::CallFailed { call: call.name.clone(), error };
        let resolved = match call.resolve() {
            Ok(resolved) => resolved,
            Err(err) => {
                let _ = self.events.send(failed(err.to_string())).await;
                return;
            }
        };
        let action = Action::FunctionCall(Box::new(FunctionCallAction {
            method_name: resolved.method.clone(),
            args: resolved.args.clone(),
            gas: Gas::from_gas(resolved.gas),
            deposit: Balance::from_yoctonear(resolved.deposit),
        }));
        match self.rt.submit(&resolved.signer, &resolved.receiver, vec![action]) {
            Ok(tx) => {
                self.follower.submitted(&self.rt, tx, resolved.signer, call.name.clone()).await
            }
            Err(err) => {
                let _ = self.events.send(failed(format!("not sent: {err}"))).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instant_blocks_wait_at_a_sandbox_pace_only_for_a_yield() {
        let paced = Instant::now() + YIELD_BLOCK_INTERVAL;
        let soon = |due: Option<Instant>| due.is_some_and(|at| at < paced);
        // Receipts in flight: a block now, yields or not.
        assert!(soon(instant_block_due(true, true, true, paced)));
        assert!(soon(instant_block_due(true, false, false, paced)));
        // A followed transaction needing blocks to be final: now.
        assert!(soon(instant_block_due(false, true, false, paced)));
        // Only a yield waits: the sandbox's pace, so a client has time to resume it.
        assert_eq!(instant_block_due(false, true, true, paced), Some(paced));
        // Nothing to do: no block.
        assert_eq!(instant_block_due(false, false, true, paced), None);
        assert_eq!(instant_block_due(false, false, false, paced), None);
    }
}
