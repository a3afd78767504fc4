//! What a follower of the embedded chain reports for one transaction after a block, in the
//! order an RPC follower reports a node's: `Block` headers not reported yet, each followed by
//! that block's `StateChanges`, a `Receipt` view for each named receipt that has not run yet
//! (once each), a `TxPoll` when the reply progressed, `TxDone` at FINAL. Shared by the embedded
//! engine (scenario calls) and `serve` (transactions sent over RPC); each sends the events its
//! own way.

use super::follow::block_changes;
use crate::chain::{BlockHash, ChainEvent, TxHash, TxPoll, TxStatusReply};
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use near_primitives::views::TxExecutionStatus;
use nearviz_runtime::{Runtime, TxProgress, TxStatus};
use std::collections::HashSet;
use std::time::Instant;

/// One followed transaction and what was already reported of it.
pub(crate) struct Tracked {
    pub tx: CryptoHash,
    sender: AccountId,
    sent_at: Instant,
    /// Receipts whose view was sent before they ran.
    described: HashSet<CryptoHash>,
    /// The runtime's progress at the last report: the views are built, and a poll sent, only
    /// when it moves (equal progress, equal reply).
    seen: Option<TxProgress>,
}

impl Tracked {
    /// A transaction submitted now.
    pub fn new(tx: CryptoHash, sender: AccountId) -> Self {
        Tracked { tx, sender, sent_at: Instant::now(), described: HashSet::new(), seen: None }
    }

    /// The events for the chain as it is now (`sent_blocks`: the blocks the follower already
    /// reported, shared by all its transactions), and whether the transaction is done.
    pub fn report(
        &mut self,
        rt: &Runtime,
        sent_blocks: &mut HashSet<CryptoHash>,
    ) -> (Vec<ChainEvent>, bool) {
        // Unchanged progress: the same outcomes as last time, so nothing new to report (and
        // not done, or it would not be followed any more).
        let progress = rt.tx_progress(&self.tx);
        if self.seen.as_ref() == Some(&progress) {
            return (Vec::new(), false);
        }
        self.seen = Some(progress);
        let mut events = Vec::new();
        let (reply, done) = match rt.tx_status(&self.tx) {
            TxStatus::Unknown => (TxStatusReply::Unknown, None),
            TxStatus::Rejected(reason) => {
                let reason = nearviz_runtime::rejection(&reason);
                (
                    TxStatusReply::Error {
                        name: "INVALID_TRANSACTION".to_owned(),
                        message: reason.clone(),
                    },
                    Some(Some(reason)),
                )
            }
            TxStatus::Known { status, outcome } => {
                let fo = &outcome.final_outcome;
                let blocks = std::iter::once(fo.transaction_outcome.block_hash)
                    .chain(fo.receipts_outcome.iter().map(|o| o.block_hash));
                for hash in blocks {
                    if sent_blocks.insert(hash) {
                        if let Some(header) = rt.block(&hash) {
                            events.push(ChainEvent::Block(Box::new(header.clone())));
                        }
                        if let Some(changes) = rt.state_changes(&hash) {
                            let changes = block_changes(BlockHash(hash), changes);
                            events.push(ChainEvent::StateChanges(Box::new(changes)));
                        }
                    }
                }
                for view in rt.pending_receipt_views(&outcome) {
                    if self.described.insert(view.receipt_id) {
                        events.push(ChainEvent::Receipt(Box::new(view)));
                    }
                }
                let done = (status == TxExecutionStatus::Final).then_some(None);
                (TxStatusReply::Known { status, outcome: Some(outcome) }, done)
            }
        };
        events.push(ChainEvent::TxPoll(TxPoll {
            tx: TxHash(self.tx),
            sender: self.sender.clone(),
            at_ms: millis(self.sent_at),
            reply,
        }));
        if let Some(error) = &done {
            events.push(ChainEvent::TxDone { tx: TxHash(self.tx), error: error.clone() });
        }
        (events, done.is_some())
    }
}

/// Milliseconds since `since`.
pub(crate) fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}
