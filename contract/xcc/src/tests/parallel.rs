use near_sdk::test_utils::get_logs;
use near_sdk::PromiseResult;

use super::*;
use crate::parallel::{MultipleResults, SIMILAR_GREETINGS};
use crate::{PostedMessage, JOIN_CALLBACK_GAS, MAX_RESULT_LEN};

#[test]
fn multiple_contracts_joins_three_accounts_into_one_callback() {
    let xcc = fresh();
    let _ = xcc.multiple_contracts();
    let receipts = created();
    assert_eq!(receipts.len(), 4, "{receipts:?}");
    let receivers: Vec<_> = receipts.iter().map(|r| r.receiver.clone()).collect();
    assert_eq!(receivers, vec![hello(), counter(), guestbook(), xcc_account()]);
    assert_eq!(receipts[0].methods(), vec!["get_greeting"]);
    assert_eq!(receipts[1].methods(), vec!["get_num"]);
    assert_eq!(receipts[2].methods(), vec!["get_messages"]);
    assert_eq!(receipts[2].calls[0].args, r#"{"from_index":null,"limit":null}"#);
    assert_eq!(receipts[3].methods(), vec!["multiple_contracts_callback"]);
    assert_eq!(receipts[3].calls[0].gas, JOIN_CALLBACK_GAS);
    assert_eq!(receipts[3].waits_for, vec![0, 1, 2], "inputs in join order");
}

fn message() -> PostedMessage {
    PostedMessage { premium: true, sender: alice(), text: "hi".to_owned() }
}

#[test]
fn multiple_contracts_callback_reads_three_typed_results() {
    let xcc = fresh();
    as_callback(vec![ok_json("Hello"), ok_json(-3i8), ok_json(vec![message()])]);
    let results =
        xcc.multiple_contracts_callback(callback_result(0), callback_result(1), callback_result(2));
    assert_eq!(
        results,
        MultipleResults {
            greeting: Some("Hello".to_owned()),
            num: Some(-3),
            messages: Some(vec![message()]),
        }
    );
    assert_eq!(
        get_logs(),
        vec![r#"hello: Some("Hello"), counter: Some(-3), guestbook: Some(1) messages"#]
    );
}

#[test]
fn multiple_contracts_callback_keeps_the_results_that_arrived() {
    let xcc = fresh();
    as_callback(vec![ok_json("Hello"), PromiseResult::Failed, PromiseResult::Failed]);
    let results =
        xcc.multiple_contracts_callback(callback_result(0), callback_result(1), callback_result(2));
    assert_eq!(results.greeting.as_deref(), Some("Hello"));
    assert_eq!(results.num, None);
    assert_eq!(results.messages, None);
}

#[test]
fn similar_contracts_sends_three_batches_to_hello() {
    let xcc = fresh();
    let _ = xcc.similar_contracts();
    let receipts = created();
    assert_eq!(receipts.len(), 4, "{receipts:?}");
    for (receipt, greeting) in receipts.iter().zip(SIMILAR_GREETINGS) {
        assert_eq!(receipt.receiver, hello());
        assert_eq!(receipt.methods(), vec!["set_greeting", "get_greeting"]);
        assert_eq!(receipt.calls[0].args, format!(r#"{{"greeting":"{greeting}"}}"#));
    }
    assert_eq!(receipts[3].receiver, xcc_account());
    assert_eq!(receipts[3].methods(), vec!["similar_contracts_callback"]);
    assert_eq!(receipts[3].waits_for, vec![0, 1, 2]);
}

#[test]
fn similar_contracts_callback_loops_over_every_result() {
    let xcc = fresh();
    as_callback(vec![ok_json("hi"), ok_json("howdy"), ok_json("bye")]);
    assert_eq!(xcc.similar_contracts_callback(), vec!["hi", "howdy", "bye"]);
    assert_eq!(get_logs(), vec!["Result 0: hi", "Result 1: howdy", "Result 2: bye"]);
}

#[test]
fn similar_contracts_callback_skips_failed_and_oversized_results() {
    let xcc = fresh();
    let huge = "x".repeat(MAX_RESULT_LEN + 1);
    as_callback(vec![PromiseResult::Failed, ok_json("howdy"), ok_json(huge), ok_json(7u8)]);
    assert_eq!(xcc.similar_contracts_callback(), vec!["howdy"]);
    assert_eq!(
        get_logs(),
        vec![
            "Result 0: failed".to_owned(),
            "Result 1: howdy".to_owned(),
            format!("Result 2: longer than {MAX_RESULT_LEN} bytes"),
            "Result 3: not a string".to_owned(),
        ]
    );
}
