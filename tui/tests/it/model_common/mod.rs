//! Shared helpers for the fixture-driven tests: the reference captures, `inspect`, and the
//! receipts a capture's polls report.

use base64::Engine;
use near_primitives::hash::CryptoHash;
use near_primitives::views::{ReceiptEnumView, ReceiptView};
use nearviz::chain::{ChainEvent, TxStatusReply};
use nearviz::cli::Format;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn captures_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reference/captures")).to_path_buf()
}

/// Every capture file, sorted.
pub fn captures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(captures_dir())
        .expect("captures dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "expected the reference captures");
    files
}

pub fn capture(name: &str) -> PathBuf {
    captures_dir().join(format!("{name}.json"))
}

/// The calls of the real-neard state recordings (`fixtures/reference/state/`), in the order the
/// recorder ran them (`tui/scenarios/examples.toml`).
pub const STATE_CALLS: [&str; 15] = [
    "query_greeting",
    "change_greeting",
    "batch_actions",
    "multiple_contracts",
    "call_failing_with_rollback",
    "batch_failing",
    "chain",
    "callback_panics",
    "weights",
    "query_greeting_low_level",
    "similar_contracts",
    "out_of_gas",
    "joint_return",
    "forward_deposit",
    "guestbook_premium",
];

/// The real-neard state recording of one call.
pub fn state(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reference/state"))
        .join(format!("{name}.json"))
}

pub fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// `nearviz inspect FILE --format F`: (exit code is success, stdout, stderr).
pub fn inspect(path: &Path, format: Format) -> (bool, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let result = nearviz::commands::inspect::run_with(path, format, &mut out, &mut err);
    let code = nearviz::exit::report(result, &mut err);
    let ok = code == std::process::ExitCode::SUCCESS;
    (ok, String::from_utf8(out).expect("utf8"), String::from_utf8(err).expect("utf8"))
}

pub fn inspect_json(path: &Path) -> Value {
    let (ok, out, err) = inspect(path, Format::Json);
    assert!(ok, "inspect {} failed: {err}", path.display());
    serde_json::from_str(&out).expect("inspect prints JSON")
}

/// The decoded bytes of a base64 field, read as the DAG should show them.
pub fn decoded(b64: &str) -> Value {
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).expect("base64");
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| serde_json::json!({ "base64": b64, "len": bytes.len() }))
}

/// The raw capture's last poll `result` and its block heights.
pub struct Raw {
    pub json: Value,
}

impl Raw {
    pub fn load(path: &Path) -> Raw {
        Raw { json: read_json(path) }
    }
    pub fn last(&self) -> &Value {
        let polls = self.json["polls"].as_array().expect("polls");
        &polls.last().expect("a poll")["response"]["result"]
    }
    pub fn height(&self, block_hash: &str) -> Option<u64> {
        self.json["blocks"][block_hash]["result"]["header"]["height"].as_u64()
    }
    pub fn receipt<'a>(&'a self, result: &'a Value, id: &str) -> Option<&'a Value> {
        result["receipts"].as_array()?.iter().find(|r| r["receipt_id"] == id)
    }
}

/// The receipt with this id in an `inspect --format json` transaction.
pub fn out_receipt<'a>(tx: &'a Value, id: &str) -> &'a Value {
    tx["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("receipt {id} missing from the output"))
}

pub fn u128_of(v: &Value) -> u128 {
    v.as_str().expect("yocto string").parse().expect("u128")
}

/// The DAG of a reference capture.
pub fn capture_dag(name: &str) -> nearviz::model::Dag {
    let recording = nearviz::fixture::load(&capture(name)).expect("capture loads");
    nearviz::model::Trace::from_events(recording.chain_events()).dag()
}

/// A reference capture's events, as an engine reported them.
pub fn capture_events(name: &str) -> Vec<ChainEvent> {
    nearviz::fixture::load(&capture(name)).expect("capture").chain_events().collect()
}

/// The receipt views of the last poll (every receipt once it ran).
pub fn final_views(events: &[ChainEvent]) -> Vec<ReceiptView> {
    events
        .iter()
        .rev()
        .find_map(|e| match e {
            ChainEvent::TxPoll(p) => match &p.reply {
                TxStatusReply::Known { outcome: Some(o), .. } => Some(o.receipts.clone()),
                _ => None,
            },
            _ => None,
        })
        .expect("a poll with the receipts")
}

/// A receipt that waits for data: a callback.
pub fn is_callback(view: &ReceiptView) -> bool {
    matches!(&view.receipt, ReceiptEnumView::Action { input_data_ids, .. } if !input_data_ids.is_empty())
}

/// Events up to (not including) the first poll in which `id` has an outcome.
pub fn before_outcome_of(events: &[ChainEvent], id: &CryptoHash) -> Vec<ChainEvent> {
    let ran = |e: &ChainEvent| match e {
        ChainEvent::TxPoll(p) => match &p.reply {
            TxStatusReply::Known { outcome: Some(o), .. } => {
                o.final_outcome.receipts_outcome.iter().any(|r| r.id == *id)
            }
            _ => false,
        },
        _ => false,
    };
    let end = events.iter().position(ran).expect("the receipt runs in the capture");
    events[..end].to_vec()
}
