//! Global contracts: deployed once (by code hash or under the deployer's id), used by other
//! accounts, whose calls then run the global code; the deployer's storage cost is burnt.

use crate::common::{function_call, reference_chain, run_to_final, wasm, Reference, NEAR};
use near_primitives::account::{AccessKey, AccessKeyPermission};
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeployGlobalContractAction,
    GlobalContractDeployMode, GlobalContractIdentifier, TransferAction, UseGlobalContractAction,
};
use near_primitives::hash::{hash, CryptoHash};
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::{FinalExecutionOutcomeWithReceiptView, FinalExecutionStatus};
use nearviz_runtime::public_key_for;

const TGAS: u64 = 10u64.pow(12);

fn new_account(r: &mut Reference, name: &str) -> AccountId {
    let root: AccountId = "test.near".parse().expect("root");
    let id: AccountId = format!("{name}.test.near").parse().expect("id");
    let key = AddKeyAction {
        public_key: public_key_for(&id),
        access_key: AccessKey { nonce: 0, permission: AccessKeyPermission::FullAccess },
    };
    let actions = vec![
        Action::CreateAccount(CreateAccountAction {}),
        Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(50 * NEAR) }),
        Action::AddKey(Box::new(key)),
    ];
    let tx = r.rt.submit(&root, &id, actions).expect("create");
    run_to_final(&mut r.rt, tx);
    id
}

fn succeeded(out: &FinalExecutionOutcomeWithReceiptView) {
    assert!(
        matches!(out.final_outcome.status, FinalExecutionStatus::SuccessValue(_)),
        "{:?}",
        out.final_outcome.status
    );
}

fn run(
    r: &mut Reference,
    who: &AccountId,
    actions: Vec<Action>,
) -> FinalExecutionOutcomeWithReceiptView {
    let tx = r.rt.submit(who, who, actions).expect("submit");
    run_to_final(&mut r.rt, tx)
}

fn use_global(id: GlobalContractIdentifier) -> Action {
    Action::UseGlobalContract(Box::new(UseGlobalContractAction { contract_identifier: id }))
}

fn greet_and_read(r: &mut Reference, who: &AccountId, text: &str) {
    let args = serde_json::json!({ "greeting": text }).to_string();
    let out = run(r, who, vec![function_call("set_greeting", args.as_bytes(), 30 * TGAS, 0)]);
    succeeded(&out);
    assert_eq!(
        out.final_outcome.receipts_outcome[0].outcome.logs,
        vec![format!("Saving greeting: {text}")]
    );
    let view = r.rt.call_view(who, "get_greeting", b"{}").expect("view");
    assert_eq!(view.result, format!("\"{text}\"").into_bytes());
}

#[test]
fn a_global_contract_by_hash_burns_its_storage_and_runs_for_its_users() {
    let mut r = reference_chain(Some(86));
    let deployer = new_account(&mut r, "publisher");
    let user = new_account(&mut r, "user");
    let code = wasm("hello");
    let before = r.rt.account(&deployer).expect("deployer").amount().as_yoctonear();
    let deploy = Action::DeployGlobalContract(DeployGlobalContractAction {
        code: code.clone().into(),
        deploy_mode: GlobalContractDeployMode::CodeHash,
    });
    let out = run(&mut r, &deployer, vec![deploy]);
    succeeded(&out);
    let per_byte =
        r.rt.config()
            .runtime
            .fees
            .storage_usage_config
            .global_contract_storage_amount_per_byte
            .as_yoctonear();
    let storage = per_byte * code.len() as u128;
    let receipt = &out.final_outcome.receipts_outcome[0].outcome;
    let gas_tokens = u128::from(receipt.gas_burnt.as_gas()) * r.rt.config().gas_price;
    assert_eq!(receipt.tokens_burnt.as_yoctonear(), gas_tokens + storage);
    let after = r.rt.account(&deployer).expect("deployer").amount().as_yoctonear();
    assert!(before - after >= storage, "the deployer paid {} < {storage}", before - after);
    // The user points at it and its calls run the hello code.
    let usage_before = r.rt.account(&user).expect("user").storage_usage();
    let out = run(&mut r, &user, vec![use_global(GlobalContractIdentifier::CodeHash(hash(&code)))]);
    succeeded(&out);
    assert_eq!(r.rt.account(&user).expect("user").storage_usage(), usage_before + 32);
    greet_and_read(&mut r, &user, "global");
}

#[test]
fn a_global_contract_by_account_id_runs_for_its_users() {
    let mut r = reference_chain(Some(86));
    let deployer = new_account(&mut r, "owner");
    let user = new_account(&mut r, "follower");
    let deploy = Action::DeployGlobalContract(DeployGlobalContractAction {
        code: wasm("hello").into(),
        deploy_mode: GlobalContractDeployMode::AccountId,
    });
    succeeded(&run(&mut r, &deployer, vec![deploy]));
    let out = run(&mut r, &user, vec![use_global(GlobalContractIdentifier::AccountId(deployer))]);
    succeeded(&out);
    greet_and_read(&mut r, &user, "by account");
}

#[test]
fn using_a_missing_global_contract_fails_as_on_the_node() {
    let mut r = reference_chain(Some(86));
    let user = new_account(&mut r, "hopeful");
    let missing = GlobalContractIdentifier::CodeHash(CryptoHash::hash_bytes(b"nothing"));
    let out = run(&mut r, &user, vec![use_global(missing)]);
    let FinalExecutionStatus::Failure(error) = &out.final_outcome.status else {
        panic!("expected a failure: {:?}", out.final_outcome.status)
    };
    let error = serde_json::to_string(error).expect("json");
    assert!(error.contains("GlobalContractDoesNotExist"), "{error}");
    assert!(error.contains("\"index\":0"), "{error}");
}

/// An action the embedded runtime does not run fails at its own index in the node's shape for
/// that action (no gas key ever exists here: `GasKeyDoesNotExist`), after the actions before it.
#[test]
fn an_action_not_modelled_fails_at_its_index_in_the_nodes_shape() {
    let mut r = reference_chain(Some(86));
    let user = new_account(&mut r, "gassy");
    let to_key =
        Action::TransferToGasKey(Box::new(near_primitives::action::TransferToGasKeyAction {
            public_key: public_key_for(&user),
            deposit: Balance::from_yoctonear(1),
        }));
    let args = serde_json::json!({ "greeting": "kept?" }).to_string();
    let hello = r.hello.clone();
    let tx = r
        .rt
        .submit(&user, &hello, vec![function_call("set_greeting", args.as_bytes(), 30 * TGAS, 0)])
        .expect("submit");
    run_to_final(&mut r.rt, tx);
    let out = run(
        &mut r,
        &user,
        vec![Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(1) }), to_key],
    );
    let FinalExecutionStatus::Failure(error) = &out.final_outcome.status else {
        panic!("expected a failure: {:?}", out.final_outcome.status)
    };
    let error = serde_json::to_string(error).expect("json");
    assert!(error.contains("GasKeyDoesNotExist"), "{error}");
    assert!(error.contains("\"index\":1"), "{error}");
    assert!(out.final_outcome.receipts_outcome[0].outcome.gas_burnt.as_gas() > 0);
}

/// A contract publishes a global contract through the host function: the receipt it creates
/// carries `DeployGlobalContractByAccountId`, and other accounts can then use it.
const PUBLISHER_WAT: &str = r#"
(module
  (import "env" "current_account_id" (func $current_account_id (param i64)))
  (import "env" "register_len" (func $register_len (param i64) (result i64)))
  (import "env" "read_register" (func $read_register (param i64 i64)))
  (import "env" "promise_batch_create" (func $promise_batch_create (param i64 i64) (result i64)))
  (import "env" "promise_batch_action_deploy_global_contract_by_account_id"
    (func $deploy_global (param i64 i64 i64)))
  (memory 1)
  ;; "(module)" as wasm: the global code.
  (data (i32.const 0) "\00asm\01\00\00\00")
  (func (export "publish") (local $len i64) (local $promise i64)
    (call $current_account_id (i64.const 0))
    (local.set $len (call $register_len (i64.const 0)))
    (call $read_register (i64.const 0) (i64.const 64))
    (local.set $promise (call $promise_batch_create (local.get $len) (i64.const 64)))
    (call $deploy_global (local.get $promise) (i64.const 8) (i64.const 0))))
"#;

#[test]
fn a_contract_publishes_a_global_contract_through_the_host_function() {
    let mut r = reference_chain(Some(86));
    let publisher = new_account(&mut r, "factory");
    let user = new_account(&mut r, "adopter");
    let code = wat::parse_str(PUBLISHER_WAT).expect("wat");
    let deploy = Action::DeployContract(near_primitives::action::DeployContractAction { code });
    succeeded(&run(&mut r, &publisher, vec![deploy]));
    let out = run(&mut r, &publisher, vec![function_call("publish", b"", 50 * TGAS, 0)]);
    succeeded(&out);
    let created = out
        .receipts
        .iter()
        .find(|receipt| {
            let first = out.final_outcome.transaction_outcome.outcome.receipt_ids[0];
            receipt.receipt_id != first && !receipt.predecessor_id.is_system()
        })
        .expect("the receipt the contract created");
    let near_primitives::views::ReceiptEnumView::Action { actions, .. } = &created.receipt else {
        panic!("an action receipt")
    };
    assert!(
        matches!(
            &actions[..],
            [near_primitives::views::ActionView::DeployGlobalContractByAccountId { .. }]
        ),
        "{actions:?}"
    );
    let out = run(&mut r, &user, vec![use_global(GlobalContractIdentifier::AccountId(publisher))]);
    succeeded(&out);
}
