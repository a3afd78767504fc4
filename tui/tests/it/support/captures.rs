//! The reference recordings (`fixtures/reference/captures/*.json`) as a JSON-RPC node: each
//! transaction answers its recorded polls in order (the last one forever), blocks by hash.

use super::loopback::{Handler, Reply};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const CAPTURE_NAMES: [&str; 6] = [
    "query_greeting",
    "call_failing",
    "batch_actions",
    "multiple_contracts",
    "forward_deposit",
    "weights",
];

/// One recorded transaction.
#[derive(Clone, Debug)]
pub struct Capture {
    pub name: String,
    pub tx_hash: String,
    /// The signer, from the final poll's transaction.
    pub sender: String,
    /// Raw `EXPERIMENTAL_tx_status` responses, in order.
    pub polls: Vec<Value>,
    /// Raw `block` responses by block hash.
    pub blocks: HashMap<String, Value>,
}

impl Capture {
    pub fn load(name: &str) -> Capture {
        let path =
            format!("{}/../fixtures/reference/captures/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let polls: Vec<Value> = file["polls"]
            .as_array()
            .expect("polls")
            .iter()
            .map(|p| p["response"].clone())
            .collect();
        let sender = polls
            .iter()
            .rev()
            .find_map(|p| p["result"]["transaction"]["signer_id"].as_str())
            .expect("a poll with the transaction")
            .to_owned();
        let blocks = file["blocks"]
            .as_object()
            .expect("blocks")
            .iter()
            .map(|(hash, response)| (hash.clone(), response.clone()))
            .collect();
        Capture {
            name: name.to_owned(),
            tx_hash: file["tx_hash"].as_str().expect("tx_hash").to_owned(),
            sender,
            polls,
            blocks,
        }
    }

    pub fn all() -> Vec<Capture> {
        CAPTURE_NAMES.iter().map(|name| Capture::load(name)).collect()
    }

    /// `final_execution_status` of each poll (`None` for an error such as UNKNOWN_TRANSACTION).
    pub fn statuses(&self) -> Vec<Option<String>> {
        self.polls
            .iter()
            .map(|p| p["result"]["final_execution_status"].as_str().map(str::to_owned))
            .collect()
    }

    /// The block hashes poll `i`'s outcomes name.
    pub fn blocks_named_by(&self, i: usize) -> Vec<String> {
        let result = &self.polls[i]["result"];
        let mut named = Vec::new();
        if let Some(hash) = result["transaction_outcome"]["block_hash"].as_str() {
            named.push(hash.to_owned());
        }
        for outcome in result["receipts_outcome"].as_array().into_iter().flatten() {
            if let Some(hash) = outcome["block_hash"].as_str() {
                named.push(hash.to_owned());
            }
        }
        named
    }
}

/// A JSON-RPC error response the way nearcore shapes it.
pub fn node_error(cause: &str, data: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "error": {
        "name": "HANDLER_ERROR", "code": -32000, "message": "Server error",
        "cause": {"name": cause, "info": {}}, "data": data}})
}

/// A node that knows `captures`: every `EXPERIMENTAL_tx_status` call for a transaction gets its
/// next recorded poll, each one `repeat` times, the last one forever; `block` answers from the
/// recorded blocks (else `UNKNOWN_BLOCK`); `query view_account` knows the senders.
pub fn capture_node(captures: Vec<Capture>, repeat: usize) -> Handler {
    let served: Mutex<HashMap<String, usize>> = Mutex::new(HashMap::new());
    let blocks: HashMap<String, Value> = captures.iter().flat_map(|c| c.blocks.clone()).collect();
    Arc::new(move |method, params| match method {
        "EXPERIMENTAL_tx_status" => {
            let hash = params["tx_hash"].as_str().unwrap_or_default();
            let Some(capture) = captures.iter().find(|c| c.tx_hash == hash) else {
                return Reply::Json(node_error("UNKNOWN_TRANSACTION", "unknown"));
            };
            let mut served = served.lock().expect("served lock");
            let count = served.entry(hash.to_owned()).or_default();
            let index = (*count / repeat.max(1)).min(capture.polls.len() - 1);
            *count += 1;
            Reply::Json(capture.polls[index].clone())
        }
        "block" => {
            let hash = params["block_id"].as_str().unwrap_or_default();
            match blocks.get(hash) {
                Some(block) => Reply::Json(block.clone()),
                None => Reply::Json(node_error("UNKNOWN_BLOCK", "DB Not Found Error")),
            }
        }
        "query" => {
            let account = params["account_id"].as_str().unwrap_or_default();
            if captures.iter().any(|c| c.sender == account) {
                Reply::Json(json!({"jsonrpc": "2.0", "id": 0, "result": {
                    "amount": "1", "locked": "0", "code_hash": "11111111111111111111111111111111",
                    "storage_usage": 100, "storage_paid_at": 0, "block_height": 1,
                    "block_hash": "11111111111111111111111111111111"}}))
            } else {
                Reply::Json(node_error(
                    "UNKNOWN_ACCOUNT",
                    &format!("account {account} does not exist while viewing"),
                ))
            }
        }
        _ => Reply::Json(json!({"jsonrpc": "2.0", "id": 0,
            "error": {"code": -32601, "message": "Method not found"}})),
    })
}
