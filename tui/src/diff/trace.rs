//! Reading back the trace JSON of `--format json` (`docs/trace-json.md`, version 1) as a `Dag`,
//! so `nearviz diff` also compares saved `inspect`/`run`/`tx --format json` outputs.
//! What the JSON does not keep (raw bytes of non-JSON values beyond base64) is not needed:
//! the comparison reads the same projections the JSON writes. State changes and the ledger:
//! `trace_state`.

use super::trace_state::{self, LedgerRowJson, LedgerSummaryJson, StateJson};
use crate::chain::{ReceiptId, TxHash};
use crate::model::{
    ActionInfo, Args, Dag, Failure, InputInfo, InputStatus, Outcome, Parent, Progress, ReceiptNode,
    Status, TxNode, Value,
};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance, Gas};
use serde::Deserialize;
use serde_json::Value as Json;

#[derive(Deserialize)]
struct File {
    version: u32,
    transactions: Vec<Tx>,
}

#[derive(Deserialize)]
struct Tx {
    hash: String,
    label: Option<String>,
    signer: String,
    receiver: Option<String>,
    #[serde(default)]
    actions: Vec<Action>,
    block_height: Option<u64>,
    #[serde(flatten)]
    status: StatusFields,
    progress: Json,
    gas_burnt: u64,
    tokens_burnt: String,
    conversion_gas_burnt: u64,
    first_block: Option<u64>,
    last_block: Option<u64>,
    #[serde(default)]
    receipts: Vec<Receipt>,
    #[serde(default)]
    state_changes: Vec<StateJson>,
    #[serde(default)]
    ledger: Vec<LedgerRowJson>,
    ledger_summary: Option<LedgerSummaryJson>,
}

#[derive(Deserialize)]
struct StatusFields {
    status: String,
    waiting: Option<Waiting>,
    error: Option<Error>,
    #[serde(default)]
    result: Json,
    result_receipt: Option<String>,
}

#[derive(Deserialize)]
struct Waiting {
    arrived: usize,
    total: usize,
}

#[derive(Deserialize)]
struct Error {
    action_index: Option<u64>,
    kind: String,
    message: String,
}

#[derive(Deserialize)]
struct Action {
    kind: String,
    method: Option<String>,
    #[serde(default)]
    args: Json,
    deposit: String,
    gas: u64,
    detail: Option<String>,
}

#[derive(Deserialize)]
struct Receipt {
    id: String,
    parent: String,
    #[serde(default)]
    children: Vec<String>,
    predecessor: Option<String>,
    receiver: Option<String>,
    #[serde(default)]
    actions: Vec<Action>,
    is_refund: bool,
    block_height: Option<u64>,
    block_offset: Option<u64>,
    #[serde(flatten)]
    status: StatusFields,
    gas_attached: u64,
    gas_burnt: u64,
    tokens_burnt: String,
    gas_forwarded: u64,
    #[serde(default)]
    logs: Vec<String>,
    #[serde(default)]
    inputs: Vec<Input>,
    #[serde(default)]
    state_changes: Vec<StateJson>,
    #[serde(default)]
    reverted_changes: Vec<StateJson>,
}

#[derive(Deserialize)]
struct Input {
    from: Option<String>,
    index: usize,
    status: String,
    #[serde(default)]
    value: Json,
}

/// Whether `text` looks like a trace JSON (an object with `version` and `transactions`).
pub fn is_trace(text: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        version: Option<Json>,
        transactions: Option<serde::de::IgnoredAny>,
    }
    serde_json::from_str::<Probe>(text)
        .is_ok_and(|p| p.version.is_some() && p.transactions.is_some())
}

/// Parses a trace JSON; the error is one line.
pub fn parse(text: &str) -> Result<Dag, String> {
    let file: File =
        serde_json::from_str(text).map_err(|e| format!("not a nearviz trace JSON: {e}"))?;
    if file.version != crate::output::json::JSON_VERSION {
        return Err(format!(
            "trace JSON version {} is not supported (this nearviz reads version {})",
            file.version,
            crate::output::json::JSON_VERSION
        ));
    }
    let transactions = file.transactions.into_iter().map(tx).collect::<Result<_, _>>()?;
    Ok(Dag { transactions })
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

fn action(a: Action) -> Result<ActionInfo, String> {
    let args = match value(a.args) {
        Value::Empty => None,
        Value::Json(j) => Some(Args::Json(j)),
        Value::Bytes { base64, len } => Some(Args::Bytes { base64, len }),
    };
    Ok(ActionInfo {
        kind: a.kind,
        method: a.method,
        args,
        deposit: yocto(&a.deposit)?,
        gas: Gas::from_gas(a.gas),
        detail: a.detail,
    })
}

fn status(s: StatusFields) -> Result<Status, String> {
    Ok(match s.status.as_str() {
        "pending" => Status::Pending,
        "waiting" => {
            let w = s.waiting.unwrap_or(Waiting { arrived: 0, total: 0 });
            Status::Waiting { arrived: w.arrived, total: w.total }
        }
        "success" => match s.result_receipt {
            Some(r) => Status::Success(Outcome::Receipt(ReceiptId(hash(&r)?))),
            None => Status::Success(Outcome::Value(value(s.result))),
        },
        "failure" => {
            let e = s.error.ok_or("a failure without `error`")?;
            Status::Failure(Failure {
                action_index: e.action_index,
                kind: e.kind,
                message: e.message,
            })
        }
        other => return Err(format!("unknown status `{other}`")),
    })
}

fn tx(t: Tx) -> Result<TxNode, String> {
    let tx_hash = hash(&t.hash)?;
    let progress = match t.progress["state"].as_str() {
        Some("node") => serde_json::from_value(t.progress["status"].clone())
            .map(Progress::Node)
            .map_err(|_| format!("unknown final_execution_status {}", t.progress["status"]))?,
        Some("lost") => Progress::Lost(t.progress["reason"].as_str().unwrap_or("").to_string()),
        _ => Progress::Submitted,
    };
    let receipts =
        t.receipts.into_iter().map(|r| receipt(r, &t.hash)).collect::<Result<_, String>>()?;
    Ok(TxNode {
        hash: TxHash(tx_hash),
        label: t.label,
        signer: account(&t.signer)?,
        receiver: t.receiver.as_deref().map(account).transpose()?,
        actions: t.actions.into_iter().map(action).collect::<Result<_, _>>()?,
        block_height: t.block_height,
        status: status(t.status)?,
        progress,
        gas_burnt: Gas::from_gas(t.gas_burnt),
        tokens_burnt: yocto(&t.tokens_burnt)?,
        conversion_gas_burnt: Gas::from_gas(t.conversion_gas_burnt),
        first_block: t.first_block,
        last_block: t.last_block,
        receipts,
        state_changes: trace_state::changes(t.state_changes)?,
        ledger: trace_state::ledger(t.ledger, t.ledger_summary)?,
    })
}

fn receipt(r: Receipt, tx_hash: &str) -> Result<ReceiptNode, String> {
    let parent = if r.parent == tx_hash {
        Parent::Tx(TxHash(hash(tx_hash)?))
    } else {
        Parent::Receipt(ReceiptId(hash(&r.parent)?))
    };
    let inputs = r
        .inputs
        .into_iter()
        .map(|i| {
            let status = match i.status.as_str() {
                "pending" => InputStatus::Pending,
                "success" => InputStatus::Success(value(i.value)),
                "failed" => InputStatus::Failed,
                "arrived" => InputStatus::Arrived,
                other => return Err(format!("unknown input status `{other}`")),
            };
            let from = i.from.as_deref().map(hash).transpose()?.map(ReceiptId);
            Ok(InputInfo { from, index: i.index, status })
        })
        .collect::<Result<_, String>>()?;
    Ok(ReceiptNode {
        id: ReceiptId(hash(&r.id)?),
        parent,
        children: r.children.iter().map(|c| hash(c).map(ReceiptId)).collect::<Result<_, _>>()?,
        predecessor: r.predecessor.as_deref().map(account).transpose()?,
        receiver: r.receiver.as_deref().map(account).transpose()?,
        actions: r.actions.into_iter().map(action).collect::<Result<_, _>>()?,
        is_refund: r.is_refund,
        block_height: r.block_height,
        block_offset: r.block_offset,
        status: status(r.status)?,
        gas_attached: Gas::from_gas(r.gas_attached),
        gas_burnt: Gas::from_gas(r.gas_burnt),
        tokens_burnt: yocto(&r.tokens_burnt)?,
        gas_forwarded: Gas::from_gas(r.gas_forwarded),
        logs: r.logs,
        inputs,
        state_changes: trace_state::changes(r.state_changes)?,
        reverted_changes: trace_state::changes(r.reverted_changes)?,
    })
}
