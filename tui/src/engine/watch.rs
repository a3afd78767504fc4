//! `nearviz watch`: a read-only follower of any node's new blocks. Walks block → chunks →
//! transactions and follows every transaction (or those whose signer or receiver is one of the
//! given accounts) to FINAL with the RPC engine's follower, as `ChainEvent`s.
//!
//! ```text
//! every poll: head ─▶ for each new height: block ─▶ chunk(chunk_hash) ─▶ transactions
//!                                              │   └─▶ TxSubmitted + follow_tx (own task) ─▶ TxPoll… TxDone
//!                                              └─▶ receipts no followed transaction names ─▶ orphans:
//!                                                  their transaction is looked up and attached
//! more than `max_behind` blocks behind ─▶ Progress("skipped N blocks") and jump to the head
//! ```

mod orphans;

use crate::chain::{ChainEvent, TxHash};
use crate::engine::rpc::client::RpcClient;
use crate::engine::rpc::follow::{follow_tx, FollowOptions};
use crate::engine::rpc::response::envelope;
use crate::engine::EventSender;
use crate::engine::{EngineCommand, EngineEvent, EngineHandle, EngineId, EngineInfo, EngineSide};
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use orphans::{
    chunk_txs, forwarder, receipt_ids, BlockTx, BlockTxs, Known, Pending, SETTLE_BLOCKS,
};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;
use tokio::time::Instant;

/// How `watch` follows.
#[derive(Clone, Debug)]
pub struct WatchOptions {
    /// Only transactions signed by or sent to these accounts (empty: all).
    pub accounts: Vec<AccountId>,
    pub poll_interval: Duration,
    /// Blocks it may fall behind before it skips to the head (and says so).
    pub max_behind: u64,
    /// How far before a receipt's block its transaction is looked for (see [`orphans`]).
    pub lookback: u64,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            accounts: Vec::new(),
            poll_interval: Duration::from_millis(100),
            max_behind: 100,
            lookback: 20,
        }
    }
}

pub fn spawn(client: RpcClient, opts: WatchOptions) -> EngineHandle {
    let (side, commands, events) = EngineHandle::channels();
    let task = tokio::spawn(run(client, opts, side));
    EngineHandle { commands, events, task }
}

async fn call(client: &RpcClient, method: &str, params: Value) -> Result<Value, String> {
    let raw = client.call(method, params).await.map_err(|e| e.to_string())?;
    let result = envelope(&raw).map_err(|e| e.to_string())?;
    serde_json::from_str(result).map_err(|e| format!("{method}: {e}"))
}

async fn run(client: RpcClient, opts: WatchOptions, mut side: EngineSide) {
    let head = match call(&client, "block", json!({ "finality": "optimistic" })).await {
        Ok(block) => block["header"]["height"].as_u64().unwrap_or(0),
        Err(err) => {
            let _ = side.events.send(EngineEvent::Down(err)).await;
            return;
        }
    };
    let info = EngineInfo {
        reason: Some(format!("following {}", client.url())),
        ..EngineInfo::new(EngineId::Watch)
    };
    if side.events.send(EngineEvent::Ready(info)).await.is_err() {
        return;
    }
    let known = Known::default();
    let mut watch = Watch {
        follow_events: forwarder(known.clone(), side.events.clone()),
        events: side.events.clone(),
        known,
        client,
        opts,
        pending: Vec::new(),
        txs: BlockTxs::default(),
        orphans: HashSet::new(),
    };
    let mut next = head + 1;
    let mut ticker = tokio::time::interval(watch.opts.poll_interval);
    loop {
        tokio::select! {
            command = side.commands.recv() => match command {
                None | Some(EngineCommand::Shutdown) => return,
                Some(_) => continue,
            },
            _ = ticker.tick() => {}
        }
        let head = match call(&watch.client, "block", json!({ "finality": "optimistic" })).await {
            Ok(block) => block["header"]["height"].as_u64().unwrap_or(0),
            Err(err) => {
                watch.progress(format!("watch: {err}")).await;
                continue;
            }
        };
        if head >= next + watch.opts.max_behind {
            let skipped = head - next;
            watch
                .progress(format!(
                    "watch: could not keep up, skipped {skipped} blocks ({next}..{head})"
                ))
                .await;
            next = head;
        }
        while next <= head {
            if let Err(err) = watch.walk_block(next).await {
                watch.progress(format!("watch: block {next}: {err}")).await;
                break;
            }
            next += 1;
        }
        watch.settle(head).await;
        if side.events.is_closed() {
            return;
        }
    }
}

/// Receipt lookups per poll at most (each reads up to `lookback` blocks and a few statuses).
const MAX_LOOKUPS_PER_POLL: usize = 4;
/// Receipts waiting to be placed at most; the oldest are left out past it (and it says so).
const MAX_PENDING: usize = 4096;

/// What became of a receipt's lookup.
enum Lookup {
    /// Its transaction (hash, signer, receiver), not followed yet.
    Attach(CryptoHash, AccountId, AccountId),
    /// Its transaction is followed already (its follower had not polled yet).
    Followed,
    /// No transaction of the searched blocks created it.
    Orphan,
}

struct Watch {
    client: RpcClient,
    opts: WatchOptions,
    events: EventSender,
    /// Where the followers send (through the forwarder that notes their receipts).
    follow_events: EventSender,
    known: Known,
    pending: Vec<Pending>,
    txs: BlockTxs,
    /// Orphans already reported.
    orphans: HashSet<CryptoHash>,
}

impl Watch {
    async fn progress(&self, line: String) {
        let _ = self.events.send(EngineEvent::Progress(line)).await;
    }

    /// Opens every (matching) transaction of block `height` and keeps its receipts that no
    /// followed transaction names yet. A height with no block is skipped.
    async fn walk_block(&mut self, height: u64) -> Result<(), String> {
        let block = match call(&self.client, "block", json!({ "block_id": height })).await {
            Ok(block) => block,
            Err(err) if err.contains("UNKNOWN_BLOCK") => return Ok(()),
            Err(err) => return Err(err),
        };
        let mut txs = Vec::new();
        for chunk in block["chunks"].as_array().cloned().unwrap_or_default() {
            let Some(chunk_hash) = chunk["chunk_hash"].as_str() else { continue };
            let chunk = call(&self.client, "chunk", json!({ "chunk_id": chunk_hash })).await?;
            for (hash, signer, receiver) in chunk_txs(&chunk) {
                txs.push((hash, signer.clone(), receiver.clone()));
                let accounts = &self.opts.accounts;
                if accounts.is_empty() || accounts.iter().any(|a| *a == signer || *a == receiver) {
                    self.open(hash, signer, receiver, "").await;
                }
            }
            for receipt in chunk["receipts"].as_array().into_iter().flatten() {
                if let Some(pending) = Pending::from_chunk(receipt, height) {
                    if pending.touches(&self.opts.accounts) && !self.known.has_receipt(&pending.id)
                    {
                        self.pending.push(pending);
                    }
                    if self.pending.len() > MAX_PENDING {
                        let dropped = self.pending.len() - MAX_PENDING;
                        self.pending.drain(..dropped);
                        self.progress(format!(
                            "watch: too many receipts to place, {dropped} left out"
                        ))
                        .await;
                    }
                }
            }
        }
        self.txs.insert(height, txs);
        self.txs.forget_below(height.saturating_sub(self.opts.lookback + SETTLE_BLOCKS + 2));
        Ok(())
    }

    /// Follows transaction `hash` unless it already is.
    async fn open(&self, hash: CryptoHash, signer: AccountId, receiver: AccountId, note: &str) {
        if !self.known.follow(hash) {
            return;
        }
        let label = format!("{signer} → {receiver}{note}");
        let submitted =
            ChainEvent::TxSubmitted { tx: TxHash(hash), sender: signer.clone(), label, at_ms: 0 };
        if self.events.send(EngineEvent::Chain(submitted)).await.is_err() {
            return;
        }
        let (client, events) = (self.client.clone(), self.follow_events.clone());
        let follow =
            FollowOptions { poll_interval: Duration::from_millis(100), ..FollowOptions::viewer() };
        tokio::spawn(async move {
            let _ = follow_tx(client, TxHash(hash), signer, Instant::now(), events, follow).await;
        });
    }

    /// Receipts still unnamed [`SETTLE_BLOCKS`] after their block: their transaction is looked
    /// up and attached, or they are reported as orphans.
    async fn settle(&mut self, head: u64) {
        let (due, waiting): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|p| head >= p.height + SETTLE_BLOCKS);
        self.pending = waiting;
        let mut lookups = 0;
        for receipt in due {
            if self.known.has_receipt(&receipt.id) || self.orphans.contains(&receipt.id) {
                continue;
            }
            // Bounded work per poll (public RPCs limit rates): the rest waits for the next poll.
            if lookups == MAX_LOOKUPS_PER_POLL {
                self.pending.push(receipt);
                continue;
            }
            lookups += 1;
            match self.find_tx(&receipt).await {
                Ok(Lookup::Attach(hash, signer, receiver)) => {
                    self.open(hash, signer, receiver, " (attached from a receipt)").await;
                }
                Ok(Lookup::Followed) => {}
                Ok(Lookup::Orphan) => {
                    self.orphans.insert(receipt.id);
                    let line = format!(
                        "watch: orphan receipt {} ({} → {}, signed by {}): no transaction of blocks {}..={} created it",
                        receipt.id,
                        receipt.predecessor,
                        receipt.receiver,
                        receipt.signer,
                        receipt.height.saturating_sub(self.opts.lookback),
                        receipt.height
                    );
                    self.progress(line).await;
                }
                Err(err) => {
                    self.orphans.insert(receipt.id);
                    self.progress(format!("watch: receipt {}: {err}", receipt.id)).await;
                }
            }
        }
    }

    /// Among the signer's transactions of the `lookback` blocks up to the receipt's, the one
    /// whose status names `receipt`.
    async fn find_tx(&mut self, receipt: &Pending) -> Result<Lookup, String> {
        let from = receipt.height.saturating_sub(self.opts.lookback);
        for height in (from..=receipt.height).rev() {
            if self.txs.get(height).is_none() {
                let txs = self.block_txs(height).await?;
                self.txs.insert(height, txs);
            }
            let candidates: Vec<_> = self
                .txs
                .get(height)
                .into_iter()
                .flatten()
                .filter(|(_, signer, _)| *signer == receipt.signer)
                .cloned()
                .collect();
            for (hash, signer, receiver) in candidates {
                let params =
                    json!({ "tx_hash": hash, "sender_account_id": signer, "wait_until": "NONE" });
                let status = call(&self.client, "EXPERIMENTAL_tx_status", params).await?;
                let ids = receipt_ids(&status);
                if ids.contains(&receipt.id) {
                    self.known.add_receipts(ids);
                    if self.known.follows(&hash) {
                        return Ok(Lookup::Followed);
                    }
                    return Ok(Lookup::Attach(hash, signer, receiver));
                }
            }
        }
        Ok(Lookup::Orphan)
    }

    /// The transactions of block `height` (none for a height without a block).
    async fn block_txs(&self, height: u64) -> Result<Vec<BlockTx>, String> {
        let block = match call(&self.client, "block", json!({ "block_id": height })).await {
            Ok(block) => block,
            Err(err) if err.contains("UNKNOWN_BLOCK") => return Ok(Vec::new()),
            Err(err) => return Err(err),
        };
        let mut txs = Vec::new();
        for chunk in block["chunks"].as_array().into_iter().flatten() {
            let Some(chunk_hash) = chunk["chunk_hash"].as_str() else { continue };
            let chunk = call(&self.client, "chunk", json!({ "chunk_id": chunk_hash })).await?;
            txs.extend(chunk_txs(&chunk));
        }
        Ok(txs)
    }
}
