//! What a receipt will run, before it runs: `EXPERIMENTAL_receipt` for every receipt a polled
//! outcome names that has no outcome yet, reported as `ChainEvent::Receipt`.
//!
//! ```text
//! poll ──outcome names receipt R, R has no outcome──▶ (background task) EXPERIMENTAL_receipt R
//!                                                          ├─ view  ──▶ Receipt(view), once
//!                                                          └─ error ──▶ asked again at a poll
//!                                                                       whose outcomes reached a
//!                                                                       new block; MAX_ATTEMPTS
//! ```
//!
//! A node stores a receipt (`DBCol::Receipts`) when the chunk after the one that created it is
//! saved, so it answers `UNKNOWN_RECEIPT` until about one block after an outcome names it: a
//! retry waits for the outcomes to reach a block they had not reached at the last request,
//! rather than spending the attempts within one block.
//!
//! The requests never delay the polls: each runs in its own task, and the follower only looks
//! at finished tasks when the next poll comes. A node that does not know the receipt yet
//! (`UNKNOWN_RECEIPT`) or does not offer the method costs a few requests, nothing more: the DAG
//! then names the receipt by id until its outcome arrives.

use super::client::RpcClient;
use crate::chain::{ChainEvent, ReceiptId};
use crate::engine::EngineEvent;
use crate::engine::EventSender;
use futures::FutureExt;
use near_primitives::hash::CryptoHash;
use near_primitives::views::FinalExecutionOutcomeWithReceiptView;
use std::collections::{HashMap, HashSet};
use tokio::task::JoinHandle;

/// Requests per receipt at most (the first, then retries at later polls).
pub const MAX_ATTEMPTS: u32 = 3;

/// The `EXPERIMENTAL_receipt` requests of one follower.
#[derive(Default)]
pub(super) struct Describer {
    /// Receipts whose view was sent.
    described: HashSet<CryptoHash>,
    /// Per receipt: requests made, and how many blocks the outcomes named at the last one.
    attempts: HashMap<CryptoHash, (u32, usize)>,
    /// Requests under way; each task returns whether it sent the view.
    running: HashMap<CryptoHash, JoinHandle<bool>>,
}

impl Describer {
    /// Asks, in the background, for the view of every receipt `outcome` names that has not run
    /// yet and was not described already: once, then again (up to [`MAX_ATTEMPTS`] requests)
    /// when the outcomes name more blocks than at the last request.
    pub fn describe(
        &mut self,
        client: &RpcClient,
        events: &EventSender,
        outcome: &FinalExecutionOutcomeWithReceiptView,
    ) {
        self.reap();
        let fo = &outcome.final_outcome;
        let ran: HashSet<CryptoHash> = fo.receipts_outcome.iter().map(|o| o.id).collect();
        let blocks: HashSet<CryptoHash> = std::iter::once(&fo.transaction_outcome)
            .chain(&fo.receipts_outcome)
            .map(|o| o.block_hash)
            .collect();
        let blocks = blocks.len();
        let named = std::iter::once(&fo.transaction_outcome)
            .chain(&fo.receipts_outcome)
            .flat_map(|o| o.outcome.receipt_ids.iter());
        for id in named {
            let (asked, blocks_then) = self.attempts.get(id).copied().unwrap_or((0, 0));
            let retry_due = asked == 0 || (asked < MAX_ATTEMPTS && blocks > blocks_then);
            if ran.contains(id)
                || self.described.contains(id)
                || self.running.contains_key(id)
                || !retry_due
            {
                continue;
            }
            self.attempts.insert(*id, (asked + 1, blocks));
            let client = client.clone();
            let events = events.clone();
            let id = *id;
            let task = tokio::spawn(async move {
                match client.receipt(ReceiptId(id)).await {
                    Ok(view) => {
                        let event = ChainEvent::Receipt(Box::new(view));
                        events.send(EngineEvent::Chain(event)).await.is_ok()
                    }
                    Err(err) => {
                        tracing::debug!(receipt = %id, %err, "receipt not described (yet)");
                        false
                    }
                }
            });
            self.running.insert(id, task);
        }
    }

    /// Takes the results of the finished requests.
    fn reap(&mut self) {
        let finished: Vec<CryptoHash> =
            self.running.iter().filter(|(_, t)| t.is_finished()).map(|(id, _)| *id).collect();
        for id in finished {
            let Some(task) = self.running.remove(&id) else { continue };
            if let Some(Ok(true)) = task.now_or_never() {
                self.described.insert(id);
            }
        }
    }

    /// Stops the requests still under way (their views would come after the outcomes).
    pub fn stop(&mut self) {
        for (_, task) in self.running.drain() {
            task.abort();
        }
    }
}

impl Drop for Describer {
    fn drop(&mut self) {
        self.stop();
    }
}
