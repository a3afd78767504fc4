//! `Trace`: everything the engines reported, accumulated event by event.
//!
//! The trace keeps, per transaction, the newest `EXPERIMENTAL_tx_status` view merged with what
//! earlier polls showed (a later poll never makes a receipt disappear), and the headers of the
//! blocks outcomes name. `Trace::dag` turns that into the promise DAG.
//!
//! Receipts reported before they ran (`ChainEvent::Receipt`, an `EXPERIMENTAL_receipt` view)
//! are kept by id, whichever transaction they belong to: the DAG uses one as soon as an outcome
//! names it and until the transaction's own view describes it.

use super::state_changes::StateLog;
use super::TxNode;
use crate::chain::{BlockHash, ChainEvent, TxHash, TxPoll, TxStatusReply};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::{
    BlockHeaderView, FinalExecutionOutcomeWithReceiptView, ReceiptEnumView, ReceiptView,
    TxExecutionStatus,
};
use std::collections::{HashMap, HashSet};

/// What the DAG needs of a block header.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BlockInfo {
    pub height: u64,
    /// Nanoseconds since the Unix epoch.
    pub timestamp_ns: u64,
    pub gas_price: Balance,
}

impl From<&BlockHeaderView> for BlockInfo {
    fn from(h: &BlockHeaderView) -> Self {
        BlockInfo { height: h.height, timestamp_ns: h.timestamp_nanosec, gas_price: h.gas_price }
    }
}

/// One transaction as observed so far.
#[derive(Clone, Debug)]
pub struct TxTrace {
    pub hash: TxHash,
    pub sender: AccountId,
    /// The scenario call that sent it.
    pub label: Option<String>,
    /// When it was submitted (ms since session start), if a `TxSubmitted` was seen.
    pub submitted_at_ms: Option<u64>,
    /// The node's last `final_execution_status`.
    pub node_status: Option<TxExecutionStatus>,
    /// Newest view, merged with earlier ones.
    pub outcome: Option<Box<FinalExecutionOutcomeWithReceiptView>>,
    /// The last RPC error (`name`, message), cleared by the next good answer.
    pub last_error: Option<(String, String)>,
    /// `Some(None)`: followed to FINAL; `Some(Some(why))`: the engine gave up.
    pub done: Option<Option<String>>,
    /// How many polls were applied.
    pub polls: usize,
    /// Its node, built when it finished ([`Trace::settle`]); its view is freed then.
    pub settled: Option<Box<TxNode>>,
}

impl TxTrace {
    fn new(hash: TxHash, sender: AccountId) -> Self {
        TxTrace {
            hash,
            sender,
            label: None,
            submitted_at_ms: None,
            node_status: None,
            outcome: None,
            last_error: None,
            done: None,
            polls: 0,
            settled: None,
        }
    }
}

/// All transactions of a session (in the order they were first seen) and the block headers.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    pub(super) txs: Vec<TxTrace>,
    pub(super) index: HashMap<TxHash, usize>,
    blocks: HashMap<BlockHash, BlockInfo>,
    head: Option<u64>,
    state: StateLog,
    /// Action receipts reported before they ran, by id.
    pending: HashMap<CryptoHash, ReceiptView>,
}

impl Trace {
    pub fn new() -> Self {
        Self::default()
    }

    /// A trace holding these events, applied in order.
    pub fn from_events<I: IntoIterator<Item = ChainEvent>>(events: I) -> Self {
        let mut trace = Trace::new();
        for event in events {
            trace.apply(event);
        }
        trace
    }

    /// Take one engine event into account.
    pub fn apply(&mut self, event: ChainEvent) {
        match event {
            ChainEvent::TxSubmitted { tx, sender, label, at_ms } => {
                let entry = self.entry(tx, sender);
                entry.label = Some(label);
                entry.submitted_at_ms = Some(at_ms);
            }
            // A settled transaction is final: nothing reported later changes it.
            ChainEvent::TxPoll(poll) if self.is_settled(&poll.tx) => {}
            ChainEvent::TxPoll(poll) => self.apply_poll(poll),
            ChainEvent::Block(header) => {
                let info = BlockInfo::from(header.as_ref());
                self.head = Some(self.head.map_or(info.height, |h| h.max(info.height)));
                self.blocks.insert(BlockHash(header.hash), info);
            }
            ChainEvent::TxDone { tx, error } => {
                if let Some(&i) = self.index.get(&tx) {
                    self.txs[i].done = Some(error);
                }
            }
            ChainEvent::StateChanges(block) => self.state.apply(&block),
            ChainEvent::Receipt(view) => {
                // A data receipt carries a value, not something to run: nothing to show.
                if matches!(view.receipt, ReceiptEnumView::Action { .. }) {
                    self.pending.insert(view.receipt_id, *view);
                }
            }
        }
    }

    fn entry(&mut self, tx: TxHash, sender: AccountId) -> &mut TxTrace {
        let i = match self.index.get(&tx) {
            Some(&i) => i,
            None => {
                self.txs.push(TxTrace::new(tx, sender));
                self.index.insert(tx, self.txs.len() - 1);
                self.txs.len() - 1
            }
        };
        &mut self.txs[i]
    }

    fn apply_poll(&mut self, poll: TxPoll) {
        if let TxStatusReply::Known { outcome: Some(new), .. } = &poll.reply {
            // The transaction's own view now describes these: their early views are not needed.
            for r in &new.receipts {
                self.pending.remove(&r.receipt_id);
            }
        }
        let entry = self.entry(poll.tx, poll.sender);
        entry.polls += 1;
        match poll.reply {
            TxStatusReply::Unknown => entry.last_error = None,
            TxStatusReply::Error { name, message } => entry.last_error = Some((name, message)),
            TxStatusReply::Known { status, outcome } => {
                entry.last_error = None;
                entry.node_status = Some(status);
                if let Some(new) = outcome {
                    entry.outcome = Some(match entry.outcome.take() {
                        Some(old) => merge(old, new),
                        None => new,
                    });
                }
            }
        }
    }

    fn is_settled(&self, tx: &TxHash) -> bool {
        self.index.get(tx).is_some_and(|&i| self.txs[i].settled.is_some())
    }

    /// Frees the view of the `i`th transaction and the state changes of `receipts` (see
    /// [`Trace::into_dag`]).
    pub(super) fn forget(&mut self, i: usize, receipts: impl Iterator<Item = CryptoHash>) {
        if let Some(t) = self.txs.get_mut(i) {
            t.outcome = None;
        }
        for id in receipts {
            self.state.forget(&id);
        }
    }

    /// Transactions in the order they were first seen.
    pub fn transactions(&self) -> &[TxTrace] {
        &self.txs
    }

    pub fn transaction(&self, tx: &TxHash) -> Option<&TxTrace> {
        self.index.get(tx).map(|&i| &self.txs[i])
    }

    pub fn block(&self, hash: &BlockHash) -> Option<&BlockInfo> {
        self.blocks.get(hash)
    }

    /// Height of a block by hash, if its header was reported.
    pub fn height(&self, hash: &CryptoHash) -> Option<u64> {
        self.blocks.get(&BlockHash(*hash)).map(|b| b.height)
    }

    /// Every state change reported, by the transaction or receipt its cause names.
    pub fn state(&self) -> &StateLog {
        &self.state
    }

    /// Action receipts reported before they ran (`ChainEvent::Receipt`), by id.
    pub fn receipt_views(&self) -> &HashMap<CryptoHash, ReceiptView> {
        &self.pending
    }

    /// The transaction whose outcomes name receipt `id` as created, if any seen so far (newest
    /// transactions first: a view comes while its transaction is in flight).
    pub fn tx_creating(&self, id: &CryptoHash) -> Option<TxHash> {
        self.txs.iter().rev().find_map(|t| {
            let fo = &t.outcome.as_ref()?.final_outcome;
            let mut named = std::iter::once(&fo.transaction_outcome)
                .chain(&fo.receipts_outcome)
                .flat_map(|o| &o.outcome.receipt_ids);
            named.any(|r| r == id).then_some(t.hash)
        })
    }

    /// The highest block height reported.
    pub fn head(&self) -> Option<u64> {
        self.head
    }
}

/// A newer view of a transaction, keeping receipts that only an older view showed.
fn merge(
    old: Box<FinalExecutionOutcomeWithReceiptView>,
    mut new: Box<FinalExecutionOutcomeWithReceiptView>,
) -> Box<FinalExecutionOutcomeWithReceiptView> {
    let old = *old;
    let outcomes = &mut new.final_outcome.receipts_outcome;
    if !old.final_outcome.receipts_outcome.is_empty() {
        let have: HashSet<CryptoHash> = outcomes.iter().map(|o| o.id).collect();
        outcomes.extend(
            old.final_outcome.receipts_outcome.into_iter().filter(|o| !have.contains(&o.id)),
        );
    }
    if !old.receipts.is_empty() {
        let have: HashSet<CryptoHash> = new.receipts.iter().map(|r| r.receipt_id).collect();
        new.receipts.extend(old.receipts.into_iter().filter(|r| !have.contains(&r.receipt_id)));
    }
    new
}
