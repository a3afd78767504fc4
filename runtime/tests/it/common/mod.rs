//! Shared test setup: the reference accounts and contracts of `fixtures/reference`.

#![allow(dead_code)]

use near_primitives::account::{AccessKey, AccessKeyPermission};
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeployContractAction, FunctionCallAction,
    TransferAction,
};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance, Gas};
use near_primitives::views::{FinalExecutionOutcomeWithReceiptView, TxExecutionStatus};
use nearviz_runtime::{public_key_for, Runtime, RuntimeOptions, TxStatus};
use std::path::PathBuf;

pub const NEAR: u128 = 10u128.pow(24);

pub fn reference_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reference"))
}

pub fn read_json(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn wasm(name: &str) -> Vec<u8> {
    let path = reference_dir().join("wasm").join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn account(value: &serde_json::Value) -> AccountId {
    value.as_str().expect("account id string").parse().expect("valid account id")
}

pub fn function_call(method: &str, args: &[u8], gas: u64, deposit: u128) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: method.to_string(),
        args: args.to_vec(),
        gas: Gas::from_gas(gas),
        deposit: Balance::from_yoctonear(deposit),
    }))
}

/// Produces blocks until `tx` is FINAL (or panics after a while); returns the outcome.
pub fn run_to_final(rt: &mut Runtime, tx: CryptoHash) -> FinalExecutionOutcomeWithReceiptView {
    for _ in 0..64 {
        rt.produce_block();
        match rt.tx_status(&tx) {
            TxStatus::Known { status: TxExecutionStatus::Final, outcome } => return *outcome,
            TxStatus::Rejected(reason) => panic!("transaction rejected: {reason}"),
            _ => {}
        }
    }
    panic!("transaction {tx} did not become final");
}

/// Produces blocks until nothing is pending.
pub fn run_until_idle(rt: &mut Runtime) {
    rt.produce_block();
    for _ in 0..64 {
        if rt.is_idle() {
            return;
        }
        rt.produce_block();
    }
    panic!("the chain did not become idle");
}

pub fn assert_success(rt: &Runtime, tx: CryptoHash, what: &str) {
    match rt.tx_status(&tx) {
        TxStatus::Known { outcome, .. } => assert!(
            matches!(
                outcome.final_outcome.status,
                near_primitives::views::FinalExecutionStatus::SuccessValue(_)
            ),
            "{what} failed: {:?}",
            outcome.final_outcome.status
        ),
        other => panic!("{what}: {other:?}"),
    }
}

/// The reference chain: `test.near`, the accounts of `setup.json` created by it, the contracts
/// deployed and `caller` initialised, at the given protocol version.
pub struct Reference {
    pub rt: Runtime,
    pub hello: AccountId,
    pub other: AccountId,
    pub caller: AccountId,
    pub alice: AccountId,
    pub setup: serde_json::Value,
}

pub fn reference_chain(protocol_version: Option<u32>) -> Reference {
    let setup = read_json(&reference_dir().join("setup.json"));
    let options = RuntimeOptions { protocol_version, ..RuntimeOptions::default() };
    let mut rt = Runtime::new(options).expect("runtime");
    let root: AccountId = "test.near".parse().expect("root id");
    rt.add_genesis_account(&root, 1_000_000 * NEAR).expect("root account");
    let hello = account(&setup["hello"]);
    let other = account(&setup["other"]);
    let caller = account(&setup["caller"]);
    let alice = account(&setup["alice"]);
    let mut pending = Vec::new();
    for id in [&hello, &other, &caller, &alice] {
        let key = AddKeyAction {
            public_key: public_key_for(id),
            access_key: AccessKey { nonce: 0, permission: AccessKeyPermission::FullAccess },
        };
        let actions = vec![
            Action::CreateAccount(CreateAccountAction {}),
            Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(100 * NEAR) }),
            Action::AddKey(Box::new(key)),
        ];
        pending.push(rt.submit(&root, id, actions).expect("create account"));
    }
    for tx in pending.drain(..) {
        run_to_final(&mut rt, tx);
        assert_success(&rt, tx, "creating an account");
    }
    for (id, code) in [(&hello, "hello"), (&other, "hello"), (&caller, "caller")] {
        let deploy = Action::DeployContract(DeployContractAction { code: wasm(code) });
        pending.push(rt.submit(id, id, vec![deploy]).expect("deploy"));
    }
    run_until_idle(&mut rt);
    for tx in pending.drain(..) {
        assert_success(&rt, tx, "deploying");
    }
    let args = serde_json::json!({"hello": hello, "other": other}).to_string();
    let init = rt
        .submit(
            &caller,
            &caller,
            vec![function_call("new", args.as_bytes(), 30 * 10u64.pow(12), 0)],
        )
        .expect("init");
    run_to_final(&mut rt, init);
    assert_success(&rt, init, "init");
    Reference { rt, hello, other, caller, alice, setup }
}
