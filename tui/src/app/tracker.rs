//! The tracker: every chain event seen this session, folded into the trace model, and the DAG
//! built from it.
//!
//! The DAG is kept up to date incrementally: an event marks the transactions it can change,
//! and [`Tracker::refresh`] rebuilds only those (`model::build_tx`). Each transaction has a
//! change count, so the app lays out the open one again only when it changed.

use crate::chain::{BlockChanges, ChainEvent, TxHash};
use crate::model::dag::{Dag, Progress, TxExecutionStatus, TxNode};
use crate::model::{build_tx, Trace};
use near_primitives::hash::CryptoHash;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Block headers kept for the `ms/block` figure.
const CLOCK_BLOCKS: usize = 32;

#[derive(Clone, Default)]
pub struct Tracker {
    trace: Trace,
    dag: Dag,
    /// Position of each transaction in `trace.transactions()` (and in `dag.transactions`).
    index: HashMap<TxHash, usize>,
    /// The transaction (its position) whose DAG shows each receipt, as of the last refresh.
    owners: HashMap<CryptoHash, usize>,
    /// Change count of each transaction, bumped whenever it is rebuilt.
    versions: Vec<u64>,
    /// Transactions to rebuild at the next refresh.
    dirty: BTreeSet<usize>,
    /// Transactions with an outcome in a block whose header is not known yet: a new header
    /// may give them a height.
    unresolved: BTreeSet<usize>,
    /// Transactions not yet final nor given up.
    in_flight: usize,
    /// Recent block heights and their timestamps (ns).
    clock: BTreeMap<u64, u64>,
    events: usize,
}

impl Tracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Take one event into account; the DAG follows at the next [`Tracker::refresh`].
    pub fn apply(&mut self, event: ChainEvent) {
        match &event {
            ChainEvent::TxSubmitted { tx, .. } => self.touch(*tx, true),
            ChainEvent::TxPoll(poll) => self.touch(poll.tx, true),
            ChainEvent::TxDone { tx, .. } => self.touch(*tx, false),
            ChainEvent::Block(header) => {
                self.clock.insert(header.height, header.timestamp_nanosec);
                while self.clock.len() > CLOCK_BLOCKS {
                    self.clock.pop_first();
                }
                self.dirty.extend(self.unresolved.iter().copied());
            }
            ChainEvent::StateChanges(block) => self.touch_changed(block),
            // Before any outcome names it, the poll that does will rebuild its transaction.
            ChainEvent::Receipt(view) => {
                if let Some(tx) = self.trace.tx_creating(&view.receipt_id) {
                    self.touch(tx, false);
                }
            }
        }
        self.trace.apply(event);
        self.events += 1;
    }

    /// Mark a transaction changed; `create`: the event adds it to the trace when new.
    fn touch(&mut self, tx: TxHash, create: bool) {
        let next = self.index.len();
        let i = match self.index.get(&tx) {
            Some(&i) => i,
            None if create => {
                self.index.insert(tx, next);
                next
            }
            None => return,
        };
        self.dirty.insert(i);
    }

    /// Mark the transactions whose DAG shows what a block's changes name as their cause (the
    /// transaction or one of its receipts). A change naming a receipt no DAG shows yet reaches
    /// its transaction with the outcome that names the receipt (that event marks it).
    fn touch_changed(&mut self, block: &BlockChanges) {
        for change in block.changes.iter().chain(&block.reverted) {
            let Some(hash) = crate::chain::cause_of(&change.cause).1 else { continue };
            let owner = self.index.get(&TxHash(hash)).or_else(|| self.owners.get(&hash));
            if let Some(&i) = owner {
                self.dirty.insert(i);
            }
        }
    }

    /// Rebuild the transactions that changed since the last call; true when any did.
    pub fn refresh(&mut self) -> bool {
        if self.dirty.is_empty() {
            return false;
        }
        let txs = self.trace.transactions();
        for i in std::mem::take(&mut self.dirty) {
            let Some(t) = txs.get(i) else { continue };
            let node = build_tx(&self.trace, t);
            self.owners.extend(node.receipts.iter().map(|r| (r.id.0, i)));
            if unresolved(&node) {
                self.unresolved.insert(i);
            } else {
                self.unresolved.remove(&i);
            }
            if i < self.dag.transactions.len() {
                self.dag.transactions[i] = node;
                self.versions[i] += 1;
            } else {
                // New transactions come in order: `i` is the next one.
                self.dag.transactions.push(node);
                self.versions.push(0);
            }
        }
        self.in_flight = self.dag.transactions.iter().filter(|t| !is_done(&t.progress)).count();
        true
    }

    pub fn dag(&self) -> &Dag {
        &self.dag
    }

    /// A transaction's node, by hash.
    pub fn tx(&self, tx: TxHash) -> Option<&TxNode> {
        self.index.get(&tx).and_then(|&i| self.dag.transactions.get(i))
    }

    /// Position of a transaction in the history.
    pub fn position(&self, tx: TxHash) -> Option<usize> {
        self.index.get(&tx).copied().filter(|&i| i < self.dag.transactions.len())
    }

    /// The change count of a transaction: differs whenever its node was rebuilt.
    pub fn version(&self, tx: TxHash) -> Option<u64> {
        self.position(tx).and_then(|i| self.versions.get(i)).copied()
    }

    /// Replace the DAG directly (tests and tools that build a DAG by hand).
    pub fn set_dag(&mut self, dag: Dag) {
        self.index = dag.transactions.iter().enumerate().map(|(i, t)| (t.hash, i)).collect();
        self.owners = dag
            .transactions
            .iter()
            .enumerate()
            .flat_map(|(i, t)| t.receipts.iter().map(move |r| (r.id.0, i)))
            .collect();
        let bump = self.versions.iter().max().map_or(0, |v| v + 1);
        self.versions = vec![bump; dag.transactions.len()];
        self.in_flight = dag.transactions.iter().filter(|t| !is_done(&t.progress)).count();
        self.dag = dag;
        self.dirty.clear();
    }

    /// The highest block reported.
    pub fn head(&self) -> Option<u64> {
        self.trace.head().or_else(|| self.clock.keys().next_back().copied())
    }

    /// Average milliseconds per block over the recent headers.
    pub fn ms_per_block(&self) -> Option<u64> {
        let (&h0, &t0) = self.clock.iter().next()?;
        let (&h1, &t1) = self.clock.iter().next_back()?;
        (h1 > h0 && t1 >= t0).then(|| (t1 - t0) / (h1 - h0) / 1_000_000)
    }

    /// How many events were applied.
    pub fn events(&self) -> usize {
        self.events
    }

    /// Transactions still executing (as of the last refresh).
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }
}

fn is_done(progress: &Progress) -> bool {
    match progress {
        Progress::Lost(_) => true,
        Progress::Node(status) => *status == TxExecutionStatus::Final,
        Progress::Submitted => false,
    }
}

/// Whether a header still to come may change the node: the transaction or a receipt has no
/// block height yet (conservative: receipts still to run count too).
fn unresolved(tx: &TxNode) -> bool {
    (tx.receiver.is_some() && tx.block_height.is_none())
        || tx.receipts.iter().any(|r| r.block_height.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events of `fixtures/reference/{dir}/{name}.json`.
    fn recording(dir: &str, name: &str) -> Vec<ChainEvent> {
        let path =
            format!("{}/../fixtures/reference/{dir}/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let recording = crate::fixture::load(std::path::Path::new(&path)).expect("recording");
        recording.events.into_iter().map(|e| e.event).collect()
    }

    fn capture(name: &str) -> Vec<ChainEvent> {
        recording("captures", name)
    }

    #[test]
    fn only_the_transactions_an_event_touches_are_rebuilt() {
        let mut tracker = Tracker::new();
        let first = capture("query_greeting");
        for event in first.iter().cloned() {
            tracker.apply(event);
        }
        assert!(tracker.refresh());
        let a = tracker.dag().transactions[0].hash;
        let a_version = tracker.version(a);
        assert!(!tracker.refresh(), "nothing new");
        for event in capture("batch_actions") {
            tracker.apply(event);
        }
        assert!(tracker.refresh());
        assert_eq!(tracker.dag().transactions.len(), 2);
        assert_eq!(tracker.version(a), a_version, "the finished transaction was not rebuilt");
        // A new poll of the first transaction rebuilds it alone.
        let b = tracker.dag().transactions[1].hash;
        let b_version = tracker.version(b);
        let poll = first.iter().rev().find(|e| matches!(e, ChainEvent::TxPoll(_)));
        tracker.apply(poll.cloned().expect("a poll"));
        assert!(tracker.refresh());
        assert_ne!(tracker.version(a), a_version);
        assert_eq!(tracker.version(b), b_version);
        // The incremental DAG is the DAG built from scratch.
        let mut all = first;
        all.extend(capture("batch_actions"));
        all.push(all[all.len() - 1].clone());
        let scratch = Trace::from_events(all).dag();
        assert_eq!(format!("{:?}", tracker.dag()), format!("{scratch:?}"));
        assert_eq!(tracker.in_flight(), 0);
    }

    #[test]
    fn a_late_block_header_rebuilds_the_transactions_waiting_for_it() {
        let events = capture("multiple_contracts");
        let (blocks, rest): (Vec<_>, Vec<_>) =
            events.into_iter().partition(|e| matches!(e, ChainEvent::Block(_)));
        let mut tracker = Tracker::new();
        for event in rest.iter().cloned() {
            tracker.apply(event);
        }
        tracker.refresh();
        let tx = &tracker.dag().transactions[0];
        assert!(tx.receipts.iter().any(|r| r.block_height.is_none()), "heights unknown yet");
        for event in blocks.iter().cloned() {
            tracker.apply(event);
        }
        tracker.refresh();
        let scratch = Trace::from_events(rest.into_iter().chain(blocks)).dag();
        assert_eq!(format!("{:?}", tracker.dag()), format!("{scratch:?}"));
    }

    #[test]
    fn state_changes_rebuild_only_the_transactions_they_name() {
        let first = recording("state", "forward_deposit");
        let (changes, rest): (Vec<_>, Vec<_>) = recording("state", "multiple_contracts")
            .into_iter()
            .partition(|e| matches!(e, ChainEvent::StateChanges(_)));
        assert!(!changes.is_empty());
        let mut tracker = Tracker::new();
        for event in first.iter().chain(&rest).cloned() {
            tracker.apply(event);
        }
        assert!(tracker.refresh());
        let [a, b] = [0, 1].map(|i| tracker.dag().transactions[i].hash);
        let versions = |t: &Tracker| (t.version(a), t.version(b));
        let (a_version, b_version) = versions(&tracker);
        assert!(tracker
            .tx(b)
            .is_some_and(|t| t.receipts.iter().all(|r| r.state_changes.is_empty())));
        // The second transaction's changes (naming it and its receipts) come late: only it is
        // rebuilt, and it now shows them.
        for event in changes.iter().cloned() {
            tracker.apply(event);
        }
        assert!(tracker.refresh());
        assert_eq!(tracker.version(a), a_version, "the first transaction was not rebuilt");
        assert_ne!(tracker.version(b), b_version);
        assert!(tracker
            .tx(b)
            .is_some_and(|t| t.receipts.iter().any(|r| !r.state_changes.is_empty())));
        let scratch = Trace::from_events(first.into_iter().chain(rest).chain(changes)).dag();
        assert_eq!(format!("{:?}", tracker.dag()), format!("{scratch:?}"));
        // A block whose changes name no transaction seen rebuilds none.
        let versions_now = versions(&tracker);
        tracker.apply(ChainEvent::StateChanges(Box::new(BlockChanges {
            block: crate::chain::BlockHash(CryptoHash::hash_bytes(b"another block")),
            changes: Vec::new(),
            before: Vec::new(),
            reverted: Vec::new(),
        })));
        assert!(!tracker.refresh());
        assert_eq!(versions(&tracker), versions_now);
    }
}
