//! `nearviz diff --format json`: the whole comparison, for CI and scripts.
//!
//! ```json
//! { "version": 1, "equal": false, "gas_tolerance": "1%",
//!   "transactions": [ { "label": "query_greeting", "presence": "both", "matched_by": "label",
//!       "a": {"hash", "signer", "receiver"}, "b": {..}, "equal": false, "changes": [..],
//!       "receipts": [ { "path": ["caller.test.near query_greeting"], "depth": 0,
//!           "presence": "both", "a": "<id>", "b": "<id>", "block_offset": 1, "equal": true,
//!           "changes": [ { "field": "gas burnt", "a": 1903187148555, "b": 1905000000000,
//!                          "delta": 1812851445, "percent": 0.095, "within_tolerance": true } ] } ] } ] }
//! ```
//! Every receipt of either run is listed; `changes` holds every difference, amounts within the
//! tolerance included (`within_tolerance: true`). Gas is a number, yoctoNEAR a string.
//!
//! State (when both runs carry it: the transaction's `state_compared`): every state change of
//! either run, paired, under its receipt (`state_changes`, `reverted_changes`) or the
//! transaction (`state_changes`), and the transaction's `ledger` rows, each
//! `{"presence", "equal", "changes", ..}`:
//! ```json
//! { "cause": "receipt_processing", "kind": "data_update", "account": "xcc.test.near",
//!   "key": "\"STATE\"", "presence": "both", "equal": false,
//!   "changes": [ { "field": "value", "a": "…", "b": "…" } ] }
//! { "account": "alice.test.near", "presence": "both", "equal": true,
//!   "changes": [ { "field": "net", "a": "-1000…", "b": "-1001…", "delta": "…", ... } ] }
//! ```

use super::{Change, LedgerDiff, MatchedBy, ReceiptDiff, Report, StateDiff, TxDiff, TxSide, Unit};
use serde_json::{json, Value as Json};

pub const DIFF_JSON_VERSION: u32 = 1;

pub fn to_value(report: &Report) -> Json {
    json!({
        "version": DIFF_JSON_VERSION,
        "equal": report.is_equal(),
        "gas_tolerance": report.tolerance.to_string(),
        "transactions": report.transactions.iter().map(tx).collect::<Vec<_>>(),
    })
}

fn side(s: &Option<TxSide>) -> Json {
    s.as_ref().map_or(
        Json::Null,
        |s| json!({ "hash": s.hash, "signer": s.signer, "receiver": s.receiver }),
    )
}

fn tx(t: &TxDiff) -> Json {
    json!({
        "label": t.label,
        "presence": t.presence().name(),
        "matched_by": t.matched_by.map(|m| match m {
            MatchedBy::Label => "label",
            MatchedBy::Order => "order",
        }),
        "a": side(&t.a),
        "b": side(&t.b),
        "equal": t.is_equal(),
        "changes": t.changes.iter().map(change).collect::<Vec<_>>(),
        "receipts": t.receipts.iter().map(receipt).collect::<Vec<_>>(),
        "state_compared": t.state_compared,
        "state_changes": t.state.iter().map(state).collect::<Vec<_>>(),
        "ledger": t.ledger.iter().map(ledger).collect::<Vec<_>>(),
    })
}

fn receipt(r: &ReceiptDiff) -> Json {
    json!({
        "path": r.path.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        "depth": r.depth,
        "presence": r.presence().name(),
        "a": r.a,
        "b": r.b,
        "block_offset": r.offset,
        "equal": r.is_equal(),
        "changes": r.changes.iter().map(change).collect::<Vec<_>>(),
        "state_changes": r.state.iter().map(state).collect::<Vec<_>>(),
        "reverted_changes": r.reverted.iter().map(state).collect::<Vec<_>>(),
    })
}

fn state(s: &StateDiff) -> Json {
    json!({
        "cause": s.cause,
        "kind": s.kind,
        "account": s.account,
        "key": s.key,
        "presence": s.presence.name(),
        "equal": s.is_equal(),
        "changes": s.changes.iter().map(change).collect::<Vec<_>>(),
    })
}

fn ledger(l: &LedgerDiff) -> Json {
    json!({
        "account": l.account,
        "presence": l.presence.name(),
        "equal": l.is_equal(),
        "changes": l.changes.iter().map(change).collect::<Vec<_>>(),
    })
}

fn change(c: &Change) -> Json {
    let mut v = json!({ "field": c.field, "a": c.a, "b": c.b });
    if let Some(a) = &c.amount {
        let delta = a.b.saturating_sub(a.a);
        v["delta"] = match a.unit {
            Unit::Gas => {
                i64::try_from(delta).map_or_else(|_| json!(delta.to_string()), |d| json!(d))
            }
            Unit::YoctoNear => json!(delta.to_string()),
        };
        v["percent"] = json!(a.percent);
        v["within_tolerance"] = json!(a.within_tolerance);
    }
    v
}
