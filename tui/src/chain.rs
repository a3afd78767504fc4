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
    BlockHeaderView, FinalExecutionOutcomeWithReceiptView, TxExecutionStatus,
};
use std::fmt;

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
}
