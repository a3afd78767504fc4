//! State changes in the text outputs: one line per change, the DAG's `Δn` mark. (In the JSON:
//! `trace_json`.)

use super::text;
use crate::model::state_value::{changed, hex, summary};
use crate::model::{Before, ChangeValue, ReceiptNode, StateChange};

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
