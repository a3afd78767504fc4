//! The embedded engine reports what a receipt will run before it runs (`ChainEvent::Receipt`,
//! the `EXPERIMENTAL_receipt` view), once per receipt, before the poll whose outcomes it
//! completes: while a built-in call's callback waits, the DAG already names its receiver and
//! method.

use crate::support::embedded::call_events;
use near_primitives::hash::CryptoHash;
use nearviz::chain::{ChainEvent, TxStatusReply};
use nearviz::model::{ReceiptNode, Status, Trace};
use std::collections::HashSet;

/// The DAG's receipts after each poll.
fn after_each_poll(events: &[ChainEvent]) -> Vec<Vec<ReceiptNode>> {
    let mut trace = Trace::new();
    let mut out = Vec::new();
    for event in events {
        let poll = matches!(event, ChainEvent::TxPoll(_));
        trace.apply(event.clone());
        if poll {
            let dag = trace.dag();
            out.push(dag.transactions.into_iter().next().expect("a transaction").receipts);
        }
    }
    out
}

fn method(r: &ReceiptNode) -> Option<&str> {
    r.actions.first().and_then(|a| a.method.as_deref())
}

/// Each view once, for a receipt not run yet, and before the poll that shows its outcome.
fn check_views_come_once_before_their_outcome(events: &[ChainEvent]) {
    let mut described = HashSet::new();
    let mut ran: HashSet<CryptoHash> = HashSet::new();
    for event in events {
        match event {
            ChainEvent::Receipt(view) => {
                assert!(described.insert(view.receipt_id), "{} described twice", view.receipt_id);
                assert!(
                    !ran.contains(&view.receipt_id),
                    "{} described after it ran",
                    view.receipt_id
                );
            }
            ChainEvent::TxPoll(poll) => {
                if let TxStatusReply::Known { outcome: Some(o), .. } = &poll.reply {
                    ran.extend(o.final_outcome.receipts_outcome.iter().map(|r| r.id));
                }
            }
            _ => {}
        }
    }
    assert!(!described.is_empty(), "no receipt was described before it ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_callback_shows_its_receiver_and_method() {
    let events = call_events("call_failing_with_rollback").await;
    check_views_come_once_before_their_outcome(&events);
    let waiting: Vec<ReceiptNode> = after_each_poll(&events)
        .into_iter()
        .flatten()
        .filter(|r| matches!(r.status, Status::Waiting { .. }))
        .collect();
    let callback = waiting
        .iter()
        .find(|r| method(r).is_some_and(|m| m.ends_with("_callback")))
        .unwrap_or_else(|| panic!("no waiting callback with its method: {waiting:#?}"));
    let receiver = callback.receiver.as_ref().expect("receiver known before it ran");
    assert!(receiver.as_str().starts_with("xcc"), "receiver {receiver}");
    assert_eq!(callback.status, Status::Waiting { arrived: 0, total: 1 });
    assert!(callback.gas_attached.as_gas() > 0);
    assert_eq!(callback.block_height, None, "not run yet");
    // Every receipt shown waiting or pending with a view is one that had not run.
    let last = after_each_poll(&events).pop().expect("polls");
    let ran = last.iter().find(|r| r.id == callback.id).expect("the callback ran in the end");
    assert!(ran.block_height.is_some());
    assert!(!matches!(ran.status, Status::Waiting { .. } | Status::Pending));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_callees_and_their_joint_callback_are_named_before_they_run() {
    let events = call_events("multiple_contracts").await;
    check_views_come_once_before_their_outcome(&events);
    let polls = after_each_poll(&events);
    // The first poll in which the callback is known: the callees are pending with their method.
    let (receipts, callback) = polls
        .iter()
        .find_map(|receipts| {
            let cb = receipts.iter().find(|r| matches!(r.status, Status::Waiting { .. }))?;
            Some((receipts, cb))
        })
        .expect("a poll with the callback waiting");
    assert!(method(callback).is_some_and(|m| m.ends_with("_callback")), "{callback:#?}");
    assert_eq!(callback.status, Status::Waiting { arrived: 0, total: 3 });
    let callees: Vec<&ReceiptNode> = receipts
        .iter()
        .filter(|r| r.status == Status::Pending && !r.is_refund && r.id != callback.id)
        .collect();
    assert_eq!(callees.len(), 3, "three parallel callees: {receipts:#?}");
    for callee in callees {
        assert!(callee.receiver.is_some() && method(callee).is_some(), "{callee:#?}");
        assert!(callback.inputs.iter().any(|i| i.from == Some(callee.id)));
    }
}
