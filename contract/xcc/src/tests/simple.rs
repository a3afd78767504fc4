use near_sdk::test_utils::get_logs;
use near_sdk::{NearToken, PromiseResult};

use super::*;
use crate::{CALLBACK_GAS, XCC_GAS};

/// hello.get_greeting with 10 Tgas, then `callback` on xcc waiting for it.
fn assert_query_shape(callback: &str) {
    let receipts = created();
    assert_eq!(receipts.len(), 2, "{receipts:?}");
    assert_eq!(receipts[0].receiver, hello());
    assert_eq!(receipts[0].methods(), vec!["get_greeting"]);
    assert_eq!(receipts[0].calls[0].gas, XCC_GAS);
    assert!(receipts[0].waits_for.is_empty());
    assert_eq!(receipts[1].receiver, xcc_account());
    assert_eq!(receipts[1].methods(), vec![callback]);
    assert_eq!(receipts[1].calls[0].gas, CALLBACK_GAS);
    assert_eq!(receipts[1].waits_for, vec![0]);
}

#[test]
fn query_greeting_calls_hello_then_its_callback() {
    let xcc = fresh();
    let _ = xcc.query_greeting();
    assert_query_shape("query_greeting_callback");
}

#[test]
fn low_level_query_has_the_same_shape() {
    let xcc = fresh();
    let _ = xcc.query_greeting_low_level();
    assert_query_shape("query_greeting_callback");
    let receipts = created();
    assert_eq!(receipts[0].calls[0].args, "");
    assert_eq!(receipts[0].calls[0].weight, 0, "low-level function_call has no gas weight");
}

#[test]
fn query_callback_returns_the_greeting() {
    let xcc = fresh();
    as_callback(vec![ok_json("Howdy")]);
    assert_eq!(xcc.query_greeting_callback(callback_result(0)), "Howdy");
    assert_eq!(get_logs(), vec!["The greeting is Howdy"]);
}

#[test]
fn query_callback_on_failure_returns_empty() {
    let xcc = fresh();
    as_callback(vec![PromiseResult::Failed]);
    assert_eq!(xcc.query_greeting_callback(callback_result(0)), "");
    assert_eq!(get_logs(), vec!["hello.get_greeting failed"]);
}

#[test]
fn change_greeting_sends_the_greeting_to_hello() {
    let xcc = fresh();
    let _ = xcc.change_greeting("bonjour".to_owned());
    let receipts = created();
    assert_eq!(receipts.len(), 2);
    assert_eq!(receipts[0].receiver, hello());
    assert_eq!(receipts[0].methods(), vec!["set_greeting"]);
    assert_eq!(receipts[0].calls[0].args, r#"{"greeting":"bonjour"}"#);
    assert_eq!(receipts[0].calls[0].deposit, NearToken::from_yoctonear(0));
    assert_eq!(receipts[1].methods(), vec!["change_greeting_callback"]);
    assert_eq!(receipts[1].waits_for, vec![0]);
}

#[test]
fn change_greeting_callback_reports_success_and_failure() {
    let xcc = fresh();
    as_callback(vec![ok_empty()]);
    assert!(xcc.change_greeting_callback(unit_callback_result(0)));
    assert_eq!(get_logs(), vec!["hello.set_greeting succeeded"]);

    as_callback(vec![PromiseResult::Failed]);
    assert!(!xcc.change_greeting_callback(unit_callback_result(0)));
    assert_eq!(get_logs(), vec!["hello.set_greeting failed"]);
}
