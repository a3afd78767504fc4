//! nearcore's `StateRecord`s written into the embedded chain's state: one mechanism for the
//! records of a `genesis.json` and for the patches of `sandbox_patch_state`.
//!
//! ```text
//! records ──▶ staged per account (nothing applied yet) ──▶ all valid? ──▶ committed at once
//!             Account    replaces the account value wholesale (keys, code, data stay)
//!             Contract   the code; the account's code hash becomes the code's
//!             AccessKey  one key (ed25519 / secp256k1)     Data  one storage key
//!             ReceivedData, PostponedReceipt, DelayedReceipt: the receipts waiting in state
//! ```
//! The origin decides the rest, as a node does:
//! - [`RecordOrigin::Genesis`]: each account's storage usage is recomputed from what it holds
//!   (nearcore's genesis `StorageComputer`), and nothing shows as a state change.
//! - [`RecordOrigin::Patch`]: the records are written as they are (the storage usage is the
//!   Account record's, never recomputed: nearcore's `apply_state_patch`), and they show in the
//!   next block's state changes with the cause `migration`.

use crate::chain::Runtime;
use crate::error::RuntimeError;
use crate::state::{access_key_storage, AccountRecord};
use near_crypto::{PublicKey, PublicKeyHandle};
use near_primitives::account::AccountContract;
use near_primitives::receipt::{Receipt, ReceiptEnum};
use near_primitives::state_record::StateRecord;
use near_primitives::types::AccountId;
use near_vm_runner::ContractCode;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Where a batch of records comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordOrigin {
    /// The `records` of a genesis file: storage usage recomputed, no state changes shown.
    Genesis,
    /// A `sandbox_patch_state` request: written as given, shown as `migration` changes.
    Patch,
}

/// One account as the records leave it, and what they wrote.
struct StagedAccount {
    record: AccountRecord,
    /// An Account record wrote the account value.
    account_written: bool,
    /// Storage keys the records wrote.
    data: BTreeSet<Vec<u8>>,
}

/// Everything a batch writes, applied only when every record is valid.
#[derive(Default)]
struct Staged {
    accounts: BTreeMap<AccountId, StagedAccount>,
    received: Vec<(AccountId, near_primitives::hash::CryptoHash, Option<Vec<u8>>)>,
    postponed: Vec<Receipt>,
    delayed: Vec<Receipt>,
}

fn record_error(record: &StateRecord, account: &AccountId, reason: &str) -> RuntimeError {
    RuntimeError::StateRecord {
        kind: record.get_type_string(),
        account: account.clone(),
        reason: reason.to_string(),
    }
}

/// The full public key of a trie key handle (ML-DSA-65 handles are hashes: no key to hold).
pub(crate) fn public_key(handle: &PublicKeyHandle) -> Option<PublicKey> {
    match handle {
        PublicKeyHandle::ED25519(k) => Some(PublicKey::ED25519(k.clone())),
        PublicKeyHandle::SECP256K1(k) => Some(PublicKey::SECP256K1(k.clone())),
        PublicKeyHandle::MlDsa65(_) => None,
    }
}

impl Staged {
    /// The staged account `id`, loaded from `runtime`'s state on first use.
    fn account(&mut self, runtime: &Runtime, id: &AccountId) -> Option<&mut StagedAccount> {
        if !self.accounts.contains_key(id) {
            let record = runtime.state.account(id)?.clone();
            let staged = StagedAccount { record, account_written: false, data: BTreeSet::new() };
            self.accounts.insert(id.clone(), staged);
        }
        self.accounts.get_mut(id)
    }

    fn stage(&mut self, runtime: &Runtime, record: StateRecord) -> Result<(), RuntimeError> {
        let missing = "the account does not exist (its Account record must come first)";
        match &record {
            StateRecord::Account { account_id, account } => {
                let staged = match self.account(runtime, account_id) {
                    Some(staged) => {
                        staged.record.account = account.clone();
                        staged
                    }
                    None => {
                        let record = AccountRecord::new(account.clone());
                        let staged =
                            StagedAccount { record, account_written: false, data: BTreeSet::new() };
                        self.accounts.entry(account_id.clone()).or_insert(staged)
                    }
                };
                staged.account_written = true;
                // Code the account no longer names is not its code any more.
                let named = match staged.record.account.contract().as_ref() {
                    AccountContract::Local(hash) => Some(*hash),
                    _ => None,
                };
                if staged.record.code.as_ref().map(|c| *c.hash()) != named {
                    staged.record.code = None;
                }
            }
            StateRecord::Contract { account_id, code } => {
                let staged = self
                    .account(runtime, account_id)
                    .ok_or_else(|| record_error(&record, account_id, missing))?;
                let code = ContractCode::new(code.clone(), None);
                // A node recomputes the hash from the code; the account names that code.
                if staged.record.account.set_contract(AccountContract::Local(*code.hash())).is_err()
                {
                    return Err(record_error(&record, account_id, "the account is uninitialized"));
                }
                runtime.vm.precompile(&code);
                staged.record.code = Some(Arc::new(code));
            }
            StateRecord::AccessKey { account_id, public_key: handle, access_key } => {
                let key = public_key(handle).ok_or_else(|| {
                    record_error(&record, account_id, "ML-DSA-65 key handles are not modelled")
                })?;
                let staged = self
                    .account(runtime, account_id)
                    .ok_or_else(|| record_error(&record, account_id, missing))?;
                staged.record.access_keys.insert(key, access_key.clone());
            }
            StateRecord::Data { account_id, data_key, value } => {
                let staged = self
                    .account(runtime, account_id)
                    .ok_or_else(|| record_error(&record, account_id, missing))?;
                let key: Vec<u8> = data_key.clone().into();
                staged.record.data.insert(key.clone(), value.clone().into());
                staged.data.insert(key);
            }
            StateRecord::ReceivedData { account_id, data_id, data } => {
                self.received.push((account_id.clone(), *data_id, data.clone()));
            }
            StateRecord::PostponedReceipt(receipt) => {
                if !matches!(receipt.receipt(), ReceiptEnum::Action(_) | ReceiptEnum::ActionV2(_)) {
                    let reason = "only action receipts wait for data";
                    return Err(record_error(&record, receipt.receiver_id(), reason));
                }
                self.postponed.push(receipt.as_ref().clone());
            }
            StateRecord::DelayedReceipt(delayed) => {
                self.delayed.push(delayed.receipt.as_ref().clone());
            }
            StateRecord::GasKeyNonce { account_id, .. } => {
                let reason = "gas keys are not modelled by the embedded runtime";
                return Err(record_error(&record, account_id, reason));
            }
        }
        Ok(())
    }
}

/// The account a record writes to, if it names one.
fn record_account(record: &StateRecord) -> Option<&AccountId> {
    match record {
        StateRecord::Account { account_id, .. }
        | StateRecord::Contract { account_id, .. }
        | StateRecord::AccessKey { account_id, .. }
        | StateRecord::Data { account_id, .. } => Some(account_id),
        _ => None,
    }
}

/// An account's storage usage from what it holds: the account, its keys, its storage keys and
/// its contract (nearcore's genesis storage computation).
fn storage_usage(runtime: &Runtime, record: &AccountRecord) -> u64 {
    let fees = &runtime.config.runtime.fees.storage_usage_config;
    let extra = fees.num_extra_bytes_record;
    let keys: u64 =
        record.access_keys.iter().map(|(pk, ak)| access_key_storage(pk, ak, extra)).sum();
    let data: u64 = record.data.iter().map(|(k, v)| (k.len() + v.len()) as u64 + extra).sum();
    fees.num_bytes_account + keys + data + crate::global::contract_storage(record)
}

impl Runtime {
    /// Writes nearcore state records into the chain's state: all of them, or none when one is
    /// invalid or of a kind the embedded runtime does not model (the error names it). See the
    /// module doc for what `origin` changes.
    pub fn apply_state_records(
        &mut self,
        records: Vec<StateRecord>,
        origin: RecordOrigin,
    ) -> Result<(), RuntimeError> {
        let mut staged = Staged::default();
        // A forked chain patches the remote's accounts as they are at the fork.
        for record in &records {
            if let Some(id) = record_account(record) {
                self.state.load(id).map_err(RuntimeError::Remote)?;
            }
        }
        for record in records {
            staged.stage(self, record)?;
        }
        for (id, mut account) in staged.accounts {
            match origin {
                RecordOrigin::Genesis => {
                    let usage = storage_usage(self, &account.record);
                    account.record.account.set_storage_usage(usage);
                }
                RecordOrigin::Patch => self.patched.migration(
                    &id,
                    self.state.accounts.get(&id),
                    Some(&account.record),
                    &account.data,
                    account.account_written,
                ),
            }
            self.state.accounts.insert(id, account.record);
        }
        for (account_id, data_id, data) in staged.received {
            self.state.received_data.insert((account_id, data_id), data);
        }
        // A postponed receipt whose data is all there runs with the delayed receipts.
        for receipt in staged.postponed {
            if let Some(ready) = self.state.hold_until_inputs(receipt) {
                self.delayed.push_back(ready);
            }
        }
        self.delayed.extend(staged.delayed);
        Ok(())
    }
}
