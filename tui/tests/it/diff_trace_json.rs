//! The trace JSON is one schema (`nearviz::trace_json`): what `--format json` writes, `diff`
//! reads back into the same DAG, which writes the same bytes again. Over every reference
//! capture and real-neard state recording, so every status, input, state change kind and
//! ledger part they hold goes both ways.

use crate::model_common::{captures, state, STATE_CALLS};
use nearviz::diff::trace;
use nearviz::model::{Dag, Trace};
use std::path::PathBuf;

fn written(dag: &Dag) -> String {
    let mut out = Vec::new();
    nearviz::output::json(dag, &mut out).expect("json");
    String::from_utf8(out).expect("utf8")
}

fn recordings() -> Vec<PathBuf> {
    let mut all = captures();
    all.extend(STATE_CALLS.map(state));
    all
}

#[test]
fn write_read_write_is_the_same_bytes() {
    let mut changes = 0;
    for path in recordings() {
        let recording = nearviz::fixture::load(&path).expect("recording loads");
        let dag = Trace::from_events(recording.chain_events()).dag();
        let first = written(&dag);
        let read = trace::parse(&first).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(read.transactions.len(), dag.transactions.len(), "{}", path.display());
        let second = written(&read);
        assert!(first == second, "{}: the trace JSON changed on a round trip", path.display());
        changes += read.transactions.iter().map(|t| t.state_changes.len()).sum::<usize>();
    }
    assert!(changes > 0, "the recordings carry state changes");
}

/// Each state change's place in its block, transaction by transaction (kept, then reverted).
fn positions(dag: &Dag) -> Vec<Vec<Option<u32>>> {
    let tx = |t: &nearviz::model::TxNode| {
        let mut all: Vec<Option<u32>> = t.state_changes.iter().map(|c| c.position).collect();
        for r in &t.receipts {
            all.extend(r.state_changes.iter().chain(&r.reverted_changes).map(|c| c.position));
        }
        all
    };
    dag.transactions.iter().map(tx).collect()
}

/// The in-block positions go both ways: the DAG read back holds the live DAG's, change by
/// change (reverted changes have none, and stay so).
#[test]
fn positions_survive_a_round_trip() {
    let mut known = 0;
    for path in recordings() {
        let recording = nearviz::fixture::load(&path).expect("recording loads");
        let dag = Trace::from_events(recording.chain_events()).dag();
        let read =
            trace::parse(&written(&dag)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let live = positions(&dag);
        assert_eq!(positions(&read), live, "{}", path.display());
        known += live.iter().flatten().filter(|p| p.is_some()).count();
    }
    assert!(known > 0, "the recordings carry positions");
    // A change without a position writes none, like traces written before positions were kept,
    // and reads back without one.
    let recording = nearviz::fixture::load(&state("call_failing_with_rollback")).expect("loads");
    let mut dag = Trace::from_events(recording.chain_events()).dag();
    for tx in &mut dag.transactions {
        let receipts = tx.receipts.iter_mut().flat_map(|r| r.state_changes.iter_mut());
        for change in tx.state_changes.iter_mut().chain(receipts) {
            change.position = None;
        }
    }
    let text = written(&dag);
    assert!(!text.contains("\"position\""), "a position written for an unknown one");
    let read = trace::parse(&text).expect("reads back");
    assert!(positions(&read).iter().flatten().all(Option::is_none));
}

#[test]
fn keys_are_written_in_the_schema_order() {
    let recording = nearviz::fixture::load(&state("call_failing_with_rollback")).expect("loads");
    let dag = Trace::from_events(recording.chain_events()).dag();
    let json: serde_json::Value = serde_json::from_str(&written(&dag)).expect("json");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v.as_object().expect("object").keys().cloned().collect()
    };
    let tx = &json["transactions"][0];
    assert_eq!(
        keys(tx)[..8],
        ["hash", "label", "signer", "receiver", "actions", "block_height", "status", "waiting"]
    );
    let data = tx["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .flat_map(|r| r["state_changes"].as_array().expect("changes"))
        .find(|c| c["kind"] == "data_update")
        .expect("a data update");
    assert_eq!(
        keys(data),
        [
            "cause",
            "kind",
            "account",
            "block_hash",
            "block_height",
            "position",
            "key_base64",
            "value_base64",
            "before_base64",
            "before_unknown",
            "key",
            "value"
        ]
    );
}
