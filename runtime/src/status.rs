//! What `EXPERIMENTAL_tx_status` would answer for a transaction of the embedded chain.

use crate::chain::Runtime;
use near_primitives::errors::InvalidTxError;
use near_primitives::hash::CryptoHash;
use near_primitives::views::{
    ExecutionOutcomeWithIdView, ExecutionStatusView, FinalExecutionOutcomeView,
    FinalExecutionOutcomeWithReceiptView, FinalExecutionStatus, ReceiptView, SignedTransactionView,
    TxExecutionStatus,
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

/// Blocks on top of a block before it is final (doomslug finality in a one-validator chain).
const FINALITY_DEPTH: u64 = 2;

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
        let transaction_outcome = ExecutionOutcomeWithIdView {
            proof: Vec::new(),
            block_hash: tx_block,
            id: *hash,
            outcome: tx_outcome.clone(),
        };
        // Outcomes in depth-first order from the transaction, as a node lists them.
        let mut receipts_outcome = Vec::new();
        let mut receipts: Vec<ReceiptView> = Vec::new();
        let mut heights = vec![tx_height];
        let mut stack: Vec<CryptoHash> = tx_outcome.receipt_ids.iter().rev().copied().collect();
        // The node's rule: executed once every receipt but refunds has run.
        let mut waiting = false;
        while let Some(id) = stack.pop() {
            let Some(executed) = self.receipts.get(&id) else {
                waiting |= !self.is_pending_refund(&id);
                continue;
            };
            receipts_outcome.push(executed.outcome.clone());
            receipts.push(executed.view.clone());
            heights.push(executed.height);
            stack.extend(executed.outcome.outcome.receipt_ids.iter().rev().copied());
        }
        let status = self.final_status(&tx_outcome.status);
        let head = self.head().height;
        let is_final = |h: u64| h + FINALITY_DEPTH <= head;
        let all_done = self.in_flight.get(hash).copied().unwrap_or(0) == 0;
        let resolved = !waiting
            && !matches!(status, FinalExecutionStatus::NotStarted | FinalExecutionStatus::Started);
        let execution_status = if !resolved {
            if is_final(tx_height) {
                TxExecutionStatus::IncludedFinal
            } else {
                TxExecutionStatus::Included
            }
        } else if all_done && heights.iter().all(|h| is_final(*h)) {
            TxExecutionStatus::Final
        } else if is_final(tx_height) {
            TxExecutionStatus::Executed
        } else {
            TxExecutionStatus::ExecutedOptimistic
        };
        let final_outcome = FinalExecutionOutcomeView {
            status,
            transaction: SignedTransactionView::from(record.tx.clone()),
            transaction_outcome,
            receipts_outcome,
        };
        TxStatus::Known {
            status: execution_status,
            outcome: Box::new(FinalExecutionOutcomeWithReceiptView { final_outcome, receipts }),
        }
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
