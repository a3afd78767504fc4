//! State changes and the ledger of two matched receipts or transactions.
//!
//! The receipts are already paired by their place in the tree, so a change's cause hash (the
//! receipt it names) needs no matching: only its cause *name* (`receipt_processing`,
//! `action_receipt_gas_reward`, ...) is compared. Two changes pair when they have the same
//! cause, account and slot (the account itself, a storage key, an access key, the code), the
//! n-th such change of one run with the n-th of the other; what is left is missing (`-`) or
//! extra (`+`).
//!
//! - data: the value written, exact (bytes; shown readable);
//! - accounts: the balance delta (after − before, when both runs know their before) under the
//!   gas tolerance, since gas decides it; storage usage, locked and code hash exact;
//! - access keys: the permission, exact; the nonce is not compared (it depends on the block
//!   height the key was added at), nor the signer's own public key (`transaction_processing`:
//!   each run has its own credentials); keys a receipt adds or deletes pair by public key;
//! - code: its hash and length, exact.
//!
//! The ledger: rows paired by account, the net and every part under the gas tolerance.

use super::compare::{amount_signed, exact};
use super::{Change, LedgerDiff, Presence, StateDiff, Tolerance, Unit};
use crate::model::state_value::{detailed, summary};
use crate::model::{Cause, ChangeValue, Ledger, StateChange, TxNode};
use crate::trace_json::permission_name;
use near_primitives::views::AccessKeyView;
use serde_json::{json, Value as Json};
use std::collections::HashMap;

/// Whether a transaction carries state changes at all: an executed transaction always has
/// some (the signer charged at conversion), so none means the run did not record them.
pub fn has_state(tx: &TxNode) -> bool {
    !tx.state_changes.is_empty() || tx.receipts.iter().any(|r| !r.state_changes.is_empty())
}

/// Whether a transaction carries rolled-back changes (the embedded runtime's failed receipts).
pub fn has_reverted(tx: &TxNode) -> bool {
    tx.receipts.iter().any(|r| !r.reverted_changes.is_empty())
}

/// What a change changed, within its account.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Slot {
    Account,
    Data(Vec<u8>),
    /// `None`: the signer's own key (not compared across runs).
    AccessKey(Option<String>),
    Code,
    Other,
}

fn slot(c: &StateChange) -> Slot {
    match &c.value {
        ChangeValue::Account { .. } => Slot::Account,
        ChangeValue::Data { key, .. } => Slot::Data(key.clone()),
        ChangeValue::AccessKey { .. } if c.cause == Cause::TransactionProcessing => {
            Slot::AccessKey(None)
        }
        ChangeValue::AccessKey { public_key, .. } => Slot::AccessKey(Some(public_key.clone())),
        ChangeValue::ContractCode { .. } => Slot::Code,
        ChangeValue::Other => Slot::Other,
    }
}

type Key = (Cause, String, Slot);

fn key(c: &StateChange) -> Key {
    (c.cause, c.account.to_string(), slot(c))
}

/// Pairs `a`'s changes with `b`'s (A's order, then B's extras) and compares each pair.
pub fn changes(tolerance: Tolerance, a: &[StateChange], b: &[StateChange]) -> Vec<StateDiff> {
    let mut in_b: HashMap<Key, Vec<usize>> = HashMap::new();
    for (j, c) in b.iter().enumerate() {
        in_b.entry(key(c)).or_default().push(j);
    }
    let mut used = vec![false; b.len()];
    let mut seen: HashMap<Key, usize> = HashMap::new();
    let mut out = Vec::new();
    for x in a {
        let k = key(x);
        let n = seen.entry(k.clone()).or_default();
        let found = in_b.get(&k).and_then(|js| js.get(*n)).copied();
        *n += 1;
        match found {
            Some(j) => {
                used[j] = true;
                let mut d = side(x, Presence::Both);
                d.changes = fields(tolerance, x, &b[j]);
                out.push(d);
            }
            None => out.push(side(x, Presence::OnlyA)),
        }
    }
    for (j, y) in b.iter().enumerate() {
        if !used[j] {
            out.push(side(y, Presence::OnlyB));
        }
    }
    out
}

fn side(c: &StateChange, presence: Presence) -> StateDiff {
    let key = match &c.value {
        ChangeValue::Data { key, .. } => Some(crate::output::text::clip(&summary(key), 60)),
        ChangeValue::AccessKey { public_key, .. } if c.cause != Cause::TransactionProcessing => {
            Some(public_key.clone())
        }
        _ => None,
    };
    StateDiff {
        cause: c.cause,
        kind: c.kind,
        account: c.account.to_string(),
        key,
        presence,
        changes: Vec::new(),
    }
}

/// The fields of two paired changes (same cause, account and slot).
fn fields(tolerance: Tolerance, x: &StateChange, y: &StateChange) -> Vec<Change> {
    let mut out = Vec::new();
    exact("kind", json!(x.kind), json!(y.kind), &mut out);
    match (&x.value, &y.value) {
        (ChangeValue::Account { after: p, .. }, ChangeValue::Account { after: q, .. }) => {
            if let (Some(dx), Some(dy)) = (x.balance_delta(), y.balance_delta()) {
                amount_signed(tolerance, "balance change", Unit::YoctoNear, dx, dy, &mut out);
            }
            let storage = |v: &Option<near_primitives::views::AccountView>| {
                json!(v.as_ref().map(|v| v.storage_usage))
            };
            exact("storage usage", storage(p), storage(q), &mut out);
            let locked = |v: &Option<near_primitives::views::AccountView>| {
                json!(v.as_ref().map(|v| v.locked.as_yoctonear().to_string()))
            };
            exact("locked", locked(p), locked(q), &mut out);
            let code = |v: &Option<near_primitives::views::AccountView>| {
                json!(v.as_ref().map(|v| v.code_hash.to_string()))
            };
            exact("code hash", code(p), code(q), &mut out);
        }
        (ChangeValue::Data { after: p, .. }, ChangeValue::Data { after: q, .. }) if p != q => {
            let (p, q) = (p.as_deref(), q.as_deref());
            // Two values that read the same (borsh with the same printable runs): every byte.
            let same = p.map(summary) == q.map(summary);
            let show = |v: Option<&[u8]>| {
                v.map_or(Json::Null, |v| json!(if same { detailed(v) } else { summary(v) }))
            };
            out.push(Change { field: "value".into(), a: show(p), b: show(q), amount: None });
        }
        (ChangeValue::AccessKey { after: p, .. }, ChangeValue::AccessKey { after: q, .. }) => {
            exact("permission", permission(p), permission(q), &mut out);
        }
        (
            ChangeValue::ContractCode { code_hash: p, len: m },
            ChangeValue::ContractCode { code_hash: q, len: n },
        ) => {
            let hash =
                |h: &Option<near_primitives::hash::CryptoHash>| json!(h.map(|h| h.to_string()));
            exact("code hash", hash(p), hash(q), &mut out);
            exact("code length", json!(m), json!(n), &mut out);
        }
        _ => {}
    }
    out
}

/// As `--format json` writes it: `FullAccess`, `FunctionCall(receiver)`, `GasKey`.
pub fn permission(k: &Option<AccessKeyView>) -> Json {
    json!(k.as_ref().map(|k| permission_name(&k.permission)))
}

/// The ledger rows paired by account (A's order, then B's extras), each part compared.
pub fn ledger(tolerance: Tolerance, a: &Ledger, b: &Ledger) -> Vec<LedgerDiff> {
    let mut out = Vec::new();
    for x in &a.rows {
        let account = x.account.to_string();
        let Some(y) = b.rows.iter().find(|y| y.account == x.account) else {
            out.push(LedgerDiff { account, presence: Presence::OnlyA, changes: Vec::new() });
            continue;
        };
        let mut changes = Vec::new();
        let parts = [
            ("net", x.net, y.net),
            ("deposits in", x.deposits_in, y.deposits_in),
            ("deposits out", x.deposits_out, y.deposits_out),
            ("gas bought", x.gas_bought, y.gas_bought),
            ("refunds", x.refunds, y.refunds),
            ("rewards", x.rewards, y.rewards),
            ("other", x.other, y.other),
        ];
        for (field, p, q) in parts {
            amount_signed(tolerance, field, Unit::YoctoNear, p, q, &mut changes);
        }
        out.push(LedgerDiff { account, presence: Presence::Both, changes });
    }
    for y in b.rows.iter().filter(|y| !a.rows.iter().any(|x| x.account == y.account)) {
        out.push(LedgerDiff {
            account: y.account.to_string(),
            presence: Presence::OnlyB,
            changes: Vec::new(),
        });
    }
    out
}
