//! `tx_progress` moves exactly when `tx_status` answers something new, and
//! `forget_transaction` frees a finished transaction only.

use crate::common::*;
use near_primitives::views::TxExecutionStatus;
use nearviz_runtime::{TxProgress, TxStatus};

const TGAS: u64 = 10u64.pow(12);

/// What `tx_status` answers, reduced to what progress compares.
fn answered(status: &TxStatus) -> Option<(TxExecutionStatus, usize, usize)> {
    match status {
        TxStatus::Known { status, outcome } => Some((
            status.clone(),
            outcome.final_outcome.receipts_outcome.len(),
            outcome.receipts.len(),
        )),
        _ => None,
    }
}

#[test]
fn progress_moves_with_the_status_and_a_final_transaction_is_forgotten() {
    let mut r = reference_chain(Some(86));
    let (alice, caller) = (r.alice.clone(), r.caller.clone());
    let call = function_call("query_greeting", b"{}", 300 * TGAS, 0);
    let tx = r.rt.submit(&alice, &caller, vec![call]).expect("submit");
    assert_eq!(r.rt.tx_progress(&tx), TxProgress::Unknown);
    let (mut last_progress, mut last_status) = (r.rt.tx_progress(&tx), None);
    let mut changes = 0;
    for _ in 0..16 {
        r.rt.produce_block();
        let (progress, status) = (r.rt.tx_progress(&tx), r.rt.tx_status(&tx));
        let TxProgress::Known { status: named, executed, result, .. } = progress.clone() else {
            panic!("included by the first block: {progress:?}");
        };
        let TxStatus::Known { outcome, .. } = &status else { panic!("known") };
        assert_eq!(Some((named.clone(), executed, executed)), answered(&status));
        assert_eq!(result, outcome.final_outcome.status);
        // Equal progress, equal answer; a new answer, new progress.
        assert_eq!(progress == last_progress, answered(&status) == last_status);
        changes += usize::from(progress != last_progress);
        (last_progress, last_status) = (progress, answered(&status));
        if named == TxExecutionStatus::Final {
            break;
        }
    }
    assert!(changes >= 3, "included, executed, final at least: {changes}");
    assert!(matches!(last_progress, TxProgress::Known { status: TxExecutionStatus::Final, .. }));
    assert!(r.rt.forget_transaction(&tx));
    assert!(matches!(r.rt.tx_status(&tx), TxStatus::Unknown));
    assert_eq!(r.rt.tx_progress(&tx), TxProgress::Unknown);
    assert!(!r.rt.forget_transaction(&tx), "forgotten once");
}

#[test]
fn a_transaction_still_running_is_not_forgotten() {
    let mut r = reference_chain(Some(86));
    let (alice, caller) = (r.alice.clone(), r.caller.clone());
    let call = function_call("query_greeting", b"{}", 300 * TGAS, 0);
    let tx = r.rt.submit(&alice, &caller, vec![call]).expect("submit");
    r.rt.produce_block();
    r.rt.produce_block();
    assert!(!r.rt.forget_transaction(&tx), "its callback has not run");
    assert!(matches!(r.rt.tx_status(&tx), TxStatus::Known { .. }));
}
