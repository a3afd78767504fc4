//! `nearviz serve`'s endpoint under bad input: malformed JSON, huge bodies, unknown methods,
//! random bytes and broken HTTP all get errors in the node's shapes, and the chain keeps going.
//! Plus the node's answers for queries that fail (unknown account, unknown transaction).

use crate::serve_common::{post_json, post_raw, rpc_body, send_raw, Server};
use serde_json::{json, Value};

fn height(server: &Server) -> u64 {
    let status = server.rpc("status", Value::Null);
    status["result"]["sync_info"]["latest_block_height"].as_u64().expect("height")
}

#[test]
fn bad_requests_get_errors_and_the_chain_keeps_serving() {
    let server = Server::start(&["--block-ms", "20"]);
    let addr = server.addr.as_str();
    let before = height(&server);

    // Unknown method: the node's METHOD_NOT_FOUND request-validation error, HTTP 400.
    let (status, body) = post_json(addr, &rpc_body("no_such_method", json!([]))).expect("post");
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], -32601);
    assert_eq!(body["error"]["name"], "REQUEST_VALIDATION_ERROR");
    assert_eq!(body["error"]["cause"]["name"], "METHOD_NOT_FOUND");
    assert_eq!(body["error"]["cause"]["info"]["method_name"], "no_such_method");
    assert_eq!(body["id"], "t");

    // Malformed JSON, wrong shapes, bad params: parse errors.
    for bad in [
        &b"{"[..],
        b"not json at all",
        b"[]",
        b"42",
        b"{\"method\": 5}",
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"query\",\"params\":{\"request_type\":\"view_account\"}}",
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"send_tx\",\"params\":{\"signed_tx_base64\":\"AAAA\"}}",
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"block\",\"params\":{\"block_id\":\"xyz\"}}",
        b"\xff\xfe\x00garbage",
    ] {
        let (status, body) = post_json(addr, bad).expect("post");
        assert_eq!(status, 400, "{}: {body}", String::from_utf8_lossy(bad));
        assert_eq!(body["error"]["cause"]["name"], "PARSE_ERROR", "{body}");
    }

    // A body over the limit (10 MiB) is refused before it is read whole.
    let huge = vec![b' '; 11 * 1024 * 1024];
    let (status, _) = post_raw(addr, &huge).expect("post huge");
    assert_eq!(status, 413);

    // Broken HTTP, a lying Content-Length and a GET elsewhere: the connection ends, no crash.
    for raw in [
        &b"GARBAGE\r\n\r\n"[..],
        b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{\"a\"",
        b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
    ] {
        let _ = send_raw(addr, raw);
    }
    let (status, _) =
        send_raw(addr, b"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").expect("get");
    assert_eq!(status, 405);

    // Random bytes (a fixed seed, bounded count).
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..200 {
        let len = (seed % 300) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect();
        let (status, body) = post_json(addr, &bytes).expect("post random");
        assert!(status == 400 && body["error"].is_object(), "round {round}: HTTP {status} {body}");
    }

    // The chain went on producing blocks and still answers.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let after = height(&server);
    assert!(after > before, "blocks kept coming: {before} -> {after}");
    let (status, body) =
        send_raw(addr, b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .expect("GET /status");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
}

#[test]
fn failing_queries_answer_in_the_nodes_shapes() {
    let server = Server::start(&["--instant"]);
    let unknown = server.rpc(
        "query",
        json!({"request_type": "view_account", "finality": "final", "account_id": "nobody.test.near"}),
    );
    assert_eq!(unknown["error"]["name"], "HANDLER_ERROR", "{unknown}");
    assert_eq!(unknown["error"]["cause"]["name"], "UNKNOWN_ACCOUNT");
    assert_eq!(unknown["error"]["cause"]["info"]["requested_account_id"], "nobody.test.near");

    let account = server.rpc(
        "query",
        json!({"request_type": "view_account", "finality": "optimistic", "account_id": "hello.test.near"}),
    );
    assert!(account["result"]["amount"].is_string(), "{account}");
    assert!(account["result"]["block_height"].is_u64());

    let greeting = server.rpc(
        "query",
        json!({"request_type": "call_function", "finality": "final", "account_id": "hello.test.near",
               "method_name": "get_greeting", "args_base64": ""}),
    );
    let bytes: Vec<u8> = greeting["result"]["result"]
        .as_array()
        .expect("result bytes")
        .iter()
        .map(|b| b.as_u64().expect("byte") as u8)
        .collect();
    assert_eq!(String::from_utf8(bytes).expect("utf8"), "\"Hello\"");

    // A contract failure is a result holding `error`, as the node answers it.
    let missing = server.rpc(
        "query",
        json!({"request_type": "call_function", "finality": "final", "account_id": "hello.test.near",
               "method_name": "no_such_method", "args_base64": ""}),
    );
    let error = missing["result"]["error"].as_str().expect("error text");
    assert!(error.starts_with("wasm execution failed with error:"), "{error}");
    assert!(error.contains("MethodNotFound"), "{error}");

    let tx = server.rpc(
        "tx",
        json!({"tx_hash": "11111111111111111111111111111111", "sender_account_id": "test.near"}),
    );
    assert_eq!(tx["error"]["cause"]["name"], "UNKNOWN_TRANSACTION", "{tx}");

    let receipt = server
        .rpc("EXPERIMENTAL_receipt", json!({"receipt_id": "11111111111111111111111111111111"}));
    assert_eq!(receipt["error"]["cause"]["name"], "UNKNOWN_RECEIPT", "{receipt}");

    let block = server.rpc("block", json!({"finality": "final"}));
    let chunk_hash = block["result"]["chunks"][0]["chunk_hash"].clone();
    let chunk = server.rpc("chunk", json!({"chunk_id": chunk_hash}));
    assert!(chunk["result"]["transactions"].is_array(), "{chunk}");
    let gas = server.rpc("gas_price", json!([null]));
    assert!(gas["result"]["gas_price"].is_string(), "{gas}");
    let config = server.rpc("EXPERIMENTAL_protocol_config", json!({"finality": "final"}));
    assert!(config["result"]["runtime_config"]["storage_amount_per_byte"].is_string(), "{config}");
}
