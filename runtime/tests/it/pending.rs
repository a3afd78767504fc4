//! Receipts created and not run yet: the runtime describes them (`EXPERIMENTAL_receipt`) as
//! soon as an outcome names them, including a callback postponed until its data arrives, with
//! the same view the transaction lists once they ran.

use crate::common::*;
use near_primitives::views::{ReceiptEnumView, ReceiptView, TxExecutionStatus};
use nearviz_runtime::TxStatus;
use std::collections::HashMap;

const TGAS: u64 = 10u64.pow(12);

fn is_callback(view: &ReceiptView) -> bool {
    matches!(&view.receipt, ReceiptEnumView::Action { input_data_ids, .. } if !input_data_ids.is_empty())
}

#[test]
fn a_waiting_callback_is_described_before_it_runs_with_the_view_it_runs_with() {
    let mut r = reference_chain(Some(86));
    let (alice, caller) = (r.alice.clone(), r.caller.clone());
    let call = function_call("query_greeting", b"{}", 300 * TGAS, 0);
    let tx = r.rt.submit(&alice, &caller, vec![call]).expect("submit");
    // Per block: the views of the receipts named and not run yet.
    let mut pending: Vec<Vec<ReceiptView>> = Vec::new();
    let mut described: HashMap<_, ReceiptView> = HashMap::new();
    let last = loop {
        assert!(pending.len() < 16, "not final after 16 blocks");
        r.rt.produce_block();
        let TxStatus::Known { status, outcome } = r.rt.tx_status(&tx) else { continue };
        let views = r.rt.pending_receipt_views(&outcome);
        for view in &views {
            assert_eq!(r.rt.receipt_view(&view.receipt_id).as_ref(), Some(view));
            let ran =
                outcome.final_outcome.receipts_outcome.iter().any(|o| o.id == view.receipt_id);
            assert!(!ran, "{} described after it ran", view.receipt_id);
            described.insert(view.receipt_id, view.clone());
        }
        pending.push(views);
        if status == TxExecutionStatus::Final {
            break outcome;
        }
    };
    // The callback waited at least one block for the callee's data, described all along.
    let waiting = pending.iter().filter(|views| views.iter().any(is_callback)).count();
    assert!(
        waiting >= 2,
        "the callback is described at creation and while postponed: {pending:#?}"
    );
    assert!(pending.last().is_some_and(Vec::is_empty), "nothing pending at FINAL");
    // Each view is the one the transaction lists once the receipt ran.
    let callback = described.values().find(|v| is_callback(v)).expect("a callback");
    let ReceiptEnumView::Action { actions, .. } = &callback.receipt else { unreachable!() };
    assert!(format!("{actions:?}").contains("query_greeting_callback"));
    for (id, view) in &described {
        let ran = last.receipts.iter().find(|r| r.receipt_id == *id).expect("it ran");
        assert_eq!(ran, view);
    }
    // Refunds, the callee and the callback at least.
    assert!(described.len() >= 3, "{described:#?}");
}
