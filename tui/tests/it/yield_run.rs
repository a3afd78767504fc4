//! The yield scenario (`tui/scenarios/yield.toml`, NEP-519) end to end: the real `nearviz run`
//! on the embedded runtime. A yielded callback waits for `respond` from another transaction and
//! returns its payload; unanswered, it runs after the 200-block timeout with a failed input.

use crate::support::cli::{nearviz, text};
use serde_json::{json, Value};

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/yield.toml");

fn run(call: &str) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = ["run", "--engine", "embedded", "--scenario", SCENARIO, "--call", call];
    let out = nearviz(&[&args[..], &["--format", "json"]].concat(), dir.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "nearviz run failed:\n{stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stderr}"))
}

fn tx<'a>(json: &'a Value, label: &str) -> &'a Value {
    let txs = json["transactions"].as_array().expect("transactions");
    txs.iter().find(|t| t["label"] == label).unwrap_or_else(|| panic!("no {label} in {json}"))
}

fn receipt<'a>(tx: &'a Value, method: &str) -> &'a Value {
    let receipts = tx["receipts"].as_array().expect("receipts");
    receipts
        .iter()
        .find(|r| r["actions"][0]["method"] == method)
        .unwrap_or_else(|| panic!("no {method} receipt in {}", tx["label"]))
}

fn height(v: &Value) -> u64 {
    v["block_height"].as_u64().unwrap_or_else(|| panic!("no block_height in {v}"))
}

#[test]
fn the_committed_wasm_is_built_from_the_wat() {
    let wat = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/res/yielder.wat");
    let built = wat::parse_file(wat).expect("yielder.wat parses");
    let committed =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/res/yielder.wasm"))
            .expect("yielder.wasm");
    assert_eq!(committed, built, "rebuild: wat2wasm yielder.wat -o yielder.wasm");
}

#[test]
fn an_answered_yield_runs_its_callback_with_the_payload() {
    let json = run("ask_then_respond");
    let (ask, respond) = (tx(&json, "ask_then_respond#1"), tx(&json, "ask_then_respond#2"));
    assert_eq!(respond["status"], "success", "{respond}");
    assert_eq!(receipt(respond, "respond")["result"], true, "respond resumed the yield");
    let answer = receipt(ask, "answer");
    assert_eq!(answer["status"], "success", "{answer}");
    assert_eq!(answer["result"], json!({ "answer": 42 }), "the callback returns the payload");
    // It waited for the answer: it ran after the respond transaction, not with the ask.
    assert_eq!(height(respond), height(ask) + 3, "respond sent three blocks after ask");
    assert!(height(answer) > height(receipt(respond, "respond")), "{answer}");
    assert_eq!(ask["status"], "success");
}

#[test]
fn an_unanswered_yield_times_out_after_200_blocks() {
    let json = run("ask");
    let ask = tx(&json, "ask");
    let answer = receipt(ask, "answer");
    assert_eq!(answer["result"], "timeout", "a failed input: {answer}");
    assert_eq!(answer["inputs"][0]["value"], Value::Null, "no payload: {answer}");
    let waited = height(answer) - height(receipt(ask, "ask"));
    assert!((200..=202).contains(&waited), "ran {waited} blocks after the yield");
}
