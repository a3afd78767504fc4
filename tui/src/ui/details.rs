//! Everything the model knows about the selected receipt (or the transaction).

use super::theme::Theme;
use crate::app::App;
use crate::format::{self, GasUnit};
use crate::layout::{gas_price_of, Mark};
use crate::model::dag::{ActionInfo, InputStatus, Outcome, Parent, ReceiptNode, Status, TxNode};
use crate::model::window;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let Some(tx) = app.open_tx() else {
        frame.render_widget(
            Block::bordered().title(" Details ").border_style(theme.border(false)),
            area,
        );
        return;
    };
    let width = usize::from(area.width.saturating_sub(2));
    let (title, mut lines) = match app.selected_receipt() {
        Some(r) => receipt(tx, r, app.options().gas_unit, app.raw_values(), width, theme),
        None => transaction(tx, app.options().gas_unit, app.raw_values(), width, theme),
    };
    // The callback window: other transactions' calls between the selected receipt (or any
    // receipt of the transaction) and its callback.
    let mut found = window::overlaps(app.tracker().dag(), tx);
    if let Some(r) = app.selected_receipt() {
        found.retain(|o| o.receipt == r.id || o.callback == r.id);
    }
    let warnings = window::messages(tx, &found).into_iter();
    let at = lines.len().min(1);
    lines.splice(at..at, warnings.map(|w| Line::styled(w, theme.mark(Mark::Failure))));
    let block = Block::bordered().title(title).border_style(theme.border(app.details_big()));
    frame.render_widget(Paragraph::new(super::wrap::hanging(lines, width)).block(block), area);
}

/// How many rows the details of the selection take in a pane `width` wide (borders included).
pub fn height(app: &App, width: u16) -> u16 {
    let Some(tx) = app.open_tx() else { return 0 };
    let theme = Theme::new(false);
    let unit = app.options().gas_unit;
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let lines = match app.selected_receipt() {
        Some(r) => receipt(tx, r, unit, app.raw_values(), inner, theme).1,
        None => transaction(tx, unit, app.raw_values(), inner, theme).1,
    };
    let rows = super::wrap::hanging(lines, inner).len();
    u16::try_from(rows + 2).unwrap_or(u16::MAX)
}

fn field<'a>(name: &'a str, theme: Theme) -> Span<'a> {
    Span::styled(format!("{name:<9}"), theme.label())
}

fn status_line(status: &Status, is_refund: bool, theme: Theme) -> Line<'static> {
    let mark = if is_refund && matches!(status, Status::Success(_)) {
        Mark::Refund
    } else {
        Mark::from_status(status)
    };
    let text = match status {
        Status::Pending => "pending: created, not executed yet".to_string(),
        Status::Waiting { arrived, total } => {
            format!("waiting {arrived}/{total}: postponed until every input arrives")
        }
        Status::Success(Outcome::Value(v)) => format!("success, returned {}", format::value(v)),
        Status::Success(Outcome::Receipt(id)) => {
            format!("success, result of receipt {id} (a returned promise)")
        }
        Status::Failure(f) => {
            let at = f.action_index.map_or(String::new(), |i| format!("action #{i} "));
            format!("failed at {at}{}: {}", f.kind, f.message)
        }
    };
    Line::from(vec![
        field("status", theme),
        Span::styled(format!("{} ", mark.glyph()), theme.mark(mark)),
        Span::styled(text, theme.mark(mark)),
    ])
}

/// The gas price (yoctoNEAR per gas) a receipt's gas is shown at in NEAR: what it paid, else
/// what its transaction paid.
pub(super) fn receipt_price(tx: &TxNode, r: &ReceiptNode) -> u128 {
    if r.gas_burnt.as_gas() > 0 {
        gas_price_of(r.gas_burnt, r.tokens_burnt.as_yoctonear())
    } else {
        gas_price_of(tx.gas_burnt, tx.tokens_burnt.as_yoctonear())
    }
}

fn action_line(i: usize, a: &ActionInfo, unit: GasUnit, price: u128) -> String {
    let mut text = format!("#{i} {}", a.kind);
    if let Some(m) = &a.method {
        text.push_str(&format!(" {m}"));
    }
    if let Some(args) = &a.args {
        text.push_str(&format!(" {}", format::args(args)));
    }
    if let Some(detail) = &a.detail {
        text.push_str(&format!(" {detail}"));
    }
    if a.deposit.as_yoctonear() > 0 {
        text.push_str(&format!(" · deposit {}", format::near(a.deposit)));
    }
    if a.gas.as_gas() > 0 {
        text.push_str(&format!(" · gas {}", format::gas(a.gas, unit, price)));
    }
    text
}

fn receipt(
    tx: &TxNode,
    r: &ReceiptNode,
    unit: GasUnit,
    raw: bool,
    width: usize,
    theme: Theme,
) -> (String, Vec<Line<'static>>) {
    let receiver = r.receiver.as_ref().map_or("?".to_string(), |a| a.to_string());
    let method = match r.actions.as_slice() {
        [one] => one.method.clone().map(|m| format!(".{m}")).unwrap_or_default(),
        [] => String::new(),
        many => format!(" batch of {}", many.len()),
    };
    let block = match (r.block_height, r.block_offset) {
        (Some(h), Some(o)) => format!(" · block #{h} (+{o})"),
        (Some(h), None) => format!(" · block #{h}"),
        _ => " · not executed yet".into(),
    };
    let refund = if r.is_refund { " · gas refund" } else { "" };
    let title = format!(" receipt {} {receiver}{method}{block}{refund} ", format::short_id(&r.id));
    let price = receipt_price(tx, r);
    let mut lines = vec![status_line(&r.status, r.is_refund, theme)];
    let parent = match r.parent {
        Parent::Tx(h) => format!("the transaction {}", format::short_id(&h)),
        Parent::Receipt(id) => format!("receipt {}", format::short_id(&id)),
    };
    let predecessor = r.predecessor.as_ref().map_or("?".to_string(), |a| a.to_string());
    lines.push(Line::from(vec![
        field("from", theme),
        Span::raw(format!(
            "{predecessor} → {receiver} · created by {parent} · created {} receipt(s)",
            r.children.len()
        )),
    ]));
    for (i, a) in r.actions.iter().enumerate() {
        let name = if i == 0 { "actions" } else { "" };
        lines.push(Line::from(vec![field(name, theme), Span::raw(action_line(i, a, unit, price))]));
    }
    lines.push(Line::from(vec![
        field("gas", theme),
        Span::raw(format!(
            "attached {} · burnt {} ({}) · forwarded {}",
            format::gas(r.gas_attached, unit, price),
            format::gas(r.gas_burnt, unit, price),
            format::near(r.tokens_burnt),
            format::gas(r.gas_forwarded, unit, price),
        )),
    ]));
    if !r.inputs.is_empty() {
        let mut spans = vec![field("inputs", theme)];
        for input in &r.inputs {
            let from = input.from.map_or("?".to_string(), |id| format::short_id(&id));
            let (mark, value) = match &input.status {
                InputStatus::Pending => (Mark::Pending, "pending".to_string()),
                InputStatus::Success(v) => (Mark::Success, format::value(v)),
                InputStatus::Failed => (Mark::Failure, "Failed".to_string()),
                InputStatus::Arrived => {
                    (Mark::Success, "arrived (value not in this transaction)".to_string())
                }
            };
            spans.push(Span::raw(format!("#{} ", input.index)));
            spans.push(Span::styled(format!("{} {value}", mark.glyph()), theme.mark(mark)));
            spans.push(Span::styled(format!(" from {from}   "), theme.dim()));
        }
        lines.push(Line::from(spans));
    }
    if r.logs.is_empty() {
        lines.push(Line::from(vec![field("logs", theme), Span::styled("none", theme.dim())]));
    }
    for (i, log) in r.logs.iter().enumerate() {
        let name = if i == 0 { "logs" } else { "" };
        lines.push(Line::from(vec![field(name, theme), Span::raw(log.clone())]));
    }
    lines.extend(super::state_changes::lines(
        &r.state_changes,
        &r.reverted_changes,
        raw,
        width,
        theme,
    ));
    lines.push(Line::from(vec![field("id", theme), Span::styled(r.id.to_string(), theme.dim())]));
    (title, lines)
}

fn transaction(
    tx: &TxNode,
    unit: GasUnit,
    raw: bool,
    width: usize,
    theme: Theme,
) -> (String, Vec<Line<'static>>) {
    let label = tx.label.clone().unwrap_or_else(|| "transaction".into());
    let title = format!(" transaction {} · {label} ", format::short_id(&tx.hash));
    let price = gas_price_of(tx.gas_burnt, tx.tokens_burnt.as_yoctonear());
    let receiver = tx.receiver.as_ref().map_or("?".to_string(), |a| a.to_string());
    let progress = match &tx.progress {
        crate::model::dag::Progress::Submitted => "submitted, not seen by the node yet".to_string(),
        crate::model::dag::Progress::Node(s) => crate::chain::status_name(s).to_string(),
        crate::model::dag::Progress::Lost(why) => format!("no longer followed: {why}"),
    };
    let mut lines = vec![
        status_line(&tx.status, false, theme),
        Line::from(vec![field("progress", theme), Span::raw(progress)]),
        Line::from(vec![field("from", theme), Span::raw(format!("{} → {receiver}", tx.signer))]),
    ];
    for (i, a) in tx.actions.iter().enumerate() {
        let name = if i == 0 { "actions" } else { "" };
        lines.push(Line::from(vec![field(name, theme), Span::raw(action_line(i, a, unit, price))]));
    }
    let blocks = match (tx.block_height, tx.last_block) {
        (Some(b), Some(l)) => {
            format!("included in #{b}, last receipt in #{l} ({})", block_count(b, l))
        }
        (Some(b), None) => format!("included in #{b}"),
        _ => "not included yet".into(),
    };
    lines.push(Line::from(vec![field("blocks", theme), Span::raw(blocks)]));
    lines.push(Line::from(vec![
        field("gas", theme),
        Span::raw(format!(
            "burnt {} in total ({}), {} converting the transaction · {} receipts",
            format::gas(tx.gas_burnt, unit, price),
            format::near(tx.tokens_burnt),
            format::gas(tx.conversion_gas_burnt, unit, price),
            tx.receipts.len(),
        )),
    ]));
    lines.extend(super::state_changes::lines(&tx.state_changes, &[], raw, width, theme));
    lines.push(Line::from(vec![
        field("hash", theme),
        Span::styled(tx.hash.to_string(), theme.dim()),
    ]));
    (title, lines)
}

/// `1 block`, `5 blocks`: the blocks from `first` to `last`, both counted.
fn block_count(first: u64, last: u64) -> String {
    match last.saturating_sub(first) + 1 {
        1 => "1 block".into(),
        n => format!("{n} blocks"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_block_is_singular() {
        assert_eq!(super::block_count(23, 23), "1 block");
        assert_eq!(super::block_count(23, 27), "5 blocks");
    }
}
