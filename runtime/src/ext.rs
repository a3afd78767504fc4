//! `External` for near-vm-runner over the in-memory state of the account being executed.
//!
//! Storage reads cost no trie nodes (nodes read through flat storage, as in the captures);
//! writes and removals look the key up in the trie. The real trie depth depends on the whole
//! chain state, so it is estimated: see [`ABSENT_KEY_TRIE_NODES`].

use crate::promises::Promises;
use crate::remote::{Fetched, RemoteError, RemoteState};
use crate::state::AccountRecord;
use crate::yields::YieldStatus;
use near_crypto::PublicKey;
use near_primitives::account::{AccessKey, AccessKeyPermission, FunctionCallPermission};
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeleteAccountAction, DeleteKeyAction,
    DeployContractAction, DeployGlobalContractAction, FunctionCallAction,
    GlobalContractDeployMode as PrimitiveDeployMode, StakeAction, TransferAction,
    TransferToGasKeyAction, UseGlobalContractAction,
};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance, Gas, GasWeight, Nonce};
use near_primitives::utils::create_receipt_id_from_action_hash;
use near_primitives_core::hash::YieldId;
use near_primitives_core::types::NonceIndex;
use near_primitives_core::universal_state_init::{
    DecodeMode, RawStateInit, StateInitError, UniversalStateInitCounts,
};
use near_vm_runner::logic::errors::AnyError;
use near_vm_runner::logic::types::{
    ActionIndex, GlobalContractDeployMode, GlobalContractIdentifier, ReceiptIndex,
};
use near_vm_runner::logic::{External, HostError, StorageAccessTracker, VMLogicError, ValuePtr};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};

/// Trie nodes touched when writing a key that does not exist yet (the sandbox's small state
/// shows 3 to 5).
pub const ABSENT_KEY_TRIE_NODES: u64 = 4;
/// Trie nodes touched (and cached nodes read) when overwriting an existing key.
pub const EXISTING_KEY_TRIE_NODES: (u64, u64) = (5, 1);

/// Why a host function failed outside the contract; the call fails with this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtFailure {
    /// A host function the embedded runtime does not implement.
    Unsupported(String),
    /// A storage key the remote of a forked chain could not read.
    Remote(RemoteError),
}

type ExtResult<T> = Result<T, VMLogicError>;

/// The sandbox's one validator (`neard init` localnet) and its stake (50,000,000 NEAR).
pub const SANDBOX_VALIDATOR: &str = "test.near";
pub const SANDBOX_VALIDATOR_STAKE: Balance = Balance::from_near(50_000_000);

fn unsupported(what: &str) -> VMLogicError {
    VMLogicError::ExternalError(AnyError::new(ExtFailure::Unsupported(what.to_string())))
}

/// A value handed to the VM (already copied out of the state).
struct OwnedValue(Vec<u8>);

impl ValuePtr for OwnedValue {
    fn len(&self) -> u32 {
        u32::try_from(self.0.len()).unwrap_or(u32::MAX)
    }

    fn deref(&self, _tracker: &mut dyn StorageAccessTracker) -> ExtResult<Vec<u8>> {
        Ok(self.0.clone())
    }
}

/// The contract's view of the chain while one function call runs.
pub struct Ext<'a> {
    account_id: AccountId,
    record: &'a mut AccountRecord,
    pub promises: Promises,
    /// Storage keys already written in this block: they are in memory and cost no trie nodes.
    written_in_block: &'a mut HashSet<(AccountId, Vec<u8>)>,
    action_hash: CryptoHash,
    block_height: u64,
    data_count: u64,
    /// Host functions that were called but are not supported here (the action then fails).
    pub unsupported: Vec<String>,
    /// Storage keys written or removed by this call.
    pub touched: BTreeSet<Vec<u8>>,
    post_quantum_keys: bool,
    chain_id: String,
    /// The remote of a forked chain, for the storage keys of a forked account not held.
    remote: Option<&'a dyn RemoteState>,
    /// What the remote answered during this call (kept by the account afterwards).
    pub fetched: RefCell<Fetched>,
}

impl<'a> Ext<'a> {
    pub fn new(
        account_id: AccountId,
        record: &'a mut AccountRecord,
        written_in_block: &'a mut HashSet<(AccountId, Vec<u8>)>,
        action_hash: CryptoHash,
        block_height: u64,
        post_quantum_keys: bool,
        chain_id: String,
    ) -> Self {
        Self {
            account_id,
            record,
            promises: Promises::default(),
            written_in_block,
            action_hash,
            block_height,
            data_count: 0,
            unsupported: Vec::new(),
            touched: BTreeSet::new(),
            post_quantum_keys,
            chain_id,
            remote: None,
            fetched: RefCell::new(Fetched::new()),
        }
    }

    /// Reads the keys a forked account does not hold from `remote`.
    pub fn with_remote(mut self, remote: Option<&'a dyn RemoteState>) -> Self {
        self.remote = remote;
        self
    }

    /// A storage key's value: held by the account, or (a forked account) read from the remote
    /// once per call.
    fn read(&self, key: &[u8]) -> ExtResult<Option<Vec<u8>>> {
        if let Some(value) = self.record.local_value(key) {
            return Ok(value.cloned());
        }
        if let Some(value) = self.fetched.borrow().get(key) {
            return Ok(value.clone());
        }
        let Some(remote) = self.remote else { return Ok(None) };
        let value = remote
            .data(&self.account_id, key)
            .map_err(|err| VMLogicError::ExternalError(AnyError::new(ExtFailure::Remote(err))))?;
        self.fetched.borrow_mut().insert(key.to_vec(), value.clone());
        Ok(value)
    }

    /// Charges the trie lookup of a write or removal and returns the previous value.
    fn lookup_for_write(
        &mut self,
        tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
    ) -> ExtResult<Option<Vec<u8>>> {
        let previous = self.read(key)?;
        self.touched.insert(key.to_vec());
        let slot = (self.account_id.clone(), key.to_vec());
        if !self.written_in_block.contains(&slot) {
            match previous {
                Some(_) => {
                    tracker.trie_node_touched(EXISTING_KEY_TRIE_NODES.0)?;
                    tracker.cached_trie_node_access(EXISTING_KEY_TRIE_NODES.1)?;
                }
                None => tracker.trie_node_touched(ABSENT_KEY_TRIE_NODES)?,
            }
            self.written_in_block.insert(slot);
        }
        Ok(previous)
    }

    fn note_unsupported(&mut self, what: &str) {
        self.unsupported.push(what.to_string());
    }

    fn append(&mut self, index: ReceiptIndex, action: Action) {
        // The VM checks receipt indices before appending; an unknown index is ignored.
        let _ = self.promises.push_action(index, action);
    }
}

impl External for Ext<'_> {
    fn storage_set(
        &mut self,
        tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
        value: &[u8],
    ) -> ExtResult<Option<Vec<u8>>> {
        let evicted = self.lookup_for_write(tracker, key)?;
        if let Some(old) = &evicted {
            tracker.deref_write_evicted_value_bytes(old.len() as u64)?;
        }
        if let Some(forked) = self.record.forked.as_mut() {
            forked.absent.remove(key);
        }
        self.record.data.insert(key.to_vec(), value.to_vec());
        Ok(evicted)
    }

    fn storage_get<'b>(
        &'b self,
        _tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
    ) -> ExtResult<Option<Box<dyn ValuePtr + 'b>>> {
        Ok(self.read(key)?.map(|v| Box::new(OwnedValue(v)) as Box<dyn ValuePtr>))
    }

    fn storage_remove(
        &mut self,
        tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
    ) -> ExtResult<Option<Vec<u8>>> {
        let removed = self.lookup_for_write(tracker, key)?;
        if let Some(old) = &removed {
            tracker.deref_removed_value_bytes(old.len() as u64)?;
        }
        self.record.data.remove(key);
        if let Some(forked) = self.record.forked.as_mut() {
            forked.absent.insert(key.to_vec());
        }
        Ok(removed)
    }

    fn storage_has_key(
        &mut self,
        _tracker: &mut dyn StorageAccessTracker,
        key: &[u8],
    ) -> ExtResult<bool> {
        Ok(self.read(key)?.is_some())
    }

    fn generate_data_id(&mut self) -> CryptoHash {
        let id = create_receipt_id_from_action_hash(
            &self.action_hash,
            self.block_height,
            self.data_count,
        );
        self.data_count += 1;
        id
    }

    fn get_recorded_storage_size(&self) -> usize {
        0
    }

    fn storage_proof_size_before_receipt(&self) -> usize {
        0
    }

    fn validator_stake(&self, account_id: &AccountId) -> ExtResult<Option<Balance>> {
        Ok((account_id.as_str() == SANDBOX_VALIDATOR).then_some(SANDBOX_VALIDATOR_STAKE))
    }

    fn validator_total_stake(&self) -> ExtResult<Balance> {
        Ok(SANDBOX_VALIDATOR_STAKE)
    }

    fn chain_id(&self) -> String {
        self.chain_id.clone()
    }

    fn create_action_receipt(
        &mut self,
        receipt_indices: Vec<ReceiptIndex>,
        receiver_id: AccountId,
    ) -> ExtResult<ReceiptIndex> {
        for &receipt_index in &receipt_indices {
            if self.promises.receipt(receipt_index).is_none() {
                return Err(HostError::InvalidReceiptIndex { receipt_index }.into());
            }
        }
        let data_ids: Vec<CryptoHash> =
            receipt_indices.iter().map(|_| self.generate_data_id()).collect();
        self.promises
            .create(data_ids, &receipt_indices, receiver_id)
            .ok_or_else(|| HostError::InvalidReceiptIndex { receipt_index: 0 }.into())
    }

    fn create_promise_yield_receipt(
        &mut self,
        receiver_id: AccountId,
    ) -> ExtResult<(ReceiptIndex, CryptoHash)> {
        let data_id = self.generate_data_id();
        let index = self
            .promises
            .create_yield(data_id, receiver_id)
            .ok_or(HostError::InvalidReceiptIndex { receipt_index: 0 })?;
        self.record.yield_status.insert(data_id, YieldStatus::Yielded);
        Ok((index, data_id))
    }

    fn create_promise_yield_receipt_with_id(
        &mut self,
        receiver_id: AccountId,
        user_yield_id: YieldId,
    ) -> ExtResult<Option<(ReceiptIndex, CryptoHash)>> {
        // A yield id still in use (its yield has not run yet) is refused: the VM returns a
        // sentinel to the contract.
        if self.record.yield_ids.contains_key(&user_yield_id.0) {
            return Ok(None);
        }
        let (index, data_id) = self.create_promise_yield_receipt(receiver_id)?;
        self.record.yield_ids.insert(user_yield_id.0, data_id);
        Ok(Some((index, data_id)))
    }

    fn submit_promise_resume_data(
        &mut self,
        data_id: CryptoHash,
        data: Vec<u8>,
    ) -> ExtResult<bool> {
        // Only this account's own yields, found by their status (set when the yield was
        // created, cleared when its receipt runs): a resume after that, or from another
        // account, is `false`.
        let Some(status) = self.record.yield_status.get_mut(&data_id) else { return Ok(false) };
        *status = YieldStatus::ResumeInitiated;
        self.promises.resumes.push((data_id, data));
        Ok(true)
    }

    fn submit_promise_resume_data_with_yield_id(
        &mut self,
        user_yield_id: YieldId,
        data: Vec<u8>,
    ) -> ExtResult<bool> {
        match self.record.yield_ids.get(&user_yield_id.0).copied() {
            Some(data_id) => self.submit_promise_resume_data(data_id, data),
            None => Ok(false),
        }
    }

    fn append_action_create_account(&mut self, receipt_index: ReceiptIndex) {
        self.append(receipt_index, Action::CreateAccount(CreateAccountAction {}));
    }

    fn append_action_deploy_contract(&mut self, receipt_index: ReceiptIndex, code: Vec<u8>) {
        self.append(receipt_index, Action::DeployContract(DeployContractAction { code }));
    }

    fn append_action_deploy_global_contract(
        &mut self,
        receipt_index: ReceiptIndex,
        code: Vec<u8>,
        mode: GlobalContractDeployMode,
    ) {
        let deploy_mode = match mode {
            GlobalContractDeployMode::CodeHash => PrimitiveDeployMode::CodeHash,
            GlobalContractDeployMode::AccountId => PrimitiveDeployMode::AccountId,
        };
        let action = DeployGlobalContractAction { code: code.into(), deploy_mode };
        self.append(receipt_index, Action::DeployGlobalContract(action));
    }

    fn append_action_use_global_contract(
        &mut self,
        receipt_index: ReceiptIndex,
        contract_id: GlobalContractIdentifier,
    ) {
        let action = UseGlobalContractAction { contract_identifier: contract_id.into() };
        self.append(receipt_index, Action::UseGlobalContract(Box::new(action)));
    }

    fn append_action_deterministic_state_init(
        &mut self,
        _receipt_index: ReceiptIndex,
        _contract_id: GlobalContractIdentifier,
        _amount: Balance,
    ) -> ActionIndex {
        self.note_unsupported("promise_batch_action_state_init");
        0
    }

    fn set_deterministic_state_init_data_entry(
        &mut self,
        _receipt_index: ReceiptIndex,
        _action_index: ActionIndex,
        _key: Vec<u8>,
        _value: Vec<u8>,
    ) -> ExtResult<()> {
        Err(unsupported("promise_batch_action_state_init_set_data_entry"))
    }

    fn check_state_init(&self, _state_init: &RawStateInit) -> Result<(), StateInitError> {
        Err(StateInitError::Malformed)
    }

    fn state_init_send_counts(
        &self,
        state_init: &RawStateInit,
        _mode: DecodeMode,
    ) -> UniversalStateInitCounts {
        UniversalStateInitCounts {
            num_bytes: state_init.0.len() as u64,
            num_entries: 0,
            num_keys: 0,
        }
    }

    fn append_action_universal_state_init(
        &mut self,
        _receipt_index: ReceiptIndex,
        _state_init: RawStateInit,
        _amount: Balance,
    ) {
        self.note_unsupported("promise_batch_action_universal_state_init");
    }

    fn append_action_function_call_weight(
        &mut self,
        receipt_index: ReceiptIndex,
        method_name: Vec<u8>,
        args: Vec<u8>,
        attached_deposit: Balance,
        prepaid_gas: Gas,
        gas_weight: GasWeight,
    ) -> ExtResult<()> {
        let method_name =
            String::from_utf8(method_name).map_err(|_| HostError::InvalidMethodName)?;
        let call =
            FunctionCallAction { method_name, args, gas: prepaid_gas, deposit: attached_deposit };
        self.promises.push_function_call(receipt_index, call, gas_weight.0);
        Ok(())
    }

    fn append_action_transfer(&mut self, receipt_index: ReceiptIndex, deposit: Balance) {
        self.append(receipt_index, Action::Transfer(TransferAction { deposit }));
    }

    fn append_action_transfer_to_gas_key(
        &mut self,
        receipt_index: ReceiptIndex,
        public_key: PublicKey,
        deposit: Balance,
    ) {
        // Runs at the receiver, where it fails as on a node without that gas key.
        let action = TransferToGasKeyAction { public_key, deposit };
        self.append(receipt_index, Action::TransferToGasKey(Box::new(action)));
    }

    fn append_action_add_gas_key_with_full_access(
        &mut self,
        _receipt_index: ReceiptIndex,
        _public_key: PublicKey,
        _num_nonces: NonceIndex,
    ) {
        self.note_unsupported("promise_batch_action_add_gas_key_with_full_access");
    }

    fn append_action_add_gas_key_with_function_call(
        &mut self,
        _receipt_index: ReceiptIndex,
        _public_key: PublicKey,
        _num_nonces: NonceIndex,
        _allowance: Option<Balance>,
        _receiver_id: AccountId,
        _method_names: Vec<Vec<u8>>,
    ) -> ExtResult<()> {
        Err(unsupported("promise_batch_action_add_gas_key_with_function_call"))
    }

    fn append_action_stake(&mut self, receipt_index: ReceiptIndex, stake: Balance, pk: PublicKey) {
        let action = StakeAction { stake, public_key: pk };
        self.append(receipt_index, Action::Stake(Box::new(action)));
    }

    fn append_action_add_key_with_full_access(
        &mut self,
        receipt_index: ReceiptIndex,
        public_key: PublicKey,
        nonce: Nonce,
    ) {
        let access_key = AccessKey { nonce, permission: AccessKeyPermission::FullAccess };
        self.append(
            receipt_index,
            Action::AddKey(Box::new(AddKeyAction { public_key, access_key })),
        );
    }

    fn append_action_add_key_with_function_call(
        &mut self,
        receipt_index: ReceiptIndex,
        public_key: PublicKey,
        nonce: Nonce,
        allowance: Option<Balance>,
        receiver_id: AccountId,
        method_names: Vec<Vec<u8>>,
    ) -> ExtResult<()> {
        let method_names = method_names
            .into_iter()
            .map(|m| String::from_utf8(m).map_err(|_| HostError::InvalidMethodName))
            .collect::<Result<Vec<_>, _>>()?;
        let permission = AccessKeyPermission::FunctionCall(FunctionCallPermission {
            allowance,
            receiver_id: receiver_id.into(),
            method_names,
        });
        let access_key = AccessKey { nonce, permission };
        self.append(
            receipt_index,
            Action::AddKey(Box::new(AddKeyAction { public_key, access_key })),
        );
        Ok(())
    }

    fn append_action_delete_key(&mut self, receipt_index: ReceiptIndex, public_key: PublicKey) {
        self.append(receipt_index, Action::DeleteKey(Box::new(DeleteKeyAction { public_key })));
    }

    fn append_action_delete_account(
        &mut self,
        receipt_index: ReceiptIndex,
        beneficiary_id: AccountId,
    ) {
        self.append(receipt_index, Action::DeleteAccount(DeleteAccountAction { beneficiary_id }));
    }

    fn get_receipt_receiver(&self, receipt_index: ReceiptIndex) -> &AccountId {
        match self.promises.receipt(receipt_index) {
            Some(receipt) => &receipt.receiver_id,
            // The VM only asks for indices it created; answer with the current account.
            None => &self.account_id,
        }
    }

    fn set_refund_to(&mut self, receipt_index: ReceiptIndex, refund_to: AccountId) {
        if let Some(receipt) = self.promises.receipt_mut(receipt_index) {
            receipt.refund_to = Some(refund_to);
        }
    }

    fn post_quantum_keys_enabled(&self) -> bool {
        self.post_quantum_keys
    }
}
