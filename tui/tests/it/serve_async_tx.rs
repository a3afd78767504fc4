//! The forms that do not wait answer as neard does (nearcore `chain/jsonrpc/src/lib.rs`,
//! `send_tx_async`): `broadcast_tx_async` answers the hash and `send_tx` with `wait_until: NONE`
//! answers `{"final_execution_status":"NONE"}` without checking the transaction; an invalid one
//! is dropped, so a later `tx` answers `UNKNOWN_TRANSACTION`. A request whose params are not a
//! transaction still answers the node's parse error. Over real HTTP on loopback.

use crate::serve_common::{sign_actions, Server};
use near_primitives::action::{Action, TransferAction};
use near_primitives::hash::CryptoHash;
use near_primitives::types::Balance;
use serde_json::{json, Value};

const HELLO: &str = "hello.test.near";
const ROOT: &str = "test.near";

fn balance(server: &Server, account: &str) -> u128 {
    let view = server.rpc(
        "query",
        json!({"request_type": "view_account", "finality": "optimistic", "account_id": account}),
    );
    view["result"]["amount"].as_str().expect("amount").parse().expect("balance")
}

fn transfer(yocto: u128) -> Action {
    Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(yocto) })
}

/// The whole `error` the node sends for a transaction it does not know.
fn unknown(hash: &CryptoHash) -> Value {
    let info = json!({ "requested_transaction_hash": hash });
    json!({
        "name": "HANDLER_ERROR",
        "cause": { "name": "UNKNOWN_TRANSACTION", "info": info },
        "code": -32000,
        "message": "Server error",
        "data": format!("Transaction {hash} doesn't exist"),
    })
}

/// Every status form asked for `hash` (sent by `signer`) answers UNKNOWN_TRANSACTION.
fn assert_unknown(server: &Server, hash: &CryptoHash, signer: &str) {
    let by_id = json!({ "tx_hash": hash, "sender_account_id": signer, "wait_until": "NONE" });
    for (method, params) in
        [("tx", by_id.clone()), ("EXPERIMENTAL_tx_status", by_id), ("tx", json!([hash, signer]))]
    {
        let body = server.rpc(method, params);
        assert_eq!(body["error"], unknown(hash), "{method}: {body}");
    }
}

#[test]
fn invalid_transactions_sent_without_waiting_answer_and_are_dropped() {
    let server = Server::start(&["--instant"]);
    let hello = nearviz_runtime::signer_for(&HELLO.parse().expect("id"));
    let before = balance(&server, HELLO);

    // More than the balance (the runtime's check): the hash, then nothing happened.
    let (tx, hash) = sign_actions(&server, &hello, ROOT, vec![transfer(before + 1)]);
    let sent = server.rpc("broadcast_tx_async", json!([tx]));
    assert_eq!(sent["result"], json!(hash.to_string()), "{sent}");
    // The same transaction again: still only the hash.
    let again = server.rpc("broadcast_tx_async", json!([tx]));
    assert_eq!(again["result"], json!(hash.to_string()), "{again}");
    assert_unknown(&server, &hash, HELLO);

    // `send_tx` with NONE: the node's answer with no outcome, invalid or not.
    let (tx, hash) = sign_actions(&server, &hello, ROOT, vec![transfer(before + 1)]);
    let none = server.rpc("send_tx", json!({ "signed_tx_base64": tx, "wait_until": "NONE" }));
    assert_eq!(none["result"], json!({ "final_execution_status": "NONE" }), "{none}");
    assert_unknown(&server, &hash, HELLO);

    // A signer that does not exist (serve's own check before the runtime's): the hash too.
    let ghost = nearviz_runtime::signer_for(&"ghost.test.near".parse().expect("id"));
    let (tx, hash) = sign_fake(&ghost, &hello, &server);
    let sent = server.rpc("broadcast_tx_async", json!([tx]));
    assert_eq!(sent["result"], json!(hash.to_string()), "{sent}");
    assert_unknown(&server, &hash, "ghost.test.near");

    // Dropped: the balance is untouched and the nonce unused, so a valid transfer with the
    // same nonce goes through, sent without waiting too.
    assert_eq!(balance(&server, HELLO), before);
    let (tx, hash) = sign_actions(&server, &hello, ROOT, vec![transfer(1)]);
    let none = server.rpc("send_tx", json!({ "signed_tx_base64": tx, "wait_until": "NONE" }));
    assert_eq!(none["result"], json!({ "final_execution_status": "NONE" }), "{none}");
    let done = server.rpc(
        "tx",
        json!({ "tx_hash": hash, "sender_account_id": HELLO, "wait_until": "EXECUTED" }),
    );
    assert!(done["result"]["status"]["SuccessValue"].is_string(), "{done}");
    assert!(balance(&server, HELLO) < before);

    // Waiting forms keep their typed INVALID_TRANSACTION.
    let (tx, _) = sign_actions(&server, &hello, ROOT, vec![transfer(before * 2)]);
    let commit = server.rpc("broadcast_tx_commit", json!([tx]));
    assert_eq!(commit["error"]["cause"]["name"], "INVALID_TRANSACTION", "{commit}");
}

/// A transaction signed by `ghost`'s key for an account that does not exist, with a block hash
/// the server knows (read through `hello`'s signing helper, then re-signed).
fn sign_fake(
    ghost: &near_crypto::Signer,
    hello: &near_crypto::Signer,
    server: &Server,
) -> (String, CryptoHash) {
    use base64::Engine as _;
    use near_primitives::transaction::{SignedTransaction, Transaction, TransactionV0};
    let (template, _) = sign_actions(server, hello, ROOT, vec![transfer(1)]);
    let bytes = base64::engine::general_purpose::STANDARD.decode(template).expect("base64");
    let template: SignedTransaction =
        near_primitives::borsh::from_slice(&bytes).expect("transaction");
    let tx = Transaction::V0(TransactionV0 {
        signer_id: ghost.get_account_id(),
        public_key: ghost.public_key(),
        nonce: 1,
        receiver_id: ROOT.parse().expect("id"),
        block_hash: *template.transaction.block_hash(),
        actions: vec![transfer(1)],
    });
    let signature = ghost.sign(tx.get_hash_and_size().0.as_ref());
    let signed = SignedTransaction::new(signature, tx);
    let hash = signed.get_hash();
    let bytes = near_primitives::borsh::to_vec(&signed).expect("borsh");
    (base64::engine::general_purpose::STANDARD.encode(bytes), hash)
}

/// The node's parse error with `message`.
fn parse_error(message: &str) -> Value {
    json!({
        "name": "REQUEST_VALIDATION_ERROR",
        "cause": { "name": "PARSE_ERROR", "info": { "error_message": message } },
        "code": -32700,
        "message": "Parse error",
        "data": message,
    })
}

#[test]
fn params_that_are_not_a_transaction_answer_the_nodes_parse_error() {
    let server = Server::start(&["--instant"]);
    let cases = [
        (json!(["not base64!"]), "Failed to decode transaction: Invalid byte 32, offset 3."),
        (json!(["aGVsbG8="]), "Failed to decode transaction: invalid transaction version tag: 104"),
        (json!([7]), "Failed parsing args: invalid type: integer `7`, expected a string"),
        (json!(["aGVsbG8=", "NONE"]), "Unable to parse send request: too many params passed"),
    ];
    for method in ["broadcast_tx_async", "broadcast_tx_commit", "send_tx"] {
        for (params, message) in &cases {
            let body = server.rpc(method, params.clone());
            assert_eq!(body["error"], parse_error(message), "{method} {params}: {body}");
        }
    }
    let body = server.rpc("send_tx", json!({ "signed_tx_base64": "aGVsbG8=" }));
    assert_eq!(body["error"]["cause"]["name"], "PARSE_ERROR", "{body}");
    let message = body["error"]["data"].as_str().expect("message");
    assert!(message.starts_with("Failed parsing args: "), "{message}");
}
