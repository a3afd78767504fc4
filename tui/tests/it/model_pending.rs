//! Receipts reported before they ran (`ChainEvent::Receipt`, an `EXPERIMENTAL_receipt` view):
//! the DAG shows their receiver, method and attached gas while they are still pending, a waiting
//! callback counts its inputs from the view's `input_data_ids`, and the outcome wins once it
//! arrives.

use crate::model_common::*;
use near_primitives::hash::CryptoHash;
use near_primitives::views::{ReceiptEnumView, ReceiptView};
use nearviz::chain::ChainEvent;
use nearviz::model::{InputStatus, ReceiptNode, Status, Trace, TxNode};

/// The `query_greeting` capture (xcc calls hello, then its callback) as events.
fn events() -> Vec<ChainEvent> {
    capture_events("query_greeting")
}

fn tx(trace: &Trace) -> TxNode {
    trace.dag().transactions.into_iter().next().expect("one transaction")
}

fn node<'a>(tx: &'a TxNode, id: &CryptoHash) -> &'a ReceiptNode {
    tx.receipts.iter().find(|r| r.id.0 == *id).expect("the receipt is in the DAG")
}

#[test]
fn a_pending_callback_shows_what_it_will_run_and_its_inputs() {
    let events = events();
    let views = final_views(&events);
    let callback = views.iter().find(|v| is_callback(v)).expect("a callback").clone();
    let mut trace = Trace::from_events(before_outcome_of(&events, &callback.receipt_id));

    let before = tx(&trace);
    let known_by_id = node(&before, &callback.receipt_id);
    assert_eq!(known_by_id.receiver, None, "known only by id before its view");
    assert!(known_by_id.actions.is_empty());

    trace.apply(ChainEvent::Receipt(Box::new(callback.clone())));
    let after = tx(&trace);
    let r = node(&after, &callback.receipt_id);
    assert_eq!(r.receiver.as_ref(), Some(&callback.receiver_id));
    assert_eq!(r.predecessor.as_ref(), Some(&callback.predecessor_id));
    assert_eq!(r.actions.len(), 1);
    let method = r.actions[0].method.as_deref().expect("a function call");
    assert!(method.ends_with("_callback"), "method {method}");
    assert!(r.gas_attached.as_gas() > 0, "attached gas from the view");
    assert_eq!(r.gas_attached, r.actions[0].gas);
    assert_eq!(r.block_height, None, "not run yet");
    assert_eq!(r.gas_burnt.as_gas(), 0);
    // One input (the callee's result), already arrived: the callee ran before the callback.
    assert_eq!(r.status, Status::Waiting { arrived: 1, total: 1 });
    assert_eq!(r.inputs.len(), 1);
    assert_ne!(r.inputs[0].status, InputStatus::Pending);
    // The creator passes the attached gas on.
    let parent =
        after.receipts.iter().find(|p| p.children.contains(&r.id)).expect("the callback's creator");
    assert!(parent.gas_forwarded >= r.gas_attached);
}

#[test]
fn views_of_receipts_not_run_yet_count_inputs_still_on_their_way() {
    let events = events();
    let views = final_views(&events);
    let callback = views.iter().find(|v| is_callback(v)).expect("a callback").clone();
    // The callee: the receipt whose data the callback waits for.
    let callee = views
        .iter()
        .find(|v| match &v.receipt {
            ReceiptEnumView::Action { output_data_receivers, .. } => {
                !output_data_receivers.is_empty()
            }
            _ => false,
        })
        .expect("a callee")
        .clone();
    let mut early = before_outcome_of(&events, &callee.receipt_id);
    // Views may come before the poll that names the receipts: kept until then.
    early.insert(0, ChainEvent::Receipt(Box::new(callback.clone())));
    early.insert(0, ChainEvent::Receipt(Box::new(callee.clone())));
    let trace = Trace::from_events(early);
    let t = tx(&trace);
    let cb = node(&t, &callback.receipt_id);
    assert_eq!(cb.status, Status::Waiting { arrived: 0, total: 1 });
    assert_eq!(cb.inputs[0].from.map(|f| f.0), Some(callee.receipt_id));
    assert_eq!(cb.inputs[0].status, InputStatus::Pending);
    let c = node(&t, &callee.receipt_id);
    assert_eq!(c.status, Status::Pending);
    assert_eq!(c.receiver.as_ref(), Some(&callee.receiver_id));
    assert!(c.actions[0].method.is_some());
}

#[test]
fn the_outcome_wins_and_data_receipts_are_ignored() {
    let events = events();
    let views = final_views(&events);
    let plain = Trace::from_events(events.clone()).dag();
    // Every view, reported early, changes nothing once everything ran.
    let mut with_views: Vec<ChainEvent> =
        views.iter().map(|v| ChainEvent::Receipt(Box::new(v.clone()))).collect();
    with_views.extend(events.iter().cloned());
    assert_eq!(format!("{:?}", Trace::from_events(with_views).dag()), format!("{plain:?}"));

    // A data receipt's view is not something that will run: ignored.
    let callback = views.iter().find(|v| is_callback(v)).expect("a callback").clone();
    let mut early = before_outcome_of(&events, &callback.receipt_id);
    let data = ReceiptView {
        receipt: ReceiptEnumView::Data {
            data_id: CryptoHash::default(),
            data: None,
            is_promise_resume: false,
        },
        ..callback.clone()
    };
    early.push(ChainEvent::Receipt(Box::new(data)));
    let t = tx(&Trace::from_events(early));
    assert_eq!(node(&t, &callback.receipt_id).receiver, None);
}

#[test]
fn a_recording_keeps_the_views_and_replays_the_pending_labels() {
    use nearviz::fixture::{self, Meta, Recorder, TimedEvent};
    let events = events();
    let views = final_views(&events);
    let callback = views.iter().find(|v| is_callback(v)).expect("a callback").clone();
    let mut recorded = before_outcome_of(&events, &callback.receipt_id);
    recorded.push(ChainEvent::Receipt(Box::new(callback.clone())));
    let mut recorder = Recorder::new(Meta::default());
    for (i, event) in recorded.iter().cloned().enumerate() {
        recorder.push(TimedEvent { at_ms: i as u64, event });
    }
    let dir = tempfile::tempdir().expect("tmp");
    let saved = dir.path().join("pending.json");
    recorder.save(&saved).expect("save");

    // The raw shape: the EXPERIMENTAL_receipt response, `{"result": ReceiptView}`.
    let json = read_json(&saved);
    let line = json["events"].as_array().expect("events").last().expect("the receipt").clone();
    assert_eq!(line["kind"], "receipt");
    assert_eq!(line["response"]["result"]["receipt_id"], callback.receipt_id.to_string());

    let back = fixture::load(&saved).expect("load");
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    let back_events: Vec<ChainEvent> = back.chain_events().collect();
    assert_eq!(format!("{back_events:?}"), format!("{recorded:?}"));
    let t = tx(&Trace::from_events(back_events));
    let r = node(&t, &callback.receipt_id);
    assert_eq!(r.actions[0].method.as_deref(), Some("query_greeting_callback"));
    assert!(matches!(r.status, Status::Waiting { .. }));
}

#[test]
fn a_receipt_event_the_node_refused_or_this_build_cannot_read_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("f.json");
    let text = r#"{"nearviz_fixture":1,"meta":{},"events":[
{"at_ms":0,"kind":"tx_submitted","tx":"11111111111111111111111111111111","sender":"alice.near","label":"x","submitted_ms":0},
{"at_ms":1,"kind":"receipt","response":{"error":{"name":"HANDLER_ERROR","cause":{"name":"UNKNOWN_RECEIPT"},"message":"never observed"}}},
{"at_ms":2,"kind":"receipt","response":{"result":{"receipt_id":"11111111111111111111111111111111","receipt":{"Future":{}}}}}
]}"#;
    std::fs::write(&path, text).expect("write");
    let rec = nearviz::fixture::load(&path).expect("load");
    assert_eq!(rec.events.len(), 1, "the transaction alone");
    assert_eq!(rec.warnings.len(), 2, "{:?}", rec.warnings);
    assert!(rec.warnings[0].contains("UNKNOWN_RECEIPT"), "{}", rec.warnings[0]);
    assert!(rec.warnings[1].starts_with("event #2: receipt skipped"), "{}", rec.warnings[1]);
}

#[test]
fn a_view_after_the_poll_that_names_it_rebuilds_that_transaction_only() {
    use nearviz::app::tracker::Tracker;
    let events = events();
    let views = final_views(&events);
    let callback = views.iter().find(|v| is_callback(v)).expect("a callback").clone();
    let mut session = Tracker::new();
    let before = before_outcome_of(&events, &callback.receipt_id);
    for event in before.iter().cloned() {
        session.apply(event);
    }
    session.refresh();
    let dag = session.dag().clone();
    let tx = dag.transactions[0].hash;
    let version = session.version(tx).expect("version");
    session.apply(ChainEvent::Receipt(Box::new(callback.clone())));
    assert!(session.refresh(), "the view changes the transaction that names the receipt");
    assert_ne!(session.version(tx), Some(version));
    let mut all = before;
    all.push(ChainEvent::Receipt(Box::new(callback.clone())));
    let scratch = Trace::from_events(all).dag();
    assert_eq!(format!("{:?}", session.dag()), format!("{scratch:?}"));
    let r = node(&session.dag().transactions[0], &callback.receipt_id);
    assert_eq!(r.actions[0].method.as_deref(), Some("query_greeting_callback"));
    // A view of a receipt no transaction names yet changes nothing now.
    let mut stranger = callback;
    stranger.receipt_id = CryptoHash::hash_bytes(b"not named by any outcome");
    session.apply(ChainEvent::Receipt(Box::new(stranger)));
    assert!(!session.refresh());
}
