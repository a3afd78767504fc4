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

use super::{Change, MatchedBy, ReceiptDiff, Report, TxDiff, TxSide, Unit};
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
    })
}

fn change(c: &Change) -> Json {
    let mut v = json!({ "field": c.field, "a": c.a, "b": c.b });
    if let Some(a) = &c.amount {
        let delta =
            i128::try_from(a.b).unwrap_or(i128::MAX) - i128::try_from(a.a).unwrap_or(i128::MAX);
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
