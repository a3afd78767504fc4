//! `nearviz tx HASH --rpc URL --rerun` against a real `nearviz serve`: each transaction of a
//! session, re-run on a fork at the block before it, is `equal` to what it did on the source;
//! with `--patch-wasm` the diff names the receipt that changed.

use crate::serve_common::{sign_call, Server};
use crate::support::cli::{text, tx_args, Home};
use serde_json::json;
use std::path::Path;
use std::process::Output;

/// Sends a call signed by alice, waits until FINAL; its hash.
fn send(server: &Server, receiver: &str, method: &str, args: serde_json::Value) -> String {
    let (b64, hash) = sign_call(server, "alice.test.near", receiver, method, args, 0);
    let sent = server.rpc("send_tx", json!({"signed_tx_base64": b64, "wait_until": "FINAL"}));
    assert!(sent.get("error").is_none(), "{sent}");
    hash.to_string()
}

fn rerun(home: &Home, server: &Server, hash: &str, more: &[&str]) -> Output {
    let mut args = tx_args(hash, "alice.test.near", &server.url, &["--rerun"]);
    args.extend(more.iter().map(|s| (*s).to_owned()));
    home.nearviz().args(&args).output().expect("run nearviz tx --rerun")
}

#[test]
fn every_transaction_of_a_session_re_runs_equal() {
    let server = Server::start(&["--instant"]);
    let home = Home::new();
    let hashes = [
        send(&server, "hello.test.near", "set_greeting", json!({"greeting": "re-run me"})),
        send(&server, "xcc.test.near", "multiple_contracts", json!({})),
        send(&server, "xcc.test.near", "batch_actions", json!({})),
        send(&server, "xcc.test.near", "call_failing_with_rollback", json!({})),
        send(&server, "xcc.test.near", "callback_panics", json!({})),
    ];
    for hash in &hashes {
        let out = rerun(&home, &server, hash, &[]);
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{hash}: {stdout}\n{}", text(&out.stderr));
        assert!(stdout.trim_end().ends_with("equal"), "{hash}: {stdout}");
    }
}

#[test]
fn a_patched_contract_re_runs_and_the_diff_names_the_receipt_it_changed() {
    let server = Server::start(&["--instant"]);
    let home = Home::new();
    let hash = send(&server, "xcc.test.near", "multiple_contracts", json!({}));
    let counter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contract/res/guestbook.wasm");
    let patch = format!("counter.test.near={}", counter.display());
    let out = rerun(&home, &server, &hash, &["--patch-wasm", &patch]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{}", text(&out.stderr));
    let changed = stdout.lines().find(|l| l.contains("counter.test.near get_num"));
    assert!(changed.is_some(), "the diff does not name counter's receipt: {stdout}");
    assert!(stdout.contains("MethodNotFound") || stdout.contains("status"), "{stdout}");

    let out = rerun(&home, &server, &hash, &["--patch-wasm", "counter.test.near=nope.wasm"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}
