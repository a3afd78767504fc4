//! The readable report: `equal`, or a tree of what differs.
//!
//! ```text
//! --- A  baseline.json
//! +++ B  new.json
//! ~ tx query_greeting  (matched by label)
//!     total gas burnt  5.2032 Tgas → 5.3095 Tgas  (+0.1063 Tgas, +2.04%)
//!   caller.test.near query_greeting  B+1
//!     hello.test.near get_greeting  B+2
//!       result  "Hello" → "Hi"
//!   - alice.test.near refund  B+3  (only in A)
//! + tx deposit  alice.test.near → xcc.test.near  (only in B, 3 receipts)
//! 4 differences (gas tolerance 1%)
//! ```
//! Receipts show only when they or a receipt below them differ; amounts within the tolerance
//! are not shown (`--format json` lists them). State changes and ledger rows that differ show
//! under their receipt or transaction:
//! ```text
//!     Δ data_update xcc.test.near "STATE" by receipt_processing
//!       value  "…1…" → "…2…"
//!     - Δ account_update hello.test.near by action_receipt_gas_reward  (only in A)
//!     ↺ data_update xcc.test.near "STATE" by receipt_processing   (a rolled-back change)
//!     ledger alice.test.near
//!       net  -0.00123 NEAR → -0.00131 NEAR  (-0.00008 NEAR, -6.504%)
//! ```

use super::{Change, LedgerDiff, Presence, ReceiptDiff, Report, StateDiff, TxDiff, Unit};
use crate::diff::MatchedBy;
use crate::output::text::{clip, near};
use near_primitives::types::Balance;
use std::io::{self, Write};

/// `equal` alone when equal; else the tree. `a_name`/`b_name` name the inputs.
pub fn write(report: &Report, a_name: &str, b_name: &str, w: &mut impl Write) -> io::Result<()> {
    if report.is_equal() {
        return writeln!(w, "equal");
    }
    writeln!(w, "--- A  {a_name}")?;
    writeln!(w, "+++ B  {b_name}")?;
    let mut count = 0;
    for tx in &report.transactions {
        if !tx.is_equal() {
            count += write_tx(tx, w)?;
        }
    }
    let s = if count == 1 { "" } else { "s" };
    writeln!(w, "{count} difference{s} (gas tolerance {})", report.tolerance)
}

fn tx_name(tx: &TxDiff) -> String {
    match (&tx.label, &tx.a, &tx.b) {
        (Some(l), _, _) => l.clone(),
        (None, Some(s), _) | (None, None, Some(s)) => s.hash.clone(),
        (None, None, None) => "?".into(),
    }
}

/// Writes one transaction; returns how many differences it showed.
fn write_tx(tx: &TxDiff, w: &mut impl Write) -> io::Result<usize> {
    let name = tx_name(tx);
    let presence = tx.presence();
    if presence != Presence::Both {
        let (mark, which) = if presence == Presence::OnlyA { ('-', "A") } else { ('+', "B") };
        let side = tx.a.as_ref().or(tx.b.as_ref());
        let accounts = side.map_or(String::new(), |s| {
            format!("  {} → {}", s.signer, s.receiver.as_deref().unwrap_or("?"))
        });
        let n = tx.receipts.len();
        let s = if n == 1 { "" } else { "s" };
        writeln!(w, "{mark} tx {name}{accounts}  (only in {which}, {n} receipt{s})")?;
        return Ok(1);
    }
    let by = match tx.matched_by {
        Some(MatchedBy::Label) => "matched by label",
        _ => "matched by order",
    };
    writeln!(w, "~ tx {name}  ({by})")?;
    let mut count = write_changes(&tx.changes, 2, w)?;
    count += write_states(&tx.state, "Δ", 2, w)?;
    count += write_ledger(&tx.ledger, 2, w)?;
    let shown = shown(&tx.receipts);
    for (r, show) in tx.receipts.iter().zip(shown) {
        if show {
            count += write_receipt(r, w)?;
        }
    }
    Ok(count)
}

/// Which receipts to show: those that differ, and their ancestors for context.
fn shown(receipts: &[ReceiptDiff]) -> Vec<bool> {
    let mut shown = vec![false; receipts.len()];
    let mut below: Vec<bool> = Vec::new();
    for (i, r) in receipts.iter().enumerate().rev() {
        let d = r.depth;
        if below.len() <= d + 1 {
            below.resize(d + 2, false);
        }
        let child = below[d + 1..].iter().any(|b| *b);
        below[d + 1..].iter_mut().for_each(|b| *b = false);
        shown[i] = !r.is_equal() || child;
        below[d] |= shown[i];
    }
    shown
}

fn write_receipt(r: &ReceiptDiff, w: &mut impl Write) -> io::Result<usize> {
    let indent = "  ".repeat(r.depth + 1);
    let step = r.path.last().map_or("?".to_string(), |s| s.to_string());
    let offset = r.offset.map_or(String::new(), |o| format!("  B+{o}"));
    match r.presence() {
        Presence::OnlyA => {
            writeln!(w, "{}- {step}{offset}  (only in A)", &indent[2..])?;
            Ok(1)
        }
        Presence::OnlyB => {
            writeln!(w, "{}+ {step}{offset}  (only in B)", &indent[2..])?;
            Ok(1)
        }
        Presence::Both => {
            writeln!(w, "{indent}{step}{offset}")?;
            let mut count = write_changes(&r.changes, r.depth + 2, w)?;
            count += write_states(&r.state, "Δ", r.depth + 2, w)?;
            count += write_states(&r.reverted, "↺", r.depth + 2, w)?;
            Ok(count)
        }
    }
}

/// `(only in A)` / `(only in B)` lines, with their `-`/`+` mark one level left.
fn write_alone(
    presence: Presence,
    what: &str,
    depth: usize,
    w: &mut impl Write,
) -> io::Result<usize> {
    let indent = "  ".repeat(depth.saturating_sub(1));
    let (mark, which) = if presence == Presence::OnlyA { ('-', "A") } else { ('+', "B") };
    writeln!(w, "{indent}{mark} {what}  (only in {which})")?;
    Ok(1)
}

/// The state changes that differ: missing or extra ones on one line, paired ones with their
/// fields below.
fn write_states(
    states: &[StateDiff],
    mark: &str,
    depth: usize,
    w: &mut impl Write,
) -> io::Result<usize> {
    let mut count = 0;
    for s in states.iter().filter(|s| !s.is_equal()) {
        let what = format!("{mark} {}", s.what());
        if s.presence == Presence::Both {
            writeln!(w, "{}{what}", "  ".repeat(depth))?;
            count += write_changes(&s.changes, depth + 1, w)?;
        } else {
            count += write_alone(s.presence, &what, depth, w)?;
        }
    }
    Ok(count)
}

fn write_ledger(rows: &[LedgerDiff], depth: usize, w: &mut impl Write) -> io::Result<usize> {
    let mut count = 0;
    for l in rows.iter().filter(|l| !l.is_equal()) {
        let what = format!("ledger {}", l.account);
        if l.presence == Presence::Both {
            writeln!(w, "{}{what}", "  ".repeat(depth))?;
            count += write_changes(&l.changes, depth + 1, w)?;
        } else {
            count += write_alone(l.presence, &what, depth, w)?;
        }
    }
    Ok(count)
}

/// The changes that count, one a line: `field  A → B  (delta, %)`.
fn write_changes(changes: &[Change], depth: usize, w: &mut impl Write) -> io::Result<usize> {
    let indent = "  ".repeat(depth);
    let mut count = 0;
    for c in changes.iter().filter(|c| !c.is_equal()) {
        writeln!(w, "{indent}{}  {}", c.field, values(c))?;
        count += 1;
    }
    Ok(count)
}

fn values(c: &Change) -> String {
    match &c.amount {
        Some(a) => {
            let yocto = |v: i128| Balance::from_yoctonear(v.unsigned_abs());
            let minus = |v: i128| if v < 0 { "-" } else { "" };
            // NEAR rounded to 5 digits, unless that hides the difference: then yoctoNEAR.
            let exact = a.unit == Unit::YoctoNear
                && (near(yocto(a.a)), minus(a.a)) == (near(yocto(a.b)), minus(a.b));
            let fmt = |v: i128| match a.unit {
                Unit::Gas => gas(v.unsigned_abs()),
                Unit::YoctoNear if exact => format!("{}{} yocto", minus(v), v.unsigned_abs()),
                Unit::YoctoNear => format!("{}{}", minus(v), near(yocto(v))),
            };
            let sign = if a.b >= a.a { '+' } else { '-' };
            let delta = fmt(a.b.saturating_sub(a.a).saturating_abs());
            let pct = a.percent.map_or("new".to_string(), |p| format!("{p:+.3}%"));
            format!("{} → {}  ({sign}{delta}, {pct})", fmt(a.a), fmt(a.b))
        }
        None => {
            let (a, b) = elide_common(json(&c.a), json(&c.b));
            format!("{} → {}", clip(&a, 200), clip(&b, 200))
        }
    }
}

/// Two long values alike for a while: the common start becomes `…`, so the difference shows.
fn elide_common(a: String, b: String) -> (String, String) {
    const KEEP: usize = 20;
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    if common <= 2 * KEEP {
        return (a, b);
    }
    let cut = |s: &str| format!("…{}", s.chars().skip(common - KEEP).collect::<String>());
    (cut(&a), cut(&b))
}

/// `1.9032 Tgas` (four decimals: differences of 0.01% stay visible), or `812 gas`.
fn gas(g: u128) -> String {
    if g >= 1_000_000_000 {
        format!("{:.4} Tgas", g as f64 / 1e12)
    } else {
        format!("{g} gas")
    }
}

fn json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(none)".into(),
        serde_json::Value::String(s) => s.clone(),
        // A callback input: `failed ← hello.test.near fail` (the last step of its path).
        serde_json::Value::Object(o) if o.contains_key("from") && o.contains_key("status") => {
            let from = o["from"].as_str().map_or("?", |p| p.rsplit(" › ").next().unwrap_or(p));
            format!("{} ← {from}", json(&o["status"]))
        }
        other => clip(&other.to_string(), 200),
    }
}
