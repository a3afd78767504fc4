//! `--format json`: the stable schema documented in `docs/trace-json.md` (version 1).
//! Gas is a JSON integer, yoctoNEAR a decimal string, ids are base58 strings.

use super::state_changes;
use crate::model::window;
use crate::model::{
    ActionInfo, Args, Dag, Failure, InputInfo, InputStatus, Outcome, Parent, Progress, ReceiptNode,
    Status, TxNode, Value,
};
use serde_json::{json, Value as Json};
use std::io::{self, Write};

/// The schema version written in `"version"`.
pub const JSON_VERSION: u32 = 1;

/// The whole DAG as a JSON value.
pub fn to_value(dag: &Dag) -> Json {
    json!({
        "version": JSON_VERSION,
        "transactions": dag.transactions.iter().map(|t| tx(dag, t)).collect::<Vec<_>>(),
    })
}

/// Pretty-printed JSON and a final newline.
pub fn write(dag: &Dag, w: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &to_value(dag))?;
    w.write_all(b"\n")
}

fn value(v: &Value) -> Json {
    match v {
        Value::Empty => Json::Null,
        Value::Json(j) => j.clone(),
        Value::Bytes { base64, len } => json!({ "base64": base64, "len": len }),
    }
}

fn args(a: &Option<Args>) -> Json {
    match a {
        None | Some(Args::Bytes { len: 0, .. }) => Json::Null,
        Some(Args::Json(j)) => j.clone(),
        Some(Args::Bytes { base64, len }) => json!({ "base64": base64, "len": len }),
    }
}

fn action(a: &ActionInfo) -> Json {
    json!({
        "kind": a.kind,
        "method": a.method,
        "args": args(&a.args),
        "deposit": a.deposit.as_yoctonear().to_string(),
        "gas": a.gas.as_gas(),
        "detail": a.detail,
    })
}

fn error(f: &Failure) -> Json {
    json!({ "action_index": f.action_index, "kind": f.kind, "message": f.message })
}

/// `(status, waiting, error, result, result_receipt)`.
fn status(s: &Status) -> (&'static str, Json, Json, Json, Json) {
    match s {
        Status::Pending => ("pending", Json::Null, Json::Null, Json::Null, Json::Null),
        Status::Waiting { arrived, total } => (
            "waiting",
            json!({ "arrived": arrived, "total": total }),
            Json::Null,
            Json::Null,
            Json::Null,
        ),
        Status::Success(Outcome::Value(v)) => {
            ("success", Json::Null, Json::Null, value(v), Json::Null)
        }
        Status::Success(Outcome::Receipt(r)) => {
            ("success", Json::Null, Json::Null, Json::Null, json!(r.to_string()))
        }
        Status::Failure(f) => ("failure", Json::Null, error(f), Json::Null, Json::Null),
    }
}

fn input(i: &InputInfo) -> Json {
    let (status, v) = match &i.status {
        InputStatus::Pending => ("pending", Json::Null),
        InputStatus::Success(v) => ("success", value(v)),
        InputStatus::Failed => ("failed", Json::Null),
        InputStatus::Arrived => ("arrived", Json::Null),
    };
    json!({
        "from": i.from.map(|r| r.to_string()),
        "index": i.index,
        "status": status,
        "value": v,
    })
}

fn receipt(r: &ReceiptNode) -> Json {
    let (status, waiting, err, result, result_receipt) = status(&r.status);
    json!({
        "id": r.id.to_string(),
        "parent": match r.parent {
            Parent::Tx(t) => t.to_string(),
            Parent::Receipt(p) => p.to_string(),
        },
        "children": r.children.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        "predecessor": r.predecessor.as_ref().map(|a| a.to_string()),
        "receiver": r.receiver.as_ref().map(|a| a.to_string()),
        "actions": r.actions.iter().map(action).collect::<Vec<_>>(),
        "is_refund": r.is_refund,
        "block_height": r.block_height,
        "block_offset": r.block_offset,
        "status": status,
        "waiting": waiting,
        "error": err,
        "result": result,
        "result_receipt": result_receipt,
        "gas_attached": r.gas_attached.as_gas(),
        "gas_burnt": r.gas_burnt.as_gas(),
        "tokens_burnt": r.tokens_burnt.as_yoctonear().to_string(),
        "gas_forwarded": r.gas_forwarded.as_gas(),
        "logs": r.logs,
        "inputs": r.inputs.iter().map(input).collect::<Vec<_>>(),
        "state_changes": state_changes::changes(&r.state_changes),
        "reverted_changes": state_changes::changes(&r.reverted_changes),
    })
}

/// The receipts of other transactions that ran inside `t`'s callback windows.
fn window_overlaps(dag: &Dag, t: &TxNode) -> Json {
    let found = window::overlaps(dag, t);
    found
        .iter()
        .map(|o| {
            json!({
                "receipt": o.receipt.to_string(),
                "callback": o.callback.to_string(),
                "account": o.account.to_string(),
                "other_tx": o.other_tx.to_string(),
                "other_receipt": o.other_receipt.to_string(),
                "block": o.block,
            })
        })
        .collect()
}

fn tx(dag: &Dag, t: &TxNode) -> Json {
    let (status, waiting, err, result, result_receipt) = status(&t.status);
    let progress = match &t.progress {
        Progress::Submitted => json!({ "state": "submitted" }),
        Progress::Node(s) => json!({ "state": "node", "status": crate::chain::status_name(s) }),
        Progress::Lost(why) => json!({ "state": "lost", "reason": why }),
    };
    json!({
        "hash": t.hash.to_string(),
        "label": t.label,
        "signer": t.signer.to_string(),
        "receiver": t.receiver.as_ref().map(|a| a.to_string()),
        "actions": t.actions.iter().map(action).collect::<Vec<_>>(),
        "block_height": t.block_height,
        "status": status,
        "waiting": waiting,
        "error": err,
        "result": result,
        "result_receipt": result_receipt,
        "progress": progress,
        "gas_burnt": t.gas_burnt.as_gas(),
        "tokens_burnt": t.tokens_burnt.as_yoctonear().to_string(),
        "conversion_gas_burnt": t.conversion_gas_burnt.as_gas(),
        "first_block": t.first_block,
        "last_block": t.last_block,
        "receipts": t.receipts.iter().map(receipt).collect::<Vec<_>>(),
        "state_changes": state_changes::changes(&t.state_changes),
        "ledger": state_changes::ledger(&t.ledger),
        "ledger_summary": state_changes::ledger_summary(&t.ledger),
        "window_overlaps": window_overlaps(dag, t),
    })
}
