//! The NEAR ledger of one transaction: where the NEAR went ([`Ledger::sum`]: of several).
//!
//! For every account whose balance a change of the transaction touched: its net change, split
//! into deposits in and out, gas bought (the signer's charge at conversion, deposits apart),
//! refunds (receipts from `system`), contract rewards (`action_receipt_gas_reward`) and the
//! rest (`other`: anything the parts do not explain, e.g. a stake). Each row adds up:
//! `net = deposits_in - deposits_out - gas_bought + refunds + rewards + other`, and over the
//! rows `sum(net) + tokens_burnt = 0`, where `tokens_burnt` is what the outcomes burnt minus
//! the rewards paid out of it.
//!
//! Deltas come from the account changes (after - before). Where a before is unknown (the
//! session's first sight of an account, no engine prior), the delta is derived:
//! - a receipt's own processing: its deposits in (when it succeeded), minus the deposits of
//!   the receipts it created;
//! - a refund: its Transfer;
//! - a contract reward: 30% of the receipt's function-call gas (`gas_profile`) at the gas
//!   price it burnt at;
//! - the signer's charge at conversion: what balances the ledger (noted in `inferred`).

use super::dag::{ReceiptNode, Status, TxNode};
use super::state_changes::{signed, Cause, ChangeKind, StateChange};
use crate::chain::ReceiptId;
use near_primitives::types::AccountId;
use std::collections::HashMap;

/// One account's part of a transaction, in yoctoNEAR (signed).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LedgerRow {
    pub account: AccountId,
    pub net: i128,
    pub deposits_in: i128,
    pub deposits_out: i128,
    pub gas_bought: i128,
    pub refunds: i128,
    pub rewards: i128,
    pub other: i128,
}

impl LedgerRow {
    fn new(account: AccountId) -> Self {
        LedgerRow {
            account,
            net: 0,
            deposits_in: 0,
            deposits_out: 0,
            gas_bought: 0,
            refunds: 0,
            rewards: 0,
            other: 0,
        }
    }

    /// The parts' sum (equals `net`).
    pub fn parts_sum(&self) -> i128 {
        self.deposits_in - self.deposits_out - self.gas_bought
            + self.refunds
            + self.rewards
            + self.other
    }
}

/// Where a transaction's NEAR went.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Ledger {
    /// Accounts in the order the transaction first touched their balance.
    pub rows: Vec<LedgerRow>,
    /// Burnt by the outcomes, minus the contract rewards paid out of it.
    pub tokens_burnt: i128,
    /// Parts derived rather than read from a known before (one line each).
    pub inferred: Vec<String>,
    /// Parts nobody could tell (an unknown before with nothing to derive it from).
    pub unknown: Vec<String>,
}

impl Ledger {
    /// `sum(net) + tokens_burnt`: zero when the ledger adds up.
    pub fn imbalance(&self) -> i128 {
        self.rows.iter().map(|r| r.net).sum::<i128>() + self.tokens_burnt
    }

    pub fn row(&self, account: &str) -> Option<&LedgerRow> {
        self.rows.iter().find(|r| r.account.as_str() == account)
    }

    /// The ledger of several transactions (a session, or rows of the timeline): each
    /// account's parts summed over them, in order of first appearance, and their tokens burnt
    /// summed; each adds up when every one does. `names` label the notes (the transaction each
    /// came from).
    pub fn sum<'a>(ledgers: impl IntoIterator<Item = (&'a str, &'a Ledger)>) -> Ledger {
        let mut total = Ledger::default();
        for (name, l) in ledgers {
            for r in &l.rows {
                let row = total.row_mut(&r.account);
                row.net += r.net;
                row.deposits_in += r.deposits_in;
                row.deposits_out += r.deposits_out;
                row.gas_bought += r.gas_bought;
                row.refunds += r.refunds;
                row.rewards += r.rewards;
                row.other += r.other;
            }
            total.tokens_burnt += l.tokens_burnt;
            total.inferred.extend(l.inferred.iter().map(|n| format!("{name}: {n}")));
            total.unknown.extend(l.unknown.iter().map(|n| format!("{name}: {n}")));
        }
        total
    }

    fn row_mut(&mut self, account: &AccountId) -> &mut LedgerRow {
        let i = match self.rows.iter().position(|r| &r.account == account) {
            Some(i) => i,
            None => {
                self.rows.push(LedgerRow::new(account.clone()));
                self.rows.len() - 1
            }
        };
        &mut self.rows[i]
    }
}

fn deposits(actions: &[super::dag::ActionInfo]) -> i128 {
    actions.iter().map(|a| signed(a.deposit.as_yoctonear())).sum()
}

fn is_account(c: &StateChange) -> bool {
    matches!(c.kind, ChangeKind::AccountUpdate | ChangeKind::AccountDeletion)
}

/// The ledger of `tx` (built, with its state changes). `rewards`: each receipt's contract
/// reward as its outcome's gas profile tells it (for rewards whose before is unknown).
pub fn ledger(tx: &TxNode, rewards: &HashMap<ReceiptId, u128>) -> Ledger {
    let mut l = Ledger::default();
    let conversion = add_conversion(&mut l, tx);
    let paid_rewards = add_receipts(&mut l, tx, rewards);
    l.tokens_burnt = signed(tx.tokens_burnt.as_yoctonear()) - paid_rewards;
    for row in &mut l.rows {
        row.net = row.parts_sum();
    }
    if let Some(signer) = conversion {
        balance_conversion(&mut l, signer);
    }
    l
}

/// The transaction's conversion: the signer's deposits out and the gas it bought. Returns the
/// signer when its balance before the conversion was not seen (the charge is inferred later).
fn add_conversion(l: &mut Ledger, tx: &TxNode) -> Option<AccountId> {
    let tx_deposits = deposits(&tx.actions);
    let mut conversion: Option<AccountId> = None;
    for c in tx.state_changes.iter().filter(|c| is_account(c)) {
        let deposits_out = if c.account == tx.signer { tx_deposits } else { 0 };
        match c.balance_delta() {
            Some(delta) => {
                let row = l.row_mut(&c.account);
                row.deposits_out += deposits_out;
                row.gas_bought += -delta - deposits_out;
            }
            None => {
                l.row_mut(&c.account).deposits_out += deposits_out;
                conversion = Some(c.account.clone());
            }
        }
    }
    conversion
}

/// Every receipt's balance changes, by cause; returns the contract rewards paid.
fn add_receipts(l: &mut Ledger, tx: &TxNode, rewards: &HashMap<ReceiptId, u128>) -> i128 {
    let by_id: HashMap<ReceiptId, &ReceiptNode> = tx.receipts.iter().map(|r| (r.id, r)).collect();
    let mut paid_rewards: i128 = 0;
    for r in &tx.receipts {
        for c in r.state_changes.iter().filter(|c| is_account(c)) {
            let delta = c.balance_delta();
            match c.cause {
                Cause::ReceiptProcessing if r.is_refund => {
                    let d = delta.unwrap_or_else(|| deposits(&r.actions));
                    l.row_mut(&c.account).refunds += d;
                }
                Cause::ReceiptProcessing => add_processing(l, r, c, delta, &by_id),
                Cause::ActionReceiptGasReward => match reward(l, r, c, delta, rewards) {
                    Some(d) => {
                        paid_rewards += d;
                        l.row_mut(&c.account).rewards += d;
                    }
                    None => l.unknown.push(format!("{}'s reward for {}", c.account, r.id)),
                },
                _ => match delta {
                    Some(d) => l.row_mut(&c.account).other += d,
                    None => {
                        l.unknown.push(format!("{}'s change by {} of {}", c.account, c.cause, r.id))
                    }
                },
            }
        }
    }
    paid_rewards
}

/// A receipt's own processing: deposits in (when it succeeded), deposits out to the receipts
/// it created, and the rest.
fn add_processing(
    l: &mut Ledger,
    r: &ReceiptNode,
    c: &StateChange,
    delta: Option<i128>,
    by_id: &HashMap<ReceiptId, &ReceiptNode>,
) {
    let deposits_in = match r.status {
        Status::Failure(_) => 0,
        _ if r.receiver.as_ref() == Some(&c.account) => deposits(&r.actions),
        _ => 0,
    };
    let deposits_out: i128 = r
        .children
        .iter()
        .filter_map(|id| by_id.get(id))
        .filter(|child| !child.is_refund)
        .filter(|child| child.predecessor.as_ref() == Some(&c.account))
        .map(|child| deposits(&child.actions))
        .sum();
    let d = delta.unwrap_or(deposits_in - deposits_out);
    let row = l.row_mut(&c.account);
    row.deposits_in += deposits_in;
    row.deposits_out += deposits_out;
    row.other += d - (deposits_in - deposits_out);
}

/// A contract reward: the change's delta, else the profile's reward (noted as inferred).
fn reward(
    l: &mut Ledger,
    r: &ReceiptNode,
    c: &StateChange,
    delta: Option<i128>,
    rewards: &HashMap<ReceiptId, u128>,
) -> Option<i128> {
    if delta.is_some() {
        return delta;
    }
    let reward = rewards.get(&r.id).map(|v| signed(*v));
    if reward.is_some() {
        l.inferred
            .push(format!("{}'s reward for {}: 30% of its function-call gas", c.account, r.id));
    }
    reward
}

/// The signer's charge at conversion, when its before was not seen: what balances the ledger,
/// if everything else is known.
fn balance_conversion(l: &mut Ledger, signer: AccountId) {
    if l.unknown.is_empty() {
        let excess = l.imbalance();
        let row = l.row_mut(&signer);
        row.gas_bought += excess;
        row.net = row.parts_sum();
        l.inferred.push(format!(
            "{signer}'s charge at conversion: what balances the ledger (its balance before \
             the transaction was not seen)"
        ));
    } else {
        l.unknown.push(format!("{signer}'s charge at conversion"));
    }
}
