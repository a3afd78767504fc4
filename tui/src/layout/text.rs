//! What each node says: title, batch actions, status line.

use super::{LayoutOptions, LineRole, Mark, NodeBox, NodeLine, NodeRef, Zoom};
use crate::format::{self, GasUnit, DEFAULT_GAS_PRICE};
use crate::model::dag::{ActionInfo, Outcome, ReceiptNode, Status, TxNode};
use near_primitives::types::Gas;

/// Batch actions listed in a node before `… +N more`.
const MAX_ACTION_LINES: usize = 4;

/// A status line may be this wide even when the node's label is narrower; a longer status
/// continues on a second line.
const STATUS_WIDTH: usize = 22;

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
    let label = label(receipt, suffix);
    // `Δ2` / `↺1` after the account, never cut: the account gives way.
    let state = format::state_mark(receipt.state_writes(), receipt.reverted_writes());
    let mut tail = String::new();
    if hidden > 0 {
        tail.push_str(&format!(" +{hidden}"));
    }
    if let Some(state) = &state {
        tail.push_str(&format!(" {state}"));
    }
    let mut lines = Vec::new();
    if zoom == Zoom::Compact {
        // One line: `✔ account.method Δ2`, the account elided first, then the method.
        let budget = inner.saturating_sub(format::width(&tail) + 2);
        let text = match &label.what {
            Some(what) => {
                let method = format::truncate(what, budget.saturating_sub(6).max(4));
                let room = budget.saturating_sub(format::width(&method));
                format!("{}{method}", label.account(room))
            }
            None => label.account(budget),
        };
        lines.push(line(LineRole::Title, format!("{} {text}{tail}", mark.glyph()), inner));
    } else {
        // Two lines: the account (with its marks), then `.method` (or `batch ×3`), each whole
        // up to the zoom's width.
        // A batch keeps `batch ×3` beside the account: its actions follow on their own lines.
        let batch = receipt.actions.len() > 1;
        let beside = if batch { label.what.clone().unwrap_or_default() } else { String::new() };
        let budget = inner.saturating_sub(format::width(&tail) + format::width(&beside));
        let title = format!("{}{beside}{tail}", label.account(budget));
        lines.push(line(LineRole::Title, title, inner));
        if let Some(what) = label.what.as_ref().filter(|_| !batch) {
            lines.push(line(LineRole::Method, what.clone(), inner));
        }
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
        // The status gives way to the label: a long error message would widen the whole lane
        // (the details show it whole).
        let label_width = lines.iter().map(|l| format::width(&l.text)).max().unwrap_or(0);
        let status_max = label_width.max(STATUS_WIDTH).min(inner);
        let status = status_text(tx, receipt, options.gas_unit);
        let status = format!("{} {status}", mark.glyph());
        for part in wrap_status(&status, status_max) {
            lines.push(line(LineRole::Status, part, status_max));
        }
        // Not run yet: what it was given to run with.
        if matches!(receipt.status, Status::Pending | Status::Waiting { .. })
            && receipt.gas_attached.as_gas() > 0
        {
            let gas = format::gas(receipt.gas_attached, options.gas_unit, DEFAULT_GAS_PRICE);
            lines.push(line(LineRole::Status, format!("  {gas} attached"), status_max));
        }
    }
    let width = fitted_width(&lines, width);
    NodeBox { node: NodeRef::Receipt(0), column: 0, x: 0, y: 0, width, lines, mark, hidden }
}

/// A status in at most two lines of `max` columns: cut at a space, the rest indented under the
/// mark (and cut with `…` if it is still too long).
fn wrap_status(status: &str, max: usize) -> Vec<String> {
    if format::width(status) <= max {
        return vec![status.to_string()];
    }
    let mut first = String::new();
    let mut rest = status;
    for (i, c) in status.char_indices() {
        if c == ' ' && i > 2 {
            if format::width(&status[..i]) > max {
                break;
            }
            first = status[..i].to_string();
            rest = &status[i + 1..];
        }
    }
    if first.is_empty() {
        return vec![status.to_string()];
    }
    vec![first, format!("  {}", rest.trim_start())]
}

/// The widest line, at most the zoom's width, and one blank column after the first line, where
/// edges leave and arrive.
fn fitted_width(lines: &[NodeLine], max: u16) -> u16 {
    let widest = lines.iter().map(|l| format::width(&l.text)).max().unwrap_or(0);
    let first = lines.first().map_or(0, |l| format::width(&l.text) + 1);
    (widest.max(first) as u16).min(max)
}

fn line(role: LineRole, text: String, max: usize) -> NodeLine {
    NodeLine { role, text: format::truncate(&text, max) }
}

/// What a receipt node is called: who runs it, and what it runs.
struct Label<'a> {
    /// The receiver (or `refund → alice`, or `receipt 63be…` while only its id is known).
    receiver: Option<&'a str>,
    fixed: Option<String>,
    suffix: Option<&'a str>,
    /// `.method`, `.transfer`, `batch ×3`; `None` for refunds and unknown receipts.
    what: Option<String>,
}

impl Label<'_> {
    /// The account part in at most `max` columns.
    fn account(&self, max: usize) -> String {
        match (&self.fixed, self.receiver) {
            (Some(fixed), _) => format::truncate(fixed, max),
            (None, Some(receiver)) => format::account(receiver, self.suffix, max),
            (None, None) => String::new(),
        }
    }
}

fn label<'a>(receipt: &'a ReceiptNode, suffix: Option<&'a str>) -> Label<'a> {
    let receiver = receipt.receiver.as_ref().map(|a| a.as_str());
    let mut out = Label { receiver, fixed: None, suffix, what: None };
    if receipt.is_refund {
        let to = format::account(receiver.unwrap_or("?"), suffix, 40);
        out.fixed = Some(format!("refund → {to}"));
        return out;
    }
    out.what = match receipt.actions.as_slice() {
        [] => None,
        [only] => {
            Some(format!(".{}", only.method.clone().unwrap_or_else(|| only.kind.to_lowercase())))
        }
        many => Some(format!(" batch ×{}", many.len())),
    };
    if receiver.is_none() {
        out.fixed = Some(format!("receipt {}", format::short_id(&receipt.id)));
    }
    out
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
