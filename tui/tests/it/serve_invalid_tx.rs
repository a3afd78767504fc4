//! Invalid transactions answer over real HTTP in the node's shape (`RpcTransactionError::
//! InvalidTransaction` through near-jsonrpc-primitives): `HANDLER_ERROR`, cause
//! `INVALID_TRANSACTION` with empty `info`, and the typed reason in `data` as
//! `{"TxExecutionError":{"InvalidTxError":..}}`, which near-jsonrpc-client parses.

use crate::serve_common::{sign_actions, Server};
use near_crypto::{InMemorySigner, KeyType, SecretKey};
use near_primitives::account::{AccessKey, AccessKeyPermission, FunctionCallPermission};
use near_primitives::action::{
    Action, AddKeyAction, DeleteAccountAction, FunctionCallAction, TransferAction,
};
use near_primitives::types::{Balance, Gas};
use serde_json::{json, Value};

const HELLO: &str = "hello.test.near";

/// The whole `error` object the node sends for an invalid transaction.
fn invalid(reason: Value) -> Value {
    json!({
        "name": "HANDLER_ERROR",
        "cause": { "name": "INVALID_TRANSACTION", "info": {} },
        "code": -32000,
        "message": "Server error",
        "data": { "TxExecutionError": { "InvalidTxError": reason } },
    })
}

/// `actions` signed by `signer`, sent with `method`; the answer's `error` (none: panics).
fn rejected(
    server: &Server,
    signer: &near_crypto::Signer,
    method: &str,
    actions: Vec<Action>,
) -> Value {
    let (tx, _) = sign_actions(server, signer, HELLO, actions);
    let params = match method {
        "send_tx" => json!({ "signed_tx_base64": tx, "wait_until": "FINAL" }),
        _ => json!([tx]),
    };
    let body = server.rpc(method, params);
    assert!(body.get("result").is_none(), "{method} accepted it: {body}");
    body["error"].clone()
}

fn call(method: &str) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: method.into(),
        args: b"{}".to_vec(),
        gas: Gas::from_gas(30_000_000_000_000),
        deposit: Balance::ZERO,
    }))
}

#[test]
fn invalid_transactions_answer_the_nodes_typed_error() {
    let server = Server::start(&["--instant"]);
    let hello = nearviz_runtime::signer_for(&HELLO.parse().expect("id"));

    // More than the balance: NotEnoughBalance with the signer's balance and the cost.
    let account = server.rpc(
        "query",
        json!({"request_type": "view_account", "finality": "optimistic", "account_id": HELLO}),
    );
    let balance = account["result"]["amount"].as_str().expect("amount").to_owned();
    let deposit = balance.parse::<u128>().expect("balance") + 1;
    let transfer = Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(deposit) });
    for method in ["broadcast_tx_commit", "send_tx"] {
        let error = rejected(&server, &hello, method, vec![transfer.clone()]);
        let reason = &error["data"]["TxExecutionError"]["InvalidTxError"]["NotEnoughBalance"];
        let cost = reason["cost"].as_str().expect("cost").parse::<u128>().expect("cost");
        assert!(cost > deposit && cost < deposit + 10u128.pow(24), "{error}");
        let expected = invalid(json!({ "NotEnoughBalance": {
            "signer_id": HELLO, "balance": balance, "cost": cost.to_string(),
        }}));
        assert_eq!(error, expected, "{method}");
    }

    // A delete that is not the last action: ActionsValidation.
    let beneficiary_id = "test.near".parse().expect("id");
    let delete = Action::DeleteAccount(DeleteAccountAction { beneficiary_id });
    let error = rejected(&server, &hello, "broadcast_tx_commit", vec![delete, call("x")]);
    assert_eq!(error, invalid(json!({ "ActionsValidation": "DeleteActionMustBeFinal" })));

    // A function-call key used for another method: InvalidAccessKeyError.MethodNameMismatch.
    let secret = SecretKey::from_seed(KeyType::ED25519, "only set_greeting");
    let permission = AccessKeyPermission::FunctionCall(FunctionCallPermission {
        allowance: None,
        receiver_id: HELLO.into(),
        method_names: vec!["set_greeting".into()],
    });
    let add = Action::AddKey(Box::new(AddKeyAction {
        public_key: secret.public_key(),
        access_key: AccessKey { nonce: 0, permission },
    }));
    let (tx, _) = sign_actions(&server, &hello, HELLO, vec![add]);
    let added = server.rpc("broadcast_tx_commit", json!([tx]));
    assert!(added["result"]["status"]["SuccessValue"].is_string(), "{added}");
    let limited = InMemorySigner::from_secret_key(HELLO.parse().expect("id"), secret);
    let error = rejected(&server, &limited, "broadcast_tx_commit", vec![call("get_greeting")]);
    let mismatch = json!({ "MethodNameMismatch": { "method_name": "get_greeting" } });
    assert_eq!(error, invalid(json!({ "InvalidAccessKeyError": mismatch })));
}

/// near-api-js 7 reads the answer as its typed `NotEnoughBalanceError` (with the balance and
/// the cost), and the same transfer sent with `sendTransactionAsync` answers unchecked and is
/// then an `UnknownTransactionError`: `tests/node/invalid_tx.mjs` checks it with node:assert.
#[test]
fn near_api_js_reads_not_enough_balance() {
    let server = Server::start(&["--instant"]);
    let output = crate::serve_common::node_script(&server, "invalid_tx.mjs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "invalid_tx.mjs failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let done: Value = serde_json::from_str(stdout.lines().last().expect("output")).expect("JSON");
    assert_eq!(done["error"], "NotEnoughBalanceError", "{stdout}");
    assert_eq!(done["async_error"], "UnknownTransactionError", "{stdout}");
    let message = done["message"].as_str().expect("message");
    assert!(message.contains("balance: 10000000000000000000000000"), "{message}");
}
