//! Replaying a capture grows the DAG the way it grew on the node: after each poll the model
//! shows that poll's state (pending → waiting → executed), and the scenario table of
//! `fixtures/reference/README.md` holds.

use crate::model_common::*;
use nearviz::chain::ChainEvent;
use nearviz::fixture;
use nearviz::model::{Dag, InputStatus, Outcome, ReceiptNode, Status, Trace, TxNode, Value};
use std::collections::HashMap;

/// The DAG after each poll, in order.
fn dags_after_each_poll(path: &std::path::Path) -> Vec<Dag> {
    let rec = fixture::load(path).expect("load");
    let mut trace = Trace::new();
    let mut dags = Vec::new();
    for e in rec.events {
        let is_poll = matches!(e.event, ChainEvent::TxPoll(_));
        trace.apply(e.event);
        if is_poll {
            dags.push(trace.dag());
        }
    }
    dags
}

fn final_tx(name: &str) -> TxNode {
    let dag = Trace::from_events(fixture::load(&capture(name)).expect("load").chain_events()).dag();
    dag.transactions.into_iter().next().expect("a transaction")
}

fn rank(s: &Status) -> u8 {
    match s {
        Status::Pending => 0,
        Status::Waiting { .. } => 1,
        Status::Success(_) | Status::Failure(_) => 2,
    }
}

#[test]
fn each_poll_shows_that_polls_state() {
    for path in captures() {
        let raw = Raw::load(&path);
        let polls = raw.json["polls"].as_array().expect("polls");
        let dags = dags_after_each_poll(&path);
        assert_eq!(dags.len(), polls.len(), "{}", path.display());
        let mut seen: HashMap<String, u8> = HashMap::new();
        for (poll, dag) in polls.iter().zip(&dags) {
            let t = poll["t_ms"].as_u64().expect("t");
            let tx = &dag.transactions[0];
            let result = &poll["response"]["result"];
            if result.is_null() || result.get("transaction_outcome").is_none() {
                // UNKNOWN_TRANSACTION or INCLUDED alone: nothing executed, nothing shown.
                assert!(tx.receipts.is_empty(), "{} @{t}", path.display());
                assert_eq!(tx.status, Status::Pending, "{} @{t}", path.display());
                continue;
            }
            let executed: Vec<&str> = result["receipts_outcome"]
                .as_array()
                .expect("o")
                .iter()
                .map(|o| o["id"].as_str().expect("id"))
                .collect();
            for r in &tx.receipts {
                let id = r.id.to_string();
                let done = executed.contains(&id.as_str());
                assert_eq!(
                    rank(&r.status) == 2,
                    done,
                    "{} @{t} {id}: {:?}",
                    path.display(),
                    r.status
                );
                assert_eq!(r.block_height.is_some(), done, "{} @{t} {id}", path.display());
                // States only move forward.
                let before = seen.insert(id.clone(), rank(&r.status)).unwrap_or(0);
                assert!(before <= rank(&r.status), "{} @{t} {id} went back", path.display());
            }
            // Every created receipt is there, executed or not.
            let created = result["receipts_outcome"]
                .as_array()
                .expect("o")
                .iter()
                .chain(std::iter::once(&result["transaction_outcome"]))
                .flat_map(|o| o["outcome"]["receipt_ids"].as_array().expect("ids").clone())
                .count();
            assert_eq!(tx.receipts.len(), created, "{} @{t}", path.display());
            if result["status"] == "Started" {
                assert!(matches!(tx.status, Status::Pending | Status::Waiting { .. }));
            } else {
                assert!(matches!(tx.status, Status::Success(_) | Status::Failure(_)));
            }
        }
    }
}

fn callback_states(name: &str) -> Vec<Status> {
    let dags = dags_after_each_poll(&capture(name));
    let cb_id = final_tx(name).receipts.iter().find(|r| !r.inputs.is_empty()).expect("cb").id;
    dags.iter()
        .filter_map(|d| d.transactions[0].receipts.iter().find(|r| r.id == cb_id))
        .map(|r| r.status.clone())
        .collect()
}

#[test]
fn callbacks_go_pending_then_waiting_then_executed() {
    let states = callback_states("query_greeting");
    assert_eq!(states.first(), Some(&Status::Pending));
    assert!(states.contains(&Status::Waiting { arrived: 1, total: 1 }), "{states:?}");
    assert!(matches!(states.last(), Some(Status::Success(_))));

    let states = callback_states("multiple_contracts");
    assert_eq!(states.first(), Some(&Status::Pending));
    assert!(states.contains(&Status::Waiting { arrived: 3, total: 3 }), "{states:?}");
    assert!(matches!(states.last(), Some(Status::Success(_))));
}

fn by_method<'a>(tx: &'a TxNode, method: &str) -> Vec<&'a ReceiptNode> {
    tx.receipts
        .iter()
        .filter(|r| r.actions.iter().any(|a| a.method.as_deref() == Some(method)))
        .collect()
}

fn offset(r: &ReceiptNode) -> u64 {
    r.block_offset.expect("offset")
}

#[test]
fn query_greeting_scenario() {
    let tx = final_tx("query_greeting");
    assert_eq!(offset(by_method(&tx, "query_greeting")[0]), 1);
    assert_eq!(offset(by_method(&tx, "get_greeting")[0]), 2);
    let cb = by_method(&tx, "query_greeting_callback")[0];
    assert_eq!(offset(cb), 3);
    assert_eq!(cb.inputs.len(), 1);
    let mut refunds: Vec<u64> = tx.receipts.iter().filter(|r| r.is_refund).map(offset).collect();
    refunds.sort();
    assert_eq!(refunds, vec![2, 3, 4]);
    assert!(tx
        .receipts
        .iter()
        .filter(|r| r.is_refund)
        .all(|r| { r.predecessor.as_ref().map(|p| p.as_str()) == Some("system") }));
}

#[test]
fn call_failing_scenario() {
    let tx = final_tx("call_failing");
    let fail = by_method(&tx, "fail")[0];
    assert_eq!(offset(fail), 2);
    match &fail.status {
        Status::Failure(f) => {
            assert_eq!(f.message, "Smart contract panicked: hello: deliberate failure");
            assert_eq!(f.action_index, Some(0));
        }
        other => panic!("fail should fail: {other:?}"),
    }
    let cb = tx.receipts.iter().find(|r| !r.inputs.is_empty()).expect("callback");
    assert_eq!(offset(cb), 3);
    assert_eq!(cb.inputs[0].status, InputStatus::Failed);
    assert_eq!(cb.inputs[0].from, Some(fail.id));
    assert!(matches!(tx.status, Status::Success(_)), "the transaction itself succeeds");
}

#[test]
fn batch_actions_scenario() {
    let tx = final_tx("batch_actions");
    let batch = tx.receipts.iter().find(|r| r.actions.len() == 4).expect("one batch receipt");
    assert_eq!(offset(batch), 2);
    let methods: Vec<_> =
        batch.actions.iter().map(|a| a.method.clone().unwrap_or_default()).collect();
    assert_eq!(methods, ["set_greeting", "get_greeting", "set_greeting", "get_greeting"]);
    assert_eq!(batch.logs.len(), 2, "logs of all actions in one outcome");
    let cb = tx.receipts.iter().find(|r| !r.inputs.is_empty()).expect("callback");
    assert_eq!(cb.inputs.len(), 1);
    assert_eq!(cb.inputs[0].status, InputStatus::Success(Value::Json("bye".into())));
    assert_eq!(batch.status, Status::Success(Outcome::Value(Value::Json("bye".into()))));
}

#[test]
fn multiple_contracts_scenario() {
    let tx = final_tx("multiple_contracts");
    let calls: Vec<&ReceiptNode> =
        tx.receipts.iter().filter(|r| !r.is_refund && r.block_offset == Some(2)).collect();
    assert_eq!(calls.len(), 3);
    let cb = tx.receipts.iter().find(|r| !r.inputs.is_empty()).expect("callback");
    assert_eq!(offset(cb), 3);
    assert_eq!(cb.inputs.len(), 3);
    let order: Vec<_> = cb.inputs.iter().map(|i| i.from).collect();
    let senders: Vec<_> = calls.iter().map(|r| Some(r.id)).collect();
    assert_eq!(order, senders, "inputs in promise_and order");
    assert!(matches!(cb.inputs[0].status, InputStatus::Success(_)));
    assert!(matches!(cb.inputs[1].status, InputStatus::Success(_)));
    assert_eq!(cb.inputs[2].status, InputStatus::Failed);
}

#[test]
fn forward_deposit_scenario() {
    let tx = final_tx("forward_deposit");
    let transfer = tx
        .receipts
        .iter()
        .find(|r| !r.is_refund && r.actions.first().is_some_and(|a| a.kind == "Transfer"))
        .expect("a transfer");
    assert_eq!(offset(transfer), 2);
    assert_eq!(transfer.actions[0].deposit.as_yoctonear(), 1_000_000_000_000_000_000_000);
}

#[test]
fn weights_scenario() {
    let tx = final_tx("weights");
    let burns = by_method(&tx, "burn");
    assert_eq!(burns.len(), 2);
    let tgas: Vec<String> =
        burns.iter().map(|r| format!("{:.2}", r.gas_attached.as_gas() as f64 / 1e12)).collect();
    assert_eq!(tgas, ["71.47", "214.41"]);
    let (a, b) = (burns[0].gas_attached.as_gas(), burns[1].gas_attached.as_gas());
    assert!(b.abs_diff(3 * a) <= 3, "1:3 split: {a} {b}");
}

/// `Trace::into_dag` (what `nearviz run` prints from, freeing the trace as it goes) builds the
/// same DAG as `Trace::dag`: for each capture and state recording, and for one trace holding
/// all of them (many transactions, state changes and headers side by side).
#[test]
fn into_dag_builds_the_same_dag_as_dag() {
    let mut paths = captures();
    paths.extend(STATE_CALLS.iter().map(|c| state(c)));
    let mut all = Trace::new();
    for path in &paths {
        let events: Vec<ChainEvent> = fixture::load(path).expect("load").chain_events().collect();
        let trace = Trace::from_events(events.clone());
        let expected = format!("{:?}", trace.dag());
        assert_eq!(format!("{:?}", trace.into_dag()), expected, "{}", path.display());
        for event in events {
            all.apply(event);
        }
    }
    let expected = all.dag();
    assert!(expected.transactions.len() > 10, "{} transactions", expected.transactions.len());
    assert_eq!(format!("{:?}", all.into_dag()), format!("{expected:?}"));
}

/// `Trace::settle` at each `TxDone` (as `nearviz run` does) builds the same DAG, through `dag`
/// and `into_dag`, and frees the settled transactions' views; later polls of a settled
/// transaction change nothing.
#[test]
fn settling_each_finished_transaction_builds_the_same_dag() {
    let mut paths = captures();
    paths.extend(STATE_CALLS.iter().map(|c| state(c)));
    let mut settled_any = 0;
    for path in &paths {
        let events: Vec<ChainEvent> = fixture::load(path).expect("load").chain_events().collect();
        let expected = format!("{:?}", Trace::from_events(events.clone()).dag());
        let mut trace = Trace::new();
        let mut last_poll = None;
        for event in events {
            if let ChainEvent::TxPoll(poll) = &event {
                last_poll = Some(poll.clone());
            }
            let done = match &event {
                ChainEvent::TxDone { tx, .. } => Some(*tx),
                _ => None,
            };
            trace.apply(event);
            if let Some(tx) = done {
                trace.settle(&tx);
                let t = trace.transaction(&tx).expect("seen");
                assert!(t.settled.is_some() && t.outcome.is_none(), "{}", path.display());
                settled_any += 1;
            }
        }
        if let Some(poll) = last_poll {
            // Reported again after it was settled: ignored.
            trace.apply(ChainEvent::TxPoll(poll));
        }
        assert_eq!(format!("{:?}", trace.dag()), expected, "{}", path.display());
        assert_eq!(format!("{:?}", trace.into_dag()), expected, "{}", path.display());
    }
    assert!(settled_any > 10, "{settled_any} transactions settled");
}
