//! Following one transaction until FINAL: poll `EXPERIMENTAL_tx_status`, fetch the blocks its
//! outcomes name, report every change as a `ChainEvent`.
//!
//! ```text
//! every poll_interval:  tx_status ──changed?──▶ new blocks named by outcomes ──▶ Block(header)…
//!                                                                           └──▶ TxPoll(reply)
//! FINAL ──▶ TxDone { error: None }      timeout / not found / RPC down ──▶ TxDone { error: Some }
//! each new block ──(background task, rpc::state_changes)──▶ StateChanges(block)
//! each receipt named, not run yet ──(background task, rpc::receipts)──▶ Receipt(view)
//! ```
//!
//! A block's `StateChanges` (its `EXPERIMENTAL_changes*` and the befores at its `prev_hash`)
//! are fetched in a background task per block, so they never delay the polls; they follow the
//! block's header, and at FINAL the follower waits (at most `STATE_GRACE`) for them before
//! `TxDone`. A node that refuses them only loses the state changes.
//!
//! Guarantees, per follower: a `Block` is sent before the first `TxPoll` whose outcomes name it,
//! each block once; a `TxPoll` only when the reply differs from the previous one sent; exactly one
//! `TxDone` at the end (unless nobody listens any more). Several followers may share one
//! [`RpcClient`] (and its block cache) and one events channel.

use super::client::RpcClient;
use super::receipts::Describer;
use super::state_changes;
use crate::chain::status_name;
use crate::chain::{BlockHash, ChainEvent, TxHash, TxPoll, TxStatusReply};
use crate::engine::EngineEvent;
use crate::engine::EventSender;
use near_primitives::types::AccountId;
use near_primitives::views::{FinalExecutionOutcomeWithReceiptView, TxExecutionStatus};
use std::collections::HashSet;
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior};

/// How a follower polls and when it gives up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowOptions {
    /// Time between polls: at most one block interval (the sandbox makes a block every ~125 ms).
    pub poll_interval: Duration,
    /// Give up when the transaction is not FINAL this long after following started.
    pub tx_timeout: Duration,
    /// Give up when the node has still not seen the transaction after this long (`None`: wait
    /// until `tx_timeout`, as for a transaction just sent).
    pub unknown_timeout: Option<Duration>,
    /// Give up after this many failed polls in a row (`None`: keep trying until `tx_timeout`).
    pub max_errors_in_row: Option<u32>,
}

impl Default for FollowOptions {
    /// For transactions just sent to a local sandbox.
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_millis(100),
            tx_timeout: Duration::from_secs(60),
            unknown_timeout: None,
            max_errors_in_row: None,
        }
    }
}

impl FollowOptions {
    /// For an existing transaction on a public network (`nearviz tx`): blocks every ~0.6–1 s, the
    /// transaction should be known at once, and a failing RPC is reported quickly.
    pub fn viewer() -> Self {
        Self {
            poll_interval: Duration::from_millis(500),
            tx_timeout: Duration::from_secs(120),
            unknown_timeout: Some(Duration::from_secs(3)),
            max_errors_in_row: Some(3),
        }
    }
}

/// Why a follower gave up. The message names the transaction.
#[derive(Clone, PartialEq, Debug, thiserror::Error)]
pub enum FollowError {
    /// The node never knew the transaction: wrong hash, sender or network, or too old for a
    /// non-archival node.
    #[error("transaction {tx} not found on {url} (after {secs:.1} s); check the hash, --sender and the network (transactions older than ~2.5 days need an archival RPC)")]
    NotFound { tx: TxHash, url: String, secs: f64 },
    /// Not FINAL in time.
    #[error("transaction {tx} did not reach FINAL within {secs:.1} s (last seen: {last})")]
    Timeout { tx: TxHash, secs: f64, last: String },
    /// The RPC kept failing (`name` as in `TxStatusReply::Error`; `message` names the RPC).
    #[error("transaction {tx}: gave up after {count} failed requests: {message}")]
    Rpc { tx: TxHash, url: String, count: u32, name: String, message: String },
    /// The events receiver was dropped: nobody listens, so the follower stopped.
    #[error("transaction {tx}: stopped, nobody is listening")]
    Stopped { tx: TxHash },
}

impl FollowError {
    /// Whether the cause is the RPC or the network (exit code 3) rather than the input (2); the
    /// one rule, applied by `crate::exit`.
    pub fn is_network(&self) -> bool {
        match self {
            FollowError::NotFound { .. } | FollowError::Stopped { .. } => false,
            FollowError::Timeout { .. } => true,
            // TIMEOUT, UNREACHABLE, HTTP_STATUS, INVALID_RESPONSE, INTERNAL_ERROR, ...
            FollowError::Rpc { name, .. } => !is_input_error(name),
        }
    }
}

/// nearcore error names that mean the request itself was wrong.
fn is_input_error(name: &str) -> bool {
    matches!(name, "PARSE_ERROR" | "UNKNOWN_ACCOUNT" | "INVALID_ACCOUNT" | "UNKNOWN_TRANSACTION")
}

/// Follows `tx` (sent by `sender` at `started_at`) until FINAL, sending `ChainEvent`s to `events`.
///
/// Does not send `TxSubmitted` (the caller does, when it sends or picks the transaction). Ends
/// with one `TxDone`: `error: None` at FINAL, else the returned error's message.
pub async fn follow_tx(
    client: RpcClient,
    tx: TxHash,
    sender: AccountId,
    started_at: Instant,
    events: EventSender,
    opts: FollowOptions,
) -> Result<(), FollowError> {
    let mut follower = Follower {
        client,
        tx,
        sender,
        started_at,
        events,
        sent_blocks: HashSet::new(),
        last_sent: None,
        seen: state_changes::Seen::default(),
        state_tasks: Vec::new(),
        state_done: None,
        receipts: Describer::default(),
    };
    let result = follower.run(&opts).await;
    // Views still on their way would come after the outcomes that make them moot.
    follower.receipts.stop();
    // The last blocks' state changes go out before `TxDone` (they never delayed the polls).
    let tasks = std::mem::take(&mut follower.state_tasks);
    if result.is_ok() {
        let all = futures::future::join_all(tasks);
        if tokio::time::timeout(STATE_GRACE, all).await.is_err() {
            tracing::debug!(%tx, "state changes still pending at FINAL: dropped");
        }
    } else {
        tasks.iter().for_each(tokio::task::JoinHandle::abort);
    }
    let error = match &result {
        Ok(()) => None,
        Err(FollowError::Stopped { .. }) => return result,
        Err(err) => Some(err.to_string()),
    };
    let done = ChainEvent::TxDone { tx, error };
    if follower.events.send(EngineEvent::Chain(done)).await.is_err() {
        return Err(FollowError::Stopped { tx });
    }
    result
}

struct Follower {
    client: RpcClient,
    tx: TxHash,
    sender: AccountId,
    started_at: Instant,
    events: EventSender,
    sent_blocks: HashSet<BlockHash>,
    /// What the last `TxPoll` sent said.
    last_sent: Option<TxStatusReply>,
    /// Accounts and keys whose before this follower has asked for or seen.
    seen: state_changes::Seen,
    /// One task per block fetching its state changes (see `rpc::state_changes`).
    state_tasks: Vec<tokio::task::JoinHandle<()>>,
    /// Ends when the last block's state task is done (the next one waits for it).
    state_done: Option<tokio::sync::oneshot::Receiver<()>>,
    /// `EXPERIMENTAL_receipt` requests for receipts not run yet (see `rpc::receipts`).
    receipts: Describer,
}

/// How long a follower at FINAL waits for the last blocks' state changes.
const STATE_GRACE: Duration = Duration::from_secs(15);

impl Follower {
    async fn run(&mut self, opts: &FollowOptions) -> Result<(), FollowError> {
        let begun = Instant::now();
        let deadline = begun + opts.tx_timeout;
        let mut ticker = tokio::time::interval(opts.poll_interval.max(Duration::from_millis(1)));
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut errors_in_row = 0u32;
        let mut ever_known = false;
        let mut last_seen = "nothing yet".to_owned();
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = tokio::time::sleep_until(deadline) => return Err(self.timeout(opts, last_seen)),
            }
            let poll = self.client.tx_status(self.tx, &self.sender);
            let reply = tokio::select! {
                answer = poll => answer,
                _ = tokio::time::sleep_until(deadline) => return Err(self.timeout(opts, last_seen)),
            };
            match &reply {
                TxStatusReply::Unknown => {
                    errors_in_row = 0;
                    let waited = begun.elapsed();
                    if !ever_known && opts.unknown_timeout.is_some_and(|limit| waited >= limit) {
                        return Err(FollowError::NotFound {
                            tx: self.tx,
                            url: self.client.url().to_owned(),
                            secs: waited.as_secs_f64(),
                        });
                    }
                }
                TxStatusReply::Known { status, .. } => {
                    errors_in_row = 0;
                    ever_known = true;
                    last_seen = status_name(status).to_owned();
                }
                TxStatusReply::Error { name, message } => {
                    errors_in_row += 1;
                    last_seen = format!("{name}: {message}");
                    tracing::debug!(tx = %self.tx, %name, %message, "tx status poll failed");
                    if opts.max_errors_in_row.is_some_and(|max| errors_in_row >= max) {
                        let url = self.client.url().to_owned();
                        let message = if message.contains(&url) {
                            message.clone()
                        } else {
                            format!("{url} answered {name}: {message}")
                        };
                        return Err(FollowError::Rpc {
                            tx: self.tx,
                            url,
                            count: errors_in_row,
                            name: name.clone(),
                            message,
                        });
                    }
                }
            }
            if let TxStatusReply::Known { outcome: Some(outcome), .. } = &reply {
                // Also on unchanged replies: a view the node did not have is asked again.
                self.receipts.describe(&self.client, &self.events, outcome);
            }
            if self.last_sent.as_ref() == Some(&reply) {
                continue;
            }
            if let TxStatusReply::Known { outcome: Some(outcome), .. } = &reply {
                if let Err(message) = self.send_blocks(outcome).await? {
                    // Retried at the next poll: the poll is not sent before its blocks.
                    errors_in_row += 1;
                    last_seen = message;
                    continue;
                }
            }
            let is_final =
                matches!(reply, TxStatusReply::Known { status: TxExecutionStatus::Final, .. });
            let at_ms = u64::try_from(self.started_at.elapsed().as_millis()).unwrap_or(u64::MAX);
            let poll =
                TxPoll { tx: self.tx, sender: self.sender.clone(), at_ms, reply: reply.clone() };
            self.send(ChainEvent::TxPoll(poll)).await?;
            self.last_sent = Some(reply);
            if is_final {
                return Ok(());
            }
        }
    }

    /// Sends the header of every block `outcome` names that this follower has not sent yet.
    /// `Ok(Err(message))` when a block could not be fetched.
    async fn send_blocks(
        &mut self,
        outcome: &FinalExecutionOutcomeWithReceiptView,
    ) -> Result<Result<(), String>, FollowError> {
        let named = std::iter::once(&outcome.final_outcome.transaction_outcome)
            .chain(&outcome.final_outcome.receipts_outcome)
            .map(|o| BlockHash(o.block_hash));
        let mut missing = Vec::new();
        for hash in named {
            if !self.sent_blocks.contains(&hash) && !missing.contains(&hash) {
                missing.push(hash);
            }
        }
        let mut headers = Vec::with_capacity(missing.len());
        for hash in missing {
            match self.client.block_header(hash).await {
                Ok(header) => headers.push(header),
                Err(err) => {
                    tracing::debug!(tx = %self.tx, block = %hash, %err, "block fetch failed");
                    return Ok(Err(format!("block {hash}: {err}")));
                }
            }
        }
        // In height order: each block's state changes build on the ones before it.
        headers.sort_by_key(|header| header.height);
        for header in headers {
            let (hash, prev) = (BlockHash(header.hash), header.prev_hash);
            self.send(ChainEvent::Block(Box::new(header))).await?;
            self.sent_blocks.insert(hash);
            self.fetch_state(hash, prev, outcome);
        }
        Ok(Ok(()))
    }

    /// Fetches the state changes of `block` in the background (never delays the follow), after
    /// the blocks sent before it: a block's changes arrive in block order, and the befores it
    /// asks for are those of accounts and keys the earlier blocks did not change.
    fn fetch_state(
        &mut self,
        block: BlockHash,
        prev: near_primitives::hash::CryptoHash,
        outcome: &FinalExecutionOutcomeWithReceiptView,
    ) {
        let mut hashes: HashSet<_> =
            outcome.final_outcome.receipts_outcome.iter().map(|o| o.id).collect();
        hashes.insert(self.tx.0);
        let client = self.client.clone();
        let events = self.events.clone();
        let seen = self.seen.clone();
        let tx = self.tx;
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        let after = self.state_done.replace(finished);
        self.state_tasks.push(tokio::spawn(async move {
            let _done = done;
            if let Some(after) = after {
                let _ = after.await;
            }
            match state_changes::block_changes(&client, block, prev, &hashes, &seen).await {
                Ok(changes) if changes.changes.is_empty() => {}
                Ok(changes) => {
                    let event = ChainEvent::StateChanges(Box::new(changes));
                    let _ = events.send(EngineEvent::Chain(event)).await;
                }
                Err(e) => tracing::debug!(%tx, %block, %e, "state changes not available"),
            }
        }));
    }

    async fn send(&self, event: ChainEvent) -> Result<(), FollowError> {
        self.events
            .send(EngineEvent::Chain(event))
            .await
            .map_err(|_| FollowError::Stopped { tx: self.tx })
    }

    fn timeout(&self, opts: &FollowOptions, last: String) -> FollowError {
        FollowError::Timeout { tx: self.tx, secs: opts.tx_timeout.as_secs_f64(), last }
    }
}
