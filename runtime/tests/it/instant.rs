//! Instant receipts (issue 11): a receipt with a single `DeleteAccount` and no inputs runs in
//! the block of the receipt that created it, straight after it.

use crate::common::{function_call, run_to_final, NEAR};
use near_primitives::action::{Action, CreateAccountAction, DeployContractAction, TransferAction};
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::{ExecutionStatusView, FinalExecutionStatus};
use nearviz_runtime::{Runtime, RuntimeOptions};

/// `go` deletes its own account (beneficiary test.near) through a promise to itself.
const SELF_DESTRUCT: &str = r#"
(module
  (import "env" "promise_batch_create" (func $create (param i64 i64) (result i64)))
  (import "env" "promise_batch_action_delete_account" (func $delete (param i64 i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "doomed.test.near")
  (data (i32.const 32) "test.near")
  (func (export "go")
    (call $delete (call $create (i64.const 16) (i64.const 0)) (i64.const 9) (i64.const 32))))
"#;

fn id(name: &str) -> AccountId {
    name.parse().expect("account id")
}

#[test]
fn a_lone_delete_account_receipt_runs_in_the_same_block() {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let root = id("test.near");
    let doomed = id("doomed.test.near");
    rt.add_genesis_account(&root, 1_000 * NEAR).expect("root");
    let code = wat::parse_str(SELF_DESTRUCT).expect("wat");
    let setup = vec![
        Action::CreateAccount(CreateAccountAction {}),
        Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(5 * NEAR) }),
        Action::DeployContract(DeployContractAction { code }),
    ];
    let tx = rt.submit(&root, &doomed, setup).expect("create");
    run_to_final(&mut rt, tx);
    assert!(rt.account(&doomed).is_some());
    let tx = rt
        .submit(&root, &doomed, vec![function_call("go", b"", 50 * 10u64.pow(12), 0)])
        .expect("call");
    let out = run_to_final(&mut rt, tx);
    assert!(matches!(out.final_outcome.status, FinalExecutionStatus::SuccessValue(_)));
    let outcomes = &out.final_outcome.receipts_outcome;
    let call = &outcomes[0];
    let delete_id = call.outcome.receipt_ids[0];
    let delete = outcomes.iter().find(|o| o.id == delete_id).expect("delete receipt");
    assert!(
        matches!(delete.outcome.status, ExecutionStatusView::SuccessValue(_)),
        "{:?}",
        delete.outcome.status
    );
    assert_eq!(delete.block_hash, call.block_hash, "the DeleteAccount runs in the same block");
    assert!(rt.account(&doomed).is_none(), "deleted");
}

/// `stake` returns `validator_stake("test.near")` and `validator_total_stake()` as the sandbox
/// reports them (its one validator, 50,000,000 NEAR).
const STAKE: &str = r#"
(module
  (import "env" "validator_stake" (func $stake (param i64 i64 i64)))
  (import "env" "validator_total_stake" (func $total (param i64)))
  (import "env" "value_return" (func $ret (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "test.near")
  (func (export "stake")
    (call $stake (i64.const 9) (i64.const 0) (i64.const 32))
    (call $total (i64.const 48))
    (call $ret (i64.const 32) (i64.const 32))))
"#;

#[test]
fn the_validator_has_the_sandbox_stake() {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let root = id("test.near");
    rt.add_genesis_account(&root, 1_000 * NEAR).expect("root");
    let code = wat::parse_str(STAKE).expect("wat");
    let tx = rt
        .submit(&root, &root, vec![Action::DeployContract(DeployContractAction { code })])
        .expect("deploy");
    run_to_final(&mut rt, tx);
    let tx =
        rt.submit(&root, &root, vec![function_call("stake", b"", 10u64.pow(13), 0)]).expect("call");
    let out = run_to_final(&mut rt, tx);
    let FinalExecutionStatus::SuccessValue(bytes) = &out.final_outcome.status else {
        panic!("{:?}", out.final_outcome.status)
    };
    let stake = u128::from_le_bytes(bytes[..16].try_into().expect("16 bytes"));
    let total = u128::from_le_bytes(bytes[16..].try_into().expect("16 bytes"));
    assert_eq!(stake, 50_000_000 * NEAR);
    assert_eq!(total, 50_000_000 * NEAR);
}
