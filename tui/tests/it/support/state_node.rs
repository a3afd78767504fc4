//! A node serving one state recording (`fixtures/reference/state/<name>.json`): its polls in
//! order (the last forever), blocks, `EXPERIMENTAL_changes_in_block` and `EXPERIMENTAL_changes`
//! per block as recorded, and `query` from a table of befores (refusing, as a non-archival or
//! overloaded node does, for the accounts in `refuse`).

use super::captures::node_error;
use super::loopback::{Handler, Reply};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub struct StateRecording {
    pub tx_hash: String,
    pub signer: String,
    pub file: Value,
}

impl StateRecording {
    pub fn load(name: &str) -> StateRecording {
        let path =
            format!("{}/../fixtures/reference/state/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        StateRecording {
            tx_hash: file["tx_hash"].as_str().expect("tx_hash").to_owned(),
            signer: file["signer"].as_str().expect("signer").to_owned(),
            file,
        }
    }

    /// Blocks whose state changes are recorded.
    pub fn state_blocks(&self) -> Vec<String> {
        self.file["state_changes"].as_object().expect("state_changes").keys().cloned().collect()
    }
}

/// What `query` answers: `view_account` by account, `view_state` by (account, key base64).
#[derive(Clone, Default)]
pub struct Befores {
    pub accounts: HashMap<String, Value>,
    pub data: HashMap<(String, String), String>,
    /// Accounts whose queries the node refuses, with the error name.
    pub refuse: HashMap<String, String>,
}

fn ok(result: Value) -> Reply {
    Reply::Json(json!({"jsonrpc": "2.0", "id": 0, "result": result}))
}

pub fn state_node(rec: StateRecording, befores: Befores) -> Handler {
    let served = Mutex::new(0usize);
    Arc::new(move |method, params| {
        let file = &rec.file;
        match method {
            "EXPERIMENTAL_tx_status" => {
                if params["tx_hash"] != rec.tx_hash.as_str() {
                    return Reply::Json(node_error("UNKNOWN_TRANSACTION", "unknown"));
                }
                let polls = file["polls"].as_array().expect("polls");
                let mut n = served.lock().expect("lock");
                let i = (*n).min(polls.len() - 1);
                *n += 1;
                Reply::Json(polls[i]["response"].clone())
            }
            "block" => match file["blocks"].get(params["block_id"].as_str().unwrap_or("")) {
                Some(b) => Reply::Json(b.clone()),
                None => Reply::Json(node_error("UNKNOWN_BLOCK", "DB Not Found Error")),
            },
            "EXPERIMENTAL_changes_in_block" | "EXPERIMENTAL_changes" => {
                let block = params["block_id"].as_str().unwrap_or("");
                let Some(sc) = file["state_changes"].get(block) else {
                    return Reply::Json(node_error("UNKNOWN_BLOCK", "DB Not Found Error"));
                };
                let kind = if method == "EXPERIMENTAL_changes_in_block" {
                    "changes_in_block"
                } else {
                    params["changes_type"].as_str().unwrap_or("")
                };
                match sc.get(kind) {
                    Some(v) => Reply::Json(v.clone()),
                    None => Reply::Json(node_error("PARSE_ERROR", "unknown changes_type")),
                }
            }
            "query" => {
                let account = params["account_id"].as_str().unwrap_or("").to_owned();
                if let Some(name) = befores.refuse.get(&account) {
                    return Reply::Json(node_error(name, "the node cannot answer this query"));
                }
                match params["request_type"].as_str() {
                    Some("view_account") => match befores.accounts.get(&account) {
                        Some(v) => ok(v.clone()),
                        None => Reply::Json(node_error(
                            "UNKNOWN_ACCOUNT",
                            &format!("account {account} does not exist while viewing"),
                        )),
                    },
                    Some("view_state") => {
                        let key = params["prefix_base64"].as_str().unwrap_or("").to_owned();
                        let values: Vec<Value> = befores
                            .data
                            .get(&(account, key.clone()))
                            .map(|v| json!({"key": key, "value": v}))
                            .into_iter()
                            .collect();
                        ok(json!({"values": values, "block_height": 1,
                                  "block_hash": "11111111111111111111111111111111"}))
                    }
                    _ => Reply::Json(node_error("PARSE_ERROR", "unknown request_type")),
                }
            }
            _ => Reply::Json(json!({"jsonrpc": "2.0", "id": 0,
                "error": {"code": -32601, "message": "Method not found"}})),
        }
    })
}
