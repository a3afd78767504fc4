//! DeleteAccount's storage limit as a node applies it (nearcore `action_delete_account`): the
//! account's storage usage minus its contract (the local code's size, or from protocol 85 a
//! global contract's identifier) may be at most 10,000 bytes. Both sides of the limit.

use crate::common::{function_call, run_to_final, NEAR};
use near_primitives::account::Account;
use near_primitives::action::{
    Action, CreateAccountAction, DeleteAccountAction, DeployContractAction,
    DeployGlobalContractAction, GlobalContractDeployMode, GlobalContractIdentifier, TransferAction,
    UseGlobalContractAction,
};
use near_primitives::hash::hash;
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::FinalExecutionStatus;
use nearviz_runtime::{public_key_for, Runtime, RuntimeOptions};

const TGAS: u64 = 10u64.pow(12);
const LIMIT: u64 = Account::MAX_ACCOUNT_DELETION_STORAGE_USAGE;

/// `fill` stores its input under the key `k` (the same key each time, so a call sets the
/// account's data to exactly the input's size).
const FILLER: &str = r#"
(module
  (import "env" "input" (func $input (param i64)))
  (import "env" "register_len" (func $register_len (param i64) (result i64)))
  (import "env" "read_register" (func $read_register (param i64 i64)))
  (import "env" "storage_write" (func $storage_write (param i64 i64 i64 i64 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "k")
  (func (export "fill")
    (call $input (i64.const 0))
    (call $read_register (i64.const 0) (i64.const 16))
    (drop (call $storage_write
      (i64.const 1) (i64.const 0) (call $register_len (i64.const 0)) (i64.const 16)
      (i64.const 1)))))
"#;

fn id(name: &str) -> AccountId {
    name.parse().expect("account id")
}

fn chain(protocol_version: u32) -> (Runtime, AccountId) {
    let options = RuntimeOptions { protocol_version: Some(protocol_version), ..Default::default() };
    let mut rt = Runtime::new(options).expect("runtime");
    let root = id("test.near");
    rt.add_genesis_account(&root, 1_000 * NEAR).expect("root");
    (rt, root)
}

/// Creates `name` with 5 NEAR, the runtime's key and the contract `setup` gives it.
fn account_with(rt: &mut Runtime, root: &AccountId, name: &str, setup: Action) -> AccountId {
    let account = id(name);
    let actions = vec![
        Action::CreateAccount(CreateAccountAction {}),
        Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(5 * NEAR) }),
        Action::AddKey(Box::new(near_primitives::action::AddKeyAction {
            public_key: public_key_for(&account),
            access_key: near_primitives::account::AccessKey::full_access(),
        })),
        setup,
    ];
    let tx = rt.submit(root, &account, actions).expect("create");
    run_to_final(rt, tx);
    assert!(rt.account(&account).is_some(), "{name} was not created");
    account
}

/// Sets the account's data so that its storage usage is `usage` bytes (it runs `fill`).
fn fill_to(rt: &mut Runtime, account: &AccountId, usage: u64) {
    let fill = |rt: &mut Runtime, len: u64| {
        let call = function_call("fill", &vec![b'x'; len as usize], 100 * TGAS, 0);
        let tx = rt.submit(account, account, vec![call]).expect("fill");
        let out = run_to_final(rt, tx);
        assert!(
            matches!(out.final_outcome.status, FinalExecutionStatus::SuccessValue(_)),
            "fill: {:?}",
            out.final_outcome.status
        );
    };
    fill(rt, 1);
    let without_value = rt.account(account).expect("account").storage_usage() - 1;
    fill(rt, usage - without_value);
    assert_eq!(rt.account(account).expect("account").storage_usage(), usage);
}

/// Deletes the account (its balance to `test.near`); the failure's JSON if it failed.
fn delete(rt: &mut Runtime, account: &AccountId) -> Option<String> {
    let beneficiary_id = id("test.near");
    let action = Action::DeleteAccount(DeleteAccountAction { beneficiary_id });
    let tx = rt.submit(account, account, vec![action]).expect("delete");
    match run_to_final(rt, tx).final_outcome.status {
        FinalExecutionStatus::SuccessValue(_) => None,
        FinalExecutionStatus::Failure(error) => Some(serde_json::to_string(&error).expect("json")),
        other => panic!("{other:?}"),
    }
}

fn assert_deleted(rt: &mut Runtime, account: &AccountId) {
    assert_eq!(delete(rt, account), None, "{account} should be deleted");
    assert!(rt.account(account).is_none(), "{account} still exists");
}

fn assert_too_large(rt: &mut Runtime, account: &AccountId) {
    let error = delete(rt, account).unwrap_or_else(|| panic!("{account} was deleted"));
    assert!(error.contains("DeleteAccountWithLargeState"), "{error}");
    assert!(rt.account(account).is_some(), "{account} is gone");
}

/// A contract counts for nothing: an account whose code alone is 12 kB deletes itself.
#[test]
fn an_account_whose_contract_alone_is_over_10_kb_deletes_itself() {
    let (mut rt, root) = chain(86);
    let code = wat::parse_str(format!(
        "(module (memory 1) (data (i32.const 0) \"{}\"))",
        "x".repeat(12_000)
    ))
    .expect("wat");
    let deploy = Action::DeployContract(DeployContractAction { code });
    let big = account_with(&mut rt, &root, "big.test.near", deploy);
    assert!(rt.account(&big).expect("big").storage_usage() > LIMIT);
    let before = rt.account(&root).expect("root").amount().as_yoctonear();
    assert_deleted(&mut rt, &big);
    // The balance went to the beneficiary (its refund runs in a later block).
    rt.produce_block();
    rt.produce_block();
    assert!(rt.account(&root).expect("root").amount().as_yoctonear() > before + 4 * NEAR);
}

/// Data counts: usage minus the code at exactly 10,000 bytes deletes, one byte more is refused.
#[test]
fn an_account_whose_data_exceeds_10_kb_is_refused_and_one_at_the_limit_deletes() {
    let (mut rt, root) = chain(86);
    let code = wat::parse_str(FILLER).expect("wat");
    let code_len = code.len() as u64;
    let deploy = || Action::DeployContract(DeployContractAction { code: code.clone() });
    let at_limit = account_with(&mut rt, &root, "edge.test.near", deploy());
    let over = account_with(&mut rt, &root, "over.test.near", deploy());
    fill_to(&mut rt, &at_limit, LIMIT + code_len);
    fill_to(&mut rt, &over, LIMIT + code_len + 1);
    assert_too_large(&mut rt, &over);
    assert_deleted(&mut rt, &at_limit);
}

/// A global contract's identifier (32 bytes for a code hash) counts for nothing from protocol
/// 85; before, only local code was subtracted.
#[test]
fn a_global_contracts_identifier_is_not_state_from_protocol_85() {
    for (protocol, deletes) in [(86, true), (84, false)] {
        let (mut rt, root) = chain(protocol);
        let code = wat::parse_str(FILLER).expect("wat");
        let publish = Action::DeployGlobalContract(DeployGlobalContractAction {
            code: code.clone().into(),
            deploy_mode: GlobalContractDeployMode::CodeHash,
        });
        account_with(&mut rt, &root, "publisher.test.near", publish);
        let identifier = GlobalContractIdentifier::CodeHash(hash(&code));
        let use_it = Action::UseGlobalContract(Box::new(UseGlobalContractAction {
            contract_identifier: identifier,
        }));
        let user = account_with(&mut rt, &root, "user.test.near", use_it);
        fill_to(&mut rt, &user, LIMIT + 32);
        if deletes {
            assert_deleted(&mut rt, &user);
        } else {
            assert_too_large(&mut rt, &user);
        }
    }
}
