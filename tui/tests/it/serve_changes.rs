//! `EXPERIMENTAL_changes_in_block` and `EXPERIMENTAL_changes` served by the real
//! `nearviz serve --headless`, against what a real neard answered for the same built-in scenario
//! calls (`fixtures/reference/state`): block by block from the one that included the
//! transaction, the same touched list and, per kind, the same changes (type, account, cause,
//! data keys and values, code hashes) in the same order. Then the node's errors, and the RPC
//! engine's state fetcher following `serve` (nearviz following nearviz) getting the changes the
//! embedded runtime recorded.

use crate::serve_common::Server;
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use nearviz_runtime::public_key_for;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;

const KINDS: [&str; 4] =
    ["account_changes", "data_changes", "all_access_key_changes", "contract_code_changes"];

fn id(name: &str) -> AccountId {
    name.parse().expect("account id")
}

fn result(answer: Value) -> Value {
    assert!(answer.get("error").is_none(), "{answer}");
    answer["result"].clone()
}

/// Signs and sends a function call as the scenario's signer, until FINAL; its hash.
fn call(
    server: &Server,
    signer: &str,
    receiver: &str,
    method: &str,
    args: Value,
    deposit: u128,
) -> CryptoHash {
    let (b64, hash) =
        crate::serve_common::sign_call(server, signer, receiver, method, args, deposit);
    let sent =
        result(server.rpc("send_tx", json!({"signed_tx_base64": b64, "wait_until": "FINAL"})));
    assert!(sent["status"]["SuccessValue"].is_string(), "{method} failed: {sent}");
    hash
}

/// The heights of the blocks from the one that included `tx` to its last receipt.
fn tx_heights(server: &Server, tx: &CryptoHash, sender: &str) -> (u64, u64, HashSet<String>) {
    let status = result(server.rpc(
        "EXPERIMENTAL_tx_status",
        json!({"tx_hash": tx, "sender_account_id": sender, "wait_until": "FINAL"}),
    ));
    let height = |hash: &Value| {
        let block = result(server.rpc("block", json!({"block_id": hash})));
        block["header"]["height"].as_u64().expect("height")
    };
    let first = height(&status["transaction_outcome"]["block_hash"]);
    let outcomes = status["receipts_outcome"].as_array().expect("receipts");
    let last = outcomes.iter().map(|o| height(&o["block_hash"])).max().unwrap_or(first);
    let receipts =
        outcomes.iter().map(|o| o["id"].as_str().unwrap_or_default().to_owned()).collect();
    (first, last, receipts)
}

/// What two nodes running the same call must agree on in one change or touched entry.
fn skeleton(change: &Value) -> Value {
    let c = &change["change"];
    let account = change["account_id"].as_str().or(c["account_id"].as_str()).unwrap_or_default();
    let mut fields: Vec<&String> = c.as_object().map(|m| m.keys().collect()).unwrap_or_default();
    fields.sort();
    // xcc's code grew since the recording (its deposit ledger): its hash differs. Storage usage
    // and balances depend on what ran before (the recording ran every call in order).
    let same_code = !account.starts_with("xcc");
    json!({
        "type": change["type"],
        "account_id": account,
        "cause": change["cause"]["type"],
        "fields": fields,
        "key": c["key_base64"],
        "value": c["value_base64"],
        "code_hash": if same_code { c["code_hash"].clone() } else { Value::Null },
    })
}

fn skeletons(answer: &Value) -> Vec<Value> {
    answer["changes"].as_array().expect("changes").iter().map(skeleton).collect()
}

/// The block's touched list and the four kinds for the accounts it lists, as the recorder asked.
fn served(server: &Server, block: &Value) -> Vec<(String, Value)> {
    let touched = result(server.rpc("EXPERIMENTAL_changes_in_block", json!({"block_id": block})));
    assert_eq!(&touched["block_hash"], block);
    let mut accounts: Vec<Value> = Vec::new();
    for c in touched["changes"].as_array().expect("changes") {
        if !accounts.contains(&c["account_id"]) {
            accounts.push(c["account_id"].clone());
        }
    }
    let mut answers = vec![("changes_in_block".to_owned(), touched)];
    for kind in KINDS {
        let mut params = json!({"changes_type": kind, "account_ids": accounts, "block_id": block});
        if kind == "data_changes" {
            params["key_prefix_base64"] = json!("");
        }
        let answer = result(server.rpc("EXPERIMENTAL_changes", params));
        assert_eq!(&answer["block_hash"], block);
        answers.push((kind.to_owned(), answer));
    }
    answers
}

fn recorded(name: &str) -> Vec<Vec<(String, Value)>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../fixtures/reference/state/{name}.json"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    let fixture: Value = serde_json::from_str(&text).expect("fixture JSON");
    let blocks = &fixture["blocks"];
    let mut by_height: Vec<(u64, &Value)> = fixture["state_changes"]
        .as_object()
        .expect("state_changes")
        .iter()
        .map(|(hash, v)| (blocks[hash]["result"]["header"]["height"].as_u64().expect("height"), v))
        .collect();
    by_height.sort_by_key(|(h, _)| *h);
    by_height
        .into_iter()
        .map(|(_, v)| {
            std::iter::once("changes_in_block")
                .chain(KINDS)
                .map(|k| (k.to_owned(), v[k]["result"].clone()))
                .collect()
        })
        .collect()
}

/// Sends the scenario call `name` and compares every block of it with the recording.
fn compare_with_recording(server: &Server, name: &str, signer: &str, tx: CryptoHash) {
    let theirs = recorded(name);
    let (first, last, receipts) = tx_heights(server, &tx, signer);
    assert_eq!(
        last - first + 1,
        theirs.len() as u64,
        "{name}: blocks from inclusion to the last receipt"
    );
    for (offset, their_block) in theirs.iter().enumerate() {
        let height = first + offset as u64;
        let block =
            result(server.rpc("block", json!({"block_id": height})))["header"]["hash"].clone();
        let ours = served(server, &block);
        for ((kind, our), (_, their)) in ours.iter().zip(their_block) {
            assert_eq!(
                skeletons(our),
                skeletons(their),
                "{name} B+{offset} {kind}:\nserved {our}\nrecorded {their}"
            );
            // Causes name this transaction and its receipts.
            for change in our["changes"].as_array().into_iter().flatten() {
                let cause = &change["cause"];
                match cause["type"].as_str() {
                    Some("transaction_processing") => assert_eq!(cause["tx_hash"], json!(tx)),
                    Some("receipt_processing" | "action_receipt_gas_reward") => assert!(
                        receipts.contains(cause["receipt_hash"].as_str().unwrap_or_default()),
                        "{name} B+{offset}: {cause} is not a receipt of the call"
                    ),
                    None if kind == "changes_in_block" => {}
                    other => panic!("{name}: unexpected cause {other:?}"),
                }
            }
        }
    }
}

#[test]
fn changes_match_what_a_real_node_recorded_for_the_same_calls() {
    let server = Server::start(&["--instant"]);
    let greeting = call(
        &server,
        "alice.test.near",
        "xcc.test.near",
        "change_greeting",
        json!({"greeting": "hi from nearviz"}),
        0,
    );
    compare_with_recording(&server, "change_greeting", "alice.test.near", greeting);
    let premium = call(
        &server,
        "bob.test.near",
        "guestbook.test.near",
        "add_message",
        json!({"text": "hello from bob"}),
        10_000_000_000_000_000_000_000,
    );
    compare_with_recording(&server, "guestbook_premium", "bob.test.near", premium);
    let multiple =
        call(&server, "alice.test.near", "xcc.test.near", "multiple_contracts", json!({}), 0);
    compare_with_recording(&server, "multiple_contracts", "alice.test.near", multiple);

    // Narrower requests: a key prefix, one access key, finality instead of a block id.
    let (first, _, _) = tx_heights(&server, &premium, "bob.test.near");
    let stored = result(server.rpc(
        "EXPERIMENTAL_changes",
        json!({"changes_type": "data_changes", "account_ids": ["guestbook.test.near"],
               "key_prefix_base64": "bQ==", "block_id": first + 1}),
    ));
    let keys: Vec<&Value> = stored["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| &c["change"]["key_base64"])
        .collect();
    assert_eq!(keys, [&json!("bQAAAAA=")], "only the keys under the prefix `m`: {stored}");
    let bob_key = public_key_for(&id("bob.test.near"));
    let single = result(server.rpc(
        "EXPERIMENTAL_changes",
        json!({"changes_type": "single_access_key_changes", "block_id": first,
               "keys": [{"account_id": "bob.test.near", "public_key": bob_key},
                        {"account_id": "alice.test.near", "public_key": bob_key}]}),
    ));
    let single = single["changes"].as_array().expect("changes");
    assert_eq!(single.len(), 1, "{single:?}");
    assert_eq!(single[0]["type"], "access_key_update");
    assert_eq!(single[0]["change"]["public_key"], json!(bob_key));
    let by_finality =
        result(server.rpc("EXPERIMENTAL_changes_in_block", json!({"finality": "final"})));
    assert!(by_finality["changes"].is_array() && by_finality["block_hash"].is_string());

    fetched_like_the_embedded_engine(
        server,
        &[(multiple, "alice.test.near"), (premium, "bob.test.near")],
    );
}

/// Nearviz following nearviz: the RPC engine's state fetcher (`engine::rpc::state_changes`) pointed at
/// `serve` gets, block by block, the changes the embedded runtime recorded for the same blocks
/// (serve's `--record`, written from the runtime itself).
fn fetched_like_the_embedded_engine(mut server: Server, txs: &[(CryptoHash, &str)]) {
    use nearviz::chain::{BlockHash, ChainEvent};
    use nearviz::engine::rpc::state_changes::{block_changes, Seen};
    let client = nearviz::engine::rpc::RpcClient::new(&server.url).expect("client");
    let tokio = tokio::runtime::Runtime::new().expect("tokio");
    let mut fetched = Vec::new();
    for (tx, sender) in txs {
        let (first, last, receipts) = tx_heights(&server, tx, sender);
        let hashes: HashSet<CryptoHash> =
            receipts.iter().filter_map(|r| r.parse().ok()).chain(std::iter::once(*tx)).collect();
        for height in first..=last {
            let header = result(server.rpc("block", json!({"block_id": height})))["header"].clone();
            let hash: CryptoHash = header["hash"].as_str().expect("hash").parse().expect("hash");
            let prev: CryptoHash =
                header["prev_hash"].as_str().expect("prev").parse().expect("prev");
            let changes = tokio
                .block_on(block_changes(&client, BlockHash(hash), prev, &hashes, &Seen::default()))
                .expect("the state fetcher reads serve");
            assert!(!changes.changes.is_empty(), "block {height} changed something");
            fetched.push(changes);
        }
    }
    assert!(server.terminate().success());
    let recording = nearviz::fixture::load(&server.record).expect("serve's recording");
    let embedded: Vec<_> = recording
        .chain_events()
        .filter_map(|e| match e {
            ChainEvent::StateChanges(changes) => Some(changes),
            _ => None,
        })
        .collect();
    for ours in &fetched {
        let recorded = embedded
            .iter()
            .find(|c| c.block == ours.block)
            .unwrap_or_else(|| panic!("serve recorded no state changes for block {}", ours.block));
        assert_eq!(
            serde_json::to_value(&ours.changes).expect("json"),
            serde_json::to_value(&recorded.changes).expect("json"),
            "block {}: fetched over RPC vs recorded by the embedded runtime",
            ours.block
        );
    }
}

#[test]
fn unknown_and_forgotten_blocks_get_the_nodes_errors() {
    let server = Server::start(&["--block-ms", "5"]);
    let unknown = server.rpc(
        "EXPERIMENTAL_changes_in_block",
        json!({"block_id": "11111111111111111111111111111111"}),
    );
    assert_eq!(unknown["error"]["name"], "HANDLER_ERROR", "{unknown}");
    assert_eq!(unknown["error"]["cause"]["name"], "UNKNOWN_BLOCK", "{unknown}");
    assert_eq!(unknown["error"]["code"], -32000);

    // Older than the kept 64 blocks: a node whose block was garbage-collected says UNKNOWN_BLOCK.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let status = result(server.rpc("status", Value::Null));
        if status["sync_info"]["latest_block_height"].as_u64().unwrap_or(0) > 80 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "blocks did not come");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let old = server.rpc(
        "EXPERIMENTAL_changes",
        json!({"changes_type": "account_changes", "account_ids": ["test.near"], "block_id": 2}),
    );
    assert_eq!(old["error"]["cause"]["name"], "UNKNOWN_BLOCK", "{old}");
    let old = server.rpc("EXPERIMENTAL_changes_in_block", json!({"block_id": 2}));
    assert_eq!(old["error"]["cause"]["name"], "UNKNOWN_BLOCK", "{old}");
    // Its state is gone too: `query` at it gets the same answer.
    let old = server.rpc(
        "query",
        json!({"request_type": "view_account", "account_id": "test.near", "block_id": 2}),
    );
    assert_eq!(old["error"]["cause"]["name"], "UNKNOWN_BLOCK", "{old}");
    // A kept block answers, even if nothing changed in it.
    let recent = result(server.rpc("EXPERIMENTAL_changes_in_block", json!({"finality": "final"})));
    assert_eq!(recent["changes"], json!([]), "no transaction: nothing touched");

    // Requests the node cannot parse.
    for bad in [
        json!({"block_id": 3}),
        json!({"changes_type": "no_such_changes", "account_ids": [], "block_id": 3}),
        json!({"changes_type": "data_changes", "account_ids": ["test.near"], "block_id": 3}),
    ] {
        let answer = server.rpc("EXPERIMENTAL_changes", bad.clone());
        assert_eq!(answer["error"]["cause"]["name"], "PARSE_ERROR", "{bad}: {answer}");
    }
}

/// near-api-js 7's readers (`provider.blockChanges`, `accountChanges`, `contractStateChanges`,
/// `contractCodeChanges`, `accessKeyChanges`, `singleAccessKeyChanges`) against serve:
/// `tests/node/changes.mjs` checks every answer with node:assert.
#[test]
fn near_api_js_reads_state_changes() {
    let server = Server::start(&["--instant"]);
    let output = crate::serve_common::node_script(&server, "changes.mjs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "changes.mjs failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let done: Value = serde_json::from_str(stdout.lines().last().expect("output")).expect("JSON");
    assert_eq!(done["step"], "done", "{stdout}");
    let error = done["unknown_block_error"].as_str().expect("error text");
    // near-api-js words the node's UNKNOWN_BLOCK this way (it covers garbage-collected blocks).
    assert!(error.contains("has never been observed on the node"), "{error}");
}
