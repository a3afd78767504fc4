use near_sdk::test_utils::get_logs;
use near_sdk::{Gas, NearToken, PromiseResult};

use super::*;
use crate::{CALLBACK_GAS, OUT_OF_GAS_GAS, OUT_OF_GAS_LOOPS, WEIGHTS_LOOPS};

const ONE_NEAR: NearToken = NearToken::from_near(1);

#[test]
fn rollback_call_records_first_and_passes_the_deposit_to_its_callback() {
    let mut xcc = fresh();
    as_user(ONE_NEAR);
    let _ = xcc.call_failing_with_rollback();
    assert_eq!(xcc.recorded_calls(), 1, "state changes before the call");
    let receipts = created();
    assert_eq!(receipts.len(), 2, "{receipts:?}");
    assert_eq!(receipts[0].receiver, hello());
    assert_eq!(receipts[0].methods(), vec!["fail"]);
    assert_eq!(receipts[0].calls[0].deposit, NearToken::from_yoctonear(0), "xcc holds the deposit");
    assert_eq!(receipts[1].receiver, xcc_account());
    assert_eq!(receipts[1].methods(), vec!["call_failing_with_rollback_callback"]);
    assert_eq!(
        receipts[1].calls[0].args,
        r#"{"caller":"alice.test.near","deposit":"1000000000000000000000000"}"#
    );
    assert_eq!(receipts[1].waits_for, vec![0]);
    assert_eq!(
        get_logs(),
        vec!["Recorded call #1 from alice.test.near, holding 1000000000000000000000000 yoctoNEAR"]
    );
}

#[test]
fn rollback_callback_on_failure_restores_state_and_refunds() {
    let mut xcc = fresh();
    as_user(ONE_NEAR);
    let _ = xcc.call_failing_with_rollback();
    as_user(ONE_NEAR);
    let _ = xcc.call_failing_with_rollback();
    assert_eq!(xcc.recorded_calls(), 2);

    as_callback(vec![PromiseResult::Failed]);
    assert!(!xcc.call_failing_with_rollback_callback(unit_callback_result(0), alice(), ONE_NEAR));
    assert_eq!(xcc.recorded_calls(), 1, "the failed call's record is rolled back");
    let receipts = created();
    assert_eq!(receipts.len(), 1, "one refund: {receipts:?}");
    assert_eq!(receipts[0].receiver, alice());
    assert_eq!(receipts[0].transfers, vec![ONE_NEAR]);
    assert!(receipts[0].calls.is_empty());
    assert_eq!(
        get_logs(),
        vec!["hello.fail failed: rolled back the record (1 left), refunding 1000000000000000000000000 yoctoNEAR to alice.test.near"]
    );
}

#[test]
fn rollback_callback_without_deposit_refunds_nothing() {
    let mut xcc = fresh();
    let _ = xcc.call_failing_with_rollback();
    as_callback(vec![PromiseResult::Failed]);
    let zero = NearToken::from_yoctonear(0);
    assert!(!xcc.call_failing_with_rollback_callback(unit_callback_result(0), alice(), zero));
    assert_eq!(xcc.recorded_calls(), 0);
    assert!(created().is_empty(), "no Transfer of zero");
}

#[test]
fn rollback_callback_on_success_keeps_the_record_and_the_deposit() {
    let mut xcc = fresh();
    as_user(ONE_NEAR);
    let _ = xcc.call_failing_with_rollback();
    as_callback(vec![ok_empty()]);
    assert!(xcc.call_failing_with_rollback_callback(unit_callback_result(0), alice(), ONE_NEAR));
    assert_eq!(xcc.recorded_calls(), 1);
    assert!(created().is_empty(), "no refund on success");
    assert_eq!(get_logs(), vec!["hello.fail succeeded: keeping call #1"]);
}

#[test]
fn callback_panics_reads_the_greeting_first() {
    let xcc = fresh();
    let _ = xcc.callback_panics();
    let receipts = created();
    assert_eq!(receipts[0].methods(), vec!["get_greeting"]);
    assert_eq!(receipts[1].methods(), vec!["callback_panics_callback"]);
    assert_eq!(receipts[1].waits_for, vec![0]);
}

#[test]
#[should_panic(expected = "xcc: callback panics on purpose (greeting was Hello)")]
fn callback_panics_callback_panics_with_a_clear_message() {
    let xcc = fresh();
    as_callback(vec![ok_json("Hello")]);
    let _ = xcc.callback_panics_callback(callback_result(0));
}

#[test]
fn out_of_gas_gives_burn_five_tgas_and_no_share_of_unused_gas() {
    let xcc = fresh();
    let _ = xcc.out_of_gas();
    let receipts = created();
    assert_eq!(receipts.len(), 2);
    let burn = &receipts[0].calls[0];
    assert_eq!(burn.method, "burn");
    assert_eq!(burn.gas, OUT_OF_GAS_GAS);
    assert_eq!(burn.weight, 0);
    assert_eq!(burn.args, format!(r#"{{"loops":{OUT_OF_GAS_LOOPS}}}"#));
    assert_eq!(receipts[1].methods(), vec!["out_of_gas_callback"]);
    assert_eq!(receipts[1].waits_for, vec![0]);
}

#[test]
fn out_of_gas_callback_reports_the_failure() {
    let xcc = fresh();
    as_callback(vec![PromiseResult::Failed]);
    assert!(!xcc.out_of_gas_callback(callback_result(0)));
    assert_eq!(get_logs(), vec!["hello.burn failed: it ran out of its 5 Tgas"]);

    as_callback(vec![ok_json(42u64)]);
    assert!(xcc.out_of_gas_callback(callback_result(0)));
    assert_eq!(get_logs(), vec!["hello.burn finished with checksum 42"]);
}

#[test]
fn chain_links_three_receipts_one_after_another() {
    let xcc = fresh();
    let _ = xcc.chain();
    let receipts = created();
    assert_eq!(receipts.len(), 3, "{receipts:?}");
    assert_eq!(receipts[0].receiver, counter());
    assert_eq!(receipts[0].methods(), vec!["increment"]);
    assert_eq!(receipts[0].calls[0].args, r#"{"number":null}"#);
    assert!(receipts[0].waits_for.is_empty());
    assert_eq!(receipts[1].receiver, hello());
    assert_eq!(receipts[1].methods(), vec!["get_greeting"]);
    assert_eq!(receipts[1].waits_for, vec![0]);
    assert_eq!(receipts[2].receiver, xcc_account());
    assert_eq!(receipts[2].methods(), vec!["chain_callback"]);
    assert_eq!(receipts[2].waits_for, vec![1], "the callback waits for the last link only");
}

#[test]
fn chain_callback_sees_the_previous_link() {
    let xcc = fresh();
    as_callback(vec![ok_json("Hello")]);
    assert_eq!(xcc.chain_callback(callback_result(0)), "Hello");
    as_callback(vec![PromiseResult::Failed]);
    assert_eq!(xcc.chain_callback(callback_result(0)), "");
    assert_eq!(get_logs(), vec!["End of the chain: hello.get_greeting failed"]);
}

#[test]
fn weights_attach_no_static_gas_and_weights_one_and_three() {
    let xcc = fresh();
    let _ = xcc.weights();
    let receipts = created();
    assert_eq!(receipts.len(), 3, "{receipts:?}");
    for (receipt, weight) in receipts.iter().zip([1, 3]) {
        assert_eq!(receipt.receiver, hello());
        let burn = &receipt.calls[0];
        assert_eq!(burn.method, "burn");
        assert_eq!(burn.gas, Gas::from_gas(0));
        assert_eq!(burn.weight, weight);
        assert_eq!(burn.args, format!(r#"{{"loops":{WEIGHTS_LOOPS}}}"#));
    }
    let callback = &receipts[2].calls[0];
    assert_eq!(callback.method, "weights_callback");
    assert_eq!(
        (callback.gas, callback.weight),
        (CALLBACK_GAS, 0),
        "only the burns share unused gas"
    );
    assert_eq!(receipts[2].waits_for, vec![0, 1]);
}

#[test]
fn weights_callback_needs_both_calls() {
    let xcc = fresh();
    as_callback(vec![ok_json(1u64), ok_json(2u64)]);
    assert!(xcc.weights_callback(callback_result(0), callback_result(1)));
    assert_eq!(get_logs(), vec!["weight 1 ok: true, weight 3 ok: true"]);
    as_callback(vec![ok_json(1u64), PromiseResult::Failed]);
    assert!(!xcc.weights_callback(callback_result(0), callback_result(1)));
}

#[test]
fn joint_return_creates_two_calls_and_no_callback() {
    let xcc = fresh();
    drop(xcc.joint_return());
    let receipts = created();
    assert_eq!(receipts.len(), 2, "{receipts:?}");
    assert_eq!(receipts[0].methods(), vec!["get_greeting"]);
    assert_eq!(receipts[1].receiver, counter());
    assert_eq!(receipts[1].methods(), vec!["get_num"]);
}

#[test]
#[should_panic(expected = "CannotReturnJointPromise")]
fn joint_return_is_rejected_by_the_runtime() {
    let xcc = fresh();
    // What the #[near] wrapper does with a returned promise: the host refuses a joint one.
    drop(xcc.joint_return().as_return());
}

#[test]
fn forward_deposit_sends_a_transfer_to_hello() {
    let mut xcc = fresh();
    as_user(ONE_NEAR);
    let _ = xcc.forward_deposit();
    let receipts = created();
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    assert_eq!(receipts[0].receiver, hello());
    assert_eq!(receipts[0].transfers, vec![ONE_NEAR]);
    assert!(receipts[0].calls.is_empty());
}
