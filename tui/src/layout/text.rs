//! What each node says: title, batch actions, status line.

use super::{LayoutOptions, LineRole, Mark, NodeBox, NodeLine, NodeRef, Zoom};
use crate::format::{self, GasUnit, DEFAULT_GAS_PRICE};
use crate::model::dag::{ActionInfo, Outcome, ReceiptNode, Status, TxNode};
use near_primitives::types::Gas;

/// Batch actions listed in a node before `… +N more`.
const MAX_ACTION_LINES: usize = 4;

pub(super) fn mark(status: &Status, is_refund: bool) -> Mark {
    match status {
        Status::Pending => Mark::Pending,
        Status::Waiting { arrived, total } => Mark::Waiting { arrived: *arrived, total: *total },
        Status::Success(_) if is_refund => Mark::Refund,
        Status::Success(_) => Mark::Success,
        Status::Failure(_) => Mark::Failure,
    }
}

/// yoctoNEAR per gas implied by what a receipt burnt, else the default price.
pub fn gas_price(gas_burnt: Gas, tokens_burnt: u128) -> u128 {
    match u128::from(gas_burnt.as_gas()) {
        0 => DEFAULT_GAS_PRICE,
        g => tokens_burnt / g,
    }
}

pub(super) fn tx_box(tx: &TxNode, options: &LayoutOptions, suffix: Option<&str>) -> NodeBox {
    let width = options.zoom.node_width();
    let inner = usize::from(width - 1);
    let mark = mark(&tx.status, false);
    let signer = format::account(tx.signer.as_str(), suffix, inner);
    let progress = match &tx.progress {
        crate::model::dag::Progress::Submitted => "submitted".to_string(),
        crate::model::dag::Progress::Node(s) => crate::chain::status_name(s).to_string(),
        crate::model::dag::Progress::Lost(why) => format!("lost: {why}"),
    };
    let lines = if options.zoom == Zoom::Compact {
        vec![line(LineRole::Title, format!("{} {signer}", mark.glyph()), inner)]
    } else {
        vec![
            line(LineRole::Title, signer, inner),
            line(LineRole::Status, format!("{} {progress}", mark.glyph()), inner),
        ]
    };
    let width = fitted_width(&lines, width);
    NodeBox { node: NodeRef::Tx, column: 0, x: 0, y: 0, width, lines, mark, hidden: 0 }
}

pub(super) fn receipt_box(
    tx: &TxNode,
    receipt: &ReceiptNode,
    options: &LayoutOptions,
    suffix: Option<&str>,
    hidden: usize,
) -> NodeBox {
    let zoom = options.zoom;
    let width = zoom.node_width();
    let inner = usize::from(width - 1);
    let mark = mark(&receipt.status, receipt.is_refund);
    // `Δ2` / `↺1` after the title, never cut: the title gives way.
    let state = format::state_mark(receipt.state_writes(), receipt.reverted_writes());
    let budget = match &state {
        // The compact line starts with the status glyph and a space.
        Some(s) if zoom == Zoom::Compact => inner.saturating_sub(format::width(s) + 3),
        Some(s) => inner.saturating_sub(format::width(s) + 1),
        None => inner,
    };
    let mut title = title(receipt, suffix, budget);
    if hidden > 0 {
        title = format!("{} +{hidden}", format::truncate(&title, budget.saturating_sub(4)));
    }
    if let Some(state) = state {
        title = format!("{} {state}", format::truncate(&title, budget));
    }
    let mut lines = Vec::new();
    if zoom == Zoom::Compact {
        lines.push(line(LineRole::Title, format!("{} {title}", mark.glyph()), inner));
    } else {
        lines.push(line(LineRole::Title, title, inner));
        if receipt.actions.len() > 1 {
            for (i, action) in receipt.actions.iter().take(MAX_ACTION_LINES).enumerate() {
                let text = format!(" {i}·{}", action_text(action, zoom == Zoom::Wide));
                lines.push(line(LineRole::Action, text, inner));
            }
            if receipt.actions.len() > MAX_ACTION_LINES {
                let more = receipt.actions.len() - MAX_ACTION_LINES;
                lines.push(line(LineRole::Action, format!(" … +{more} more"), inner));
            }
        } else if zoom == Zoom::Wide {
            if let Some(args) = receipt.actions.first().and_then(|a| a.args.as_ref()) {
                lines.push(line(LineRole::Action, format!(" ({})", format::args(args)), inner));
            }
        }
        let status = status_text(tx, receipt, options.gas_unit);
        lines.push(line(LineRole::Status, format!("{} {status}", mark.glyph()), inner));
    }
    let width = fitted_width(&lines, width);
    NodeBox { node: NodeRef::Receipt(0), column: 0, x: 0, y: 0, width, lines, mark, hidden }
}

/// The widest line plus one blank column, at most the zoom's width.
fn fitted_width(lines: &[NodeLine], max: u16) -> u16 {
    let widest = lines.iter().map(|l| format::width(&l.text)).max().unwrap_or(0);
    (widest as u16 + 1).min(max)
}

fn line(role: LineRole, text: String, max: usize) -> NodeLine {
    NodeLine { role, text: format::truncate(&text, max) }
}

fn title(receipt: &ReceiptNode, suffix: Option<&str>, max: usize) -> String {
    let receiver = receipt.receiver.as_ref().map_or("?", |a| a.as_str());
    if receipt.is_refund {
        return format!("refund → {}", format::account(receiver, suffix, max.saturating_sub(9)));
    }
    let single = match receipt.actions.as_slice() {
        [] => None,
        [only] => Some(only.method.clone().unwrap_or_else(|| only.kind.to_lowercase())),
        many => Some(format!("batch ×{}", many.len())),
    };
    match single {
        None if receipt.receiver.is_none() => format!("receipt {}", format::short_id(&receipt.id)),
        None => format::account(receiver, suffix, max),
        Some(what) => {
            let budget = max.saturating_sub(format::width(&what) + 1).max(8);
            let sep = if receipt.actions.len() > 1 { " " } else { "." };
            format!("{}{sep}{what}", format::account(receiver, suffix, budget))
        }
    }
}

fn action_text(action: &ActionInfo, with_args: bool) -> String {
    let name = action.method.clone().unwrap_or_else(|| action.kind.clone());
    match (&action.args, with_args) {
        (Some(args), true) => format!("{name}({})", format::args(args)),
        _ => name,
    }
}

fn status_text(tx: &TxNode, receipt: &ReceiptNode, unit: GasUnit) -> String {
    let price = gas_price(receipt.gas_burnt, receipt.tokens_burnt.as_yoctonear());
    let price = if receipt.gas_burnt.as_gas() == 0 {
        gas_price(tx.gas_burnt, tx.tokens_burnt.as_yoctonear())
    } else {
        price
    };
    match &receipt.status {
        Status::Pending => "pending".to_string(),
        Status::Waiting { arrived, total } => format!("waiting {arrived}/{total}"),
        Status::Success(_) if receipt.is_refund => {
            let amount = receipt.actions.iter().map(|a| a.deposit.as_yoctonear()).sum();
            format::near(near_primitives::types::Balance::from_yoctonear(amount))
        }
        Status::Success(outcome) => {
            let gas = format::gas(receipt.gas_burnt, unit, price);
            match outcome {
                Outcome::Value(crate::model::dag::Value::Empty) => gas,
                Outcome::Value(v) => format!("{gas} {}", format::value(v)),
                Outcome::Receipt(id) => format!("{gas} → {}", format::short_id(id)),
            }
        }
        Status::Failure(failure) => {
            let msg = failure
                .message
                .strip_prefix("Smart contract panicked: ")
                .unwrap_or(&failure.message);
            format!("failed: {msg}")
        }
    }
}
