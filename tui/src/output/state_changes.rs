//! State changes and the ledger in the headless outputs (`docs/trace-json.md`).

use super::text;
use crate::model::state_value::{base64, changed, hex, summary};
use crate::model::{Before, ChangeValue, Ledger, ReceiptNode, StateChange};
use near_primitives::views::AccessKeyPermissionView;
use serde_json::{json, Map, Value as Json};

/// One change as `"state_changes"` lists it.
pub fn change(c: &StateChange) -> Json {
    let mut o = Map::new();
    o.insert("cause".into(), json!(c.cause));
    o.insert("kind".into(), json!(c.kind));
    o.insert("account".into(), json!(c.account.to_string()));
    o.insert("block_hash".into(), json!(c.block.to_string()));
    o.insert("block_height".into(), json!(c.block_height));
    let before_unknown = |reason: &Option<String>| json!({ "known": false, "reason": reason });
    match &c.value {
        ChangeValue::Account { after, before } => {
            let (before_json, known) = match before {
                Before::Known(b) => (b.as_ref(), Json::Null),
                Before::Unknown(reason) => (None, before_unknown(reason)),
            };
            o.insert(
                "amount".into(),
                json!(after.as_ref().map(|a| a.amount.as_yoctonear().to_string())),
            );
            o.insert(
                "amount_before".into(),
                json!(before_json.map(|a| a.amount.as_yoctonear().to_string())),
            );
            o.insert(
                "locked".into(),
                json!(after.as_ref().map(|a| a.locked.as_yoctonear().to_string())),
            );
            o.insert("storage_usage".into(), json!(after.as_ref().map(|a| a.storage_usage)));
            o.insert("storage_usage_before".into(), json!(before_json.map(|a| a.storage_usage)));
            o.insert("code_hash".into(), json!(after.as_ref().map(|a| a.code_hash.to_string())));
            o.insert("before_unknown".into(), known);
        }
        ChangeValue::Data { key, after, before } => {
            o.insert("key_base64".into(), json!(base64(key)));
            o.insert("value_base64".into(), json!(after.as_deref().map(base64)));
            let (b, unknown) = match before {
                Before::Known(b) => (b.as_deref().map(base64), Json::Null),
                Before::Unknown(reason) => (None, before_unknown(reason)),
            };
            o.insert("before_base64".into(), json!(b));
            o.insert("before_unknown".into(), unknown);
            o.insert("key".into(), json!(summary(key)));
            o.insert("value".into(), json!(after.as_deref().map(summary)));
        }
        ChangeValue::AccessKey { public_key, after, .. } => {
            o.insert("public_key".into(), json!(public_key));
            o.insert("nonce".into(), json!(after.as_ref().map(|k| k.nonce)));
            o.insert(
                "permission".into(),
                json!(after.as_ref().map(|k| match &k.permission {
                    AccessKeyPermissionView::FullAccess => "FullAccess".to_string(),
                    AccessKeyPermissionView::FunctionCall { receiver_id, .. } =>
                        format!("FunctionCall({receiver_id})"),
                    _ => "GasKey".to_string(),
                })),
            );
        }
        ChangeValue::ContractCode { code_hash, len } => {
            o.insert("code_hash".into(), json!(code_hash.map(|h| h.to_string())));
            o.insert("code_len".into(), json!(len));
        }
        ChangeValue::Other => {}
    }
    Json::Object(o)
}

pub fn changes(list: &[StateChange]) -> Json {
    Json::Array(list.iter().map(change).collect())
}

/// `"ledger"`: one object per account.
pub fn ledger(l: &Ledger) -> Json {
    let s = |v: i128| v.to_string();
    Json::Array(
        l.rows
            .iter()
            .map(|r| {
                json!({
                    "account": r.account.to_string(),
                    "net": s(r.net),
                    "deposits_in": s(r.deposits_in),
                    "deposits_out": s(r.deposits_out),
                    "gas_bought": s(r.gas_bought),
                    "refunds": s(r.refunds),
                    "rewards": s(r.rewards),
                    "other": s(r.other),
                })
            })
            .collect(),
    )
}

/// `"ledger_summary"`: what the rows do not say.
pub fn ledger_summary(l: &Ledger) -> Json {
    let s = |v: i128| v.to_string();
    json!({
        "tokens_burnt": s(l.tokens_burnt),
        "imbalance": s(l.imbalance()),
        "inferred": l.inferred,
        "unknown": l.unknown,
    })
}

/// One readable line per change (tree output, details).
pub fn line(c: &StateChange) -> String {
    let what = match &c.value {
        ChangeValue::Account { after, before } => {
            let after = after.as_ref().map_or("deleted".to_string(), |a| text::near(a.amount));
            let delta = c.balance_delta().map(signed_near).unwrap_or_default();
            match before {
                Before::Known(_) => format!("balance {after} ({delta})"),
                Before::Unknown(_) => format!("balance {after}"),
            }
        }
        ChangeValue::Data { key, after, before } => {
            let (before_value, after_value) = (before, after.as_deref());
            let after = after.as_deref().map_or("deleted".to_string(), summary);
            let before = match before {
                Before::Known(Some(b)) => summary(b),
                Before::Known(None) => "new".to_string(),
                Before::Unknown(_) => "?".to_string(),
            };
            let mut line = format!(
                "{} {} → {}",
                summary(key),
                text::clip(&before, 80),
                text::clip(&after, 80)
            );
            if let (Before::Known(Some(b)), Some(a)) = (before_value, after_value) {
                if let Some((was, now)) = changed(b, a) {
                    line.push_str(&format!(
                        " (bytes {}..{}: {} → {})",
                        was.start,
                        was.end,
                        text::clip(&hex(&b[was.clone()]), 24),
                        text::clip(&hex(&a[now]), 24)
                    ));
                }
            }
            line
        }
        ChangeValue::AccessKey { public_key, after, .. } => match after {
            Some(k) => format!("key {} nonce {}", text::clip(public_key, 20), k.nonce),
            None => format!("key {} deleted", text::clip(public_key, 20)),
        },
        ChangeValue::ContractCode { code_hash, len } => match code_hash {
            Some(h) => format!("code {h} ({len} bytes)"),
            None => "code deleted".into(),
        },
        ChangeValue::Other => String::new(),
    };
    format!("{} {} {what}", c.kind, c.account)
}

/// `+0.5 NEAR` / `−1 NEAR`, as the TUI writes it.
pub use crate::format::near_signed as signed_near;

/// `Δ2` for a receipt that wrote state (storage, keys, code), `↺1` for reverted writes.
pub fn mark(r: &ReceiptNode) -> Option<String> {
    let writes = r.state_writes();
    let reverted = r.reverted_writes();
    match (writes, reverted) {
        (0, 0) => None,
        (w, 0) => Some(format!("Δ{w} state")),
        (0, v) => Some(format!("↺{v} reverted")),
        (w, v) => Some(format!("Δ{w} state ↺{v} reverted")),
    }
}
