//! Yield/resume (NEP-519) as a protocol-86 node runs it: `ask` yields a callback `answer` and
//! returns it; `respond` resumes it with a payload. The callback waits across blocks (the
//! transaction is not final), runs in the block after the resume with the payload, or after
//! the timeout (200 blocks) with a failed input.

use crate::common::{function_call, NEAR};
use near_primitives::action::{Action, CreateAccountAction, DeployContractAction, TransferAction};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance};
use near_primitives::views::{
    ExecutionOutcomeWithIdView, ExecutionStatusView, FinalExecutionOutcomeWithReceiptView,
    FinalExecutionStatus, ReceiptEnumView, TxExecutionStatus,
};
use nearviz_runtime::{Runtime, RuntimeOptions, TxStatus};

const TGAS: u64 = 10u64.pow(12);
/// `yield_timeout_length_in_blocks` of protocol 86.
const TIMEOUT: u64 = 200;

/// `ask`: yields `answer` (10 Tgas), keeps the data id under "id", returns the yield.
/// `respond`: resumes the yield under "id" with the call's input; returns "1" or "0".
/// `respond_twice`: the same, twice in one call; returns both results ("11").
/// `respond_to`: resumes the data id given as input (32 bytes) with "x"; returns "1" or "0".
/// `answer`: returns the payload it was resumed with, or "timeout" on a failed input.
const YIELDER: &str = r#"
(module
  (import "env" "promise_yield_create" (func $yield (param i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (import "env" "promise_yield_resume" (func $resume (param i64 i64 i64 i64) (result i32)))
  (import "env" "promise_return" (func $promise_return (param i64)))
  (import "env" "promise_result" (func $promise_result (param i64 i64) (result i64)))
  (import "env" "storage_write" (func $storage_write (param i64 i64 i64 i64 i64) (result i64)))
  (import "env" "storage_read" (func $storage_read (param i64 i64 i64) (result i64)))
  (import "env" "input" (func $input (param i64)))
  (import "env" "register_len" (func $register_len (param i64) (result i64)))
  (import "env" "read_register" (func $read_register (param i64 i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "answer")
  (data (i32.const 16) "id")
  (data (i32.const 32) "timeout")
  (data (i32.const 48) "x")
  (func (export "ask")
    (local $p i64)
    (local.set $p (call $yield (i64.const 6) (i64.const 0) (i64.const 0) (i64.const 0)
      (i64.const 10000000000000) (i64.const 0) (i64.const 0)))
    (drop (call $storage_write (i64.const 2) (i64.const 16) (i64.const -1) (i64.const 0) (i64.const 1)))
    (call $promise_return (local.get $p)))
  ;; resumes the yield under "id" with the input (the payload must be in memory: the VM
  ;; charges its length before reading it); writes '0'/'1' at $at
  (func $resume_stored (param $at i32)
    (call $input (i64.const 0))
    (call $read_register (i64.const 0) (i64.const 200))
    (drop (call $storage_read (i64.const 2) (i64.const 16) (i64.const 1)))
    (i32.store8 (local.get $at)
      (i32.add (i32.const 48)
        (call $resume (i64.const -1) (i64.const 1) (call $register_len (i64.const 0)) (i64.const 200)))))
  (func (export "respond")
    (call $resume_stored (i32.const 100))
    (call $value_return (i64.const 1) (i64.const 100)))
  (func (export "respond_twice")
    (call $resume_stored (i32.const 100))
    (call $resume_stored (i32.const 101))
    (call $value_return (i64.const 2) (i64.const 100)))
  (func (export "respond_to")
    (call $input (i64.const 0))
    (i32.store8 (i32.const 100)
      (i32.add (i32.const 48)
        (call $resume (i64.const -1) (i64.const 0) (i64.const 1) (i64.const 48))))
    (call $value_return (i64.const 1) (i64.const 100)))
  (func (export "answer")
    (if (i64.eq (call $promise_result (i64.const 0) (i64.const 0)) (i64.const 1))
      (then (call $value_return (i64.const -1) (i64.const 0)))
      (else (call $value_return (i64.const 7) (i64.const 32))))))
"#;

fn id(name: &str) -> AccountId {
    name.parse().expect("account id")
}

struct Chain {
    rt: Runtime,
    root: AccountId,
    yielder: AccountId,
}

/// test.near, and yielder.test.near (and other.test.near) with the contract above.
fn chain() -> Chain {
    chain_with(YIELDER)
}

fn chain_with(wat: &str) -> Chain {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let root = id("test.near");
    rt.add_genesis_account(&root, 1_000 * NEAR).expect("root");
    let code = wat::parse_str(wat).expect("wat");
    for name in ["yielder.test.near", "other.test.near"] {
        let setup = vec![
            Action::CreateAccount(CreateAccountAction {}),
            Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(10 * NEAR) }),
            Action::DeployContract(DeployContractAction { code: code.clone() }),
        ];
        let tx = rt.submit(&root, &id(name), setup).expect("create");
        for _ in 0..4 {
            rt.produce_block();
        }
        assert!(matches!(status(&rt, &tx).1, FinalExecutionStatus::SuccessValue(_)));
    }
    Chain { rt, root, yielder: id("yielder.test.near") }
}

fn status(rt: &Runtime, tx: &CryptoHash) -> (TxExecutionStatus, FinalExecutionStatus) {
    match rt.tx_status(tx) {
        TxStatus::Known { status, outcome } => (status, outcome.final_outcome.status.clone()),
        other => panic!("{tx}: {other:?}"),
    }
}

fn outcome(rt: &Runtime, tx: &CryptoHash) -> FinalExecutionOutcomeWithReceiptView {
    match rt.tx_status(tx) {
        TxStatus::Known { outcome, .. } => *outcome,
        other => panic!("{tx}: {other:?}"),
    }
}

fn call(c: &mut Chain, method: &str, args: &[u8]) -> CryptoHash {
    let (root, yielder) = (c.root.clone(), c.yielder.clone());
    c.rt.submit(&root, &yielder, vec![function_call(method, args, 100 * TGAS, 0)]).expect("submit")
}

/// Submits `ask`, runs it (2 blocks) and returns (tx, the yielded receipt id, its data id).
fn ask(c: &mut Chain) -> (CryptoHash, CryptoHash, CryptoHash) {
    let tx = call(c, "ask", b"");
    c.rt.produce_block();
    c.rt.produce_block();
    let out = outcome(&c.rt, &tx);
    let asked = &out.final_outcome.receipts_outcome[0];
    let ExecutionStatusView::SuccessReceiptId(yielded) = asked.outcome.status else {
        panic!("ask returns the yield: {:?}", asked.outcome.status)
    };
    assert_eq!(asked.outcome.receipt_ids[0], yielded, "the yield is a created receipt");
    let view = c.rt.receipt_view(&yielded).expect("the yielded receipt is described");
    let ReceiptEnumView::Action { is_promise_yield, input_data_ids, .. } = &view.receipt else {
        panic!("{view:?}")
    };
    assert!(*is_promise_yield, "an Action view with is_promise_yield");
    assert_eq!(input_data_ids.len(), 1);
    let data_id = input_data_ids[0];
    assert_eq!(c.rt.contract_storage(&c.yielder, b"id"), Some(data_id.as_ref()));
    (tx, yielded, data_id)
}

fn ran<'a>(
    out: &'a FinalExecutionOutcomeWithReceiptView,
    id: &CryptoHash,
) -> Option<&'a ExecutionOutcomeWithIdView> {
    out.final_outcome.receipts_outcome.iter().find(|o| o.id == *id)
}

fn height_of(rt: &Runtime, o: &ExecutionOutcomeWithIdView) -> u64 {
    rt.block(&o.block_hash).expect("block").height
}

#[test]
fn the_callback_waits_then_runs_with_the_payload_in_the_block_after_the_resume() {
    let mut c = chain();
    let (ask_tx, yielded, _) = ask(&mut c);
    for _ in 0..10 {
        c.rt.produce_block();
        let (st, final_status) = status(&c.rt, &ask_tx);
        assert!(matches!(st, TxExecutionStatus::Included | TxExecutionStatus::IncludedFinal));
        assert_eq!(final_status, FinalExecutionStatus::Started, "follows the waiting yield");
        let out = outcome(&c.rt, &ask_tx);
        assert!(ran(&out, &yielded).is_none(), "the yield has not run");
        let pending = c.rt.pending_receipt_views(&out);
        assert!(pending.iter().any(|v| v.receipt_id == yielded), "listed as pending");
    }
    assert_eq!(c.rt.yields_waiting(), 1);
    assert!(c.rt.is_idle(), "a yield waits for the outside: the chain is idle");

    let respond = call(&mut c, "respond", b"forty-two");
    c.rt.produce_block(); // included
    c.rt.produce_block(); // respond runs: resume true, PromiseResume sent
    let resp = outcome(&c.rt, &respond);
    let run = &resp.final_outcome.receipts_outcome[0];
    assert_eq!(run.outcome.status, ExecutionStatusView::SuccessValue(b"1".to_vec()));
    let resumed_at = height_of(&c.rt, run);
    assert!(ran(&outcome(&c.rt, &ask_tx), &yielded).is_none(), "not before the next block");
    c.rt.produce_block();
    let out = outcome(&c.rt, &ask_tx);
    let answer = ran(&out, &yielded).expect("the callback ran");
    assert_eq!(height_of(&c.rt, answer), resumed_at + 1, "in the block after the resume");
    assert_eq!(answer.outcome.status, ExecutionStatusView::SuccessValue(b"forty-two".to_vec()));
    assert_eq!(out.final_outcome.status, FinalExecutionStatus::SuccessValue(b"forty-two".to_vec()));
    let view = out.receipts.iter().find(|r| r.receipt_id == yielded).expect("listed");
    assert!(matches!(view.receipt, ReceiptEnumView::Action { is_promise_yield: true, .. }));
    assert_eq!(c.rt.yields_waiting(), 0);
    // The resume's PromiseResume receipt is no created edge of `respond`: only its refund is.
    for created in &run.outcome.receipt_ids {
        let view = c.rt.receipt_view(created).expect("described");
        assert_eq!(view.predecessor_id.as_str(), "system", "{view:?}");
    }

    // A second resume, after the callback ran, finds nothing.
    let again = call(&mut c, "respond", b"late");
    c.rt.produce_block();
    c.rt.produce_block();
    c.rt.produce_block();
    assert_eq!(status(&c.rt, &again).1, FinalExecutionStatus::SuccessValue(b"0".to_vec()));
    for _ in 0..3 {
        c.rt.produce_block();
    }
    assert_eq!(status(&c.rt, &ask_tx).0, TxExecutionStatus::Final);
}

#[test]
fn without_a_resume_the_callback_runs_with_a_failed_input_after_the_timeout() {
    let mut c = chain();
    let (ask_tx, yielded, data_id) = ask(&mut c);
    let out = outcome(&c.rt, &ask_tx);
    let created_at = height_of(&c.rt, &out.final_outcome.receipts_outcome[0]);
    while c.rt.head().height < created_at + TIMEOUT {
        assert!(ran(&outcome(&c.rt, &ask_tx), &yielded).is_none(), "waits until the timeout");
        c.rt.produce_block();
    }
    // The expiry block creates the PromiseResume (no data); the callback runs one block later.
    assert!(ran(&outcome(&c.rt, &ask_tx), &yielded).is_none());
    c.rt.produce_block();
    let out = outcome(&c.rt, &ask_tx);
    let answer = ran(&out, &yielded).expect("the callback ran");
    assert_eq!(height_of(&c.rt, answer), created_at + TIMEOUT + 1);
    assert_eq!(answer.outcome.status, ExecutionStatusView::SuccessValue(b"timeout".to_vec()));
    assert_eq!(out.final_outcome.status, FinalExecutionStatus::SuccessValue(b"timeout".to_vec()));
    // Too late: the yield ran, a resume now is refused.
    let late = call(&mut c, "respond_to", data_id.as_ref());
    for _ in 0..3 {
        c.rt.produce_block();
    }
    assert_eq!(status(&c.rt, &late).1, FinalExecutionStatus::SuccessValue(b"0".to_vec()));
}

#[test]
fn a_resume_from_another_account_is_refused_and_a_double_resume_runs_the_callback_once() {
    let mut c = chain();
    let (ask_tx, yielded, data_id) = ask(&mut c);
    // other.test.near runs the same code and passes the yielder's data id: not its yield.
    let root = c.root.clone();
    let other =
        c.rt.submit(
            &root,
            &id("other.test.near"),
            vec![function_call("respond_to", data_id.as_ref(), 100 * TGAS, 0)],
        )
        .expect("submit");
    for _ in 0..3 {
        c.rt.produce_block();
    }
    assert_eq!(status(&c.rt, &other).1, FinalExecutionStatus::SuccessValue(b"0".to_vec()));
    assert!(ran(&outcome(&c.rt, &ask_tx), &yielded).is_none(), "still waiting");

    // Both resumes of one call succeed (the status is still there); the callback runs once,
    // with the first payload, and the second PromiseResume is dropped.
    let twice = call(&mut c, "respond_twice", b"first");
    c.rt.produce_block();
    c.rt.produce_block();
    assert_eq!(status(&c.rt, &twice).1, FinalExecutionStatus::SuccessValue(b"11".to_vec()));
    c.rt.produce_block();
    let out = outcome(&c.rt, &ask_tx);
    let answers: Vec<_> =
        out.final_outcome.receipts_outcome.iter().filter(|o| o.id == yielded).collect();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].outcome.status, ExecutionStatusView::SuccessValue(b"first".to_vec()));
    c.rt.produce_block();
    assert!(c.rt.is_idle());
}

#[test]
fn yield_and_resume_cost_what_the_node_charges() {
    let mut c = chain();
    let (ask_tx, yielded, _) = ask(&mut c);
    let respond = call(&mut c, "respond", b"ok");
    for _ in 0..5 {
        c.rt.produce_block();
    }
    let fees = &c.rt.config().runtime.wasm_config.ext_costs;
    let cost = |name: near_parameters::ExtCosts| fees.gas_cost(name).as_gas();
    let profile_has =
        |out: &FinalExecutionOutcomeWithReceiptView, at: usize, what: &str, gas: u64| {
            let meta =
                serde_json::to_value(&out.final_outcome.receipts_outcome[at].outcome.metadata)
                    .expect("json");
            let profile = meta["gas_profile"].as_array().expect("profile");
            let entry = profile
                .iter()
                .find(|e| e["cost"] == what)
                .unwrap_or_else(|| panic!("{what} in {meta}"));
            assert_eq!(
                entry["gas_used"].as_str().and_then(|g| g.parse::<u64>().ok()),
                Some(gas),
                "{what}"
            );
        };
    use near_parameters::ExtCosts;
    let asked = outcome(&c.rt, &ask_tx);
    // yield_create_byte counts the method name and arguments ("answer", no args).
    profile_has(&asked, 0, "YIELD_CREATE_BASE", cost(ExtCosts::yield_create_base));
    profile_has(&asked, 0, "YIELD_CREATE_BYTE", 6 * cost(ExtCosts::yield_create_byte));
    let resp = outcome(&c.rt, &respond);
    profile_has(&resp, 0, "YIELD_RESUME_BASE", cost(ExtCosts::yield_resume_base));
    profile_has(&resp, 0, "YIELD_RESUME_BYTE", 2 * cost(ExtCosts::yield_resume_byte));
    // The yield's prepaid 10 Tgas is used by `ask`; the callback burns less and is refunded.
    let answer = ran(&asked, &yielded).expect("ran");
    assert!(answer.outcome.gas_burnt.as_gas() < 10 * TGAS);
    assert_eq!(answer.outcome.status, ExecutionStatusView::SuccessValue(b"ok".to_vec()));
    let refund = answer.outcome.receipt_ids.first().expect("a gas refund to the signer");
    let view = asked.receipts.iter().find(|r| r.receipt_id == *refund).expect("refund listed");
    assert_eq!(view.predecessor_id.as_str(), "system");
    // The tokens burnt follow the gas burnt at the block price.
    let price = c.rt.head().gas_price.as_yoctonear();
    assert_eq!(
        answer.outcome.tokens_burnt.as_yoctonear(),
        u128::from(answer.outcome.gas_burnt.as_gas()) * price
    );
}

/// Yield ids (protocol 85+): `ask_id` yields `answer` under a fixed 32-byte id (or returns
/// "dup" when that id is in use); `respond_id` resumes it by id with "by-id".
const YIELDER_WITH_ID: &str = r#"
(module
  (import "env" "promise_yield_create_with_id" (func $yield (param i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (import "env" "promise_yield_resume_with_yield_id" (func $resume (param i64 i64 i64 i64) (result i32)))
  (import "env" "promise_return" (func $promise_return (param i64)))
  (import "env" "promise_result" (func $promise_result (param i64 i64) (result i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "answer")
  (data (i32.const 16) "dup")
  (data (i32.const 32) "by-id")
  (data (i32.const 128) "a-yield-id-of-exactly-32-bytes!!")
  (func (export "ask_id")
    (local $p i64)
    (local.set $p (call $yield (i64.const 6) (i64.const 0) (i64.const 0) (i64.const 0)
      (i64.const 64) (i64.const 10000000000000) (i64.const 0) (i64.const 32) (i64.const 128)))
    (if (i64.eq (local.get $p) (i64.const -1))
      (then (call $value_return (i64.const 3) (i64.const 16)))
      (else (call $promise_return (local.get $p)))))
  (func (export "respond_id")
    (i32.store8 (i32.const 100)
      (i32.add (i32.const 48)
        (call $resume (i64.const 32) (i64.const 128) (i64.const 5) (i64.const 32))))
    (call $value_return (i64.const 1) (i64.const 100)))
  (func (export "answer")
    (drop (call $promise_result (i64.const 0) (i64.const 0)))
    (call $value_return (i64.const -1) (i64.const 0))))
"#;

#[test]
fn a_yield_id_names_one_waiting_yield_and_resumes_it() {
    let mut c = chain_with(YIELDER_WITH_ID);
    let (root, yielder) = (c.root.clone(), c.yielder.clone());
    let first = call(&mut c, "ask_id", b"");
    let dup = call(&mut c, "ask_id", b"");
    for _ in 0..3 {
        c.rt.produce_block();
    }
    assert_eq!(status(&c.rt, &first).1, FinalExecutionStatus::Started, "the first yield waits");
    assert_eq!(status(&c.rt, &dup).1, FinalExecutionStatus::SuccessValue(b"dup".to_vec()));
    assert_eq!(c.rt.yields_waiting(), 1);
    let respond =
        c.rt.submit(&root, &yielder, vec![function_call("respond_id", b"", 100 * TGAS, 0)])
            .expect("submit");
    for _ in 0..4 {
        c.rt.produce_block();
    }
    assert_eq!(status(&c.rt, &respond).1, FinalExecutionStatus::SuccessValue(b"1".to_vec()));
    assert_eq!(status(&c.rt, &first).1, FinalExecutionStatus::SuccessValue(b"by-id".to_vec()));
    // The id is free again once its yield ran.
    let again = call(&mut c, "ask_id", b"");
    for _ in 0..3 {
        c.rt.produce_block();
    }
    assert_eq!(status(&c.rt, &again).1, FinalExecutionStatus::Started);
}

#[test]
fn a_resume_in_the_expiry_block_wins_over_the_timeout() {
    let mut c = chain();
    let (ask_tx, yielded, _) = ask(&mut c);
    let out = outcome(&c.rt, &ask_tx);
    let created_at = height_of(&c.rt, &out.final_outcome.receipts_outcome[0]);
    while c.rt.head().height < created_at + TIMEOUT - 2 {
        c.rt.produce_block();
    }
    // Included at expiry - 1, runs at the expiry height, before the timeouts of that block.
    let respond = call(&mut c, "respond", b"just in time");
    c.rt.produce_block();
    c.rt.produce_block();
    let resp = outcome(&c.rt, &respond);
    assert_eq!(height_of(&c.rt, &resp.final_outcome.receipts_outcome[0]), created_at + TIMEOUT);
    assert_eq!(resp.final_outcome.status, FinalExecutionStatus::SuccessValue(b"1".to_vec()));
    c.rt.produce_block();
    c.rt.produce_block();
    let out = outcome(&c.rt, &ask_tx);
    let answers: Vec<_> =
        out.final_outcome.receipts_outcome.iter().filter(|o| o.id == yielded).collect();
    assert_eq!(answers.len(), 1, "runs once: the timeout's PromiseResume is dropped");
    assert_eq!(
        answers[0].outcome.status,
        ExecutionStatusView::SuccessValue(b"just in time".to_vec())
    );
    assert!(c.rt.is_idle());
}
