//! `build`: from a `Trace` to the `Dag`, one transaction at a time.
//!
//! Everything comes from the views; nothing is computed that the node can tell: a receipt's
//! block is its outcome's `block_hash` looked up in the reported headers (unknown header →
//! unknown height), the transaction status is the node's top-level `status` (fact 9), and
//! the gas and tokens are the sums of the outcomes.

use super::dag::{Dag, InputStatus, Outcome, Parent, Progress, ReceiptNode, Status, TxNode};
use super::decode;
use super::gas_profile::GasProfile;
use super::index::Index;
use super::ledger;
use super::links::Links;
use super::state_changes::StateChange;
use super::trace::{Trace, TxTrace};
use crate::chain::{ReceiptId, TxHash};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{Balance, Gas};
use near_primitives::views::{
    ExecutionOutcomeView, ExecutionStatusView, FinalExecutionStatus, ReceiptEnumView,
};
use std::collections::HashMap;

/// The DAG of every transaction in the trace, in the order they were first seen.
pub fn build(trace: &Trace) -> Dag {
    let node = |t: &TxTrace| match &t.settled {
        Some(node) => node.as_ref().clone(),
        None => build_tx(trace, t),
    };
    Dag { transactions: trace.transactions().iter().map(node).collect() }
}

fn progress(t: &TxTrace) -> Progress {
    match (&t.done, &t.node_status) {
        (Some(Some(why)), _) => Progress::Lost(why.clone()),
        (_, Some(status)) => Progress::Node(status.clone()),
        (_, None) => Progress::Submitted,
    }
}

/// The DAG of one transaction.
pub fn build_tx(trace: &Trace, t: &TxTrace) -> TxNode {
    let mut node = TxNode {
        hash: t.hash,
        label: t.label.clone(),
        signer: t.sender.clone(),
        receiver: None,
        actions: Vec::new(),
        block_height: None,
        status: Status::Pending,
        progress: progress(t),
        gas_burnt: Gas::ZERO,
        tokens_burnt: Balance::ZERO,
        conversion_gas_burnt: Gas::ZERO,
        first_block: None,
        last_block: None,
        receipts: Vec::new(),
        state_changes: changes(trace, trace.state().of(&t.hash.0)),
        ledger: Default::default(),
    };
    let Some(view) = t.outcome.as_deref() else { return node };
    let fo = &view.final_outcome;
    node.signer = fo.transaction.signer_id.clone();
    node.receiver = Some(fo.transaction.receiver_id.clone());
    node.actions = fo.transaction.actions.iter().map(decode::action).collect();
    let tx_outcome = &fo.transaction_outcome;
    let tx_block = trace.height(&tx_outcome.block_hash);
    node.block_height = tx_block;
    node.conversion_gas_burnt = tx_outcome.outcome.gas_burnt;

    let ix = Index::new(view, trace.receipt_views());
    let links = Links::new(&ix);
    let mut receipts: Vec<ReceiptNode> =
        ix.order.iter().map(|id| receipt(trace, &ix, &links, id, tx_block)).collect();
    let attached: HashMap<CryptoHash, Gas> =
        receipts.iter().map(|r| (r.id.0, r.gas_attached)).collect();
    for r in &mut receipts {
        r.gas_forwarded = r
            .children
            .iter()
            .filter_map(|c| attached.get(&c.0))
            .fold(Gas::ZERO, |sum, g| sum.saturating_add(*g));
    }
    sort(&mut receipts);

    node.gas_burnt = receipts
        .iter()
        .fold(tx_outcome.outcome.gas_burnt, |sum, r| sum.saturating_add(r.gas_burnt));
    node.tokens_burnt = receipts
        .iter()
        .fold(tx_outcome.outcome.tokens_burnt, |sum, r| sum.saturating_add(r.tokens_burnt));
    node.first_block = tx_block;
    node.last_block = receipts.iter().filter_map(|r| r.block_height).chain(tx_block).max();
    node.status = tx_status(&fo.status, &tx_outcome.outcome, &receipts);
    node.receipts = receipts;
    let rewards: HashMap<ReceiptId, u128> = ix
        .outcomes
        .iter()
        .filter_map(|(id, o)| reward(&o.outcome).map(|r| (ReceiptId(*id), r)))
        .collect();
    node.ledger = ledger::ledger(&node, &rewards);
    node
}

/// A function call's contract reward: 30% of its function-call gas (the gas profile's sum)
/// at the price the outcome burnt gas at.
fn reward(o: &ExecutionOutcomeView) -> Option<u128> {
    let gas = u128::from(GasProfile::of(&o.metadata)?.total().as_gas());
    let burnt = u128::from(o.gas_burnt.as_gas());
    if gas == 0 || burnt == 0 {
        return None;
    }
    let price = o.tokens_burnt.as_yoctonear() / burnt;
    Some(gas * 3 / 10 * price)
}

/// The changes with the heights of their blocks.
fn changes(trace: &Trace, list: &[StateChange]) -> Vec<StateChange> {
    list.iter()
        .cloned()
        .map(|mut c| {
            c.block_height = trace.height(&c.block.0);
            c
        })
        .collect()
}

fn status_of(outcome: &ExecutionOutcomeView) -> Option<Status> {
    match &outcome.status {
        ExecutionStatusView::Unknown => None,
        ExecutionStatusView::SuccessValue(bytes) => {
            Some(Status::Success(Outcome::Value(decode::value(bytes))))
        }
        ExecutionStatusView::SuccessReceiptId(id) => {
            Some(Status::Success(Outcome::Receipt(ReceiptId(*id))))
        }
        ExecutionStatusView::Failure(err) => Some(Status::Failure(decode::failure(err))),
    }
}

/// Refund receipts come from `system`. Without the receipt (plain `tx` answers), a refund is
/// recognised by its outcome: gas burnt at price 0, no logs, nothing created.
fn is_refund(ix: &Index<'_>, id: &CryptoHash) -> bool {
    if let Some(entry) = ix.entries.get(id) {
        return entry.predecessor_id.as_str() == "system";
    }
    ix.outcomes.get(id).is_some_and(|o| {
        let o = &o.outcome;
        o.tokens_burnt.is_zero()
            && o.gas_burnt > Gas::ZERO
            && o.logs.is_empty()
            && o.receipt_ids.is_empty()
    })
}

fn receipt(
    trace: &Trace,
    ix: &Index<'_>,
    links: &Links,
    id: &CryptoHash,
    tx_block: Option<u64>,
) -> ReceiptNode {
    let outcome = ix.outcomes.get(id).copied();
    let entry = ix.entries.get(id).copied();
    let actions: Vec<_> = match entry.map(|e| &e.receipt) {
        Some(ReceiptEnumView::Action { actions, .. }) => {
            actions.iter().map(decode::action).collect()
        }
        _ => Vec::new(),
    };
    let block_height = outcome.and_then(|o| trace.height(&o.block_hash));
    let (inputs, inferred_total) = links.inputs(ix, id);
    let status = match outcome.and_then(|o| status_of(&o.outcome)) {
        Some(status) => status,
        None => {
            let arrived = inputs.iter().filter(|i| i.status != InputStatus::Pending).count();
            match inferred_total {
                Some(total) => Status::Waiting { arrived, total },
                None if !inputs.is_empty() => Status::Waiting { arrived, total: inputs.len() },
                None => Status::Pending,
            }
        }
    };
    ReceiptNode {
        id: ReceiptId(*id),
        parent: ix.parent.get(id).copied().unwrap_or(Parent::Tx(ix.tx)),
        children: outcome
            .map(|o| o.outcome.receipt_ids.iter().map(|c| ReceiptId(*c)).collect())
            .unwrap_or_default(),
        predecessor: entry.map(|e| e.predecessor_id.clone()),
        receiver: entry
            .map(|e| e.receiver_id.clone())
            .or_else(|| outcome.map(|o| o.outcome.executor_id.clone())),
        gas_attached: actions.iter().fold(Gas::ZERO, |sum, a| sum.saturating_add(a.gas)),
        actions,
        is_refund: is_refund(ix, id),
        block_height,
        block_offset: match (block_height, tx_block) {
            (Some(h), Some(b)) => h.checked_sub(b),
            _ => None,
        },
        status,
        gas_burnt: outcome.map_or(Gas::ZERO, |o| o.outcome.gas_burnt),
        gas_profile: outcome.and_then(|o| GasProfile::of(&o.outcome.metadata)),
        tokens_burnt: outcome.map_or(Balance::ZERO, |o| o.outcome.tokens_burnt),
        gas_forwarded: Gas::ZERO,
        logs: outcome.map(|o| o.outcome.logs.clone()).unwrap_or_default(),
        inputs,
        state_changes: changes(trace, trace.state().of(id)),
        reverted_changes: changes(trace, trace.state().reverted_of(id)),
    }
}

/// By block, then discovery order. A receipt whose block is unknown sorts with its parent;
/// receipts not executed yet come last.
fn sort(receipts: &mut [ReceiptNode]) {
    let mut key: HashMap<CryptoHash, u64> = HashMap::new();
    for r in receipts.iter() {
        let inherited = match r.parent {
            Parent::Receipt(p) => key.get(&p.0).copied().unwrap_or(0),
            Parent::Tx(_) => 0,
        };
        let k = match (&r.status, r.block_height) {
            (_, Some(h)) => h,
            (Status::Pending | Status::Waiting { .. }, None) => u64::MAX,
            (_, None) => inherited,
        };
        key.insert(r.id.0, k);
    }
    receipts.sort_by_key(|r| key.get(&r.id.0).copied().unwrap_or(u64::MAX));
}

/// The node's verdict when it has one; while it is `Started`, the state of the receipt the
/// returned promise chain has reached.
fn tx_status(
    status: &FinalExecutionStatus,
    tx_outcome: &ExecutionOutcomeView,
    receipts: &[ReceiptNode],
) -> Status {
    match status {
        FinalExecutionStatus::NotStarted => Status::Pending,
        FinalExecutionStatus::SuccessValue(bytes) => {
            Status::Success(Outcome::Value(decode::value(bytes)))
        }
        FinalExecutionStatus::Failure(err) => Status::Failure(decode::failure(err)),
        FinalExecutionStatus::Started => {
            let by_id: HashMap<CryptoHash, &ReceiptNode> =
                receipts.iter().map(|r| (r.id.0, r)).collect();
            let mut next = match &tx_outcome.status {
                ExecutionStatusView::SuccessReceiptId(id) => *id,
                ExecutionStatusView::Failure(err) => return Status::Failure(decode::failure(err)),
                _ => return Status::Pending,
            };
            for _ in 0..=receipts.len() {
                match by_id.get(&next).map(|r| &r.status) {
                    Some(Status::Success(Outcome::Receipt(id))) => next = id.0,
                    Some(other) => return other.clone(),
                    None => return Status::Pending,
                }
            }
            Status::Pending
        }
    }
}

impl Trace {
    /// The promise DAG of every transaction (see `build`).
    pub fn dag(&self) -> Dag {
        build(self)
    }

    /// The same DAG as [`Trace::dag`], consuming the trace: each transaction's view and its
    /// receipts' state changes are freed once its node is built (a node reads only its own
    /// transaction's view and receipts' changes, besides the headers and early receipt views),
    /// so the nodes' copies of the changes reuse that memory instead of adding to the peak.
    pub fn into_dag(mut self) -> Dag {
        let mut transactions = Vec::with_capacity(self.transactions().len());
        for i in 0..self.transactions().len() {
            let node = match self.txs[i].settled.take() {
                Some(node) => *node,
                None => self.node_of(i),
            };
            transactions.push(node);
        }
        Dag { transactions }
    }

    /// Builds the node of transaction `tx` now if it finished (`TxDone`), and frees its view
    /// and its receipts' state changes as [`Trace::into_dag`] does; `dag` and `into_dag` then
    /// use that node. Nothing reported later changes a finished transaction (later polls of
    /// it are ignored), so a reader that wants the DAG only at the end (`nearviz run`) keeps
    /// nodes instead of views, and builds them while the chain still runs.
    pub fn settle(&mut self, tx: &TxHash) {
        let Some(&i) = self.index.get(tx) else { return };
        if self.txs[i].done.is_some() && self.txs[i].settled.is_none() {
            let node = self.node_of(i);
            self.txs[i].settled = Some(Box::new(node));
        }
    }

    /// The node of the `i`th transaction, its view and receipts' state changes freed.
    fn node_of(&mut self, i: usize) -> TxNode {
        let node = build_tx(self, &self.txs[i]);
        self.forget(i, node.receipts.iter().map(|r| r.id.0));
        node
    }
}
