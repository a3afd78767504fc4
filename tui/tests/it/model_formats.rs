//! The other input shapes give the same DAG as the capture they were cut from: a saved nearviz
//! fixture (Recorder round trip), a bare EXPERIMENTAL_tx_status response with block responses
//! beside it, its `result` alone, a plain `tx` answer; and newer node data degrades gracefully.

use crate::model_common::*;
use nearviz::fixture::{self, Meta, Recorder, SourceFormat};
use serde_json::{json, Value};
use std::path::Path;

fn receipts_of(out: &Value) -> Value {
    out["transactions"][0]["receipts"].clone()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn recorder_round_trip_keeps_every_event() {
    let dir = tempfile::tempdir().expect("tmp");
    for path in captures() {
        let rec = fixture::load(&path).expect("load");
        let meta =
            Meta { engine: Some("capture".into()), note: Some("test".into()), ..Meta::default() };
        let mut recorder = Recorder::new(meta.clone());
        for e in rec.events.iter().cloned() {
            recorder.push(e);
        }
        let saved = dir.path().join("saved.json");
        recorder.save(&saved).expect("save");
        let back = fixture::load(&saved).expect("load saved");
        assert_eq!(back.format, SourceFormat::Fixture);
        assert_eq!(back.meta, meta);
        assert_eq!(back.events.len(), rec.events.len());
        for (a, b) in rec.events.iter().zip(&back.events) {
            assert_eq!(a.at_ms, b.at_ms);
            assert_eq!(format!("{:?}", a.event), format!("{:?}", b.event));
        }
        assert_eq!(inspect_json(&saved), inspect_json(&path), "{}", path.display());
    }
    // Saving is atomic: nothing but the target is left in the directory.
    let names: Vec<_> =
        std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("e").file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("saved.json")]);
}

#[test]
fn saving_over_an_existing_file_replaces_it_whole() {
    let dir = tempfile::tempdir().expect("tmp");
    let target = write(dir.path(), "f.json", "old contents");
    let mut recorder = Recorder::new(Meta::default());
    for e in fixture::load(&capture("query_greeting")).expect("load").events {
        recorder.push(e);
    }
    recorder.save(&target).expect("save");
    assert!(fixture::load(&target).is_ok());
    let missing_dir = dir.path().join("no/such/dir/f.json");
    let err = recorder.save(&missing_dir).expect_err("no directory");
    assert!(err.to_string().contains("no/such/dir"), "{err}");
}

/// The capture's last response and block responses, as someone would save them with curl.
fn bare_parts(name: &str) -> (Value, Vec<Value>) {
    let raw = Raw::load(&capture(name));
    let polls = raw.json["polls"].as_array().expect("polls");
    let last = polls.last().expect("poll")["response"].clone();
    let blocks = raw.json["blocks"].as_object().expect("blocks").values().cloned().collect();
    (last, blocks)
}

#[test]
fn bare_response_with_blocks_beside_it() {
    let dir = tempfile::tempdir().expect("tmp");
    for name in ["query_greeting", "multiple_contracts", "call_failing"] {
        let expected = inspect_json(&capture(name));
        let (response, blocks) = bare_parts(name);
        // curl ... > f; curl ... >> f: JSON values one after the other.
        let mut stream = serde_json::to_string_pretty(&response).expect("json");
        for b in &blocks {
            stream.push('\n');
            stream.push_str(&serde_json::to_string(b).expect("json"));
        }
        let f = write(dir.path(), "stream.json", &stream);
        let got = inspect_json(&f);
        assert_eq!(receipts_of(&got), receipts_of(&expected), "{name} stream");
        assert_eq!(got["transactions"][0]["status"], expected["transactions"][0]["status"]);
        assert_eq!(got["transactions"][0]["gas_burnt"], expected["transactions"][0]["gas_burnt"]);
        // A JSON array of the block results first, then the `result` alone.
        let mut items: Vec<Value> = blocks.iter().map(|b| b["result"].clone()).collect();
        items.push(response["result"].clone());
        let f = write(dir.path(), "array.json", &Value::Array(items).to_string());
        assert_eq!(receipts_of(&inspect_json(&f)), receipts_of(&expected), "{name} array");
    }
}

#[test]
fn bare_result_without_blocks_has_no_heights_but_the_same_shape() {
    let dir = tempfile::tempdir().expect("tmp");
    let (response, _) = bare_parts("multiple_contracts");
    let f = write(dir.path(), "r.json", &response["result"].to_string());
    let got = inspect_json(&f);
    let tx = &got["transactions"][0];
    assert_eq!(tx["block_height"], Value::Null);
    let receipts = tx["receipts"].as_array().expect("r");
    assert_eq!(receipts.len(), 10);
    assert!(receipts.iter().all(|r| r["block_height"].is_null() && r["block_offset"].is_null()));
    let cb =
        receipts.iter().find(|r| r["inputs"].as_array().is_some_and(|i| i.len() == 3)).expect("cb");
    assert_eq!(cb["inputs"][2]["status"], "failed");
}

#[test]
fn plain_tx_answer_without_receipts_still_shows_the_tree() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut response, blocks) = bare_parts("query_greeting");
    response["result"].as_object_mut().expect("obj").remove("receipts");
    let mut text = response.to_string();
    for b in &blocks {
        text.push_str(&b.to_string());
    }
    let got = inspect_json(&write(dir.path(), "tx.json", &text));
    let expected = inspect_json(&capture("query_greeting"));
    let (g, e) = (receipts_of(&got), receipts_of(&expected));
    let (g, e) = (g.as_array().expect("g"), e.as_array().expect("e"));
    assert_eq!(g.len(), e.len());
    for (g, e) in g.iter().zip(e) {
        for key in
            ["id", "parent", "block_offset", "status", "result", "gas_burnt", "logs", "is_refund"]
        {
            assert_eq!(g[key], e[key], "{key} of {}", e["id"]);
        }
    }
}

#[test]
fn unknown_action_kinds_from_newer_nodes_degrade_with_a_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut response, _) = bare_parts("query_greeting");
    let receipts = response["result"]["receipts"].as_array_mut().expect("r");
    receipts[0]["receipt"]["Action"]["actions"] = json!([{ "TeleportAccount": { "to": "x" } }]);
    let f = write(dir.path(), "new.json", &response.to_string());
    let (ok, out, err) = inspect(&f, nearviz::cli::Format::Json);
    assert!(ok, "{err}");
    assert!(err.contains("TeleportAccount") && err.contains("skipped"), "{err}");
    let got: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(got["transactions"][0]["receipts"].as_array().expect("r").len(), 6);
}

#[test]
fn included_only_result_is_named_clearly() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(
        dir.path(),
        "inc.json",
        r#"{"jsonrpc":"2.0","id":1,"result":{"final_execution_status":"INCLUDED"}}"#,
    );
    let (ok, _, err) = inspect(&f, nearviz::cli::Format::Tree);
    assert!(!ok);
    assert!(err.contains("inc.json") && err.contains("without its `transaction`"), "{err}");
}

/// `--record /dev/null` or a FIFO: written to as it is, never renamed over (that replaced the
/// device with a file).
#[test]
fn saving_to_a_fifo_writes_through_it_and_keeps_it() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("tmp");
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    let source = captures().into_iter().next().expect("a capture");
    let mut recorder = Recorder::new(Meta::default());
    for e in fixture::load(&source).expect("load").events {
        recorder.push(e);
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).expect("read the fifo"))
    };
    recorder.save(&fifo).expect("save into the fifo");
    // Checked before waiting for the reader, which would wait forever on a replaced fifo.
    let kind = std::fs::symlink_metadata(&fifo).expect("still there").file_type();
    assert!(kind.is_fifo(), "the fifo was replaced: {kind:?}");
    let bytes = reader.join().expect("reader");
    let copy = dir.path().join("copy.json");
    std::fs::write(&copy, &bytes).expect("write copy");
    let back = fixture::load(&copy).expect("what went through the fifo loads");
    assert_eq!(back.events.len(), recorder.events().len());
}
