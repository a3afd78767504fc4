//! Hostile contracts on the embedded runtime: each ends as a failed receipt (or, for a contract
//! over the size limit, a rejected transaction) with the error a node gives, in bounded time,
//! and the chain goes on producing blocks afterwards.
//!
//! Limits (nearcore `core/parameters/res/runtime_configs/parameters.yaml`, protocol 86):
//! `max_contract_size` 4 MiB, `max_total_log_length` 16384 bytes, `max_number_logs` 100,
//! `max_length_returned_data` 4 MiB, `max_memory_pages` 2048 (128 MiB), `max_total_prepaid_gas`
//! 300 Tgas.

use crate::common::*;
use near_primitives::action::{Action, DeployContractAction};
use near_primitives::types::AccountId;
use near_primitives::views::{
    ExecutionStatusView, FinalExecutionOutcomeWithReceiptView, FinalExecutionStatus,
};
use std::time::{Duration, Instant};

const TGAS: u64 = 10u64.pow(12);
const MIB: usize = 1024 * 1024;

/// One module, one exported method per kind of hostility.
const HOSTILE_WAT: &str = r#"
(module
  (import "env" "log_utf8" (func $log_utf8 (param i64 i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (memory 1)
  (func $recurse (export "recurse") (call $recurse))
  ;; 65536 pages of 64 KiB: 4 GiB. NEAR allows 2048 pages, so memory.grow gives -1.
  (func (export "grow_4gib")
    (if (i32.eq (memory.grow (i32.const 65536)) (i32.const -1)) (then unreachable)))
  (func (export "spin") (loop $forever (br $forever)))
  ;; 100 logs of 16 KiB (zero bytes are valid UTF-8).
  (func (export "log_flood") (local $i i32)
    (loop $again
      (call $log_utf8 (i64.const 16384) (i64.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 100)))))
  ;; Returns 4 MiB + 1 byte (memory grown to 65 pages first).
  (func (export "return_4mib")
    (drop (memory.grow (i32.const 64)))
    (call $value_return (i64.const 4194305) (i64.const 0)))
)
"#;

fn hostile_wasm() -> Vec<u8> {
    wat::parse_str(HOSTILE_WAT).expect("the hostile contract assembles")
}

fn deploy(
    r: &mut Reference,
    account: &AccountId,
    code: Vec<u8>,
) -> FinalExecutionOutcomeWithReceiptView {
    let action = Action::DeployContract(DeployContractAction { code });
    let tx = r.rt.submit(account, account, vec![action]).expect("deploy");
    run_to_final(&mut r.rt, tx)
}

/// Calls `method` with 300 Tgas; returns the failed receipt's error (JSON) and how long it took.
fn failing_call(r: &mut Reference, receiver: &AccountId, method: &str) -> (String, Duration) {
    let alice = r.alice.clone();
    let started = Instant::now();
    let tx =
        r.rt.submit(&alice, receiver, vec![function_call(method, b"", 300 * TGAS, 0)])
            .expect("submit");
    let outcome = run_to_final(&mut r.rt, tx);
    let took = started.elapsed();
    assert!(
        matches!(outcome.final_outcome.status, FinalExecutionStatus::Failure(_)),
        "{method}: {:?}",
        outcome.final_outcome.status
    );
    let error = outcome
        .final_outcome
        .receipts_outcome
        .iter()
        .find_map(|o| match &o.outcome.status {
            ExecutionStatusView::Failure(e) => serde_json::to_string(e).ok(),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{method}: no failed receipt"));
    (error, took)
}

/// The chain still works after a hostile call: a fresh block, and a plain call succeeds.
fn assert_still_responsive(r: &mut Reference) {
    let before = r.rt.head().height;
    run_until_idle(&mut r.rt);
    r.rt.produce_block();
    assert!(r.rt.head().height > before);
    let (alice, hello) = (r.alice.clone(), r.hello.clone());
    let tx =
        r.rt.submit(&alice, &hello, vec![function_call("get_greeting", b"{}", 30 * TGAS, 0)])
            .expect("submit");
    run_to_final(&mut r.rt, tx);
    assert_success(&r.rt, tx, "a plain call after the hostile one");
}

/// Generous bound for a debug build on a loaded 2-core machine; the point is "ends", not speed.
const BOUND: Duration = Duration::from_secs(60);

#[test]
fn hostile_contracts_fail_their_receipt_with_the_nodes_error() {
    let mut r = reference_chain(Some(86));
    let other = r.other.clone();
    let deployed = deploy(&mut r, &other, hostile_wasm());
    assert!(
        matches!(deployed.final_outcome.status, FinalExecutionStatus::SuccessValue(_)),
        "{:?}",
        deployed.final_outcome.status
    );

    let cases: [(&str, &[&str]); 5] = [
        // Stack overflow traps; this runtime's Wasmtime reports it as an out-of-bounds access
        // ("Accessed memory outside the bounds."), not yet checked against a node's wording.
        ("recurse", &["ExecutionError"]),
        ("grow_4gib", &["ExecutionError", "unreachable"]),
        ("spin", &["Exceeded the prepaid gas."]),
        // nearcore's `TotalLogLengthExceeded` and `ReturnedValueLengthExceeded` messages.
        ("log_flood", &["The length of a log message 32768 exceeds the limit 16384"]),
        ("return_4mib", &["4194305", "exceeds the limit 4194304"]),
    ];
    for (method, needles) in cases {
        let (error, took) = failing_call(&mut r, &other, method);
        for needle in needles {
            assert!(error.contains(needle), "{method}: `{needle}` not in {error}");
        }
        assert!(took < BOUND, "{method} took {took:?}");
        assert_still_responsive(&mut r);
    }
}

#[test]
fn a_contract_over_four_mib_is_refused_like_the_node_does() {
    let mut r = reference_chain(Some(86));
    let other = r.other.clone();
    // A valid module padded with a custom section to exactly 4 MiB + 1 byte.
    let mut code = wat::parse_str("(module)").expect("empty module");
    let payload = 4 * MIB + 1 - code.len() - 1 - 4 - 1 - 1;
    code.push(0); // custom section id
    let size = payload + 2; // name length byte + name "x" + payload
    let mut leb = Vec::new();
    let mut n = size;
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            leb.push(byte);
            break;
        }
        leb.push(byte | 0x80);
    }
    assert_eq!(leb.len(), 4, "size prefix");
    code.extend(leb);
    code.extend([1, b'x']);
    code.resize(code.len() + payload, 0);
    assert_eq!(code.len(), 4 * MIB + 1);

    let action = Action::DeployContract(DeployContractAction { code });
    let refused = r.rt.submit(&other, &other, vec![action]).expect_err("refused");
    let message = refused.to_string();
    assert!(message.contains("4194305") && message.contains("4194304"), "{message}");
    assert_still_responsive(&mut r);
}
