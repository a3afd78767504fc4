//! Pairing the two runs: transactions by label (else by order), receipts by where they sit in
//! their transaction's tree, never by id (ids depend on block heights and hashes).
//!
//! A receipt's [`Step`] is `(receiver, what it does, n-th such sibling)`; its path is the steps
//! from the transaction down to it. Two receipts match when their paths are equal.

use crate::chain::ReceiptId;
use crate::model::{Parent, ReceiptNode, TxNode};
use std::collections::HashMap;

/// One level of a receipt's path.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Step {
    /// The receiving account (`?` while only the id is known).
    pub receiver: String,
    /// `get_greeting`, `Transfer`, `set,get` (a batch), `refund`.
    pub what: String,
    /// How many earlier siblings have the same receiver and `what`.
    pub nth: usize,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.receiver, self.what)?;
        if self.nth > 0 {
            write!(f, " #{}", self.nth + 1)?;
        }
        Ok(())
    }
}

/// What a receipt does, as the path names it.
fn what(r: &ReceiptNode) -> String {
    if r.is_refund {
        return "refund".into();
    }
    if r.actions.is_empty() {
        return "?".into();
    }
    let names: Vec<&str> =
        r.actions.iter().map(|a| a.method.as_deref().unwrap_or(a.kind.as_str())).collect();
    names.join(",")
}

fn receiver(r: &ReceiptNode) -> String {
    r.receiver.as_ref().map_or_else(|| "?".to_string(), |a| a.to_string())
}

/// A transaction's receipts as a tree of steps.
pub struct Tree<'a> {
    /// Top-level receipts (created by the transaction), in order.
    pub roots: Vec<(Step, &'a ReceiptNode)>,
    children: HashMap<ReceiptId, Vec<(Step, &'a ReceiptNode)>>,
    /// Every receipt's full path, for references (returned promises, callback inputs).
    pub paths: HashMap<ReceiptId, Vec<Step>>,
    parents: HashMap<ReceiptId, &'a ReceiptNode>,
}

impl<'a> Tree<'a> {
    /// No receipts (the other side of a transaction only one run has).
    pub fn empty() -> Tree<'a> {
        Tree {
            roots: Vec::new(),
            children: HashMap::new(),
            paths: HashMap::new(),
            parents: HashMap::new(),
        }
    }

    pub fn new(tx: &'a TxNode) -> Tree<'a> {
        let by_id: HashMap<ReceiptId, &ReceiptNode> =
            tx.receipts.iter().map(|r| (r.id, r)).collect();
        // Children in the parent's `receipt_ids` order; any the parent does not list (partial
        // data) follow in the DAG's order.
        let mut kids: HashMap<ReceiptId, Vec<&ReceiptNode>> = HashMap::new();
        for r in &tx.receipts {
            if let Parent::Receipt(p) = r.parent {
                kids.entry(p).or_default();
            }
        }
        for r in &tx.receipts {
            let listed: Vec<&ReceiptNode> =
                r.children.iter().filter_map(|c| by_id.get(c).copied()).collect();
            kids.entry(r.id).or_default().extend(listed);
        }
        for r in &tx.receipts {
            if let Parent::Receipt(p) = r.parent {
                let list = kids.entry(p).or_default();
                if !list.iter().any(|k| k.id == r.id) {
                    list.push(r);
                }
            }
        }
        let roots_nodes: Vec<&ReceiptNode> =
            tx.receipts.iter().filter(|r| matches!(r.parent, Parent::Tx(_))).collect();
        let roots = steps(&roots_nodes);
        let mut parents = HashMap::new();
        for (p, list) in &kids {
            if let Some(parent) = by_id.get(p) {
                for k in list {
                    parents.insert(k.id, *parent);
                }
            }
        }
        let children = kids.into_iter().map(|(id, list)| (id, steps(&list))).collect();
        let mut tree = Tree { roots, children, paths: HashMap::new(), parents };
        let mut stack: Vec<(Vec<Step>, &ReceiptNode)> =
            tree.roots.iter().map(|(s, r)| (vec![s.clone()], *r)).collect();
        while let Some((path, r)) = stack.pop() {
            if tree.paths.contains_key(&r.id) {
                continue; // a cycle in hostile input
            }
            for (s, c) in tree.children(r) {
                let mut p = path.clone();
                p.push(s.clone());
                stack.push((p, c));
            }
            tree.paths.insert(r.id, path);
        }
        tree
    }

    /// The receipt that created `r` (`None` for the transaction's own receipts).
    pub fn parent(&self, r: &ReceiptNode) -> Option<&'a ReceiptNode> {
        self.parents.get(&r.id).copied()
    }

    pub fn children(&self, r: &ReceiptNode) -> &[(Step, &'a ReceiptNode)] {
        self.children.get(&r.id).map_or(&[], |v| v.as_slice())
    }

    /// `caller get_greeting › hello get_greeting`, or the id when the receipt is unknown.
    pub fn path_text(&self, id: &ReceiptId) -> String {
        match self.paths.get(id) {
            Some(path) => path_text(path),
            None => format!("receipt {id} (not in this transaction)"),
        }
    }
}

pub fn path_text(path: &[Step]) -> String {
    path.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" › ")
}

fn steps<'a>(list: &[&'a ReceiptNode]) -> Vec<(Step, &'a ReceiptNode)> {
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    list.iter()
        .map(|r| {
            let (receiver, what) = (receiver(r), what(r));
            let n = seen.entry((receiver.clone(), what.clone())).or_default();
            let step = Step { receiver, what, nth: *n };
            *n += 1;
            (step, *r)
        })
        .collect()
}

/// Two receipts at the same place, or one that only one run has.
pub struct Pair<'a> {
    pub depth: usize,
    pub path: Vec<Step>,
    pub a: Option<&'a ReceiptNode>,
    pub b: Option<&'a ReceiptNode>,
}

/// Both trees walked together, parents before children, in A's order with B's extra
/// receipts after A's siblings.
pub fn pair_receipts<'a>(a: &Tree<'a>, b: &Tree<'a>) -> Vec<Pair<'a>> {
    let mut out = Vec::new();
    merge(a, b, &a.roots, &b.roots, &[], &mut out);
    out
}

fn merge<'a>(
    ta: &Tree<'a>,
    tb: &Tree<'a>,
    xs: &[(Step, &'a ReceiptNode)],
    ys: &[(Step, &'a ReceiptNode)],
    prefix: &[Step],
    out: &mut Vec<Pair<'a>>,
) {
    if prefix.len() > 256 {
        return; // deeper than any real chain: hostile input
    }
    let mut used = vec![false; ys.len()];
    for (step, ra) in xs {
        let found = ys.iter().enumerate().find(|(i, (s, _))| !used[*i] && s == step);
        let rb = found.map(|(i, (_, r))| {
            used[i] = true;
            *r
        });
        let mut path = prefix.to_vec();
        path.push(step.clone());
        out.push(Pair { depth: prefix.len(), path: path.clone(), a: Some(*ra), b: rb });
        let empty: &[(Step, &ReceiptNode)] = &[];
        let kb = rb.map_or(empty, |r| tb.children(r));
        merge(ta, tb, ta.children(ra), kb, &path, out);
    }
    for (i, (step, rb)) in ys.iter().enumerate() {
        if !used[i] {
            let mut path = prefix.to_vec();
            path.push(step.clone());
            out.push(Pair { depth: prefix.len(), path: path.clone(), a: None, b: Some(*rb) });
            merge(ta, tb, &[], tb.children(rb), &path, out);
        }
    }
}

/// How a pair of transactions was matched.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MatchedBy {
    Label,
    Order,
}

/// Indexes into A's and B's transactions: matched pairs in A's order, then A-only, then B-only
/// (each list in its run's order).
pub struct TxPairs {
    pub pairs: Vec<(usize, usize, MatchedBy)>,
    pub only_a: Vec<usize>,
    pub only_b: Vec<usize>,
}

/// A label that means something: not empty and not just the hash (`nearviz tx` labels).
pub fn label(tx: &TxNode) -> Option<&str> {
    let hash = tx.hash.to_string();
    tx.label.as_deref().filter(|l| !l.is_empty() && *l != hash)
}

/// Same label first (in order, for repeated labels); then what is left where at least one side
/// has no label, by order.
pub fn pair_transactions(a: &[TxNode], b: &[TxNode]) -> TxPairs {
    let mut b_used = vec![false; b.len()];
    let mut a_match: Vec<Option<(usize, MatchedBy)>> = vec![None; a.len()];
    for (i, ta) in a.iter().enumerate() {
        let Some(la) = label(ta) else { continue };
        if let Some(j) = (0..b.len()).find(|&j| !b_used[j] && label(&b[j]) == Some(la)) {
            b_used[j] = true;
            a_match[i] = Some((j, MatchedBy::Label));
        }
    }
    // What is left, in order: each A transaction takes the first B transaction left, as long
    // as one of the two has no label (two different labels are two different calls).
    for i in 0..a.len() {
        if a_match[i].is_some() {
            continue;
        }
        let free = |j: &usize| !b_used[*j] && (label(&a[i]).is_none() || label(&b[*j]).is_none());
        if let Some(j) = (0..b.len()).find(free) {
            b_used[j] = true;
            a_match[i] = Some((j, MatchedBy::Order));
        }
    }
    let pairs =
        a_match.iter().enumerate().filter_map(|(i, m)| m.map(|(j, by)| (i, j, by))).collect();
    TxPairs {
        pairs,
        only_a: (0..a.len()).filter(|&i| a_match[i].is_none()).collect(),
        only_b: (0..b.len()).filter(|&j| !b_used[j]).collect(),
    }
}
