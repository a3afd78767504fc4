use near_sdk::test_utils::get_logs;
use near_sdk::{NearToken, PromiseResult};

use super::*;
use crate::ledger::show;
use crate::CALLBACK_GAS;

const ONE_NEAR: NearToken = NearToken::from_near(1);
const NOTHING: NearToken = NearToken::from_yoctonear(0);

/// A fresh xcc where alice has deposited `amount`.
fn with_deposit(amount: NearToken) -> Xcc {
    let mut xcc = fresh();
    as_user(amount);
    assert_eq!(xcc.deposit(), amount);
    xcc
}

/// A Transfer of `amount` to alice, then `callback(alice, amount)` on xcc waiting for it.
fn assert_pays_alice(callback: &str, amount: NearToken) {
    let receipts = created();
    assert_eq!(receipts.len(), 2, "{receipts:?}");
    assert_eq!(receipts[0].receiver, alice(), "the withdraw pays the caller");
    assert_eq!(receipts[0].transfers, vec![amount]);
    assert!(receipts[0].calls.is_empty());
    assert_eq!(receipts[1].receiver, xcc_account());
    assert_eq!(receipts[1].methods(), vec![callback]);
    assert_eq!(receipts[1].calls[0].gas, CALLBACK_GAS);
    assert_eq!(
        receipts[1].calls[0].args,
        format!(r#"{{"account":"alice.test.near","amount":"{}"}}"#, amount.as_yoctonear())
    );
    assert_eq!(receipts[1].waits_for, vec![0]);
}

#[test]
fn amounts_read_as_near() {
    assert_eq!(show(ONE_NEAR), "1 NEAR");
    assert_eq!(show(NearToken::from_millinear(1500)), "1.5 NEAR");
    assert_eq!(show(NearToken::from_yoctonear(12)), "12 yoctoNEAR");
    assert_eq!(show(NOTHING), "0 yoctoNEAR");
}

#[test]
fn deposits_add_up_per_account() {
    let mut xcc = with_deposit(ONE_NEAR);
    as_user(NearToken::from_millinear(500));
    assert_eq!(xcc.deposit(), NearToken::from_millinear(1500));
    assert_eq!(get_logs(), vec!["Deposited 0.5 NEAR for alice.test.near: balance 1.5 NEAR"]);
    assert_eq!(xcc.balance_of(alice()), NearToken::from_millinear(1500));
    assert_eq!(xcc.balance_of(account("bob.test.near")), NOTHING, "bob never deposited");
}

#[test]
fn deposits_live_outside_the_contract_struct() {
    let _xcc = with_deposit(ONE_NEAR);
    let stored = env::storage_read(b"balance:alice.test.near").expect("a key per depositor");
    assert_eq!(stored, ONE_NEAR.as_yoctonear().to_le_bytes());
}

#[test]
#[should_panic(expected = "xcc: attach the NEAR to deposit")]
fn deposit_needs_an_attached_amount() {
    let mut xcc = fresh();
    as_user(NOTHING);
    let _ = xcc.deposit();
}

#[test]
fn withdraw_unsafe_pays_first_and_keeps_the_balance_until_the_callback() {
    let mut xcc = with_deposit(ONE_NEAR);
    as_user(NOTHING);
    let _ = xcc.withdraw_unsafe(ONE_NEAR);
    assert_pays_alice("withdraw_unsafe_callback", ONE_NEAR);
    assert_eq!(xcc.balance_of(alice()), ONE_NEAR, "not deducted yet: the window is open");
    assert_eq!(
        get_logs(),
        vec!["Paying 1 NEAR to alice.test.near; the ledger still says 1 NEAR until the callback"]
    );

    as_callback(vec![ok_empty()]);
    let left = xcc.withdraw_unsafe_callback(unit_callback_result(0), alice(), ONE_NEAR);
    assert_eq!(left, NOTHING);
    assert_eq!(xcc.balance_of(alice()), NOTHING);
    assert_eq!(
        get_logs(),
        vec!["Deducted 1 NEAR from alice.test.near after paying: balance 0 yoctoNEAR"]
    );
}

#[test]
fn withdraw_unsafe_callback_deducts_nothing_when_the_transfer_failed() {
    let mut xcc = with_deposit(ONE_NEAR);
    as_user(NOTHING);
    let _ = xcc.withdraw_unsafe(ONE_NEAR);
    as_callback(vec![PromiseResult::Failed]);
    assert_eq!(xcc.withdraw_unsafe_callback(unit_callback_result(0), alice(), ONE_NEAR), ONE_NEAR);
    assert_eq!(xcc.balance_of(alice()), ONE_NEAR);
    assert_eq!(get_logs(), vec!["The transfer to alice.test.near failed: nothing to deduct"]);
}

#[test]
#[should_panic(expected = "xcc: alice.test.near has 0 yoctoNEAR, cannot withdraw 1 NEAR")]
fn withdraw_unsafe_checks_the_recorded_balance() {
    let mut xcc = fresh();
    as_user(NOTHING);
    let _ = xcc.withdraw_unsafe(ONE_NEAR);
}

/// The race: the second withdraw runs inside the first one's window, passes the check, and
/// both transfers go out; the second callback finds nothing left to deduct.
#[test]
#[should_panic(
    expected = "xcc: alice.test.near's recorded balance 0 yoctoNEAR cannot cover the 1 NEAR already paid out"
)]
fn withdraw_unsafe_pays_twice_inside_the_window() {
    let mut xcc = with_deposit(ONE_NEAR);
    as_user(NOTHING);
    let _ = xcc.withdraw_unsafe(ONE_NEAR);
    as_user(NOTHING);
    let _ = xcc.withdraw_unsafe(ONE_NEAR);
    assert_pays_alice("withdraw_unsafe_callback", ONE_NEAR);
    as_callback(vec![ok_empty()]);
    assert_eq!(xcc.withdraw_unsafe_callback(unit_callback_result(0), alice(), ONE_NEAR), NOTHING);
    as_callback(vec![ok_empty()]);
    let _ = xcc.withdraw_unsafe_callback(unit_callback_result(0), alice(), ONE_NEAR);
}

#[test]
fn withdraw_safe_deducts_before_paying() {
    let mut xcc = with_deposit(ONE_NEAR);
    as_user(NOTHING);
    let _ = xcc.withdraw_safe(NearToken::from_millinear(400));
    assert_pays_alice("withdraw_safe_callback", NearToken::from_millinear(400));
    assert_eq!(xcc.balance_of(alice()), NearToken::from_millinear(600), "deducted at once");
    assert_eq!(
        get_logs(),
        vec!["Deducted 0.4 NEAR from alice.test.near before paying: balance 0.6 NEAR"]
    );
    as_callback(vec![ok_empty()]);
    assert!(xcc.withdraw_safe_callback(
        unit_callback_result(0),
        alice(),
        NearToken::from_millinear(400)
    ));
    assert_eq!(xcc.balance_of(alice()), NearToken::from_millinear(600));
    assert_eq!(get_logs(), vec!["Paid 0.4 NEAR to alice.test.near"]);
}

#[test]
fn withdraw_safe_callback_recredits_a_failed_transfer() {
    let mut xcc = with_deposit(ONE_NEAR);
    as_user(NOTHING);
    let _ = xcc.withdraw_safe(ONE_NEAR);
    assert_eq!(xcc.balance_of(alice()), NOTHING);
    as_callback(vec![PromiseResult::Failed]);
    assert!(!xcc.withdraw_safe_callback(unit_callback_result(0), alice(), ONE_NEAR));
    assert_eq!(xcc.balance_of(alice()), ONE_NEAR, "the money did not leave: credited back");
    assert_eq!(
        get_logs(),
        vec!["The transfer to alice.test.near failed: re-credited 1 NEAR, balance 1 NEAR"]
    );
}

/// The same race against the safe version: the second withdraw fails its check.
#[test]
#[should_panic(expected = "xcc: alice.test.near has 0 yoctoNEAR, cannot withdraw 1 NEAR")]
fn withdraw_safe_refuses_the_second_withdraw_inside_the_window() {
    let mut xcc = with_deposit(ONE_NEAR);
    as_user(NOTHING);
    let _ = xcc.withdraw_safe(ONE_NEAR);
    as_user(NOTHING);
    let _ = xcc.withdraw_safe(ONE_NEAR);
}
