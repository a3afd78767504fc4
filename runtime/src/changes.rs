//! State changes per block, recorded the way a node records them for
//! `EXPERIMENTAL_changes`: every commit (a converted transaction, a successful receipt, a gas
//! reward) writes each key it touched with its cause; a failed receipt writes nothing, and what
//! it had written is kept apart as "reverted" (something only the embedded runtime knows).
//!
//! ```text
//! convert tx ──▶ account + access key            (transaction_processing {tx_hash})
//! receipt ok ──▶ account, keys, code, data keys  (receipt_processing {receipt_hash})
//! receipt ✗  ──▶ reverted (same shape), nothing applied
//! gas reward ──▶ account                         (action_receipt_gas_reward {receipt_hash})
//! ```
//! Order as the node returns them: accounts, then data, then access keys, then contract code;
//! within a kind by trie key (account id, then key), and per key in the order applied.

use crate::state::AccountRecord;
use near_crypto::PublicKey;
use near_primitives::account::{AccessKey, Account};
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use near_primitives::views::{
    AccountView, StateChangeCauseView, StateChangeValueView, StateChangeWithCauseView,
};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// What one block did to state.
#[derive(Clone, Debug, Default)]
pub struct BlockStateChanges {
    /// The changes, in the node's order (see the module doc).
    pub changes: Vec<StateChangeWithCauseView>,
    /// What each changed (or reverted) account and data key held before the block.
    pub before: Vec<PriorValue>,
    /// What failed receipts wrote before they were rolled back (cause `receipt_processing` of
    /// the failed receipt), in the same order as `changes`. A node never reports these.
    pub reverted: Vec<StateChangeWithCauseView>,
    /// Each account the block wrote, as it was before the block without its storage (that is
    /// in `before`): `None` when it did not exist. Queries at an earlier block undo with it.
    pub(crate) records_before: BTreeMap<AccountId, Option<AccountRecord>>,
}

impl BlockStateChanges {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.reverted.is_empty()
    }
}

/// A value before a block.
#[derive(Clone, Debug, PartialEq)]
pub enum PriorValue {
    /// The account as `view_account` showed it; `None`: it did not exist.
    Account { account_id: AccountId, account: Option<AccountView> },
    /// One contract storage key; `None`: the key did not exist.
    Data { account_id: AccountId, key: Vec<u8>, value: Option<Vec<u8>> },
}

/// The node's kinds, in the order of its four `EXPERIMENTAL_changes` requests.
const ACCOUNT: u8 = 0;
const DATA: u8 = 1;
const ACCESS_KEY: u8 = 2;
const CODE: u8 = 3;

type SortKey = (u8, Vec<u8>);

/// Changes grouped by key, each key's changes in the order applied.
#[derive(Default, Debug)]
struct Changes(BTreeMap<SortKey, Vec<StateChangeWithCauseView>>);

impl Changes {
    fn push(&mut self, key: SortKey, cause: &StateChangeCauseView, value: StateChangeValueView) {
        self.0
            .entry(key)
            .or_default()
            .push(StateChangeWithCauseView { cause: cause.clone(), value });
    }

    fn into_vec(self) -> Vec<StateChangeWithCauseView> {
        self.0.into_values().flatten().collect()
    }
}

/// The trie key's order: the account id, then `,` and the key inside the account.
fn sub_key(account_id: &AccountId, rest: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(account_id.len() + 1 + rest.len());
    key.extend_from_slice(account_id.as_bytes());
    key.push(b',');
    key.extend_from_slice(rest);
    key
}

fn public_key_bytes(public_key: &PublicKey) -> Vec<u8> {
    borsh::to_vec(public_key).unwrap_or_default()
}

/// Records the block being produced.
#[derive(Default, Debug)]
pub struct Recorder {
    applied: Changes,
    reverted: Changes,
    before: BTreeMap<SortKey, PriorValue>,
    records_before: BTreeMap<AccountId, Option<AccountRecord>>,
}

impl Recorder {
    /// Notes `id`'s record before its first write in the block (storage left out).
    pub fn note_record(&mut self, id: &AccountId, prior: Option<&AccountRecord>) {
        if self.records_before.contains_key(id) {
            return;
        }
        let shell = prior.map(|r| AccountRecord {
            account: r.account.clone(),
            access_keys: r.access_keys.clone(),
            code: r.code.clone(),
            data: BTreeMap::new(),
            yield_status: r.yield_status.clone(),
            yield_ids: r.yield_ids.clone(),
            forked: r.forked.clone(),
        });
        self.records_before.insert(id.clone(), shell);
    }

    fn note_account_before(&mut self, id: &AccountId, prior: Option<&Account>) {
        self.before.entry((ACCOUNT, id.as_bytes().to_vec())).or_insert_with(|| {
            PriorValue::Account { account_id: id.clone(), account: prior.map(AccountView::from) }
        });
    }

    fn note_data_before(&mut self, id: &AccountId, key: &[u8], prior: Option<&Vec<u8>>) {
        self.before.entry((DATA, sub_key(id, key))).or_insert_with(|| PriorValue::Data {
            account_id: id.clone(),
            key: key.to_vec(),
            value: prior.cloned(),
        });
    }

    /// An account written by one commit (`after`: `None` when deleted); `prior` is its value
    /// before the commit.
    pub fn account(
        &mut self,
        cause: &StateChangeCauseView,
        id: &AccountId,
        prior: Option<&Account>,
        after: Option<&Account>,
    ) {
        self.note_account_before(id, prior);
        let value = match after {
            Some(account) => StateChangeValueView::AccountUpdate {
                account_id: id.clone(),
                account: AccountView::from(account),
            },
            None => StateChangeValueView::AccountDeletion { account_id: id.clone() },
        };
        self.applied.push((ACCOUNT, id.as_bytes().to_vec()), cause, value);
    }

    /// An access key written by one commit (`after`: `None` when deleted).
    pub fn access_key(
        &mut self,
        cause: &StateChangeCauseView,
        id: &AccountId,
        public_key: &PublicKey,
        after: Option<&AccessKey>,
    ) {
        push_access_key(&mut self.applied, cause, id, public_key, after);
    }

    /// What a receipt's commit writes for its receiver: `before` is the state before the
    /// receipt, `after` the receipt's result, `touched` the storage keys it wrote or removed.
    pub fn receipt(
        &mut self,
        receipt_hash: CryptoHash,
        id: &AccountId,
        before: Option<&AccountRecord>,
        after: Option<&AccountRecord>,
        touched: &BTreeSet<Vec<u8>>,
    ) {
        let cause = StateChangeCauseView::ReceiptProcessing { receipt_hash };
        self.note_befores(id, before, after, touched);
        diff(&mut self.applied, &cause, id, before, after, touched, true);
    }

    /// What a state patch (`sandbox_patch_state`) wrote to `id`: the account when
    /// `account_written`, the storage keys `touched`, the keys and code it changed.
    pub fn migration(
        &mut self,
        id: &AccountId,
        before: Option<&AccountRecord>,
        after: Option<&AccountRecord>,
        touched: &BTreeSet<Vec<u8>>,
        account_written: bool,
    ) {
        let cause = StateChangeCauseView::Migration;
        self.note_befores(id, before, after, touched);
        diff(&mut self.applied, &cause, id, before, after, touched, account_written);
    }

    /// What a failed receipt had written before it was rolled back.
    pub fn reverted(
        &mut self,
        receipt_hash: CryptoHash,
        id: &AccountId,
        before: Option<&AccountRecord>,
        after: Option<&AccountRecord>,
        touched: &BTreeSet<Vec<u8>>,
    ) {
        let cause = StateChangeCauseView::ReceiptProcessing { receipt_hash };
        let mut changes = Changes::default();
        diff(&mut changes, &cause, id, before, after, touched, false);
        if changes.0.is_empty() {
            return;
        }
        self.note_befores(id, before, after, touched);
        for (key, list) in changes.0 {
            self.reverted.0.entry(key).or_default().extend(list);
        }
    }

    fn note_befores(
        &mut self,
        id: &AccountId,
        before: Option<&AccountRecord>,
        after: Option<&AccountRecord>,
        touched: &BTreeSet<Vec<u8>>,
    ) {
        self.note_record(id, before);
        self.note_account_before(id, before.map(|r| &r.account));
        let deleted = before.is_some() && after.is_none();
        let data_keys: Vec<&Vec<u8>> = if deleted {
            before.map(|r| r.data.keys().chain(touched).collect()).unwrap_or_default()
        } else {
            touched.iter().collect()
        };
        for key in data_keys {
            self.note_data_before(id, key, before.and_then(|r| r.data.get(key)));
        }
    }

    /// The block's changes, in the node's order.
    pub fn finish(self) -> BlockStateChanges {
        BlockStateChanges {
            changes: self.applied.into_vec(),
            before: self.before.into_values().collect(),
            reverted: self.reverted.into_vec(),
            records_before: self.records_before,
        }
    }
}

fn push_access_key(
    changes: &mut Changes,
    cause: &StateChangeCauseView,
    id: &AccountId,
    public_key: &PublicKey,
    after: Option<&AccessKey>,
) {
    let value = match after {
        Some(key) => StateChangeValueView::AccessKeyUpdate {
            account_id: id.clone(),
            public_key: public_key.clone().into(),
            access_key: key.clone().into(),
        },
        None => StateChangeValueView::AccessKeyDeletion {
            account_id: id.clone(),
            public_key: public_key.clone().into(),
        },
    };
    changes.push((ACCESS_KEY, sub_key(id, &public_key_bytes(public_key))), cause, value);
}

fn push_data(
    changes: &mut Changes,
    cause: &StateChangeCauseView,
    id: &AccountId,
    key: &[u8],
    after: Option<&Vec<u8>>,
) {
    let value = match after {
        Some(value) => StateChangeValueView::DataUpdate {
            account_id: id.clone(),
            key: key.to_vec().into(),
            value: value.clone().into(),
        },
        None => {
            StateChangeValueView::DataDeletion { account_id: id.clone(), key: key.to_vec().into() }
        }
    };
    changes.push((DATA, sub_key(id, key)), cause, value);
}

/// The keys a commit writes. `always_account`: a node rewrites the receiver's account on every
/// successful receipt, changed or not (for reverted changes only a real change is shown).
fn diff(
    changes: &mut Changes,
    cause: &StateChangeCauseView,
    id: &AccountId,
    before: Option<&AccountRecord>,
    after: Option<&AccountRecord>,
    touched: &BTreeSet<Vec<u8>>,
    always_account: bool,
) {
    let account_key = (ACCOUNT, id.as_bytes().to_vec());
    let Some(after) = after else {
        let Some(before) = before else { return };
        // Deleting an account removes its account, code, keys and every storage key.
        changes.push(
            account_key,
            cause,
            StateChangeValueView::AccountDeletion { account_id: id.clone() },
        );
        let data: BTreeSet<&Vec<u8>> = before.data.keys().chain(touched).collect();
        for key in data {
            push_data(changes, cause, id, key, None);
        }
        for public_key in before.access_keys.keys() {
            push_access_key(changes, cause, id, public_key, None);
        }
        if before.code.is_some() {
            let value = StateChangeValueView::ContractCodeDeletion { account_id: id.clone() };
            changes.push((CODE, id.as_bytes().to_vec()), cause, value);
        }
        return;
    };
    if always_account || before.map(|b| &b.account) != Some(&after.account) {
        let value = StateChangeValueView::AccountUpdate {
            account_id: id.clone(),
            account: AccountView::from(&after.account),
        };
        changes.push(account_key, cause, value);
    }
    for key in touched {
        push_data(changes, cause, id, key, after.data.get(key));
    }
    for (public_key, key) in &after.access_keys {
        if before.and_then(|b| b.access_keys.get(public_key)) != Some(key) {
            push_access_key(changes, cause, id, public_key, Some(key));
        }
    }
    if let Some(before) = before {
        for public_key in before.access_keys.keys() {
            if !after.access_keys.contains_key(public_key) {
                push_access_key(changes, cause, id, public_key, None);
            }
        }
    }
    let same_code = match (before.and_then(|b| b.code.as_ref()), after.code.as_ref()) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    };
    if !same_code {
        let value = match &after.code {
            Some(code) => StateChangeValueView::ContractCodeUpdate {
                account_id: id.clone(),
                code: code.code().to_vec(),
            },
            None => StateChangeValueView::ContractCodeDeletion { account_id: id.clone() },
        };
        changes.push((CODE, id.as_bytes().to_vec()), cause, value);
    }
}
