//! `query` at a past block against the real `nearviz serve --headless`: set a greeting, set
//! another, and every query kind at the earlier block (by height or hash) reads the state as
//! it was then, as a node does inside its garbage-collection window.

use crate::serve_common::{sign_call, Server};
use base64::Engine as _;
use nearviz_runtime::public_key_for;
use serde_json::{json, Value};

fn result(answer: Value) -> Value {
    assert!(answer.get("error").is_none(), "{answer}");
    assert!(answer["result"].get("error").is_none(), "{answer}");
    answer["result"].clone()
}

fn set_greeting(server: &Server, greeting: &str) {
    let args = json!({ "greeting": greeting });
    let (b64, _) = sign_call(server, "alice.test.near", "hello.test.near", "set_greeting", args, 0);
    let sent = server.rpc("send_tx", json!({"signed_tx_base64": b64, "wait_until": "FINAL"}));
    assert!(result(sent)["status"]["SuccessValue"].is_string());
}

/// The head block's `{block_id: height}` and `{block_id: hash}` references.
fn head(server: &Server) -> (Value, Value) {
    let block = result(server.rpc("block", json!({"finality": "optimistic"})));
    let header = &block["header"];
    (json!({"block_id": header["height"]}), json!({"block_id": header["hash"]}))
}

fn query(server: &Server, at: &Value, request: Value) -> Value {
    let mut params = request;
    for (k, v) in at.as_object().expect("reference") {
        params[k] = v.clone();
    }
    result(server.rpc("query", params))
}

fn greeting(server: &Server, at: &Value) -> String {
    let answer = query(
        server,
        at,
        json!({"request_type": "call_function", "account_id": "hello.test.near",
               "method_name": "get_greeting", "args_base64": ""}),
    );
    let bytes: Vec<u8> = answer["result"]
        .as_array()
        .expect("result bytes")
        .iter()
        .map(|b| b.as_u64().expect("byte") as u8)
        .collect();
    String::from_utf8(bytes).expect("utf8")
}

fn stored(server: &Server, at: &Value) -> String {
    let answer = query(
        server,
        at,
        json!({"request_type": "view_state", "account_id": "hello.test.near", "prefix_base64": ""}),
    );
    let mut text = String::new();
    for item in answer["values"].as_array().expect("values") {
        let value = item["value"].as_str().expect("value");
        let bytes = base64::engine::general_purpose::STANDARD.decode(value).expect("base64");
        text.push_str(&String::from_utf8_lossy(&bytes));
    }
    text
}

fn nonce(server: &Server, at: &Value) -> u64 {
    let key = public_key_for(&"alice.test.near".parse().expect("id"));
    let answer = query(
        server,
        at,
        json!({"request_type": "view_access_key", "account_id": "alice.test.near",
               "public_key": key}),
    );
    answer["nonce"].as_u64().expect("nonce")
}

#[test]
fn queries_at_an_earlier_block_read_the_state_of_that_block() {
    let server = Server::start(&["--instant"]);
    let (start, _) = head(&server);
    set_greeting(&server, "first greeting");
    let (first, first_hash) = head(&server);
    set_greeting(&server, "second greeting");
    let latest = json!({"finality": "optimistic"});

    assert_eq!(greeting(&server, &latest), "\"second greeting\"");
    assert_eq!(greeting(&server, &first), "\"first greeting\"");
    assert_eq!(greeting(&server, &first_hash), "\"first greeting\"");
    assert_eq!(greeting(&server, &start), "\"Hello\"");
    assert!(stored(&server, &first).contains("first greeting"), "{}", stored(&server, &first));
    assert!(stored(&server, &latest).contains("second greeting"));
    assert!(!stored(&server, &start).contains("greeting"), "{}", stored(&server, &start));

    // Alice's key: one nonce per transaction, as of each block.
    let (n0, n1, n2) = (nonce(&server, &start), nonce(&server, &first), nonce(&server, &latest));
    assert_eq!((n1, n2), (n0 + 1, n0 + 2));
    let balance = |at: &Value| {
        let account = query(
            &server,
            at,
            json!({"request_type": "view_account", "account_id": "alice.test.near"}),
        );
        account["amount"].as_str().expect("amount").parse::<u128>().expect("yocto")
    };
    assert!(balance(&start) > balance(&first) && balance(&first) > balance(&latest));
    // The answer names the block asked for.
    let account = query(
        &server,
        &first,
        json!({"request_type": "view_account", "account_id": "hello.test.near"}),
    );
    assert_eq!(account["block_height"], first["block_id"]);
    let code = query(
        &server,
        &start,
        json!({"request_type": "view_code", "account_id": "hello.test.near"}),
    );
    assert!(code["code_base64"].as_str().is_some_and(|c| !c.is_empty()));
}
