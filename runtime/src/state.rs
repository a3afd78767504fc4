//! The in-memory chain state: accounts with balances, storage usage, access keys, contract
//! code and contract storage, plus the data receipts and postponed receipts waiting per account.

use crate::remote::{Forked, Remote};
use crate::yields::{YieldStatus, Yields};
use near_crypto::PublicKey;
use near_primitives::account::{AccessKey, Account};
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::{Receipt, ReceiptEnum};
use near_primitives::types::AccountId;
use near_vm_runner::ContractCode;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Everything stored under one account.
#[derive(Clone, Debug)]
pub struct AccountRecord {
    pub account: Account,
    pub access_keys: BTreeMap<PublicKey, AccessKey>,
    pub code: Option<Arc<ContractCode>>,
    pub data: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Yields of this account not run yet, by data id (the node keeps their status in the
    /// account's part of the trie, so it commits and reverts with the receipt).
    pub yield_status: BTreeMap<CryptoHash, YieldStatus>,
    /// `promise_yield_create_with_id`: the account's yield ids and the data id each names.
    pub yield_ids: BTreeMap<CryptoHash, CryptoHash>,
    /// An account read from the remote of a forked chain: storage keys not in `data` are read
    /// from there ([`crate::remote`]).
    pub forked: Option<Forked>,
}

impl AccountRecord {
    pub fn new(account: Account) -> Self {
        Self {
            account,
            access_keys: BTreeMap::new(),
            code: None,
            data: BTreeMap::new(),
            yield_status: BTreeMap::new(),
            yield_ids: BTreeMap::new(),
            forked: None,
        }
    }

    pub fn amount(&self) -> u128 {
        self.account.amount().as_yoctonear()
    }
}

/// An action receipt waiting for data receipts (NEAR-FACTS 2).
#[derive(Clone, Debug)]
pub struct Postponed {
    pub receipt: Receipt,
    pub missing: usize,
}

/// The whole state of the embedded chain (one shard).
#[derive(Default, Debug)]
pub struct State {
    pub accounts: BTreeMap<AccountId, AccountRecord>,
    /// Data that arrived for `(receiver, data_id)`: `Some(value)` or `None` (the producer failed).
    pub received_data: HashMap<(AccountId, CryptoHash), Option<Vec<u8>>>,
    /// Receipts waiting for data, by receipt id.
    pub postponed: HashMap<CryptoHash, Postponed>,
    /// Which postponed receipt waits for `(receiver, data_id)`.
    pub waiting_for: HashMap<(AccountId, CryptoHash), CryptoHash>,
    /// Yielded receipts waiting for a resume, and their timeouts.
    pub yields: Yields,
    /// Global contracts, by code hash or by the deployer's account id.
    pub globals: crate::global::Globals,
    /// The chain this one was forked from, if any: what is not held here is read from it.
    pub remote: Option<Remote>,
    /// Accounts a forked chain never reads from the remote: deleted here, or absent there.
    pub gone: BTreeSet<AccountId>,
}

impl State {
    pub fn account(&self, id: &AccountId) -> Option<&AccountRecord> {
        self.accounts.get(id)
    }

    /// Holds an action receipt until the data it waits for has arrived (NEAR-FACTS 2); a
    /// receipt with all its data is returned, ready to run.
    pub fn hold_until_inputs(&mut self, receipt: Receipt) -> Option<Receipt> {
        let receiver = receipt.receiver_id().clone();
        let inputs = match receipt.receipt() {
            ReceiptEnum::Action(a) => a.input_data_ids.clone(),
            ReceiptEnum::ActionV2(a) => a.input_data_ids.clone(),
            _ => Vec::new(),
        };
        let missing: Vec<CryptoHash> = inputs
            .into_iter()
            .filter(|id| !self.received_data.contains_key(&(receiver.clone(), *id)))
            .collect();
        if missing.is_empty() {
            return Some(receipt);
        }
        for id in &missing {
            self.waiting_for.insert((receiver.clone(), *id), *receipt.receipt_id());
        }
        let postponed = Postponed { receipt, missing: missing.len() };
        self.postponed.insert(*postponed.receipt.receipt_id(), postponed);
        None
    }
}

/// Bytes an access key adds to an account's storage usage: the key as the trie holds it (an
/// ML-DSA-65 key as its 33-byte handle, others whole), the access key, the record overhead.
pub fn access_key_storage(public_key: &PublicKey, access_key: &AccessKey, extra_bytes: u64) -> u64 {
    let pk = public_key.trie_id_len() as u64;
    let ak = borsh::object_length(access_key).unwrap_or(0) as u64;
    pk + ak + extra_bytes
}
