//! nearcore state records applied to the embedded chain (`Runtime::apply_state_records`): the
//! records of a genesis (storage usage recomputed, no state changes) and the patches of
//! `sandbox_patch_state` (written as given, shown as `migration` changes in the next block).

use crate::common::{assert_success, function_call, run_to_final, NEAR};
use near_crypto::{InMemorySigner, KeyType, PublicKey, SecretKey};
use near_primitives::account::{AccessKey, Account, AccountContract};
use near_primitives::action::{Action, TransferAction};
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::{ActionReceipt, Receipt, ReceiptEnum, ReceiptV0};
use near_primitives::state_record::StateRecord;
use near_primitives::transaction::{SignedTransaction, Transaction, TransactionV0};
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::{StateChangeCauseView, StateChangeValueView};
use nearviz_runtime::{public_key_for, RecordOrigin, Runtime, RuntimeError, RuntimeOptions};

fn id(name: &str) -> AccountId {
    name.parse().expect("account id")
}

fn chain() -> Runtime {
    let options = RuntimeOptions { protocol_version: Some(86), ..RuntimeOptions::default() };
    let mut rt = Runtime::new(options).expect("runtime");
    rt.add_genesis_account(&id("test.near"), 1_000_000 * NEAR).expect("root");
    rt
}

fn hello_wasm() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../contract/res/hello.wasm");
    std::fs::read(path).expect("contract/res/hello.wasm")
}

fn account(balance: u128, contract: AccountContract, storage_usage: u64) -> Account {
    Account::new(Balance::from_yoctonear(balance), Balance::ZERO, contract, storage_usage)
}

/// The hello contract's borsh state holding `greeting` under `STATE`.
fn hello_state(greeting: &str) -> StateRecord {
    let value = borsh::to_vec(&greeting.to_string()).expect("borsh");
    StateRecord::Data {
        account_id: id("hello.test.near"),
        data_key: b"STATE".to_vec().into(),
        value: value.into(),
    }
}

/// Account, full-access key, code and state of `hello.test.near`, as a genesis or patch holds.
fn hello_records(storage_usage: u64) -> Vec<StateRecord> {
    let hello = id("hello.test.near");
    let code = hello_wasm();
    let contract = AccountContract::Local(CryptoHash::hash_bytes(&code));
    vec![
        StateRecord::Account {
            account_id: hello.clone(),
            account: account(50 * NEAR, contract, storage_usage),
        },
        StateRecord::access_key(hello.clone(), public_key_for(&hello), AccessKey::full_access()),
        StateRecord::Contract { account_id: hello, code },
        hello_state("patched hello"),
    ]
}

fn greeting(rt: &Runtime) -> String {
    let result = rt.call_view(&id("hello.test.near"), "get_greeting", b"{}").expect("view");
    serde_json::from_slice(&result.result).expect("a JSON string")
}

/// Signs `actions` from `signer` with `key` at the chain's head.
fn signed(
    rt: &Runtime,
    signer: &AccountId,
    key: &SecretKey,
    nonce: u64,
    actions: Vec<Action>,
) -> SignedTransaction {
    let tx = Transaction::V0(TransactionV0 {
        signer_id: signer.clone(),
        public_key: key.public_key(),
        nonce,
        receiver_id: signer.clone(),
        block_hash: rt.head().hash,
        actions,
    });
    let signer = InMemorySigner::from_secret_key(signer.clone(), key.clone());
    let signature = signer.sign(tx.get_hash_and_size().0.as_ref());
    SignedTransaction::new(signature, tx)
}

#[test]
fn genesis_records_recompute_storage_usage_and_run() {
    let mut rt = chain();
    let hello = id("hello.test.near");
    rt.apply_state_records(hello_records(1), RecordOrigin::Genesis).expect("genesis records");
    let fees = &rt.config().runtime.fees.storage_usage_config;
    let key_bytes = borsh::object_length(&public_key_for(&hello)).expect("key")
        + borsh::object_length(&AccessKey::full_access()).expect("access key");
    let state_bytes = "STATE".len() + 4 + "patched hello".len();
    let expected = fees.num_bytes_account
        + (key_bytes as u64 + fees.num_extra_bytes_record)
        + (state_bytes as u64 + fees.num_extra_bytes_record)
        + hello_wasm().len() as u64;
    assert_eq!(rt.account(&hello).expect("hello").storage_usage(), expected);
    assert_eq!(greeting(&rt), "patched hello");
    // The contract runs, signed with the key the records gave.
    let call = function_call("set_greeting", br#"{"greeting":"hi"}"#, 30 * 10u64.pow(12), 0);
    let tx = rt.submit(&hello, &hello, vec![call]).expect("submit");
    run_to_final(&mut rt, tx);
    assert_success(&rt, tx, "set_greeting");
    assert_eq!(greeting(&rt), "hi");
    // Genesis records are no state change of any block.
    let first = rt.block_at(1).expect("block 1").hash;
    let changes = rt.state_changes(&first).expect("changes of block 1");
    assert!(
        changes.changes.iter().all(|c| !matches!(c.cause, StateChangeCauseView::Migration)),
        "{:?}",
        changes.changes
    );
}

#[test]
fn a_patch_is_written_as_given_and_shows_as_migration_in_the_next_block() {
    let mut rt = chain();
    let hello = id("hello.test.near");
    rt.apply_state_records(hello_records(1234), RecordOrigin::Patch).expect("patch");
    // Written as given: a node never recomputes a patched account's storage usage.
    let patched = rt.account(&hello).expect("hello").clone();
    assert_eq!(patched.storage_usage(), 1234);
    assert_eq!(patched.amount(), Balance::from_yoctonear(50 * NEAR));
    assert_eq!(greeting(&rt), "patched hello");
    // Patched again (near-workspaces sends each patch twice): the same state.
    rt.apply_state_records(hello_records(1234), RecordOrigin::Patch).expect("patch again");
    assert_eq!(rt.account(&hello), Some(&patched));
    let block = rt.produce_block().hash;
    let changes = &rt.state_changes(&block).expect("changes").changes;
    let migrations: Vec<_> = changes
        .iter()
        .filter(|c| matches!(c.cause, StateChangeCauseView::Migration))
        .map(|c| match &c.value {
            StateChangeValueView::AccountUpdate { .. } => "account",
            StateChangeValueView::DataUpdate { .. } => "data",
            StateChangeValueView::AccessKeyUpdate { .. } => "access_key",
            StateChangeValueView::ContractCodeUpdate { .. } => "code",
            _ => "other",
        })
        .collect();
    // Both patches, in the node's order: accounts, data, access keys, code.
    let expected =
        ["account", "account", "data", "data", "access_key", "code", "code"].map(String::from);
    assert_eq!(migrations, expected);
    // The next block shows nothing more.
    let next = rt.produce_block().hash;
    assert!(rt.state_changes(&next).expect("changes").changes.is_empty());
}

#[test]
fn patching_an_account_balance_keeps_its_keys_code_and_data() {
    let mut rt = chain();
    let hello = id("hello.test.near");
    rt.apply_state_records(hello_records(0), RecordOrigin::Genesis).expect("genesis");
    let mut account = rt.account(&hello).expect("hello").clone();
    account.set_amount(Balance::from_yoctonear(7 * NEAR));
    let patch = vec![StateRecord::Account { account_id: hello.clone(), account }];
    rt.apply_state_records(patch, RecordOrigin::Patch).expect("patch");
    assert_eq!(rt.account(&hello).expect("hello").amount(), Balance::from_yoctonear(7 * NEAR));
    assert_eq!(greeting(&rt), "patched hello");
    assert!(rt.access_key(&hello, &public_key_for(&hello)).is_some());
}

#[test]
fn a_patched_secp256k1_key_signs_transactions() {
    let mut rt = chain();
    let root = id("test.near");
    let secret = SecretKey::from_seed(KeyType::SECP256K1, "records secp256k1");
    let public: PublicKey = secret.public_key();
    let patch =
        vec![StateRecord::access_key(root.clone(), public.clone(), AccessKey::full_access())];
    rt.apply_state_records(patch, RecordOrigin::Patch).expect("patch a secp256k1 key");
    let transfer = Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(NEAR) });
    let tx = rt.submit_signed(signed(&rt, &root, &secret, 1, vec![transfer])).expect("submit");
    run_to_final(&mut rt, tx);
    assert_success(&rt, tx, "transfer signed with a secp256k1 key");
    assert_eq!(rt.access_key(&root, &public).expect("the key").nonce, 1);
}

#[test]
fn records_of_an_unknown_account_or_an_unmodelled_kind_apply_nothing() {
    let mut rt = chain();
    let hello = id("hello.test.near");
    let mut records = hello_records(0);
    records.push(StateRecord::Data {
        account_id: id("nobody.test.near"),
        data_key: b"k".to_vec().into(),
        value: b"v".to_vec().into(),
    });
    let error = rt.apply_state_records(records, RecordOrigin::Patch).expect_err("no account");
    assert!(matches!(&error, RuntimeError::StateRecord { kind, .. } if kind == "Data"), "{error}");
    assert!(error.to_string().contains("nobody.test.near"), "{error}");
    assert!(rt.account(&hello).is_none(), "a failed batch applies nothing");
    let gas_key = StateRecord::gas_key_nonce(id("test.near"), public_key_for(&hello), 0, 1);
    let error = rt.apply_state_records(vec![gas_key], RecordOrigin::Genesis).expect_err("gas key");
    assert!(error.to_string().starts_with("GasKeyNonce record of test.near"), "{error}");
}

/// A receipt from `hello` to itself setting the greeting once the data `data_id` is there.
fn waiting_receipt(name: &str, data_id: CryptoHash, greeting: &str) -> Receipt {
    let hello = id("hello.test.near");
    let args = serde_json::json!({ "greeting": greeting }).to_string();
    Receipt::V0(ReceiptV0 {
        predecessor_id: hello.clone(),
        receiver_id: hello.clone(),
        receipt_id: CryptoHash::hash_bytes(name.as_bytes()),
        receipt: ReceiptEnum::Action(ActionReceipt {
            signer_id: hello.clone(),
            signer_public_key: public_key_for(&hello),
            gas_price: Balance::from_yoctonear(100_000_000),
            output_data_receivers: vec![],
            input_data_ids: vec![data_id],
            actions: vec![function_call("set_greeting", args.as_bytes(), 30 * 10u64.pow(12), 0)],
        }),
    })
}

#[test]
fn postponed_receipts_wait_for_their_received_data() {
    let mut rt = chain();
    rt.apply_state_records(hello_records(0), RecordOrigin::Genesis).expect("genesis");
    // Its data is missing: it waits in state.
    let missing = waiting_receipt("waits", CryptoHash::hash_bytes(b"missing"), "never");
    let records = vec![StateRecord::PostponedReceipt(Box::new(missing))];
    rt.apply_state_records(records, RecordOrigin::Genesis).expect("postponed receipt");
    rt.produce_block();
    rt.produce_block();
    assert!(!rt.is_idle(), "the receipt waits for its data");
    assert_eq!(greeting(&rt), "patched hello", "it does not run without its data");
    // Its data is in the records too: it runs with the delayed receipts.
    let data_id = CryptoHash::hash_bytes(b"there");
    let hello = id("hello.test.near");
    let records = vec![
        StateRecord::ReceivedData { account_id: hello, data_id, data: Some(b"1".to_vec()) },
        StateRecord::PostponedReceipt(Box::new(waiting_receipt("runs", data_id, "from state"))),
    ];
    rt.apply_state_records(records, RecordOrigin::Genesis).expect("postponed with its data");
    assert_eq!(rt.delayed_receipts(), 1);
    rt.produce_block();
    assert_eq!(greeting(&rt), "from state");
}
