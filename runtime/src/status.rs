//! What `EXPERIMENTAL_tx_status` would answer for a transaction of the embedded chain.

use crate::chain::{ReceiptRecord, Runtime};
use near_primitives::errors::InvalidTxError;
use near_primitives::hash::CryptoHash;
use near_primitives::views::{
    ExecutionOutcomeView, ExecutionOutcomeWithIdView, ExecutionStatusView,
    FinalExecutionOutcomeView, FinalExecutionOutcomeWithReceiptView, FinalExecutionStatus,
    ReceiptView, SignedTransactionView, TxExecutionStatus,
};

/// A transaction as the RPC reports it.
#[derive(Clone, Debug)]
pub enum TxStatus {
    /// Not included in a block yet (the node answers `UNKNOWN_TRANSACTION`).
    Unknown,
    /// Included; `outcome` holds everything executed so far.
    Known { status: TxExecutionStatus, outcome: Box<FinalExecutionOutcomeWithReceiptView> },
    /// Dropped when it was to be included (why, as the node's invalid-transaction error).
    Rejected(InvalidTxError),
}

/// How far a transaction got: what [`Runtime::tx_status`] answers, without building its views.
/// Two calls that return equal progress return the same outcomes (same receipts, same result).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxProgress {
    Unknown,
    Rejected,
    Known {
        status: TxExecutionStatus,
        /// The height of the block that included the transaction.
        included_at: u64,
        /// How many of its receipts ran (the outcomes `tx_status` lists).
        executed: usize,
        result: FinalExecutionStatus,
    },
}

/// Blocks on top of a block before it is final (doomslug finality in a one-validator chain).
const FINALITY_DEPTH: u64 = 2;

/// A transaction's receipts that ran, found from the transaction, and what they tell.
struct Walk<'a> {
    /// Depth-first from the transaction, as a node lists them.
    executed: Vec<&'a ReceiptRecord>,
    status: TxExecutionStatus,
    result: FinalExecutionStatus,
}

impl Runtime {
    /// The status of transaction `hash`, like `EXPERIMENTAL_tx_status` with `wait_until: NONE`.
    pub fn tx_status(&self, hash: &CryptoHash) -> TxStatus {
        let Some(record) = self.txs.get(hash) else { return TxStatus::Unknown };
        if let Some(reason) = &record.rejected {
            return TxStatus::Rejected(reason.clone());
        }
        let (Some((tx_block, tx_height)), Some(tx_outcome)) = (record.included, &record.outcome)
        else {
            return TxStatus::Unknown;
        };
        let walk = self.walk(hash, tx_outcome, tx_height);
        let transaction_outcome = ExecutionOutcomeWithIdView {
            proof: Vec::new(),
            block_hash: tx_block,
            id: *hash,
            outcome: tx_outcome.clone(),
        };
        let final_outcome = FinalExecutionOutcomeView {
            status: walk.result,
            transaction: SignedTransactionView::from(record.tx.clone()),
            transaction_outcome,
            receipts_outcome: walk.executed.iter().map(|r| r.outcome.clone()).collect(),
        };
        let receipts: Vec<ReceiptView> = walk.executed.iter().map(|r| r.view.clone()).collect();
        TxStatus::Known {
            status: walk.status,
            outcome: Box::new(FinalExecutionOutcomeWithReceiptView { final_outcome, receipts }),
        }
    }

    /// How far transaction `hash` got ([`TxProgress`]): a follower asks this every block and
    /// builds the views of [`Self::tx_status`] only when it changed.
    pub fn tx_progress(&self, hash: &CryptoHash) -> TxProgress {
        let Some(record) = self.txs.get(hash) else { return TxProgress::Unknown };
        if record.rejected.is_some() {
            return TxProgress::Rejected;
        }
        let (Some((_, included_at)), Some(tx_outcome)) = (record.included, &record.outcome) else {
            return TxProgress::Unknown;
        };
        let walk = self.walk(hash, tx_outcome, included_at);
        TxProgress::Known {
            status: walk.status,
            included_at,
            executed: walk.executed.len(),
            result: walk.result,
        }
    }

    /// Frees what the runtime keeps of transaction `hash` once nothing of it runs any more: its
    /// record and its receipts' outcomes and views. For a driver that reported the transaction
    /// and will not ask again (the embedded engine: a 1,000-call run kept ~15 MB of them);
    /// `tx_status` answers `Unknown` for it afterwards. False (nothing freed) while a receipt
    /// of it is still to run, or for a transaction the runtime does not know.
    pub fn forget_transaction(&mut self, hash: &CryptoHash) -> bool {
        let Some(record) = self.txs.get(hash) else { return false };
        if self.in_flight.get(hash).is_some_and(|&left| left > 0) {
            return false;
        }
        let ran: Vec<CryptoHash> = match (record.included, &record.outcome) {
            (Some((_, height)), Some(outcome)) => {
                self.walk(hash, outcome, height).executed.iter().map(|r| r.outcome.id).collect()
            }
            _ => Vec::new(),
        };
        for id in &ran {
            self.receipts.remove(id);
            self.receipt_tx.remove(id);
        }
        self.txs.remove(hash);
        self.in_flight.remove(hash);
        true
    }

    /// The receipts of a transaction (its outcome `tx_outcome`, included at `tx_height`) that
    /// ran, and its status by the node's rules.
    fn walk(
        &self,
        hash: &CryptoHash,
        tx_outcome: &ExecutionOutcomeView,
        tx_height: u64,
    ) -> Walk<'_> {
        let mut executed = Vec::new();
        let mut stack: Vec<CryptoHash> = tx_outcome.receipt_ids.iter().rev().copied().collect();
        // The node's rule: executed once every receipt but refunds has run.
        let mut waiting = false;
        while let Some(id) = stack.pop() {
            let Some(record) = self.receipts.get(&id) else {
                waiting |= !self.is_pending_refund(&id);
                continue;
            };
            executed.push(record.as_ref());
            stack.extend(record.outcome.outcome.receipt_ids.iter().rev().copied());
        }
        let result = self.final_status(&tx_outcome.status);
        let head = self.head().height;
        let is_final = |h: u64| h + FINALITY_DEPTH <= head;
        let all_done = self.in_flight.get(hash).copied().unwrap_or(0) == 0;
        let resolved = !waiting
            && !matches!(result, FinalExecutionStatus::NotStarted | FinalExecutionStatus::Started);
        let status = if !resolved {
            if is_final(tx_height) {
                TxExecutionStatus::IncludedFinal
            } else {
                TxExecutionStatus::Included
            }
        } else if all_done && is_final(tx_height) && executed.iter().all(|r| is_final(r.height)) {
            TxExecutionStatus::Final
        } else if is_final(tx_height) {
            TxExecutionStatus::Executed
        } else {
            TxExecutionStatus::ExecutedOptimistic
        };
        Walk { executed, status, result }
    }

    /// Follows `SuccessReceiptId` links from the transaction to the value or failure it ends in.
    fn final_status(&self, first: &ExecutionStatusView) -> FinalExecutionStatus {
        let mut status = first.clone();
        // Each hop goes to a receipt created later, so the chain ends; bound it anyway.
        for _ in 0..=self.receipts.len() {
            match status {
                ExecutionStatusView::SuccessReceiptId(id) => match self.receipts.get(&id) {
                    Some(next) => status = next.outcome.outcome.status.clone(),
                    None => return FinalExecutionStatus::Started,
                },
                ExecutionStatusView::SuccessValue(v) => {
                    return FinalExecutionStatus::SuccessValue(v)
                }
                ExecutionStatusView::Failure(e) => return FinalExecutionStatus::Failure(e),
                ExecutionStatusView::Unknown => return FinalExecutionStatus::Started,
            }
        }
        FinalExecutionStatus::Started
    }
}
