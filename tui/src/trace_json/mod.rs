//! The trace JSON (`docs/trace-json.md`, version 1), defined once: the `Serialize +
//! Deserialize` types that `--format json` writes (`output::json`) and `nearviz diff` reads
//! back (`diff::trace`), each with its two conversions side by side (`of` from the model,
//! `into_*` back to it), so the writer and the reader cannot drift apart.
//!
//! ```text
//! Dag ──TraceJson::of──▶ TraceJson ──serde──▶ text ──serde──▶ TraceJson ──into_dag──▶ Dag
//! ```
//! Field order is key order (serde_json keeps it): keep it as the schema prints it.
//! Gas is a JSON integer, yoctoNEAR a decimal string, ids are base58 strings. What the JSON does
//! not keep is not needed to read it back: the comparison reads the same projections.
//!
//! - `tx`: a transaction, its receipts, actions, statuses and inputs;
//! - `state_changes`: a state change, the ledger and its summary.

pub mod pretty;
mod state_changes;
mod tx;

pub use state_changes::{permission_name, LedgerRowJson, LedgerSummaryJson, StateChangeJson};
pub use tx::{ActionJson, GasCostJson, InputJson, ProgressJson, ReceiptJson, StatusJson, TxJson};

use crate::model::window::RanOn;
use crate::model::{Dag, Value};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

/// The schema version written in `"version"`.
pub const JSON_VERSION: u32 = 1;

/// A whole trace JSON document.
#[derive(Serialize, Deserialize)]
pub struct TraceJson {
    pub version: u32,
    pub transactions: Vec<TxJson>,
}

impl TraceJson {
    /// The DAG as the schema writes it.
    pub fn of(dag: &Dag) -> TraceJson {
        TraceJson {
            version: JSON_VERSION,
            transactions: {
                let ran_on = RanOn::of(dag);
                dag.transactions.iter().map(|t| TxJson::of(&ran_on, t)).collect()
            },
        }
    }

    /// Back to a DAG (any version: the caller checks it); the error is one line.
    pub fn into_dag(self) -> Result<Dag, String> {
        let transactions = self.transactions.into_iter().map(TxJson::into_node);
        Ok(Dag { transactions: transactions.collect::<Result<_, _>>()? })
    }
}

/// A value: `null` (none), the JSON itself, or `{"base64", "len"}` for other bytes.
fn value_json(v: &Value) -> Json {
    match v {
        Value::Empty => Json::Null,
        Value::Json(j) => j.clone(),
        Value::Bytes { base64, len } => bytes_json(base64, *len),
    }
}

/// Bytes that are not JSON: `{"base64": .., "len": ..}`.
fn bytes_json(base64: &str, len: usize) -> Json {
    json!({ "base64": base64, "len": len })
}

/// The reverse of `value_json`.
fn value(j: Json) -> Value {
    match j {
        Json::Null => Value::Empty,
        Json::Object(o) if o.len() == 2 && o.contains_key("base64") && o.contains_key("len") => {
            let base64 = o["base64"].as_str().unwrap_or_default().to_string();
            let len = o["len"].as_u64().and_then(|l| usize::try_from(l).ok()).unwrap_or(0);
            Value::Bytes { base64, len }
        }
        other => Value::Json(other),
    }
}

fn hash(s: &str) -> Result<CryptoHash, String> {
    s.parse().map_err(|_| format!("`{s}` is not a base58 hash"))
}

fn account(s: &str) -> Result<AccountId, String> {
    s.parse().map_err(|e| format!("`{s}` is not an account id: {e}"))
}

fn yocto(s: &str) -> Result<Balance, String> {
    s.parse().map(Balance::from_yoctonear).map_err(|_| format!("`{s}` is not a yoctoNEAR amount"))
}

fn yocto_string(b: Balance) -> String {
    b.as_yoctonear().to_string()
}
