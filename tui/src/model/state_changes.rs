//! State changes: what each receipt (and the transaction) wrote, with before and after.
//!
//! `StateLog` takes `ChainEvent::StateChanges` as they come (before or after the outcomes that
//! name their receipts), works out each change's "before" value once, in arrival order, and
//! keeps the changes by the transaction or receipt their cause names. `model::build` then
//! hands every `ReceiptNode` / `TxNode` its own.
//!
//! Before = the engine's `PriorState` for the first change of an account or key in a block,
//! else the previous change of the same account or key seen in the session (in the same block:
//! the change just before it), else unknown.

use crate::chain::{BlockChanges, BlockHash, PriorState};
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use near_primitives::views::{
    AccessKeyView, AccountView, StateChangeValueView, StateChangeWithCauseView,
};
use std::collections::{HashMap, HashSet};

/// A value before a change.
#[derive(Clone, PartialEq, Debug)]
pub enum Before<T> {
    /// Known: `None` when the account or key did not exist.
    Known(Option<T>),
    /// Not known: the engine's reason when it asked and the node refused, else `None`
    /// (first time this session sees it and the engine did not say).
    Unknown(Option<String>),
}

impl<T> Before<T> {
    pub fn known(&self) -> Option<Option<&T>> {
        match self {
            Before::Known(v) => Some(v.as_ref()),
            Before::Unknown(_) => None,
        }
    }
}

/// What changed, with the value before and after (`after: None`: deleted).
#[derive(Clone, PartialEq, Debug)]
pub enum ChangeValue {
    Account {
        after: Option<AccountView>,
        before: Before<AccountView>,
    },
    Data {
        key: Vec<u8>,
        after: Option<Vec<u8>>,
        before: Before<Vec<u8>>,
    },
    AccessKey {
        public_key: String,
        after: Option<AccessKeyView>,
        before: Before<AccessKeyView>,
    },
    /// The code's sha256 (`None`: deleted) and length.
    ContractCode {
        code_hash: Option<CryptoHash>,
        len: usize,
    },
    /// A change kind this build only names (`gas_key_nonce_update`).
    Other,
}

/// One state change, attached to the receipt or transaction its cause names.
#[derive(Clone, PartialEq, Debug)]
pub struct StateChange {
    /// Why: `transaction_processing`, `receipt_processing`, `action_receipt_gas_reward`, ...
    pub cause: Cause,
    /// What: `account_update`, `data_update`, `access_key_deletion`, ...
    pub kind: ChangeKind,
    pub account: AccountId,
    pub block: BlockHash,
    /// Filled by `build` from the reported headers.
    pub block_height: Option<u64>,
    /// Its place in the block's change list as the engine reported it. Within one account or
    /// key (see [`StateChange::same_slot`]) that list is in the order the block applied the
    /// changes, so it orders the receipts that wrote the same slot in one block. `None` for a
    /// rolled-back change and for changes read back from a trace JSON written without it.
    pub position: Option<u32>,
    pub value: ChangeValue,
}

impl StateChange {
    /// A data change (storage key write or deletion).
    pub fn is_data(&self) -> bool {
        matches!(self.value, ChangeValue::Data { .. })
    }

    /// `amount_after - amount_before` of an account update whose before is known.
    pub fn balance_delta(&self) -> Option<i128> {
        match &self.value {
            ChangeValue::Account { after: Some(after), before: Before::Known(before) } => {
                let before = before.as_ref().map_or(0, |b| b.amount.as_yoctonear());
                signed(after.amount.as_yoctonear()).checked_sub(signed(before))
            }
            _ => None,
        }
    }
}

impl StateChange {
    /// True when `self` and `other` changed the same thing: the same account record, storage
    /// key, access key or code (the grouping in which a block's change list keeps its order).
    pub fn same_slot(&self, other: &StateChange) -> bool {
        if self.account != other.account {
            return false;
        }
        match (&self.value, &other.value) {
            (ChangeValue::Account { .. }, ChangeValue::Account { .. })
            | (ChangeValue::ContractCode { .. }, ChangeValue::ContractCode { .. }) => true,
            (ChangeValue::Data { key: a, .. }, ChangeValue::Data { key: b, .. }) => a == b,
            (
                ChangeValue::AccessKey { public_key: a, .. },
                ChangeValue::AccessKey { public_key: b, .. },
            ) => a == b,
            _ => false,
        }
    }

    /// A write to contract storage, access keys or code (balance updates are not writes).
    pub fn is_write(&self) -> bool {
        !matches!(self.value, ChangeValue::Account { .. })
    }
}

impl super::dag::ReceiptNode {
    /// How many storage, key or code writes this receipt made (the DAG's `Δn` mark).
    pub fn state_writes(&self) -> usize {
        self.state_changes.iter().filter(|c| c.is_write()).count()
    }

    /// How many writes the embedded runtime rolled back (the `↺n` mark).
    pub fn reverted_writes(&self) -> usize {
        self.reverted_changes.len()
    }
}

pub(crate) fn signed(v: u128) -> i128 {
    i128::try_from(v).unwrap_or(i128::MAX)
}

pub use crate::chain::{cause_of, Cause, ChangeKind};

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Slot {
    Account(AccountId),
    Data(AccountId, Vec<u8>),
    AccessKey(AccountId, String),
}

#[derive(Clone, Debug)]
enum Seen {
    Account(Option<AccountView>),
    Data(Option<Vec<u8>>),
    AccessKey(Option<AccessKeyView>),
}

/// Every state change reported this session, by the transaction or receipt it names.
#[derive(Clone, Debug, Default)]
pub struct StateLog {
    by_cause: HashMap<CryptoHash, Vec<StateChange>>,
    reverted: HashMap<CryptoHash, Vec<StateChange>>,
    last: HashMap<Slot, Seen>,
    blocks: HashSet<BlockHash>,
}

impl StateLog {
    /// Take one block's changes into account (a block reported twice counts once).
    pub fn apply(&mut self, block: &BlockChanges) {
        if !self.blocks.insert(block.block) {
            return;
        }
        let mut prior: HashMap<Slot, Seen> = HashMap::new();
        let mut refused: HashMap<AccountId, String> = HashMap::new();
        for p in &block.before {
            match p {
                PriorState::Account { account_id, account } => {
                    prior.insert(Slot::Account(account_id.clone()), Seen::Account(account.clone()));
                }
                PriorState::Data { account_id, key, value } => {
                    prior.insert(
                        Slot::Data(account_id.clone(), key.clone()),
                        Seen::Data(value.clone()),
                    );
                }
                PriorState::Unknown { account_id, reason } => {
                    refused.insert(account_id.clone(), reason.clone());
                }
            }
        }
        let mut in_block: HashSet<Slot> = HashSet::new();
        for (position, c) in block.changes.iter().enumerate() {
            let (change, slot, after) = self.change(block.block, c, &prior, &refused, &in_block);
            if let Some(slot) = slot {
                in_block.insert(slot.clone());
                self.last.insert(slot, after);
            }
            let change = change
                .map(|change| StateChange { position: u32::try_from(position).ok(), ..change });
            if let (Some(change), (_, Some(hash))) = (change, cause_of(&c.cause)) {
                push_tight(self.by_cause.entry(hash).or_default(), change);
            }
        }
        for c in &block.reverted {
            let (change, _, _) = self.change(block.block, c, &prior, &refused, &in_block);
            if let (Some(change), (_, Some(hash))) = (change, cause_of(&c.cause)) {
                push_tight(self.reverted.entry(hash).or_default(), change);
            }
        }
    }

    /// The changes whose cause names this transaction or receipt, in order.
    pub fn of(&self, hash: &CryptoHash) -> &[StateChange] {
        self.by_cause.get(hash).map_or(&[], Vec::as_slice)
    }

    /// Frees the changes caused by `hash` (kept and reverted), for a reader that took what it
    /// needed of them ([`super::Trace::into_dag`]).
    pub(super) fn forget(&mut self, hash: &CryptoHash) {
        self.by_cause.remove(hash);
        self.reverted.remove(hash);
    }

    /// Embedded runtime: what this receipt wrote before it failed and was rolled back.
    pub fn reverted_of(&self, hash: &CryptoHash) -> &[StateChange] {
        self.reverted.get(hash).map_or(&[], Vec::as_slice)
    }

    fn before_of<T: Clone>(
        &self,
        slot: &Slot,
        prior: &HashMap<Slot, Seen>,
        refused: &HashMap<AccountId, String>,
        in_block: &HashSet<Slot>,
        pick: impl Fn(&Seen) -> Option<Option<T>>,
    ) -> Before<T> {
        let account = match slot {
            Slot::Account(a) | Slot::Data(a, _) | Slot::AccessKey(a, _) => a,
        };
        let session = self.last.get(slot).and_then(&pick);
        if in_block.contains(slot) {
            if let Some(v) = session {
                return Before::Known(v);
            }
        }
        if let Some(v) = prior.get(slot).and_then(&pick) {
            return Before::Known(v);
        }
        // A key the node listed nothing for, on an account the engine fully read, was absent.
        if let Some(v) = session {
            return Before::Known(v);
        }
        Before::Unknown(refused.get(account).cloned())
    }

    fn change(
        &self,
        block: BlockHash,
        c: &StateChangeWithCauseView,
        prior: &HashMap<Slot, Seen>,
        refused: &HashMap<AccountId, String>,
        in_block: &HashSet<Slot>,
    ) -> (Option<StateChange>, Option<Slot>, Seen) {
        use StateChangeValueView as V;
        let account = c.value.account_id().clone();
        let (value, slot, after) = match &c.value {
            V::AccountUpdate { .. } | V::AccountDeletion { .. } => {
                let after = view_of(&c.value);
                let slot = Slot::Account(account.clone());
                let before = self.before_of(&slot, prior, refused, in_block, |s| match s {
                    Seen::Account(a) => Some(a.clone()),
                    _ => None,
                });
                (
                    ChangeValue::Account { after: after.clone(), before },
                    Some(slot),
                    Seen::Account(after),
                )
            }
            V::DataUpdate { key, .. } | V::DataDeletion { key, .. } => {
                let key: Vec<u8> = key.to_vec();
                let after = match &c.value {
                    V::DataUpdate { value, .. } => Some(value.to_vec()),
                    _ => None,
                };
                let slot = Slot::Data(account.clone(), key.clone());
                let before = self.before_of(&slot, prior, refused, in_block, |s| match s {
                    Seen::Data(d) => Some(d.clone()),
                    _ => None,
                });
                (
                    ChangeValue::Data { key, after: after.clone(), before },
                    Some(slot),
                    Seen::Data(after),
                )
            }
            V::AccessKeyUpdate { public_key, .. } | V::AccessKeyDeletion { public_key, .. } => {
                let public_key = public_key.to_string();
                let after = match &c.value {
                    V::AccessKeyUpdate { access_key, .. } => Some(access_key.clone()),
                    _ => None,
                };
                let slot = Slot::AccessKey(account.clone(), public_key.clone());
                let before = self.before_of(&slot, prior, refused, in_block, |s| match s {
                    Seen::AccessKey(k) => Some(k.clone()),
                    _ => None,
                });
                (
                    ChangeValue::AccessKey { public_key, after: after.clone(), before },
                    Some(slot),
                    Seen::AccessKey(after),
                )
            }
            V::ContractCodeUpdate { code, .. } => (
                ChangeValue::ContractCode {
                    code_hash: Some(CryptoHash::hash_bytes(code)),
                    len: code.len(),
                },
                None,
                Seen::Data(None),
            ),
            V::ContractCodeDeletion { .. } => {
                (ChangeValue::ContractCode { code_hash: None, len: 0 }, None, Seen::Data(None))
            }
            V::GasKeyNonceUpdate { .. } => (ChangeValue::Other, None, Seen::Data(None)),
        };
        let (cause, _) = cause_of(&c.cause);
        let change = StateChange {
            cause,
            kind: ChangeKind::of(&c.value),
            account,
            block,
            block_height: None,
            position: None,
            value,
        };
        (Some(change), slot, after)
    }
}

/// Pushes growing from 1, 2, 4...: most causes have one or two changes, and a `Vec`'s first
/// allocation holds 4 of these ~400-byte changes (a 1,000-call session kept ~6 MB of slack).
fn push_tight(list: &mut Vec<StateChange>, change: StateChange) {
    if list.len() == list.capacity() {
        list.reserve_exact(list.len().max(1));
    }
    list.push(change);
}

fn view_of(value: &StateChangeValueView) -> Option<AccountView> {
    match value {
        StateChangeValueView::AccountUpdate { account, .. } => Some(account.clone()),
        _ => None,
    }
}
