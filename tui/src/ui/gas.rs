//! `b`: where the selected receipt's gas went, in place of the details; the transaction's (all
//! its receipts and its conversion) when the transaction is selected. `B` switches between the
//! groups and every single cost; gas is in the unit `u` chose, as on the rest of the screen.
//! Reads `model::gas_profile` and `layout::gas`.
//!
//! ```text
//! ┌ Where the gas went · receipt m5nc5c… · by group (B: every cost) ─────────────┐
//! │burnt 2.741 Tgas · 7 groups, largest first                                    │
//! │own exec fees (unprofiled) ███████████████████████████████████ 0.888 Tgas  32%│
//! │action FUNCTION_CALL       ███████████████████████████████▋    0.801 Tgas  29%│
//! │promises & receipts        █████████████████████████▊          0.653 Tgas  24%│
//! │contract loading           ██████▌                             0.165 Tgas   6%│
//! │other host functions       █████▍                              0.135 Tgas   5%│
//! │storage read ×1, 99 B      ██▎                                 0.057 Tgas   2%│
//! │wasm execution             █▋                                  0.041 Tgas   1%│
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ```
//! The rows add up to the gas burnt: the node's profile plus what it does not profile (the
//! receipt's own execution fees, see `model::gas_profile`).

use super::theme::Theme;
use crate::app::App;
use crate::format;
use crate::layout::gas::{ChartRow, Figures};
use crate::layout::gas_price_of;
use crate::model::dag::{ReceiptNode, Status};
use crate::model::gas_profile::{parts_of, tx_parts, Breakdown, Part};
use near_primitives::types::Gas;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// What the pane shows: a title, and the parts with their total, or why there are none, and
/// how its gas is written.
struct Chart {
    title: String,
    parts: Result<(Vec<Part>, Gas), String>,
    figures: Figures,
}

fn of_selection(app: &App) -> Option<Chart> {
    let tx = app.open_tx()?;
    let breakdown = app.gas_breakdown();
    let how = match breakdown {
        Breakdown::Groups => "by group (B: every cost)",
        Breakdown::Costs => "every cost (B: by group)",
    };
    let unit = app.options().gas_unit;
    Some(match app.selected_receipt() {
        Some(r) => {
            let figures = Figures { unit, price: super::details::receipt_price(tx, r) };
            Chart {
                title: format!(
                    " Where the gas went · receipt {} · {how} ",
                    format::short_id(&r.id)
                ),
                parts: receipt_parts(r, breakdown, figures),
                figures,
            }
        }
        None => Chart {
            title: format!(" Where the gas went · tx {} · {how} ", format::short_id(&tx.hash)),
            parts: Ok(tx_parts(tx, breakdown)),
            figures: Figures {
                unit,
                price: gas_price_of(tx.gas_burnt, tx.tokens_burnt.as_yoctonear()),
            },
        },
    })
}

fn receipt_parts(
    r: &ReceiptNode,
    breakdown: Breakdown,
    figures: Figures,
) -> Result<(Vec<Part>, Gas), String> {
    if matches!(r.status, Status::Pending | Status::Waiting { .. }) {
        return Err("not executed yet: nothing burnt".into());
    }
    if r.gas_profile.is_none() {
        return Err(format!(
            "no gas profile: the engine did not report one (burnt {})",
            figures.of(r.gas_burnt)
        ));
    }
    Ok(parts_of([r], breakdown))
}

/// Rows the chart of the selection takes, borders included.
pub fn height(app: &App) -> u16 {
    let rows = match of_selection(app).map(|c| c.parts) {
        Some(Ok((parts, _))) => parts.len() + 1,
        _ => 1,
    };
    u16::try_from(rows + 2).unwrap_or(u16::MAX)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let Some(chart) = of_selection(app) else {
        let block =
            Block::bordered().title(" Where the gas went ").border_style(theme.border(true));
        frame.render_widget(block, area);
        return;
    };
    let inner = super::inner(area);
    let lines = match &chart.parts {
        Ok((parts, total)) => {
            let noun = match app.gas_breakdown() {
                Breakdown::Groups => "group",
                Breakdown::Costs => "cost",
            };
            let head = format!("burnt {} · {}", chart.figures.of(*total), count(parts.len(), noun));
            lines(&head, (parts, *total), chart.figures, inner, theme)
        }
        Err(why) => vec![Line::styled(why.clone(), theme.dim())],
    };
    let block = Block::bordered().title(chart.title).border_style(theme.border(true));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `7 groups, largest first`, `1 cost`.
fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s, largest first"),
    }
}

/// The head line, then the chart of `parts` out of `total` in the rows of `area` left, its gas
/// written as `figures` says.
pub fn lines(
    head: &str,
    (parts, total): (&[Part], Gas),
    figures: Figures,
    area: Rect,
    theme: Theme,
) -> Vec<Line<'static>> {
    let width = usize::from(area.width);
    let mut out = vec![Line::styled(format::truncate(head, width), theme.label())];
    let max_rows = usize::from(area.height.saturating_sub(1));
    if max_rows == 0 {
        return out;
    }
    let rows = crate::layout::gas::chart(parts, total, (width, max_rows), figures);
    out.extend(rows.into_iter().map(|r| row(r, theme)));
    out
}

fn row(r: ChartRow, theme: Theme) -> Line<'static> {
    let quiet = r.unprofiled || r.folded;
    let bar = if quiet { theme.dim() } else { theme.label() };
    let label = if r.folded { theme.dim() } else { ratatui::style::Style::new() };
    Line::from(vec![
        Span::styled(r.label, label),
        Span::raw(" "),
        Span::styled(r.bar, bar),
        Span::raw(" "),
        Span::raw(r.figure),
        Span::raw(" "),
        Span::styled(r.share, theme.dim()),
    ])
}
