//! `nearviz tx` end to end: the real binary against a loopback JSON-RPC server.

use crate::support::captures::{capture_node, node_error, Capture};
use crate::support::cli::tx_args;
use crate::support::loopback::{closed_port_url, LoopbackRpc, Reply};
use serde_json::Value;
use std::process::Output;
use std::sync::Arc;

/// Runs `nearviz ARGS` off the async runtime (the server keeps answering meanwhile).
async fn nearviz(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_nearviz"))
            .args(&args)
            .env("NO_COLOR", "1")
            .output()
            .expect("run nearviz")
    })
    .await
    .expect("join")
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// `nearviz tx TX --sender SENDER --rpc URL --format json`.
fn tx_json(tx: &str, sender: &str, rpc: &str) -> Vec<String> {
    tx_args(tx, sender, rpc, &["--format", "json"])
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// One clear line on stderr, nothing on stdout, the given exit code.
fn assert_fails(output: &Output, code: i32, needle: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(code), "stderr: {err}");
    assert!(output.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&output.stdout));
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "expected `{needle}` in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

const SOME_TX: &str = "HbS7wYV7YbYB4SyZJRHYUxAsufhnnVJcMkp7ZgXukcwj";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_exits_2_with_one_line() {
    let url = closed_port_url().await;
    let bad_hash = nearviz(tx_json("not-a-hash", "alice.near", &url)).await;
    assert_fails(&bad_hash, 2, "not a transaction hash");
    let bad_sender = nearviz(tx_json(SOME_TX, "Alice!", &url)).await;
    assert_fails(&bad_sender, 2, "not a NEAR account id");
    let nowhere =
        nearviz(args(&["tx", SOME_TX, "--sender", "alice.near", "--format", "json"])).await;
    assert_fails(&nowhere, 2, "--rpc URL or --network");
    let bad_url = nearviz(tx_json(SOME_TX, "alice.near", "ftp://x")).await;
    assert_fails(&bad_url, 2, "http://");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_rpc_exits_3() {
    let url = closed_port_url().await;
    let output = nearviz(tx_json(SOME_TX, "alice.near", &url)).await;
    assert_fails(&output, 3, &url);
    assert!(stderr(&output).to_lowercase().contains("refused"), "{}", stderr(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_node_exits_3_with_its_message() {
    let node = LoopbackRpc::start(Arc::new(|_: &str, _: &Value| {
        Reply::Json(node_error("INTERNAL_ERROR", "storage is on fire"))
    }))
    .await;
    let output = nearviz(tx_json(SOME_TX, "alice.near", &node.url)).await;
    assert_fails(&output, 3, "storage is on fire");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_transactions_and_accounts_exit_2() {
    let capture = Capture::load("query_greeting");
    let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 1)).await;
    // A transaction the node does not know, from an account it knows.
    let other_tx = "11111111111111111111111111111111";
    let unknown_tx = nearviz(tx_json(other_tx, &capture.sender, &node.url)).await;
    assert_fails(&unknown_tx, 2, &format!("transaction {other_tx} not found"));
    // ... and from an account that does not exist: the message says which.
    let unknown_account = nearviz(tx_json(other_tx, "nobody.test.near", &node.url)).await;
    assert_fails(&unknown_account, 2, "account nobody.test.near does not exist");
}

/// `nearviz inspect CAPTURE --format json`: the same DAG read from the recording.
async fn inspect_json(name: &str) -> Value {
    let path = format!("{}/../fixtures/reference/captures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let output = nearviz(args(&["inspect", &path, "--format", "json"])).await;
    assert_eq!(output.status.code(), Some(0), "inspect: {}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("inspect prints JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_transaction_prints_the_same_dag_as_its_recording() {
    for name in ["query_greeting", "multiple_contracts"] {
        let mut capture = Capture::load(name);
        // Already FINAL, as a transaction on a real network usually is.
        capture.polls = vec![capture.polls.last().cloned().expect("polls")];
        let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 1)).await;
        let output = nearviz(tx_json(&capture.tx_hash, &capture.sender, &node.url)).await;
        assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
        let live: Value = serde_json::from_slice(&output.stdout).expect("tx prints JSON");
        let recorded = inspect_json(name).await;
        let live_tx = &live["transactions"][0];
        let recorded_tx = &recorded["transactions"][0];
        assert_eq!(live["transactions"].as_array().map(Vec::len), Some(1));
        assert_eq!(live_tx["hash"], Value::String(capture.tx_hash.clone()));
        // Same receipts, blocks, statuses, gas, logs and edges (labels and timing may differ).
        for key in [
            "receipts",
            "status",
            "result",
            "progress",
            "gas_burnt",
            "tokens_burnt",
            "block_height",
            "signer",
            "receiver",
        ] {
            assert_eq!(live_tx[key], recorded_tx[key], "{name}: {key}");
        }
        assert!(live_tx["receipts"].as_array().is_some_and(|r| !r.is_empty()), "{name}");
        assert_eq!(node.count("block"), capture.blocks.len(), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_output_format_works_for_a_transaction_that_is_still_running() {
    let capture = Capture::load("call_failing");
    let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 1)).await;
    for format in ["tree", "dot", "mermaid"] {
        let output =
            nearviz(tx_args(&capture.tx_hash, &capture.sender, &node.url, &["--format", format]))
                .await;
        assert_eq!(output.status.code(), Some(0), "{format}: {}", stderr(&output));
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("deliberate failure") || format != "tree", "{format}: {text}");
        assert!(!text.trim().is_empty(), "{format}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_saves_what_was_observed_as_a_fixture() {
    let mut capture = Capture::load("batch_actions");
    capture.polls = vec![capture.polls.last().cloned().expect("polls")];
    let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 1)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("batch.json");
    let file_arg = file.display().to_string();
    let more = ["--format", "json", "--record", &file_arg];
    let output = nearviz(tx_args(&capture.tx_hash, &capture.sender, &node.url, &more)).await;
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let printed: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let replayed = nearviz(args(&["inspect", &file_arg, "--format", "json"])).await;
    assert_eq!(replayed.status.code(), Some(0), "inspect: {}", stderr(&replayed));
    let replayed: Value = serde_json::from_slice(&replayed.stdout).expect("JSON");
    assert_eq!(printed, replayed, "the recording replays to the same DAG");

    // A failed run still leaves its recording.
    let failed_file = dir.path().join("unknown.json");
    let failed_arg = failed_file.display().to_string();
    let unknown = "11111111111111111111111111111111";
    let more = ["--format", "json", "--record", &failed_arg];
    let failed = nearviz(tx_args(unknown, &capture.sender, &node.url, &more)).await;
    assert_fails(&failed, 2, "not found");
    let text = std::fs::read_to_string(&failed_file).expect("recording written");
    assert!(text.contains("tx_done") && text.contains("not found"), "{text}");
}
