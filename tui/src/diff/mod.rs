//! `nearviz diff A B`: what changed between two runs, over two `model::Dag`s. Pure.
//!
//! ```text
//! Dag A ─┐                 ┌─ text::write  (the readable tree)
//!        ├─ diff() ─ Report ┤
//! Dag B ─┘                 └─ json::to_value (--format json)
//! ```
//! - `matching`: transactions by label (else by order), receipts by their path in the tree.
//! - `compare`: the fields of two matched transactions or receipts, one function per field.
//! - `state_changes`: the state changes of two matched receipts (or transactions) and the ledger.
//! - `tolerance`: `--gas-tolerance`, applied only to gas-determined amounts.
//! - `trace`: reads a saved `--format json` trace back (`trace_json`), so it can be compared too.

pub mod compare;
pub mod gas_report;
pub mod json;
pub mod matching;
pub mod state_changes;
pub mod text;
pub mod tolerance;
pub mod trace;

use crate::model::{Cause, ChangeKind, Dag, ReceiptNode, TxNode};
pub use matching::{MatchedBy, Step};
pub use tolerance::Tolerance;

/// Everything that differs (and, for JSON, every pair that was compared).
#[derive(Clone, Debug)]
pub struct Report {
    pub tolerance: Tolerance,
    pub transactions: Vec<TxDiff>,
}

impl Report {
    /// Equal when nothing is missing or extra and every change is within the tolerance.
    pub fn is_equal(&self) -> bool {
        self.transactions.iter().all(TxDiff::is_equal)
    }
}

/// Which runs have a transaction or receipt.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Presence {
    Both,
    /// Missing from B.
    OnlyA,
    /// Extra in B.
    OnlyB,
}

impl Presence {
    /// Which of the two runs have the thing (`a`, `b`: its side in run A and run B).
    fn of<A, B>(a: &Option<A>, b: &Option<B>) -> Presence {
        match (a, b) {
            (Some(_), None) => Presence::OnlyA,
            (None, Some(_)) => Presence::OnlyB,
            _ => Presence::Both,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Presence::Both => "both",
            Presence::OnlyA => "only_a",
            Presence::OnlyB => "only_b",
        }
    }
}

#[derive(Clone, Debug)]
pub struct TxDiff {
    /// The label (A's when both have one), else `None`.
    pub label: Option<String>,
    pub a: Option<TxSide>,
    pub b: Option<TxSide>,
    pub matched_by: Option<MatchedBy>,
    pub changes: Vec<Change>,
    /// Every receipt of either run, paired, in tree order.
    pub receipts: Vec<ReceiptDiff>,
    /// Whether both runs carry state changes for this transaction (a run recorded without
    /// them, or an engine that does not report them, is not a difference).
    pub state_compared: bool,
    /// The transaction's own state changes (cause `transaction_processing`), paired.
    pub state: Vec<StateDiff>,
    /// The ledger rows, paired by account.
    pub ledger: Vec<LedgerDiff>,
}

impl TxDiff {
    pub fn presence(&self) -> Presence {
        Presence::of(&self.a, &self.b)
    }

    pub fn is_equal(&self) -> bool {
        self.presence() == Presence::Both
            && self.changes.iter().all(Change::is_equal)
            && self.receipts.iter().all(ReceiptDiff::is_equal)
            && self.state.iter().all(StateDiff::is_equal)
            && self.ledger.iter().all(LedgerDiff::is_equal)
    }
}

/// What identifies a transaction in one run.
#[derive(Clone, Debug)]
pub struct TxSide {
    pub hash: String,
    pub signer: String,
    pub receiver: Option<String>,
}

impl TxSide {
    fn of(tx: &TxNode) -> TxSide {
        TxSide {
            hash: tx.hash.to_string(),
            signer: tx.signer.to_string(),
            receiver: tx.receiver.as_ref().map(|r| r.to_string()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ReceiptDiff {
    /// 0 for receipts the transaction created.
    pub depth: usize,
    pub path: Vec<Step>,
    /// The receipt ids in A and B.
    pub a: Option<String>,
    pub b: Option<String>,
    /// `B+2` in the run that has it (A's when both).
    pub offset: Option<u64>,
    pub changes: Vec<Change>,
    /// Its state changes, paired (empty when the transaction's state is not compared).
    pub state: Vec<StateDiff>,
    /// Its rolled-back changes, paired when both runs have some (embedded runtime only).
    pub reverted: Vec<StateDiff>,
}

impl ReceiptDiff {
    pub fn presence(&self) -> Presence {
        Presence::of(&self.a, &self.b)
    }

    pub fn is_equal(&self) -> bool {
        self.presence() == Presence::Both
            && self.changes.iter().all(Change::is_equal)
            && self.state.iter().all(StateDiff::is_equal)
            && self.reverted.iter().all(StateDiff::is_equal)
    }
}

/// One state change of either run, paired with the other run's by cause, account, what it
/// changed (the storage key, the access key) and order.
#[derive(Clone, Debug)]
pub struct StateDiff {
    pub cause: Cause,
    /// A's kind when both have it (a different kind is a change).
    pub kind: ChangeKind,
    pub account: String,
    /// The storage key, readable (data changes), or the public key (access keys).
    pub key: Option<String>,
    pub presence: Presence,
    pub changes: Vec<Change>,
}

impl StateDiff {
    pub fn is_equal(&self) -> bool {
        self.presence == Presence::Both && self.changes.iter().all(Change::is_equal)
    }

    /// `data_update xcc.test.near "STATE" by receipt_processing`.
    pub fn what(&self) -> String {
        let key = self.key.as_ref().map_or(String::new(), |k| format!(" {k}"));
        format!("{} {}{key} by {}", self.kind, self.account, self.cause)
    }
}

/// One account's ledger row in either run.
#[derive(Clone, Debug)]
pub struct LedgerDiff {
    pub account: String,
    pub presence: Presence,
    pub changes: Vec<Change>,
}

impl LedgerDiff {
    pub fn is_equal(&self) -> bool {
        self.presence == Presence::Both && self.changes.iter().all(Change::is_equal)
    }
}

/// One field that differs.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// `gas burnt`, `status`, `logs`, ...
    pub field: String,
    /// The values as `--format json` writes them (gas a number, yoctoNEAR a string).
    pub a: serde_json::Value,
    pub b: serde_json::Value,
    /// For gas-determined amounts: the difference, and whether the tolerance allows it.
    pub amount: Option<AmountChange>,
}

impl Change {
    /// Exact fields always count; amounts only beyond the tolerance.
    pub fn is_equal(&self) -> bool {
        self.amount.as_ref().is_some_and(|a| a.within_tolerance)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Unit {
    Gas,
    YoctoNear,
}

/// Balance deltas are signed, hence `i128` (every real gas or yoctoNEAR amount fits).
#[derive(Clone, Debug, PartialEq)]
pub struct AmountChange {
    pub unit: Unit,
    pub a: i128,
    pub b: i128,
    /// `(b - a) / a` in percent; `None` when `a` is 0.
    pub percent: Option<f64>,
    pub within_tolerance: bool,
}

/// Compares run A (the baseline) with run B.
pub fn diff(a: &Dag, b: &Dag, tolerance: Tolerance) -> Report {
    let pairs = matching::pair_transactions(&a.transactions, &b.transactions);
    let mut transactions = Vec::new();
    for (i, j, by) in pairs.pairs {
        let (ta, tb) = (&a.transactions[i], &b.transactions[j]);
        transactions.push(diff_tx(ta, tb, by, tolerance));
    }
    for i in pairs.only_a {
        transactions.push(alone(&a.transactions[i], true));
    }
    for j in pairs.only_b {
        transactions.push(alone(&b.transactions[j], false));
    }
    Report { tolerance, transactions }
}

fn diff_tx(ta: &TxNode, tb: &TxNode, by: MatchedBy, tolerance: Tolerance) -> TxDiff {
    let (tree_a, tree_b) = (matching::Tree::new(ta), matching::Tree::new(tb));
    let ctx = compare::Ctx { tolerance, a: &tree_a, b: &tree_b };
    let changes = compare::transaction(&ctx, ta, tb);
    let state_compared = state_changes::has_state(ta) && state_changes::has_state(tb);
    let reverted_compared = state_changes::has_reverted(ta) && state_changes::has_reverted(tb);
    let receipts = matching::pair_receipts(&tree_a, &tree_b)
        .into_iter()
        .map(|p| {
            let mut d = receipt_diff(p.depth, p.path, p.a, p.b, Vec::new());
            if let (Some(ra), Some(rb)) = (p.a, p.b) {
                d.changes = compare::receipt(&ctx, ra, rb);
                if state_compared {
                    d.state =
                        state_changes::changes(tolerance, &ra.state_changes, &rb.state_changes);
                }
                if reverted_compared {
                    d.reverted = state_changes::changes(
                        tolerance,
                        &ra.reverted_changes,
                        &rb.reverted_changes,
                    );
                }
            }
            d
        })
        .collect();
    let (state, ledger) = if state_compared {
        (
            state_changes::changes(tolerance, &ta.state_changes, &tb.state_changes),
            state_changes::ledger(tolerance, &ta.ledger, &tb.ledger),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let label = matching::label(ta).or(matching::label(tb)).map(str::to_string);
    TxDiff {
        label,
        a: Some(TxSide::of(ta)),
        b: Some(TxSide::of(tb)),
        matched_by: Some(by),
        changes,
        receipts,
        state_compared,
        state,
        ledger,
    }
}

fn receipt_diff(
    depth: usize,
    path: Vec<Step>,
    a: Option<&ReceiptNode>,
    b: Option<&ReceiptNode>,
    changes: Vec<Change>,
) -> ReceiptDiff {
    ReceiptDiff {
        depth,
        path,
        a: a.map(|r| r.id.to_string()),
        b: b.map(|r| r.id.to_string()),
        offset: a.or(b).and_then(|r| r.block_offset),
        changes,
        state: Vec::new(),
        reverted: Vec::new(),
    }
}

/// A transaction only one run has: all of its receipts are missing (or extra) too.
fn alone(tx: &TxNode, in_a: bool) -> TxDiff {
    let tree = matching::Tree::new(tx);
    let empty = matching::Tree::empty();
    let receipts = if in_a {
        matching::pair_receipts(&tree, &empty)
    } else {
        matching::pair_receipts(&empty, &tree)
    }
    .into_iter()
    .map(|p| receipt_diff(p.depth, p.path, p.a, p.b, Vec::new()))
    .collect();
    let side = Some(TxSide::of(tx));
    TxDiff {
        label: matching::label(tx).map(str::to_string),
        a: if in_a { side.clone() } else { None },
        b: if in_a { None } else { side },
        matched_by: None,
        changes: Vec::new(),
        receipts,
        state_compared: false,
        state: Vec::new(),
        ledger: Vec::new(),
    }
}
