//! Receipts a contract creates are checked as the node checks them (issue 11): an invalid one
//! fails the call with `NewReceiptValidationError`, its gas burnt and logs kept.

use crate::common::{function_call, run_to_final, NEAR};
use near_primitives::action::{Action, CreateAccountAction, DeployContractAction, TransferAction};
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::ExecutionStatusView;
use nearviz_runtime::{Runtime, RuntimeOptions};

/// `zero_gas`: a call with no gas and no weight; `delete_then_transfer`: an action after
/// DeleteAccount. Both log first.
const BAD_PROMISES: &str = r#"
(module
  (import "env" "promise_batch_create" (func $create (param i64 i64) (result i64)))
  (import "env" "promise_batch_action_delete_account" (func $delete (param i64 i64 i64)))
  (import "env" "promise_batch_action_transfer" (func $transfer (param i64 i64)))
  (import "env" "promise_batch_action_function_call_weight"
    (func $call (param i64 i64 i64 i64 i64 i64 i64 i64)))
  (import "env" "log_utf8" (func $log (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "bad.test.near")
  (data (i32.const 32) "test.near")
  (data (i32.const 48) "ping")
  (data (i32.const 64) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")
  (data (i32.const 96) "started")
  (func (export "zero_gas")
    (call $log (i64.const 7) (i64.const 96))
    (call $call (call $create (i64.const 9) (i64.const 32))
      (i64.const 4) (i64.const 48) (i64.const 0) (i64.const 0) (i64.const 64)
      (i64.const 0) (i64.const 0)))
  (func (export "delete_then_transfer") (local $p i64)
    (call $log (i64.const 7) (i64.const 96))
    (local.set $p (call $create (i64.const 13) (i64.const 0)))
    (call $delete (local.get $p) (i64.const 9) (i64.const 32))
    (call $transfer (local.get $p) (i64.const 64))))
"#;

fn id(name: &str) -> AccountId {
    name.parse().expect("account id")
}

fn failure_of_call(rt: &mut Runtime, root: &AccountId, method: &str) -> (String, Vec<String>) {
    let tx = rt
        .submit(root, &id("bad.test.near"), vec![function_call(method, b"", 50 * 10u64.pow(12), 0)])
        .expect("call");
    let out = run_to_final(rt, tx);
    let first = &out.final_outcome.receipts_outcome[0].outcome;
    assert!(first.gas_burnt.as_gas() > 0);
    match &first.status {
        ExecutionStatusView::Failure(e) => {
            (serde_json::to_string(e).expect("json"), first.logs.clone())
        }
        other => panic!("{method}: expected a failure, got {other:?}"),
    }
}

#[test]
fn invalid_new_receipts_fail_the_call_with_the_nodes_error() {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let root = id("test.near");
    rt.add_genesis_account(&root, 1_000 * NEAR).expect("root");
    let code = wat::parse_str(BAD_PROMISES).expect("wat");
    let setup = vec![
        Action::CreateAccount(CreateAccountAction {}),
        Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(5 * NEAR) }),
        Action::DeployContract(DeployContractAction { code }),
    ];
    let tx = rt.submit(&root, &id("bad.test.near"), setup).expect("create");
    run_to_final(&mut rt, tx);

    let (error, logs) = failure_of_call(&mut rt, &root, "zero_gas");
    assert!(error.contains("NewReceiptValidationError"), "{error}");
    assert!(error.contains("FunctionCallZeroAttachedGas"), "{error}");
    assert!(error.contains("\"index\":0"), "{error}");
    assert_eq!(logs, vec!["started".to_string()]);

    let (error, _) = failure_of_call(&mut rt, &root, "delete_then_transfer");
    assert!(error.contains("DeleteActionMustBeFinal"), "{error}");
}
