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
            "key_base64",
            "value_base64",
            "before_base64",
            "before_unknown",
            "key",
            "value"
        ]
    );
}
