use near_sdk::test_utils::get_logs;
use near_sdk::PromiseResult;

use super::*;

#[test]
fn batch_actions_is_one_receipt_with_four_calls() {
    let xcc = fresh();
    let _ = xcc.batch_actions();
    let receipts = created();
    assert_eq!(receipts.len(), 2, "one batch receipt and one callback: {receipts:?}");
    assert_eq!(receipts[0].receiver, hello());
    assert_eq!(
        receipts[0].methods(),
        vec!["set_greeting", "get_greeting", "set_greeting", "get_greeting"]
    );
    assert_eq!(receipts[0].calls[0].args, r#"{"greeting":"hi"}"#);
    assert_eq!(receipts[0].calls[2].args, r#"{"greeting":"bye"}"#);
    assert_eq!(receipts[1].receiver, xcc_account());
    assert_eq!(receipts[1].methods(), vec!["batch_actions_callback"]);
    assert_eq!(receipts[1].waits_for, vec![0]);
}

#[test]
fn batch_actions_callback_gets_the_last_result() {
    let xcc = fresh();
    as_callback(vec![ok_json("bye")]);
    assert_eq!(xcc.batch_actions_callback(callback_result(0)), "bye");
    assert_eq!(get_logs(), vec!["The batch's last result is bye"]);

    as_callback(vec![PromiseResult::Failed]);
    assert_eq!(xcc.batch_actions_callback(callback_result(0)), "");
    assert_eq!(get_logs(), vec!["The batch failed and was reverted"]);
}

#[test]
fn batch_failing_puts_fail_between_set_and_get() {
    let xcc = fresh();
    let _ = xcc.batch_failing();
    let receipts = created();
    assert_eq!(receipts.len(), 2);
    assert_eq!(receipts[0].receiver, hello());
    assert_eq!(receipts[0].methods(), vec!["set_greeting", "fail", "get_greeting"]);
    assert_eq!(receipts[0].calls[0].args, r#"{"greeting":"batch"}"#);
    assert_eq!(receipts[1].methods(), vec!["batch_failing_callback"]);
    assert_eq!(receipts[1].waits_for, vec![0]);
}

#[test]
fn batch_failing_callback_logs_the_revert() {
    let xcc = fresh();
    as_callback(vec![PromiseResult::Failed]);
    assert!(!xcc.batch_failing_callback(callback_result(0)));
    assert_eq!(
        get_logs(),
        vec!["The batch failed: all its actions reverted, set_greeting(\"batch\") too"]
    );

    as_callback(vec![ok_json("batch")]);
    assert!(xcc.batch_failing_callback(callback_result(0)));
}
