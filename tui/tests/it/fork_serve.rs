//! Forking a network, with a real `nearviz serve` on loopback as the network (it keeps real
//! state and answers `query` at past blocks, as a node does): a second `serve --fork` and a
//! `run --fork` drive the same contracts, and every call gives what the same call gives on the
//! source: status, logs and gas of every receipt, and the contract state after.

use crate::serve_common::{sign_call, Server};
use crate::support::cli::{text, Home};
use serde_json::{json, Value};
use std::path::Path;

/// The head block's height.
pub fn head_height(server: &Server) -> u64 {
    let block = server.rpc("block", json!({"finality": "optimistic"}));
    block["result"]["header"]["height"].as_u64().expect("height")
}

/// `serve --fork SOURCE --fork-block HEIGHT`, its fork cache in `cache` (a serve's block
/// hashes repeat from one start to the next: each test keeps its own).
pub fn fork_of(source: &Server, height: u64, cache: &Path) -> Server {
    let height = height.to_string();
    let args = ["--instant", "--fork", source.url.as_str(), "--fork-block", height.as_str()];
    Server::start_with_env(&args, &[("NEARVIZ_FORK_CACHE", cache)])
}

/// Sends a call signed by alice and waits until FINAL; the result.
pub fn send(server: &Server, receiver: &str, method: &str, args: Value) -> Value {
    let (b64, _) = sign_call(server, "alice.test.near", receiver, method, args, 0);
    let sent = server.rpc("send_tx", json!({"signed_tx_base64": b64, "wait_until": "FINAL"}));
    assert!(sent.get("error").is_none(), "{sent}");
    sent["result"].clone()
}

/// What must be the same on the fork and on the source: the status, and per receipt its
/// executor, status kind, logs and gas burnt (ids and blocks differ).
fn shape(result: &Value) -> Vec<String> {
    let mut lines = vec![result["status"].to_string()];
    for receipt in result["receipts_outcome"].as_array().expect("receipts") {
        let outcome = &receipt["outcome"];
        let status = match outcome["status"].as_object().and_then(|s| s.keys().next()) {
            Some(kind) if kind == "SuccessReceiptId" => kind.clone(),
            _ => outcome["status"].to_string(),
        };
        lines.push(format!(
            "{} {status} {} {}",
            outcome["executor_id"], outcome["logs"], outcome["gas_burnt"]
        ));
    }
    lines
}

fn query(server: &Server, request: Value) -> Value {
    let mut params = request;
    params["finality"] = json!("optimistic");
    let answer = server.rpc("query", params);
    let mut result = answer["result"].clone();
    if let Value::Object(map) = &mut result {
        map.remove("block_height");
        map.remove("block_hash");
    }
    result
}

#[test]
fn a_forked_serve_gives_every_call_the_outcome_it_has_on_the_source() {
    let source = Server::start(&["--instant"]);
    let cache = tempfile::tempdir().expect("cache");
    let height = head_height(&source);
    let fork = fork_of(&source, height, cache.path());
    assert!(head_height(&fork) >= height, "the fork starts at the forked block");
    for (receiver, method, args) in [
        ("hello.test.near", "set_greeting", json!({"greeting": "forked"})),
        ("xcc.test.near", "multiple_contracts", json!({})),
        ("xcc.test.near", "call_failing_with_rollback", json!({})),
        ("xcc.test.near", "query_greeting", json!({})),
    ] {
        let on_fork = send(&fork, receiver, method, args.clone());
        let on_source = send(&source, receiver, method, args);
        assert_eq!(shape(&on_fork), shape(&on_source), "{method}");
    }
    for request in [
        json!({"request_type": "view_state", "account_id": "hello.test.near", "prefix_base64": ""}),
        json!({"request_type": "view_state", "account_id": "counter.test.near", "prefix_base64": ""}),
        json!({"request_type": "view_account", "account_id": "alice.test.near"}),
        json!({"request_type": "view_account", "account_id": "xcc.test.near"}),
    ] {
        let (on_fork, on_source) = (query(&fork, request.clone()), query(&source, request));
        assert!(on_fork.get("error").is_none() && !on_fork.is_null(), "{on_fork}");
        assert_eq!(on_fork, on_source);
    }
}

const FORKED_SCENARIO: &str = r#"
title = "forked examples"

[[account]]
name = "hello.test.near"
fork = true

[[account]]
name = "alice.test.near"
fork = true

[[call]]
name = "greet"
signer = "alice.test.near"
receiver = "hello.test.near"
method = "get_greeting"
explain = "The source's greeting, read on the fork."
"#;

#[test]
fn run_drives_the_forked_accounts_a_scenario_names() {
    let source = Server::start(&["--instant"]);
    send(&source, "hello.test.near", "set_greeting", json!({"greeting": "from the source"}));
    let height = head_height(&source).to_string();
    let home = Home::new();
    let scenario = home.path("fork.toml");
    std::fs::write(&scenario, FORKED_SCENARIO).expect("write scenario");
    let out = home
        .nearviz()
        .args(["run", scenario.to_str().expect("path"), "--all", "--format", "json"])
        .args(["--fork", source.url.as_str(), "--fork-block", height.as_str()])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("from the source"), "{}", text(&out.stdout));
    // A second run of the same fork reads the cache: it needs no RPC any more.
    let url = source.url.clone();
    drop(source);
    let again = home
        .nearviz()
        .args(["run", scenario.to_str().expect("path"), "--all", "--format", "json"])
        .args(["--fork", url.as_str(), "--fork-block", height.as_str()])
        .output()
        .expect("run");
    assert!(again.status.success(), "offline: {}", text(&again.stderr));
    assert!(text(&again.stdout).contains("from the source"), "{}", text(&again.stdout));
}

/// `nearviz run --all` (the built-in scenario) on a fork of `source` at its head: with
/// `--instant` no block follows the source's own init calls until one is asked for.
fn run_all_on_fork_of(source: &Server, home: &Home) -> std::process::Output {
    let (height, cache) = (head_height(source).to_string(), tempfile::tempdir().expect("cache"));
    home.nearviz()
        .args(["run", "--all", "--fork", source.url.as_str(), "--fork-block", height.as_str()])
        .env("NEARVIZ_FORK_CACHE", cache.path())
        .output()
        .expect("run")
}

#[test]
fn the_builtin_scenario_runs_on_a_fork_of_a_serve_that_has_its_accounts() {
    let source = Server::start(&["--instant"]);
    let out = run_all_on_fork_of(&source, &Home::new());
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "every call as the scenario expects: {stderr}");
    for account in ["hello", "counter", "guestbook", "xcc", "alice", "bob"] {
        let line = format!("{account}.test.near: the fork's account, as it is there");
        assert!(stderr.contains(&line), "{line} in {stderr}");
    }
    assert!(!stderr.contains("creating"), "nothing created again: {stderr}");
    assert!(!stderr.contains("init xcc.new"), "xcc has its state already: {stderr}");
}

#[test]
fn an_account_the_fork_has_with_other_code_is_bad_input() {
    let home = Home::new();
    let scenario = home.path("other.toml");
    let other = "title = \"other\"\n[[account]]\nname = \"hello\"\nwasm = \"builtin:counter\"\n";
    std::fs::write(&scenario, other).expect("write scenario");
    let source = Server::start(&["--instant", "--scenario", scenario.to_str().expect("path")]);
    let out = run_all_on_fork_of(&source, &home);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("hello.test.near already exists on"), "{stderr}");
    assert!(stderr.contains("with other code"), "{stderr}");
}

#[test]
fn an_adopted_contract_without_state_at_the_fork_block_is_initialised_there() {
    let source = Server::start(&["--instant"]);
    let final_block = source.rpc("block", json!({"finality": "final"}));
    let height = final_block["result"]["header"]["height"].as_u64().expect("height");
    let state = source.rpc(
        "query",
        json!({"request_type": "view_state", "account_id": "xcc.test.near",
               "prefix_base64": "", "block_id": height}),
    );
    let has_state = !state["result"]["values"].as_array().expect("values").is_empty();
    let (home, cache) = (Home::new(), tempfile::tempdir().expect("cache"));
    let out = home
        .nearviz()
        .args(["run", "--all", "--fork", source.url.as_str(), "--fork-block", "final"])
        .env("NEARVIZ_FORK_CACHE", cache.path())
        .output()
        .expect("run");
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "every call as the scenario expects: {stderr}");
    assert_eq!(stderr.contains("init xcc.new"), !has_state, "at #{height}: {stderr}");
}
