//! A forked chain: state the embedded chain does not hold is read from another chain, at the
//! block it was forked from, the first time execution touches it.
//!
//! ```text
//! account / keys / code  ──▶ held here? ──no──▶ gone here (deleted, or the remote has none)? ──no──▶
//!                                               remote.account + access_keys + code ──▶ held here
//! storage key            ──▶ in the account's data? ──no──▶ removed here / known absent? ──no──▶
//!                                               remote.data ──▶ held here (after the receipt)
//! ```
//! Writes stay local. A forked account ([`AccountRecord::forked`]) holds only the storage keys
//! read or written so far; every other key is as the remote had it at the fork block. A read
//! the remote cannot answer fails the receipt (or the view) with the remote's message.

use crate::records::public_key;
use crate::state::{AccountRecord, State};
use near_primitives::account::{AccessKey, Account, AccountContract};
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use near_primitives::views::{AccessKeyInfoView, AccountView};
use near_vm_runner::ContractCode;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// Why the remote could not answer (its message, one line, naming the fix when there is one).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RemoteError(pub String);

/// Where a forked chain reads what it does not hold: another chain's state at one block, in the
/// node's `query` views. Called synchronously by the runtime; an implementation caches.
pub trait RemoteState: Send + Sync {
    /// `view_account`; `None` when the remote has no such account.
    fn account(&self, id: &AccountId) -> Result<Option<AccountView>, RemoteError>;
    /// `view_access_key_list` of an account the remote has.
    fn access_keys(&self, id: &AccountId) -> Result<Vec<AccessKeyInfoView>, RemoteError>;
    /// `view_code`; `None` when the account has no contract.
    fn code(&self, id: &AccountId) -> Result<Option<Vec<u8>>, RemoteError>;
    /// One storage key of the account's contract; `None` when it does not exist.
    fn data(&self, id: &AccountId, key: &[u8]) -> Result<Option<Vec<u8>>, RemoteError>;
    /// Every storage key under `prefix` (`view_state`), in key order.
    fn data_under(&self, id: &AccountId, prefix: &[u8]) -> Result<StorageItems, RemoteError>;
}

/// Storage keys and their values, in key order.
pub type StorageItems = Vec<(Vec<u8>, Vec<u8>)>;

/// A shared handle on the remote a chain was forked from.
#[derive(Clone)]
pub struct Remote(pub Arc<dyn RemoteState>);

impl fmt::Debug for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Remote")
    }
}

/// What a forked account knows of its storage besides the keys it holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forked {
    /// Keys that do not exist although the remote may have them: removed here, or absent
    /// on the remote (asked once).
    pub absent: BTreeSet<Vec<u8>>,
}

/// Storage keys read from the remote during one receipt, with what it answered.
pub type Fetched = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

impl AccountRecord {
    /// Keeps what the remote answered for `key` (a forked account only).
    pub(crate) fn remember(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        let Some(forked) = self.forked.as_mut() else { return };
        match value {
            Some(value) => {
                forked.absent.remove(&key);
                self.data.insert(key, value);
            }
            None => {
                forked.absent.insert(key);
            }
        }
    }

    /// A storage key as far as this record knows: `Some(value)` when it holds the answer,
    /// `None` when only the remote knows (a forked account's key never read).
    pub(crate) fn local_value(&self, key: &[u8]) -> Option<Option<&Vec<u8>>> {
        if let Some(value) = self.data.get(key) {
            return Some(Some(value));
        }
        match &self.forked {
            Some(forked) if !forked.absent.contains(key) => None,
            _ => Some(None),
        }
    }
}

impl State {
    /// Makes sure `id` is held here when it exists: on a forked chain, an account neither held
    /// nor gone is read from the remote (with its keys and code), once.
    pub fn load(&mut self, id: &AccountId) -> Result<(), RemoteError> {
        if self.accounts.contains_key(id) || self.gone.contains(id) {
            return Ok(());
        }
        let Some(remote) = self.remote.clone() else { return Ok(()) };
        match fetch_record(remote.0.as_ref(), id)? {
            Some(record) => {
                self.accounts.insert(id.clone(), record);
            }
            None => {
                self.gone.insert(id.clone());
            }
        }
        Ok(())
    }

    /// `id`'s record without loading it: held here, or read from the remote (not kept).
    pub(crate) fn peek(&self, id: &AccountId) -> Result<Option<AccountRecord>, RemoteError> {
        if let Some(record) = self.accounts.get(id) {
            return Ok(Some(record.clone()));
        }
        match &self.remote {
            Some(remote) if !self.gone.contains(id) => fetch_record(remote.0.as_ref(), id),
            _ => Ok(None),
        }
    }

    /// Marks an account deleted here: it is never read from the remote again.
    pub(crate) fn deleted(&mut self, id: &AccountId) {
        if self.remote.is_some() {
            self.gone.insert(id.clone());
        }
    }
}

/// An account the remote has, as a forked record: the account, all its keys and its code; no
/// storage (read key by key).
fn fetch_record(
    remote: &dyn RemoteState,
    id: &AccountId,
) -> Result<Option<AccountRecord>, RemoteError> {
    let Some(view) = remote.account(id)? else { return Ok(None) };
    let mut record = AccountRecord::new(account_of(&view));
    for info in remote.access_keys(id)? {
        // ML-DSA-65 keys are handles only: the embedded runtime does not model them.
        let Some(key) = public_key(&info.public_key) else { continue };
        record.access_keys.insert(key, AccessKey::from(info.access_key));
    }
    if view.code_hash != CryptoHash::default() {
        let Some(code) = remote.code(id)? else {
            return Err(RemoteError(format!("the remote has no code for {id}'s code hash")));
        };
        record.code = Some(Arc::new(ContractCode::new(code, Some(view.code_hash))));
    }
    record.forked = Some(Forked::default());
    Ok(Some(record))
}

/// The account a `view_account` shows.
fn account_of(view: &AccountView) -> Account {
    let contract = match (&view.global_contract_account_id, view.global_contract_hash) {
        (Some(account), _) => AccountContract::GlobalByAccount(account.clone()),
        (None, Some(hash)) => AccountContract::Global(hash),
        (None, None) if view.code_hash != CryptoHash::default() => {
            AccountContract::Local(view.code_hash)
        }
        (None, None) => AccountContract::None,
    };
    Account::new(view.amount, view.locked, contract, view.storage_usage)
}
