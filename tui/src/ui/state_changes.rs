//! The state changes of the selected receipt (or the transaction), for the details pane.
//!
//! ```text
//! state    Δ 1 write · 2 balance changes · v raw · L ledger
//!          data     xcc.test.near "STATE"
//!                   − 0f000000 "hello.test.near" 02000000        (before, changed bytes marked)
//!                   + 0f000000 "hello.test.near" 01000000        (after)
//!          balance  xcc.test.near 11.00012 → 10.00012 NEAR (−1 NEAR)
//!          reward   hello.test.near +0.00003 NEAR → 20.00003 NEAR · contract reward
//! reverted ↺ embedded runtime only: written, then rolled back when the receipt failed
//!          data     hello.test.near "STATE" …
//! ```
//! Values read as `model::state_value` says (JSON, text, bytes with printable runs); `v`
//! shows them raw (base64, amounts in yoctoNEAR). What changed is styled (bold, underlined:
//! it survives `NO_COLOR`); an unknown before says so.

use super::theme::Theme;
use super::value::{value, value_lines};
use crate::format;
use crate::model::state_value::{self, changed};
use crate::model::{Before, Cause, ChangeValue, StateChange};
use near_primitives::types::Balance;
use near_primitives::views::{AccessKeyPermissionView, AccessKeyView, AccountView};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Where the change lines start (after the 9-column field name).
const INDENT: &str = "         ";
/// Where a value's before/after lines start.
pub(super) const VALUE_INDENT: &str = "                  ";

/// The `state` (and `reverted`) section for a pane `width` columns wide (inside its border):
/// empty when there is nothing to list.
pub fn lines(
    changes: &[StateChange],
    reverted: &[StateChange],
    raw: bool,
    width: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if !changes.is_empty() {
        let writes = changes.iter().filter(|c| c.is_write()).count();
        let balances = changes.len() - writes;
        let mut summary = Vec::new();
        if writes > 0 {
            summary.push(format!("Δ {writes} write{}", plural(writes)));
        }
        if balances > 0 {
            summary.push(format!("{balances} balance change{}", plural(balances)));
        }
        let mode = if raw { "raw: base64, yoctoNEAR · v readable" } else { "v raw" };
        out.push(Line::from(vec![
            Span::styled("state    ", theme.label()),
            Span::raw(summary.join(" · ")),
            Span::styled(format!(" · {mode} · L ledger"), theme.dim()),
        ]));
        // Writes first (what the contract did), then balances, each in the node's order.
        let (writes, balances): (Vec<_>, Vec<_>) = changes.iter().partition(|c| c.is_write());
        for c in writes.into_iter().chain(balances) {
            out.extend(change(c, raw, width, theme, Style::new()));
        }
    }
    if !reverted.is_empty() {
        out.push(Line::from(vec![
            Span::styled("reverted ", theme.label()),
            Span::styled(
                format!(
                    "↺ {} write{} rolled back with the failed receipt · embedded runtime only",
                    reverted.len(),
                    plural(reverted.len())
                ),
                theme.reverted(),
            ),
        ]));
        for c in reverted {
            out.extend(change(c, raw, width, theme, theme.reverted()));
        }
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// One change: a head line, and for data the before and after lines.
fn change(
    c: &StateChange,
    raw: bool,
    width: usize,
    theme: Theme,
    base: Style,
) -> Vec<Line<'static>> {
    let head = |what: &str, rest: Vec<Span<'static>>| {
        let mut spans = vec![
            Span::raw(INDENT),
            Span::styled(format!("{what:<9}"), theme.label().patch(base)),
            Span::styled(c.account.to_string(), base),
        ];
        spans.extend(rest);
        Line::from(spans)
    };
    match &c.value {
        ChangeValue::Account { after, before } => vec![account(c, after, before, raw, theme, base)],
        ChangeValue::Data { key, after, before } => {
            let key_text = if raw {
                format!(" key {}", state_value::base64(key))
            } else {
                format!(" {}", state_value::summary(key))
            };
            let deleted = if after.is_none() { " deleted" } else { "" };
            let mut lines = vec![head("data", vec![Span::styled(key_text + deleted, base)])];
            let ranges = match (before, after) {
                (Before::Known(Some(b)), Some(a)) => changed(b, a),
                _ => None,
            };
            let before_spans = match before {
                Before::Known(Some(b)) => {
                    value(b, ranges.as_ref().map(|r| r.0.clone()), raw, theme, base)
                }
                Before::Known(None) => vec![Span::styled("(new key)", theme.dim())],
                Before::Unknown(reason) => {
                    let mut spans = vec![Span::styled("? ", base)];
                    spans.extend(unknown(reason, theme));
                    spans
                }
            };
            let after_spans = match after {
                Some(a) => {
                    // A new key or an unknown before: the whole value is what is there now.
                    let range = match before {
                        Before::Known(Some(_)) => ranges.as_ref().map(|r| r.1.clone()),
                        _ => None,
                    };
                    value(a, range, raw, theme, base)
                }
                None => vec![Span::styled("(deleted)", theme.dim())],
            };
            for (sign, spans) in [("− ", before_spans), ("+ ", after_spans)] {
                lines.extend(value_lines(sign, spans, width, base));
            }
            if ranges.is_none() && matches!(before, Before::Known(Some(_))) && after.is_some() {
                lines.push(Line::from(vec![
                    Span::raw(VALUE_INDENT),
                    Span::styled("(written with the same bytes)", theme.dim()),
                ]));
            }
            lines
        }
        ChangeValue::AccessKey { public_key, after, before } => {
            let key = format::elide_middle(public_key, 24);
            vec![head("key", access_key(&key, after.as_ref(), before, theme, base))]
        }
        ChangeValue::ContractCode { code_hash, len } => {
            let what = match code_hash {
                Some(h) => format!(" deployed: sha256 {h} ({len} bytes)"),
                None => " deleted".into(),
            };
            vec![head("code", vec![Span::styled(what, base)])]
        }
        ChangeValue::Other => vec![head(c.kind.as_rpc_str(), Vec::new())],
    }
}

fn unknown(reason: &Option<String>, theme: Theme) -> Vec<Span<'static>> {
    let why = reason.as_ref().map_or(String::new(), |r| format!(": {r}"));
    vec![Span::styled(format!("(before unknown{why})"), theme.dim())]
}

fn amount(yocto: u128, raw: bool) -> String {
    if raw {
        yocto.to_string()
    } else {
        format::near(Balance::from_yoctonear(yocto))
    }
}

fn signed(delta: i128, raw: bool) -> String {
    if raw {
        format!("{delta:+}").replace('-', "−")
    } else {
        format::near_signed(delta)
    }
}

/// `balance  xcc.test.near 11 → 10 NEAR (−1 NEAR)`; the delta is what changed.
fn account(
    c: &StateChange,
    after: &Option<AccountView>,
    before: &Before<AccountView>,
    raw: bool,
    theme: Theme,
    base: Style,
) -> Line<'static> {
    let what = match c.cause {
        Cause::ActionReceiptGasReward => "reward",
        _ => "balance",
    };
    let mut spans = vec![
        Span::raw(INDENT),
        Span::styled(format!("{what:<9}"), theme.label().patch(base)),
        Span::styled(format!("{} ", c.account), base),
    ];
    let now = after.as_ref().map(|a| a.amount.as_yoctonear());
    match (before, now) {
        (Before::Known(was), Some(now)) => {
            let was = was
                .as_ref()
                .map_or("(new account)".to_string(), |w| amount(w.amount.as_yoctonear(), raw));
            spans.push(Span::styled(format!("{was} → {}", amount(now, raw)), base));
            if let Some(delta) = c.balance_delta() {
                spans.push(Span::styled(" (", base));
                spans.push(Span::styled(signed(delta, raw), theme.changed().patch(base)));
                spans.push(Span::styled(")", base));
            }
        }
        (Before::Unknown(reason), Some(now)) => {
            spans.push(Span::styled(format!("? → {} ", amount(now, raw)), base));
            spans.extend(unknown(reason, theme));
        }
        (Before::Known(Some(was)), None) => spans.push(Span::styled(
            format!("deleted (had {})", amount(was.amount.as_yoctonear(), raw)),
            theme.changed().patch(base),
        )),
        (_, None) => spans.push(Span::styled("deleted", theme.changed().patch(base))),
    }
    if let (Some(a), Before::Known(Some(b))) = (after, before) {
        if a.storage_usage != b.storage_usage {
            spans.push(Span::styled(
                format!(" · storage {} → {} bytes", b.storage_usage, a.storage_usage),
                base,
            ));
        }
        if a.code_hash != b.code_hash {
            spans.push(Span::styled(" · code changed", theme.changed().patch(base)));
        }
    }
    if c.cause == Cause::ActionReceiptGasReward {
        spans.push(Span::styled(" · contract reward", theme.dim()));
    } else if c.cause != Cause::ReceiptProcessing {
        spans.push(Span::styled(format!(" · {}", c.cause), theme.dim()));
    }
    Line::from(spans)
}

fn permission(k: &AccessKeyView) -> String {
    match &k.permission {
        AccessKeyPermissionView::FullAccess => "FullAccess".into(),
        AccessKeyPermissionView::FunctionCall { receiver_id, .. } => {
            format!("FunctionCall({receiver_id})")
        }
        _ => "GasKey".into(),
    }
}

fn access_key(
    key: &str,
    after: Option<&AccessKeyView>,
    before: &Before<AccessKeyView>,
    theme: Theme,
    base: Style,
) -> Vec<Span<'static>> {
    let mut spans = vec![Span::styled(format!(" {key} "), base)];
    match (before, after) {
        (_, None) => spans.push(Span::styled("deleted", theme.changed().patch(base))),
        (Before::Known(None), Some(a)) => spans.push(Span::styled(
            format!("added, {}, nonce {}", permission(a), a.nonce),
            theme.changed().patch(base),
        )),
        (Before::Known(Some(b)), Some(a)) => {
            spans.push(Span::styled("nonce ", base));
            let style = if a.nonce != b.nonce { theme.changed().patch(base) } else { base };
            spans.push(Span::styled(format!("{} → {}", b.nonce, a.nonce), style));
            if permission(a) != permission(b) {
                spans.push(Span::styled(
                    format!(" · {} → {}", permission(b), permission(a)),
                    theme.changed().patch(base),
                ));
            }
        }
        (Before::Unknown(reason), Some(a)) => {
            spans.push(Span::styled(format!("nonce ? → {} ", a.nonce), base));
            spans.extend(unknown(reason, theme));
        }
    }
    spans
}
