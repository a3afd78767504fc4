//! What every engine reports, in NEAR's own RPC view types.
//!
//! Sandbox, embedded runtime, replay and any-RPC engines all speak this language, so one
//! parser (`model`) builds the DAG from all of them and every recording is also a test input.
//!
//! ```text
//! engine ──ChainEvent──▶ model::Trace ──▶ model::Dag ──▶ layout ──▶ ui / output
//! ```

use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use near_primitives::views::{
    AccountView, BlockHeaderView, FinalExecutionOutcomeWithReceiptView, ReceiptView,
    StateChangeWithCauseView, TxExecutionStatus,
};
use std::fmt;

mod state_change_names;
pub use state_change_names::{cause_of, Cause, ChangeKind};

/// A transaction hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct TxHash(pub CryptoHash);

/// A receipt id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct ReceiptId(pub CryptoHash);

/// A block hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct BlockHash(pub CryptoHash);

macro_rules! display_as_base58 {
    ($($id:ident),*) => {$(
        impl fmt::Display for $id {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    )*};
}
display_as_base58!(TxHash, ReceiptId, BlockHash);

/// What `EXPERIMENTAL_tx_status` (with `wait_until: NONE`) answered for one transaction.
#[derive(Clone, PartialEq, Debug)]
pub enum TxStatusReply {
    /// `UNKNOWN_TRANSACTION`: the node has not seen it (yet).
    Unknown,
    /// The node knows it. `outcome` is `None` while it is only `INCLUDED` with nothing executed
    /// (the RPC then returns `final_execution_status` alone).
    Known { status: TxExecutionStatus, outcome: Option<Box<FinalExecutionOutcomeWithReceiptView>> },
    /// Any other answer: an RPC error (its `name` and message), a timeout, a dead node.
    Error { name: String, message: String },
}

/// What tells two replies for one transaction apart while it runs. Outcomes are only ever
/// added, so the status, how many outcomes and receipt views there are and the final result are
/// enough: followers compare this instead of whole outcomes.
#[derive(Clone, PartialEq, Debug)]
pub enum ReplyProgress {
    Unknown,
    Known {
        status: TxExecutionStatus,
        outcomes: usize,
        receipts: usize,
        result: Option<near_primitives::views::FinalExecutionStatus>,
    },
    Error {
        name: String,
        message: String,
    },
}

impl TxStatusReply {
    pub fn progress(&self) -> ReplyProgress {
        match self {
            TxStatusReply::Unknown => ReplyProgress::Unknown,
            TxStatusReply::Known { status, outcome } => ReplyProgress::Known {
                status: status.clone(),
                outcomes: outcome.as_ref().map_or(0, |o| o.final_outcome.receipts_outcome.len()),
                receipts: outcome.as_ref().map_or(0, |o| o.receipts.len()),
                result: outcome.as_ref().map(|o| o.final_outcome.status.clone()),
            },
            TxStatusReply::Error { name, message } => {
                ReplyProgress::Error { name: name.clone(), message: message.clone() }
            }
        }
    }
}

/// One observation of one transaction.
#[derive(Clone, Debug)]
pub struct TxPoll {
    pub tx: TxHash,
    /// The account the transaction was sent by (needed to query it).
    pub sender: AccountId,
    /// Milliseconds since the transaction was submitted.
    pub at_ms: u64,
    pub reply: TxStatusReply,
}

/// Everything an engine tells the rest of nearviz about the chain.
#[derive(Clone, Debug)]
pub enum ChainEvent {
    /// A transaction was sent. `label` names the scenario call (or the hash for `nearviz tx`).
    TxSubmitted { tx: TxHash, sender: AccountId, label: String, at_ms: u64 },
    /// A new status of a transaction (only sent when it changed).
    TxPoll(TxPoll),
    /// The header of a block an outcome names, or a new head.
    Block(Box<BlockHeaderView>),
    /// The engine stopped following a transaction: `None` when it reached FINAL,
    /// else why it gave up (timeout, node down...).
    TxDone { tx: TxHash, error: Option<String> },
    /// The state changes of one block that executed part of a followed transaction.
    StateChanges(Box<BlockChanges>),
    /// A receipt the engine learned of before it ran (what `EXPERIMENTAL_receipt` answers for
    /// an id an outcome names): its receiver, actions and inputs, shown before its outcome.
    Receipt(Box<ReceiptView>),
}

/// What one block did to state, as the node reports it (`EXPERIMENTAL_changes`), plus what the
/// engine knows of the values before the block.
///
/// Each change carries its cause (`transaction_processing {tx_hash}`, `receipt_processing
/// {receipt_hash}`, `action_receipt_gas_reward {receipt_hash}`, ...): the model attaches a change
/// to the transaction or receipt its cause names and ignores the others.
#[derive(Clone, Debug)]
pub struct BlockChanges {
    pub block: BlockHash,
    /// The changes, in the node's order: account changes, then data, then access keys, then
    /// contract code (one `EXPERIMENTAL_changes` request per kind); within a kind, grouped by
    /// account and key, in the order they were applied.
    pub changes: Vec<StateChangeWithCauseView>,
    /// What a changed account or key held before this block, where the engine knows it (the
    /// embedded runtime always; an RPC engine by `query` at the block's `prev_hash`). For a
    /// key or account missing here, the model uses the previous change seen in the session,
    /// else shows the before value as unknown.
    pub before: Vec<PriorState>,
    /// Embedded runtime only: what a receipt wrote before it failed and was rolled back (cause
    /// `receipt_processing {receipt_hash}` of the failed receipt). A node never reports these.
    pub reverted: Vec<StateChangeWithCauseView>,
}

/// A value before a block.
#[derive(Clone, PartialEq, Debug)]
pub enum PriorState {
    /// The account as `view_account` showed it; `None`: it did not exist.
    Account { account_id: AccountId, account: Option<AccountView> },
    /// One contract storage key as `view_state` showed it; `None`: the key did not exist.
    Data { account_id: AccountId, key: Vec<u8>, value: Option<Vec<u8>> },
    /// The engine asked and the node refused (non-archival node, state too large): why.
    Unknown { account_id: AccountId, reason: String },
}

/// The RPC's name for a status: `INCLUDED`, `EXECUTED_OPTIMISTIC`, `FINAL`...
pub fn status_name(status: &TxExecutionStatus) -> &'static str {
    match status {
        TxExecutionStatus::None => "NONE",
        TxExecutionStatus::Included => "INCLUDED",
        TxExecutionStatus::ExecutedOptimistic => "EXECUTED_OPTIMISTIC",
        TxExecutionStatus::IncludedFinal => "INCLUDED_FINAL",
        TxExecutionStatus::Executed => "EXECUTED",
        TxExecutionStatus::Final => "FINAL",
    }
}
