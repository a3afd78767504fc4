//! Read-only queries on the embedded chain, in the node's view types: what `query`, `block`,
//! `chunk` and `EXPERIMENTAL_receipt` answer. They read the state at the head, or at a kept
//! block through [`StateAt`] (`past.rs`), and never change it.
//!
//! ```text
//! view_account / view_access_key(_list) / view_code / view_state ─▶ State (head or StateAt)
//! call_view ─▶ near-vm-runner in view mode on a copy of the account (writes are discarded)
//! block_contents(height) ─▶ the transactions it included and the receipts it executed
//! ```

use crate::chain::Runtime;
use crate::convert;
use crate::ext::{Ext, ExtFailure};
use crate::past::StateAt;
use crate::remote::RemoteError;
use crate::state::AccountRecord;
use near_crypto::PublicKey;
use near_primitives::errors::FunctionCallError;
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance, Gas};
use near_primitives::views::{
    AccessKeyInfoView, AccessKeyList, AccessKeyView, AccountView, CallResult, ContractCodeView,
    FinalExecutionOutcomeWithReceiptView, ReceiptView, SignedTransactionView, StateItem,
    ViewStateResult,
};
use near_primitives_core::config::ViewConfig;
use near_vm_runner::logic::errors::VMRunnerError;
use near_vm_runner::logic::VMContext;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

/// Gas a view call may burn (a node's default `max_gas_burnt_view`).
pub const MAX_GAS_BURNT_VIEW: u64 = 300_000_000_000_000;

/// Why a query has no answer (the node's `RpcQueryError` causes).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    #[error("account {0} does not exist while viewing")]
    UnknownAccount(AccountId),
    #[error("access key {0} does not exist while viewing")]
    UnknownAccessKey(PublicKey),
    #[error("contract code for contract ID #{0} has never been observed on the node")]
    NoContractCode(AccountId),
    /// The remote of a forked chain could not answer.
    #[error("remote state: {0}")]
    Remote(RemoteError),
    /// The contract failed: the node's `wasm execution failed with error: ...` text, and the
    /// error itself.
    #[error("{message}")]
    Execution { message: String, error: FunctionCallError },
}

/// What one block of the embedded chain holds (its single chunk).
#[derive(Clone, Debug, Default)]
pub struct BlockContents {
    /// Transactions included in the block, in submission order.
    pub transactions: Vec<SignedTransactionView>,
    /// Receipts executed in the block.
    pub receipts: Vec<ReceiptView>,
    pub gas_used: u64,
    pub tokens_burnt: u128,
}

impl Runtime {
    /// `query` `view_account` at the head.
    pub fn view_account(&self, id: &AccountId) -> Result<AccountView, ViewError> {
        self.at_head().view_account(id)
    }

    /// `query` `view_access_key` at the head.
    pub fn view_access_key(
        &self,
        id: &AccountId,
        key: &PublicKey,
    ) -> Result<AccessKeyView, ViewError> {
        self.at_head().view_access_key(id, key)
    }

    /// `query` `view_access_key_list` at the head.
    pub fn view_access_key_list(&self, id: &AccountId) -> Result<AccessKeyList, ViewError> {
        self.at_head().view_access_key_list(id)
    }

    /// `query` `view_code` at the head.
    pub fn view_code(&self, id: &AccountId) -> Result<ContractCodeView, ViewError> {
        self.at_head().view_code(id)
    }

    /// `query` `view_state` at the head.
    pub fn view_state(&self, id: &AccountId, prefix: &[u8]) -> Result<ViewStateResult, ViewError> {
        self.at_head().view_state(id, prefix)
    }

    /// `query` `call_function` at the head.
    pub fn call_view(
        &self,
        id: &AccountId,
        method: &str,
        args: &[u8],
    ) -> Result<CallResult, ViewError> {
        self.at_head().call_view(id, method, args)
    }
}

impl<'a> StateAt<'a> {
    fn record(&self, id: &AccountId) -> Result<Cow<'a, AccountRecord>, ViewError> {
        self.account_record(id)
            .map_err(ViewError::Remote)?
            .ok_or_else(|| ViewError::UnknownAccount(id.clone()))
    }

    /// `query` `view_account`.
    pub fn view_account(&self, id: &AccountId) -> Result<AccountView, ViewError> {
        Ok(AccountView::from(&self.record(id)?.account))
    }

    /// `query` `view_access_key`.
    pub fn view_access_key(
        &self,
        id: &AccountId,
        key: &PublicKey,
    ) -> Result<AccessKeyView, ViewError> {
        let record = self.record(id)?;
        let access_key =
            record.access_keys.get(key).ok_or_else(|| ViewError::UnknownAccessKey(key.clone()))?;
        Ok(AccessKeyView::from(access_key.clone()))
    }

    /// `query` `view_access_key_list`.
    pub fn view_access_key_list(&self, id: &AccountId) -> Result<AccessKeyList, ViewError> {
        let record = self.record(id)?;
        Ok(record
            .access_keys
            .iter()
            .map(|(key, access)| {
                AccessKeyInfoView::new(key.clone(), AccessKeyView::from(access.clone()))
            })
            .collect())
    }

    /// `query` `view_code`.
    pub fn view_code(&self, id: &AccountId) -> Result<ContractCodeView, ViewError> {
        let record = self.record(id)?;
        let code = record.code.as_ref().ok_or_else(|| ViewError::NoContractCode(id.clone()))?;
        Ok(ContractCodeView { code: code.code().to_vec(), hash: *code.hash() })
    }

    /// `query` `view_state`: the contract's storage under `prefix`, in key order.
    pub fn view_state(&self, id: &AccountId, prefix: &[u8]) -> Result<ViewStateResult, ViewError> {
        let record = self.record(id)?;
        let mut data: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        // A forked account: the remote's keys, then what changed here.
        if let (Some(forked), Some(remote)) = (&record.forked, &self.rt.state.remote) {
            let remote_data = remote.0.data_under(id, prefix).map_err(ViewError::Remote)?;
            data.extend(remote_data.into_iter().filter(|(key, _)| !forked.absent.contains(key)));
        }
        let local = record.data.range(prefix.to_vec()..).take_while(|(k, _)| k.starts_with(prefix));
        data.extend(local.map(|(key, value)| (key.clone(), value.clone())));
        let values = data
            .into_iter()
            .map(|(key, value)| StateItem { key: key.into(), value: value.into() })
            .collect();
        Ok(ViewStateResult { values, proof: Vec::new(), last_key: None })
    }

    /// `query` `call_function`: runs `method` in view mode at the block. State writes are
    /// refused by the VM (view mode) and would be discarded anyway.
    pub fn call_view(
        &self,
        id: &AccountId,
        method: &str,
        args: &[u8],
    ) -> Result<CallResult, ViewError> {
        let mut record = self.record(id)?.into_owned();
        let head = self.header;
        let gas = Gas::from_gas(MAX_GAS_BURNT_VIEW);
        let context = VMContext {
            current_account_id: id.clone(),
            signer_account_id: id.clone(),
            signer_account_pk: Vec::new(),
            predecessor_account_id: id.clone(),
            refund_to_account_id: id.clone(),
            input: Rc::from(args.to_vec()),
            promise_results: Arc::from(Vec::new()),
            block_height: head.height,
            block_timestamp: head.timestamp_nanosec,
            epoch_height: self.rt.config.epoch_height(head.height),
            account_balance: record.account.amount(),
            account_locked_balance: record.account.locked(),
            storage_usage: record.account.storage_usage(),
            account_contract: record.account.contract().into_owned(),
            attached_deposit: Balance::ZERO,
            prepaid_gas: gas,
            random_seed: head.random_value.as_ref().to_vec(),
            view_config: Some(ViewConfig { max_gas_burnt: gas }),
            output_data_receivers: Vec::new(),
        };
        let (code_hash, code) = crate::global::code_for(&self.rt.state.globals, &record);
        let post_quantum = near_primitives::version::ProtocolFeature::PostQuantumSignatures
            .enabled(self.rt.config.protocol_version);
        let mut written = HashSet::new();
        let mut ext = Ext::new(
            id.clone(),
            &mut record,
            &mut written,
            CryptoHash::default(),
            head.height,
            post_quantum,
            self.rt.config.chain_id.clone(),
        )
        .with_remote(self.rt.state.remote.as_ref().map(|r| r.0.as_ref()));
        let outcome = match self.rt.vm.run(code_hash, code, method, &mut ext, &context) {
            Ok(outcome) => outcome,
            Err(VMRunnerError::ContractCodeNotPresent) => {
                return Err(ViewError::NoContractCode(id.clone()));
            }
            Err(VMRunnerError::ExternalError(any)) => {
                let message = match any.downcast::<ExtFailure>() {
                    Ok(ExtFailure::Remote(err)) => return Err(ViewError::Remote(err)),
                    Ok(ExtFailure::Unsupported(what)) => {
                        format!("{what} is not supported by the embedded runtime")
                    }
                    Err(_) => "the embedded runtime failed while running the contract".into(),
                };
                let error = FunctionCallError::ExecutionError(message.clone());
                let message = format!("wasm execution failed with error: {message}");
                return Err(ViewError::Execution { message, error });
            }
            Err(other) => {
                let message = format!("wasm execution failed with error: {other}");
                let error = FunctionCallError::ExecutionError(other.to_string());
                return Err(ViewError::Execution { message, error });
            }
        };
        if let Some(err) = outcome.aborted {
            let message = format!("wasm execution failed with error: {err:?}");
            return Err(ViewError::Execution { message, error: convert::function_call_error(err) });
        }
        let result = match outcome.return_data {
            near_vm_runner::logic::ReturnData::Value(value) => value,
            _ => Vec::new(),
        };
        Ok(CallResult { result, logs: outcome.logs })
    }
}

impl Runtime {
    /// `EXPERIMENTAL_receipt`: a receipt the chain created, executed or not (a node stores a
    /// receipt when the block that creates it is applied, so it answers before it runs).
    pub fn receipt_view(&self, id: &CryptoHash) -> Option<ReceiptView> {
        match self.receipts.get(id) {
            Some(executed) => Some(executed.view.clone()),
            None => self.pending_receipt(id).map(|r| ReceiptView::from(r.clone())),
        }
    }

    /// The views of the receipts a transaction's outcomes name as created that have not run
    /// yet (the next block's receipts and callbacks postponed until their data arrives), in the
    /// order the outcomes name them.
    pub fn pending_receipt_views(
        &self,
        outcome: &FinalExecutionOutcomeWithReceiptView,
    ) -> Vec<ReceiptView> {
        let fo = &outcome.final_outcome;
        std::iter::once(&fo.transaction_outcome)
            .chain(&fo.receipts_outcome)
            .flat_map(|o| o.outcome.receipt_ids.iter())
            .filter(|id| !self.receipts.contains_key(id))
            .filter_map(|id| self.pending_receipt(id))
            .map(|r| ReceiptView::from(r.clone()))
            .collect()
    }

    /// The transactions included and the receipts executed at `height`.
    pub fn block_contents(&self, height: u64) -> BlockContents {
        let mut txs: Vec<_> = self
            .txs
            .values()
            .filter_map(|record| {
                let (_, at) = record.included?;
                let outcome = record.outcome.as_ref()?;
                (at == height).then_some((record, outcome))
            })
            .collect();
        txs.sort_by_key(|(record, _)| record.tx.transaction.nonce().nonce());
        let mut contents = BlockContents::default();
        for (record, outcome) in txs {
            contents.gas_used += outcome.gas_burnt.as_gas();
            contents.tokens_burnt += outcome.tokens_burnt.as_yoctonear();
            contents.transactions.push(SignedTransactionView::from(record.tx.clone()));
        }
        let mut receipts: Vec<_> = self.receipts.values().filter(|r| r.height == height).collect();
        receipts.sort_by_key(|r| r.view.receipt_id);
        for receipt in receipts {
            contents.gas_used += receipt.outcome.outcome.gas_burnt.as_gas();
            contents.tokens_burnt += receipt.outcome.outcome.tokens_burnt.as_yoctonear();
            contents.receipts.push(receipt.view.clone());
        }
        contents
    }

    /// The runtime config in force, as `EXPERIMENTAL_protocol_config` shows it.
    pub fn runtime_config_view(&self) -> Result<serde_json::Value, serde_json::Error> {
        let view = near_parameters::view::RuntimeConfigView::from((*self.config.runtime).clone());
        serde_json::to_value(view)
    }

    /// The block that included transaction `hash`, if any.
    pub fn tx_block(&self, hash: &CryptoHash) -> Option<(CryptoHash, u64)> {
        self.txs.get(hash)?.included
    }

    /// Whether transaction `hash` was submitted (in the mempool or later).
    pub fn knows_tx(&self, hash: &CryptoHash) -> bool {
        self.txs.contains_key(hash)
    }
}
