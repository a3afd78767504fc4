//! `--format tree`: a readable text tree for terminals, docs and CI logs.
//!
//! ```text
//! tx HbS7wY… query_greeting  alice → caller  ✓ "Hello"  [FINAL]
//!    included in block 16 (B) · 5.20 Tgas · 0.00052 NEAR burnt
//! └─ B+1 caller  query_greeting({})  ✓ → GQc1tz…  2.74 Tgas, passed on 20.00 Tgas
//!    ├─ B+2 hello  get_greeting()  ✓ "Hello"
//!    │  └─ B+3 ↩ refund 0.0002 NEAR to alice
//!    └─ B+3 caller  query_greeting_callback()  ✓ "Hello"
//!          input #0 ← 5wRvXy… "Hello"
//!          gas: own exec fees (unprofiled) 0.89 Tgas 75% · contract loading 0.19 Tgas 16% · (+6)
//!          log: greeting is Hello
//! ```
//!
//! A transaction whose callback window another transaction ran in ends with
//! `⚠ 1 other call on xcc.test.near ran between withdraw_unsafe and its callback (tx 7Yk…, block #52)`.

use super::{state_changes, text};
use crate::model::window;
use crate::model::{Dag, Parent, Progress, ReceiptNode, TxNode};
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

pub fn write(dag: &Dag, w: &mut impl Write) -> io::Result<()> {
    let ran_on = window::RanOn::of(dag);
    for (i, tx) in dag.transactions.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        write_tx(tx, w)?;
        for line in window::messages(tx, &ran_on.overlaps(tx)) {
            writeln!(w, "   {line}")?;
        }
    }
    Ok(())
}

fn progress(p: &Progress) -> String {
    match p {
        Progress::Submitted => "submitted".into(),
        Progress::Node(s) => crate::chain::status_name(s).to_string(),
        Progress::Lost(why) => format!("lost: {why}"),
    }
}

fn write_tx(tx: &TxNode, w: &mut impl Write) -> io::Result<()> {
    let receiver = tx.receiver.as_ref().map_or("?".to_string(), |r| r.to_string());
    let label = tx.label.as_ref().map(|l| format!(" {l}")).unwrap_or_default();
    writeln!(
        w,
        "tx {}{label}  {} → {receiver}  {}  [{}]",
        tx.hash,
        tx.signer,
        text::status(&tx.status),
        progress(&tx.progress)
    )?;
    let block =
        tx.block_height.map_or("an unknown block".to_string(), |h| format!("block {h} (B)"));
    writeln!(
        w,
        "   included in {block} · {} · {} burnt",
        text::tgas(tx.gas_burnt),
        text::near(tx.tokens_burnt)
    )?;
    for c in &tx.state_changes {
        writeln!(w, "   Δ {} by {}", state_changes::line(c), c.cause)?;
    }
    let by_id: HashMap<_, _> = tx.receipts.iter().map(|r| (r.id, r)).collect();
    let roots: Vec<&ReceiptNode> =
        tx.receipts.iter().filter(|r| matches!(r.parent, Parent::Tx(_))).collect();
    let mut seen = HashSet::new();
    for (i, root) in roots.iter().enumerate() {
        write_receipt(root, &by_id, "", i + 1 == roots.len(), &mut seen, w)?;
    }
    write_ledger(tx, w)
}

fn write_ledger(tx: &TxNode, w: &mut impl Write) -> io::Result<()> {
    if tx.ledger.rows.is_empty() {
        return Ok(());
    }
    writeln!(w, "   ledger (net = in − out − gas bought + refunds + rewards + other):")?;
    for r in &tx.ledger.rows {
        writeln!(
            w,
            "     {:<24} net {}  in {}  out {}  gas {}  refunds {}  rewards {}{}",
            r.account.as_str(),
            state_changes::signed_near(r.net),
            state_changes::signed_near(r.deposits_in),
            state_changes::signed_near(r.deposits_out),
            state_changes::signed_near(r.gas_bought),
            state_changes::signed_near(r.refunds),
            state_changes::signed_near(r.rewards),
            if r.other != 0 {
                format!("  other {}", state_changes::signed_near(r.other))
            } else {
                String::new()
            },
        )?;
    }
    writeln!(w, "     tokens burnt {}", state_changes::signed_near(tx.ledger.tokens_burnt))?;
    for note in &tx.ledger.unknown {
        writeln!(w, "     unknown: {note}")?;
    }
    Ok(())
}

/// How many gas groups the tree names per receipt (the rest is counted).
const GAS_GROUPS_SHOWN: usize = 3;

/// `gas: contract loading 0.45 Tgas 43% · storage read ×4, 36 B 0.23 Tgas 22% · (+5)`:
/// the largest groups of a profiled receipt (not of refunds: all their gas is unprofiled).
fn gas_line(r: &ReceiptNode) -> Option<String> {
    let profile = r.gas_profile.as_ref().filter(|_| !r.is_refund)?;
    let total = r.gas_burnt.as_gas();
    if total == 0 {
        return None;
    }
    let groups = profile.groups(r.gas_burnt);
    let shown: Vec<String> = groups
        .iter()
        .take(GAS_GROUPS_SHOWN)
        .map(|g| format!("{} {} {}", g.label(), text::tgas(g.gas), text::share(g.gas, r.gas_burnt)))
        .collect();
    let more = groups.len().saturating_sub(GAS_GROUPS_SHOWN);
    let more = if more > 0 { format!(" · (+{more})") } else { String::new() };
    Some(format!("gas: {}{more}", shown.join(" · ")))
}

fn write_receipt(
    r: &ReceiptNode,
    by_id: &HashMap<crate::chain::ReceiptId, &ReceiptNode>,
    indent: &str,
    last: bool,
    seen: &mut HashSet<crate::chain::ReceiptId>,
    w: &mut impl Write,
) -> io::Result<()> {
    if !seen.insert(r.id) {
        return Ok(());
    }
    let branch = if last { "└─ " } else { "├─ " };
    let receiver = r.receiver.as_ref().map_or("?".to_string(), |a| a.to_string());
    if r.is_refund {
        let amount = r.actions.first().map(|a| text::near(a.deposit)).unwrap_or_default();
        writeln!(w, "{indent}{branch}{} ↩ refund {amount} to {receiver}", text::offset(r))?;
    } else {
        let mut line = format!(
            "{indent}{branch}{} {receiver}  {}  {}",
            text::offset(r),
            text::actions(&r.actions),
            text::status(&r.status)
        );
        if r.gas_burnt.as_gas() > 0 {
            line.push_str(&format!("  {}", text::tgas(r.gas_burnt)));
        }
        if r.gas_forwarded.as_gas() > 0 {
            line.push_str(&format!(", passed on {}", text::tgas(r.gas_forwarded)));
        }
        writeln!(w, "{line}")?;
    }
    let child_indent = format!("{indent}{}", if last { "   " } else { "│  " });
    let children: Vec<&ReceiptNode> =
        r.children.iter().filter_map(|c| by_id.get(c).copied()).collect();
    let detail_bar = if children.is_empty() { "   " } else { "│  " };
    for input in &r.inputs {
        let from = input.from.map_or("?".to_string(), |f| text::short_id(&f));
        writeln!(
            w,
            "{child_indent}{detail_bar}   input #{} ← {from} {}",
            input.index,
            text::input(&input.status)
        )?;
    }
    if let Some(line) = gas_line(r) {
        writeln!(w, "{child_indent}{detail_bar}   {line}")?;
    }
    for log in &r.logs {
        writeln!(w, "{child_indent}{detail_bar}   log: {}", text::clip(log, 200))?;
    }
    for c in &r.state_changes {
        writeln!(w, "{child_indent}{detail_bar}   Δ {} by {}", state_changes::line(c), c.cause)?;
    }
    for c in &r.reverted_changes {
        writeln!(w, "{child_indent}{detail_bar}   ↺ reverted: {}", state_changes::line(c))?;
    }
    for (i, child) in children.iter().enumerate() {
        write_receipt(child, by_id, &child_indent, i + 1 == children.len(), seen, w)?;
    }
    Ok(())
}
