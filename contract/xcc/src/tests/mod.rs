//! Unit tests against near-sdk's mocked blockchain.
//!
//! Calls into xcc are made like the runtime makes them: `testing_env!` sets who calls, what is
//! attached and, for callbacks, the promise results the runtime would deliver. The `#[near]`
//! wrapper that decodes `#[callback_result]` arguments is only compiled for wasm, so callback
//! tests decode the mocked promise results with [`callback_result`], the same way it does.

mod batch;
mod failures;
mod ledger;
mod parallel;
mod simple;

use near_sdk::mock::MockAction;
use near_sdk::serde::de::DeserializeOwned;
use near_sdk::test_utils::{get_created_receipts, VMContextBuilder};
use near_sdk::{
    env, test_vm_config, testing_env, AccountId, Gas, NearToken, PromiseError, PromiseResult,
    RuntimeFeesConfig,
};

use crate::Xcc;

pub(crate) fn account(name: &str) -> AccountId {
    name.parse().expect("test account ids are valid")
}
pub(crate) fn hello() -> AccountId {
    account("hello.test.near")
}
pub(crate) fn counter() -> AccountId {
    account("counter.test.near")
}
pub(crate) fn guestbook() -> AccountId {
    account("guestbook.test.near")
}
pub(crate) fn xcc_account() -> AccountId {
    account("xcc.test.near")
}
pub(crate) fn alice() -> AccountId {
    account("alice.test.near")
}

/// A user (`alice`) calls xcc with `deposit` attached and 300 Tgas.
pub(crate) fn as_user(deposit: NearToken) {
    testing_env!(context(alice(), deposit));
}

/// The runtime calls an xcc callback (predecessor xcc) with these promise results.
pub(crate) fn as_callback(results: Vec<PromiseResult>) {
    testing_env!(
        context(xcc_account(), NearToken::from_yoctonear(0)),
        test_vm_config(),
        RuntimeFeesConfig::test(),
        Default::default(),
        results
    );
}

fn context(predecessor: AccountId, deposit: NearToken) -> near_sdk::VMContext {
    VMContextBuilder::new()
        .current_account_id(xcc_account())
        .signer_account_id(alice())
        .predecessor_account_id(predecessor)
        .attached_deposit(deposit)
        .prepaid_gas(Gas::from_tgas(300))
        .build()
}

/// A fresh xcc, initialised the way the scenario deploys it.
pub(crate) fn fresh() -> Xcc {
    as_user(NearToken::from_yoctonear(0));
    Xcc::new(hello(), counter(), guestbook())
}

/// A successful promise result carrying `value` as JSON (what a view method returns).
pub(crate) fn ok_json(value: impl near_sdk::serde::Serialize) -> PromiseResult {
    PromiseResult::Successful(near_sdk::serde_json::to_vec(&value).expect("test values serialise"))
}

/// A successful promise result of a method that returns nothing.
pub(crate) fn ok_empty() -> PromiseResult {
    PromiseResult::Successful(Vec::new())
}

/// Decodes promise result `index` like the `#[callback_result]` wrapper does.
pub(crate) fn callback_result<T: DeserializeOwned>(index: u64) -> Result<T, PromiseError> {
    env::promise_result_checked(index, usize::MAX).map(|data| {
        near_sdk::serde_json::from_slice(&data).expect("callback input is the callee's JSON")
    })
}

/// Same for a callee that returns nothing (`Result<(), PromiseError>`).
pub(crate) fn unit_callback_result(index: u64) -> Result<(), PromiseError> {
    env::promise_result_checked(index, usize::MAX).map(|data| assert!(data.is_empty()))
}

/// One function call action as created by xcc.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Call {
    pub method: String,
    pub args: String,
    pub deposit: NearToken,
    pub gas: Gas,
    pub weight: u64,
}

/// A receipt xcc created: receiver, the receipts it waits for, its actions.
#[derive(Debug)]
pub(crate) struct Created {
    pub receiver: AccountId,
    pub waits_for: Vec<u64>,
    pub calls: Vec<Call>,
    pub transfers: Vec<NearToken>,
}

impl Created {
    pub fn methods(&self) -> Vec<&str> {
        self.calls.iter().map(|c| c.method.as_str()).collect()
    }
}

/// Every receipt the mocked blockchain saw created so far, in creation order; `waits_for` holds
/// positions in this list.
pub(crate) fn created() -> Vec<Created> {
    let receipts = get_created_receipts();
    // The mock numbers a receipt by its position in its action log: its CreateReceipt entry
    // followed by its actions (near-sdk adds a promise's actions right after creating it).
    let mut log_positions = Vec::with_capacity(receipts.len());
    let mut position = 0u64;
    for receipt in &receipts {
        log_positions.push(position);
        position += 1 + receipt.actions.len() as u64;
    }
    let to_list_index = |log_position: u64| -> u64 {
        let index = log_positions
            .iter()
            .position(|p| *p == log_position)
            .unwrap_or_else(|| panic!("no receipt at action-log position {log_position}"));
        index as u64
    };
    receipts
        .into_iter()
        .map(|receipt| {
            let mut calls = Vec::new();
            let mut transfers = Vec::new();
            for action in receipt.actions {
                match action {
                    MockAction::FunctionCallWeight {
                        method_name,
                        args,
                        attached_deposit,
                        prepaid_gas,
                        gas_weight,
                        ..
                    } => calls.push(Call {
                        method: String::from_utf8(method_name).expect("method names are UTF-8"),
                        args: String::from_utf8(args).expect("args are JSON"),
                        deposit: attached_deposit,
                        gas: prepaid_gas,
                        weight: gas_weight.0,
                    }),
                    MockAction::Transfer { deposit, .. } => transfers.push(deposit),
                    other => panic!("xcc created an unexpected action: {other:?}"),
                }
            }
            Created {
                receiver: receipt.receiver_id,
                waits_for: receipt.receipt_indices.into_iter().map(to_list_index).collect(),
                calls,
                transfers,
            }
        })
        .collect()
}
