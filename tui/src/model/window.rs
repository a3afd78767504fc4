//! The callback window: between a call and its callback, anyone can call the contract again.
//!
//! A receipt `R` that created a callback on its own account (a receipt `C` it created, on the
//! same receiver, that reads the result of another receipt `R` created: the `.then(callback)`
//! of `a.then(Self::ext(..).callback())`) opens a window from `R`'s block to `C`'s block. Every
//! receipt of *another* transaction that ran on that account inside the window saw the state
//! `R` left, before the callback could fix it: the race NEAR's security docs warn about.
//!
//! Inside means: after `R`'s block and before `C`'s block, or in `C`'s own block but before `C`
//! in the block's execution order. That order is the chunk's receipt order; the engines report
//! it in each block's state changes (`EXPERIMENTAL_changes` on a node, the embedded runtime's
//! recorded changes), which keep, within one account or key, the order the block applied them
//! ([`StateChange::position`]). Two receipts that ran on the same account in one block both
//! changed that account (its contract reward, at least), so [`ran_before`] can tell. Without
//! positions (a trace JSON written before they were kept) a receipt in `C`'s block is not claimed to be inside; nor
//! is one in `R`'s own block (it may have run before `R`).
//! A callback that has not run yet leaves the window open: every later receipt is inside.
//! Refund receipts (from `system`) are not calls and are never flagged.
//!
//! Pure: reads a [`Dag`], no engine, no UI.

use super::{Dag, ReceiptNode, StateChange, TxNode};
use crate::chain::{ReceiptId, TxHash};
use near_primitives::types::AccountId;
use std::collections::HashMap;

/// A window: from the block of `receipt` to the block of its `callback`, on `account`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Window {
    pub receipt: ReceiptId,
    pub callback: ReceiptId,
    pub account: AccountId,
    /// The block `receipt` ran in.
    pub from_block: u64,
    /// The block the callback ran in; `None` while it has not run (the window is open).
    pub to_block: Option<u64>,
}

impl Window {
    /// True if `block` is strictly inside the window.
    pub fn contains(&self, block: u64) -> bool {
        block > self.from_block && self.to_block.is_none_or(|to| block < to)
    }

    /// True if `receipt` ran inside the window: in a block strictly inside, or in the
    /// callback's block before the callback (`callback`: the closing receipt's node).
    pub fn holds(&self, receipt: &ReceiptNode, callback: Option<&ReceiptNode>) -> bool {
        let Some(block) = receipt.block_height else { return false };
        self.contains(block)
            || (self.to_block == Some(block)
                && callback.and_then(|c| ran_before(receipt, c)) == Some(true))
    }
}

/// Whether `a` ran before `b` in the block both ran in, as the block's state changes show it:
/// the first account or key both changed there, compared by [`StateChange::position`]. `None`
/// when they ran in different blocks or no shared change tells (or positions are unknown).
pub fn ran_before(a: &ReceiptNode, b: &ReceiptNode) -> Option<bool> {
    if a.block_height.is_none() || a.block_height != b.block_height {
        return None;
    }
    fn placed(c: &StateChange) -> Option<(&StateChange, u32)> {
        c.position.map(|p| (c, p))
    }
    a.state_changes.iter().filter_map(placed).find_map(|(x, at_a)| {
        b.state_changes
            .iter()
            .filter_map(placed)
            .find(|(y, _)| x.block == y.block && x.same_slot(y))
            .map(|(_, at_b)| at_a < at_b)
    })
}

/// A receipt of another transaction that ran on `account` inside the window of `receipt`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct WindowOverlap {
    /// The receipt that opened the window (e.g. `withdraw_unsafe`).
    pub receipt: ReceiptId,
    /// Its callback, which closes the window.
    pub callback: ReceiptId,
    /// The account both ran on.
    pub account: AccountId,
    /// The other transaction, and its receipt that ran inside the window.
    pub other_tx: TxHash,
    pub other_receipt: ReceiptId,
    /// The block `other_receipt` ran in.
    pub block: u64,
}

/// The callback windows of one transaction, in receipt order (one per callback; a receipt
/// with two callbacks on its account, e.g. `a.then(cb1).then(cb2)`, opens two).
pub fn windows(tx: &TxNode) -> Vec<Window> {
    let mut found = Vec::new();
    // By id: a search of every receipt per child made a 10,000-receipt frame take 60 ms.
    let mut by_id: HashMap<ReceiptId, &ReceiptNode> = HashMap::with_capacity(tx.receipts.len());
    for r in &tx.receipts {
        by_id.entry(r.id).or_insert(r);
    }
    for receipt in &tx.receipts {
        let (Some(account), Some(from_block)) = (&receipt.receiver, receipt.block_height) else {
            continue;
        };
        for child in &receipt.children {
            let Some(&callback) = by_id.get(child) else { continue };
            if callback.receiver.as_ref() == Some(account) && reads_sibling(receipt, callback) {
                found.push(Window {
                    receipt: receipt.id,
                    callback: callback.id,
                    account: account.clone(),
                    from_block,
                    to_block: callback.block_height,
                });
            }
        }
    }
    found
}

/// True if `callback` reads the result of a receipt `receipt` created.
fn reads_sibling(receipt: &ReceiptNode, callback: &ReceiptNode) -> bool {
    callback
        .inputs
        .iter()
        .any(|input| input.from.is_some_and(|from| receipt.children.contains(&from)))
}

/// Every receipt of another transaction of `dag` that ran inside one of `tx`'s windows, by
/// window, then by block. (For many transactions, build one [`RanOn`] and ask it.)
pub fn overlaps(dag: &Dag, tx: &TxNode) -> Vec<WindowOverlap> {
    if windows(tx).is_empty() {
        return Vec::new();
    }
    RanOn::of(dag).overlaps(tx)
}

/// The receipts of a DAG that ran, by the account they ran on, in block order (refunds left
/// out): what a window can hold, found without scanning every transaction per window.
pub struct RanOn<'a> {
    by_account: HashMap<&'a AccountId, Vec<(&'a TxNode, &'a ReceiptNode, u64)>>,
}

impl<'a> RanOn<'a> {
    pub fn of(dag: &'a Dag) -> Self {
        let mut by_account: HashMap<&AccountId, Vec<(&TxNode, &ReceiptNode, u64)>> = HashMap::new();
        for tx in &dag.transactions {
            for r in &tx.receipts {
                if let (Some(account), Some(block), false) =
                    (&r.receiver, r.block_height, r.is_refund)
                {
                    by_account.entry(account).or_default().push((tx, r, block));
                }
            }
        }
        // Stable: within a block, the DAG's order.
        for ran in by_account.values_mut() {
            ran.sort_by_key(|&(_, _, block)| block);
        }
        RanOn { by_account }
    }

    /// [`overlaps`] of `tx`, one of the DAG's transactions.
    pub fn overlaps(&self, tx: &TxNode) -> Vec<WindowOverlap> {
        let mut found = Vec::new();
        for window in windows(tx) {
            let Some(ran) = self.by_account.get(&window.account) else { continue };
            let callback = tx.receipts.iter().find(|r| r.id == window.callback);
            // The window starts after its first block; it ends at the callback's block (those
            // before the callback there are inside) or stays open.
            let first = ran.partition_point(|&(_, _, block)| block <= window.from_block);
            let end = window.to_block.map_or(ran.len(), |to| ran.partition_point(|e| e.2 <= to));
            let inside = ran[first..end]
                .iter()
                .filter(|&&(other, r, _)| other.hash != tx.hash && window.holds(r, callback));
            found.extend(inside.map(|&(other, r, block)| WindowOverlap {
                receipt: window.receipt,
                callback: window.callback,
                account: window.account.clone(),
                other_tx: other.hash,
                other_receipt: r.id,
                block,
            }));
        }
        found
    }
}

/// Overlaps of every transaction of the session, in the DAG's order (transactions with none
/// are left out).
pub fn all_overlaps(dag: &Dag) -> Vec<(TxHash, Vec<WindowOverlap>)> {
    let ran_on = RanOn::of(dag);
    dag.transactions
        .iter()
        .map(|tx| (tx.hash, ran_on.overlaps(tx)))
        .filter(|(_, found)| !found.is_empty())
        .collect()
}

/// One warning line per window of `tx` that others ran in:
/// `⚠ 1 other call on xcc.test.near ran between withdraw_unsafe and its callback (tx 7Yk…, block #52)`.
/// `overlaps` are the transaction's, as [`overlaps`] returns them.
pub fn messages(tx: &TxNode, overlaps: &[WindowOverlap]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = overlaps;
    while let Some(first) = rest.first() {
        let same = rest
            .iter()
            .take_while(|o| o.receipt == first.receipt && o.callback == first.callback)
            .count();
        let (group, tail) = rest.split_at(same);
        rest = tail;
        let opener = tx
            .receipts
            .iter()
            .find(|r| r.id == first.receipt)
            .and_then(|r| r.actions.iter().find_map(|a| a.method.clone()))
            .unwrap_or_else(|| format!("receipt {}", short(&first.receipt.to_string())));
        let calls = if group.len() == 1 { "call" } else { "calls" };
        const LISTED: usize = 3;
        let mut places: Vec<String> = group
            .iter()
            .take(LISTED)
            .map(|o| format!("tx {}, block #{}", short(&o.other_tx.to_string()), o.block))
            .collect();
        if group.len() > LISTED {
            places.push(format!("{} more", group.len() - LISTED));
        }
        lines.push(format!(
            "⚠ {} other {calls} on {} ran between {opener} and its callback ({})",
            group.len(),
            first.account,
            places.join("; ")
        ));
    }
    lines
}

/// `7YkXa…` -> `7Yk…`: the first three characters of an id.
fn short(id: &str) -> String {
    let cut = id.char_indices().nth(3).map_or(id.len(), |(at, _)| at);
    format!("{}…", &id[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_keep_three_characters() {
        assert_eq!(short("7YkXabc"), "7Yk…");
        assert_eq!(short("ab"), "ab…");
    }

    #[test]
    fn the_window_excludes_both_ends() {
        let id = ReceiptId(near_primitives::hash::CryptoHash::default());
        let account: AccountId = "xcc.test.near".parse().expect("account");
        let closed = Window {
            receipt: id,
            callback: id,
            account: account.clone(),
            from_block: 10,
            to_block: Some(12),
        };
        assert!(!closed.contains(10));
        assert!(closed.contains(11));
        assert!(!closed.contains(12));
        let open = Window { receipt: id, callback: id, account, from_block: 10, to_block: None };
        assert!(!open.contains(10));
        assert!(open.contains(1_000));
    }

    fn at(n: u64, block: u64, changes: &[(&str, Option<u32>)]) -> ReceiptNode {
        use near_primitives::hash::CryptoHash;
        use near_primitives::types::{Balance, Gas};
        let tx = TxHash(CryptoHash::default());
        let mut r = ReceiptNode {
            id: ReceiptId(CryptoHash::hash_bytes(&n.to_le_bytes())),
            parent: super::super::Parent::Tx(tx),
            children: Vec::new(),
            predecessor: None,
            receiver: Some("xcc.test.near".parse().expect("account")),
            actions: Vec::new(),
            is_refund: false,
            block_height: Some(block),
            block_offset: None,
            status: super::super::Status::Pending,
            gas_attached: Gas::from_gas(0),
            gas_burnt: Gas::from_gas(0),
            tokens_burnt: Balance::from_yoctonear(0),
            gas_forwarded: Gas::from_gas(0),
            logs: Vec::new(),
            inputs: Vec::new(),
            state_changes: Vec::new(),
            reverted_changes: Vec::new(),
            gas_profile: None,
        };
        r.state_changes = changes
            .iter()
            .map(|&(account, position)| StateChange {
                cause: crate::model::Cause::ReceiptProcessing,
                kind: crate::model::ChangeKind::AccountUpdate,
                account: account.parse().expect("account"),
                block: crate::chain::BlockHash(near_primitives::hash::CryptoHash::default()),
                block_height: Some(block),
                position,
                value: crate::model::ChangeValue::Account {
                    after: None,
                    before: crate::model::Before::Unknown(None),
                },
            })
            .collect();
        r
    }

    #[test]
    fn the_order_in_a_block_comes_from_a_shared_account() {
        let a = at(1, 5, &[("alice.test.near", Some(0)), ("xcc.test.near", Some(3))]);
        let b = at(2, 5, &[("xcc.test.near", Some(4))]);
        assert_eq!(ran_before(&a, &b), Some(true));
        assert_eq!(ran_before(&b, &a), Some(false));
        // Nothing shared, no positions, or another block: unknown.
        let elsewhere = at(3, 5, &[("bob.test.near", Some(1))]);
        assert_eq!(ran_before(&a, &elsewhere), None);
        let unplaced = at(4, 5, &[("xcc.test.near", None)]);
        assert_eq!(ran_before(&a, &unplaced), None);
        let later = at(5, 6, &[("xcc.test.near", Some(0))]);
        assert_eq!(ran_before(&a, &later), None);
    }

    #[test]
    fn the_callbacks_block_holds_what_ran_before_the_callback() {
        let callback = at(1, 12, &[("xcc.test.near", Some(5))]);
        let window = Window {
            receipt: callback.id,
            callback: callback.id,
            account: "xcc.test.near".parse().expect("account"),
            from_block: 10,
            to_block: Some(12),
        };
        let before = at(2, 12, &[("xcc.test.near", Some(2))]);
        let after = at(3, 12, &[("xcc.test.near", Some(9))]);
        let unknown = at(4, 12, &[]);
        assert!(window.holds(&at(5, 11, &[]), Some(&callback)));
        assert!(window.holds(&before, Some(&callback)));
        assert!(!window.holds(&after, Some(&callback)));
        assert!(!window.holds(&unknown, Some(&callback)));
        assert!(!window.holds(&before, None), "no callback node: nothing to compare with");
        assert!(!window.holds(&at(6, 10, &[("xcc.test.near", Some(0))]), Some(&callback)));
    }
}
