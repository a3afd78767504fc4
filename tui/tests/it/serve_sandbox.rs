//! The sandbox methods of `nearviz serve` over real HTTP, with the request shapes
//! near-workspaces sends: `sandbox_patch_state` (balance, keys, code, data),
//! `sandbox_fast_forward`, `validators`, `EXPERIMENTAL_validators_ordered`, and secp256k1 keys
//! added by transaction and by patch, then signing.

use crate::serve_common::{sign_actions, Server};
use base64::Engine as _;
use near_crypto::{InMemorySigner, KeyType, SecretKey, Signer};
use near_primitives::account::AccessKey;
use near_primitives::action::{Action, AddKeyAction, FunctionCallAction, TransferAction};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{Balance, Gas};
use serde_json::{json, Value};

const NEAR: u128 = 10u128.pow(24);

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hello_wasm() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../contract/res/hello.wasm");
    std::fs::read(path).expect("contract/res/hello.wasm")
}

fn query(server: &Server, request: Value) -> Value {
    let mut params = request;
    params["finality"] = json!("optimistic");
    let body = server.rpc("query", params);
    assert!(body.get("result").is_some(), "{body}");
    body["result"].clone()
}

fn view_account(server: &Server, account: &str) -> Value {
    query(server, json!({"request_type": "view_account", "account_id": account}))
}

fn greeting(server: &Server, account: &str) -> String {
    let result = query(
        server,
        json!({"request_type": "call_function", "account_id": account,
               "method_name": "get_greeting", "args_base64": b64(b"{}")}),
    );
    let bytes: Vec<u8> = serde_json::from_value(result["result"].clone()).expect("bytes");
    serde_json::from_slice(&bytes).expect("a JSON string")
}

fn patch(server: &Server, records: Value) -> Value {
    server.rpc("sandbox_patch_state", json!({ "records": records }))
}

/// Sends `actions` signed by `signer` and waits until final; the outcome's status.
fn send(server: &Server, signer: &Signer, receiver: &str, actions: Vec<Action>) -> Value {
    let (tx, _) = sign_actions(server, signer, receiver, actions);
    let body = server.rpc("broadcast_tx_commit", json!([tx]));
    assert!(body.get("result").is_some(), "{body}");
    body["result"]["status"].clone()
}

fn set_greeting(greeting: &str) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: "set_greeting".into(),
        args: serde_json::to_vec(&json!({ "greeting": greeting })).expect("args"),
        gas: Gas::from_gas(30_000_000_000_000),
        deposit: Balance::ZERO,
    }))
}

fn height(server: &Server) -> u64 {
    let status = server.rpc("status", Value::Null);
    status["result"]["sync_info"]["latest_block_height"].as_u64().expect("height")
}

#[test]
fn patch_state_sets_balances_keys_code_and_data() {
    let server = Server::start(&["--instant"]);
    // A balance, the rest of the account as it was (near-workspaces' `patch(..).account(..)`).
    let mut alice = view_account(&server, "alice.test.near");
    alice["amount"] = json!((123 * NEAR).to_string());
    let body = patch(
        &server,
        json!([{ "Account": { "account_id": "alice.test.near", "account": alice } }]),
    );
    assert_eq!(body["result"], json!({}), "{body}");
    let after = view_account(&server, "alice.test.near");
    assert_eq!(after["amount"], json!((123 * NEAR).to_string()));
    assert_eq!(after["storage_usage"], alice["storage_usage"]);

    // A new account with a key, code and state, in the JS builder's shape (`version: "V1"`).
    let secret = SecretKey::from_seed(KeyType::ED25519, "patched key");
    let code = hello_wasm();
    let state = near_primitives::borsh::to_vec(&"patched".to_string()).expect("borsh");
    // Written as given: a node never recomputes a patched account's storage usage (at 0, the
    // contract's first rewrite of its state would underflow it, on a node too).
    let account = json!({ "amount": (10 * NEAR).to_string(), "locked": "0",
        "code_hash": CryptoHash::hash_bytes(&code), "storage_usage": 100_000, "version": "V1" });
    let records = json!([
        { "Account": { "account_id": "patched.test.near", "account": account } },
        { "AccessKey": { "account_id": "patched.test.near", "public_key": secret.public_key(),
                         "access_key": { "nonce": 0, "permission": "FullAccess" } } },
        { "Contract": { "account_id": "patched.test.near", "code": b64(&code) } },
        { "Data": { "account_id": "patched.test.near", "data_key": b64(b"STATE"),
                    "value": b64(&state) } },
    ]);
    // near-workspaces sends every patch twice.
    assert_eq!(patch(&server, records.clone())["result"], json!({}));
    assert_eq!(patch(&server, records)["result"], json!({}));
    assert_eq!(greeting(&server, "patched.test.near"), "patched");
    let values = query(
        &server,
        json!({"request_type": "view_state", "account_id": "patched.test.near", "prefix_base64": ""}),
    );
    assert_eq!(values["values"], json!([{ "key": b64(b"STATE"), "value": b64(&state) }]));
    let code_view =
        query(&server, json!({"request_type": "view_code", "account_id": "patched.test.near"}));
    assert_eq!(code_view["hash"], json!(CryptoHash::hash_bytes(&code)));

    // The patched key signs; the patched code runs.
    let signer = InMemorySigner::from_secret_key("patched.test.near".parse().expect("id"), secret);
    let status = send(&server, &signer, "patched.test.near", vec![set_greeting("signed")]);
    assert!(status.get("SuccessValue").is_some(), "{status}");
    assert_eq!(greeting(&server, "patched.test.near"), "signed");

    // A record the runtime does not model: the node's error, naming it; nothing applied.
    let gas_key = json!([
        { "Account": { "account_id": "never.test.near", "account": view_account(&server, "bob.test.near") } },
        { "GasKeyNonce": { "account_id": "never.test.near", "public_key": signer.public_key(),
                           "index": 0, "nonce": 1 } },
    ]);
    let body = patch(&server, gas_key);
    assert_eq!(body["error"]["cause"]["name"], "INTERNAL_ERROR", "{body}");
    let message = body["error"]["cause"]["info"]["error_message"].as_str().expect("message");
    assert!(message.contains("GasKeyNonce record of never.test.near"), "{message}");
    let missing = server.rpc(
        "query",
        json!({"request_type": "view_account", "account_id": "never.test.near", "finality": "optimistic"}),
    );
    assert_eq!(missing["error"]["cause"]["name"], "UNKNOWN_ACCOUNT", "{missing}");
}

#[test]
fn secp256k1_keys_added_by_transaction_and_by_patch_sign_transactions() {
    let server = Server::start(&["--instant"]);
    let bob: near_primitives::types::AccountId = "bob.test.near".parse().expect("id");
    let transfer = || Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(NEAR) });
    // Added by an AddKey action signed with bob's ed25519 key.
    let by_tx = SecretKey::from_seed(KeyType::SECP256K1, "secp by transaction");
    let add = Action::AddKey(Box::new(AddKeyAction {
        public_key: by_tx.public_key(),
        access_key: AccessKey::full_access(),
    }));
    let status = send(&server, &nearviz_runtime::signer_for(&bob), "bob.test.near", vec![add]);
    assert!(status.get("SuccessValue").is_some(), "{status}");
    let signer = InMemorySigner::from_secret_key(bob.clone(), by_tx);
    let status = send(&server, &signer, "alice.test.near", vec![transfer()]);
    assert!(status.get("SuccessValue").is_some(), "signed with secp256k1: {status}");
    // Added by a patch.
    let by_patch = SecretKey::from_seed(KeyType::SECP256K1, "secp by patch");
    let body = patch(
        &server,
        json!([{ "AccessKey": { "account_id": "bob.test.near", "public_key": by_patch.public_key(),
                                "access_key": { "nonce": 0, "permission": "FullAccess" } } }]),
    );
    assert_eq!(body["result"], json!({}), "{body}");
    let signer = InMemorySigner::from_secret_key(bob, by_patch);
    let status = send(&server, &signer, "alice.test.near", vec![transfer()]);
    assert!(status.get("SuccessValue").is_some(), "signed with a patched secp256k1 key: {status}");
}

#[test]
fn fast_forward_moves_heights_time_and_epochs_and_validators_answer() {
    let server = Server::start(&["--instant"]);
    let before = server.rpc("block", json!({"finality": "optimistic"}))["result"]["header"].clone();
    let start = before["height"].as_u64().expect("height");
    let validators = server.rpc("validators", json!([null]));
    assert_eq!(validators["result"]["epoch_height"], 1, "{validators}");
    let body = server.rpc("sandbox_fast_forward", json!({ "delta_height": 150 }));
    assert_eq!(body["result"], json!({}), "{body}");
    // It answers once the jump is done.
    let head = server.rpc("block", json!({"finality": "optimistic"}))["result"]["header"].clone();
    let now = head["height"].as_u64().expect("height");
    assert!(now > start + 150 && now < start + 160, "{start} + 150 -> {now}");
    assert_eq!(height(&server), now);
    let elapsed =
        head["timestamp"].as_u64().expect("ts") - before["timestamp"].as_u64().expect("ts");
    assert!(elapsed >= 150 * 125_000_000, "timestamps move with the heights: {elapsed} ns");
    // A skipped height holds no block.
    let skipped = server.rpc("block", json!({"block_id": start + 20}));
    assert_eq!(skipped["error"]["cause"]["name"], "UNKNOWN_BLOCK", "{skipped}");
    // The final block is a real block under the head.
    let last_final = server.rpc("block", json!({"finality": "final"}));
    assert!(last_final["result"]["header"]["height"].as_u64().expect("height") < now);
    // Epochs moved on, as a contract and the validators view see them.
    let validators = server.rpc("validators", json!({"latest": null}));
    let info = &validators["result"];
    assert_eq!(info["epoch_height"], 1 + (now - 1) / 60, "{validators}");
    assert_eq!(info["epoch_start_height"], 1 + (now - 1) / 60 * 60);
    // Epoch ids as neard's: epoch 3's is the hash of block 60 (epoch 1's last); `status` and
    // `validators` by epoch id name the same epochs.
    assert!(now > 120 && start <= 60, "from epoch 1 to epoch 3: {start} -> {now}");
    let block_60 = server.rpc("block", json!({"block_id": 60}))["result"]["header"].clone();
    assert_eq!(head["epoch_id"], block_60["hash"], "{head}");
    assert_eq!(before["epoch_id"], "11111111111111111111111111111111");
    let status = server.rpc("status", Value::Null);
    assert_eq!(status["result"]["sync_info"]["epoch_id"], head["epoch_id"], "{status}");
    let by_id = server.rpc("validators", json!({"epoch_id": head["epoch_id"]}));
    assert_eq!(by_id["result"]["epoch_start_height"], info["epoch_start_height"], "{by_id}");
    let first = server.rpc("validators", json!({"epoch_id": before["epoch_id"]}));
    assert_eq!(first["result"]["epoch_start_height"], 1, "{first}");
    let key: Value = serde_json::from_slice(&std::fs::read(&server.key_file).expect("key file"))
        .expect("key json");
    let me = &info["current_validators"][0];
    assert_eq!(me["account_id"], "test.near");
    assert_eq!(me["public_key"], key["public_key"]);
    assert_eq!(info["next_validators"][0]["account_id"], "test.near");
    let ordered = server.rpc("EXPERIMENTAL_validators_ordered", json!({"block_id": null}));
    assert_eq!(ordered["result"][0]["account_id"], "test.near", "{ordered}");
    assert_eq!(ordered["result"][0]["public_key"], key["public_key"]);
    let unknown = server.rpc("EXPERIMENTAL_validators_ordered", json!({"block_id": start + 20}));
    assert_eq!(unknown["error"]["cause"]["name"], "UNKNOWN_EPOCH", "{unknown}");
    // A transaction still goes through after the jump.
    let call = set_greeting("after the jump");
    let root = nearviz_runtime::signer_for(&"hello.test.near".parse().expect("id"));
    let status = send(&server, &root, "hello.test.near", vec![call]);
    assert!(status.get("SuccessValue").is_some(), "{status}");
}
