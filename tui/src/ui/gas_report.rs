//! `m`: the session's gas report, in place of the DAG: per `receiver.method`, the calls and the
//! min / median / max gas they burnt (what `nearviz run --gas-report` prints), and under it
//! where the selected method's gas went, all its calls added up (`B`: by group or every cost).
//! Gas is in the unit `u` chose, at the gas price the method's calls paid. Reads
//! `model::GasReport`; changes nothing.
//!
//! ```text
//! ┌ Gas report · 5 methods · 5 calls · gas burnt per call ───────────────────────┐
//! │ method                                 calls        min     median        max│
//! │▸dev…2728.get_greeting                      1  1.08 Tgas  1.08 Tgas  1.08 Tgas│
//! │ dev…3636.increment                         1  1.17 Tgas  1.17 Tgas  1.17 Tgas│
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ┌ dev…2728.get_greeting · 1 call · by group (B: every cost) ───────────────────┐
//! │all 1 call: burnt 1.080 Tgas · 6 groups, largest first                        │
//! │own exec fees (unprofiled) ██████████████████████████████████  0.888 Tgas  82%│
//! │contract loading           ████▍                               0.115 Tgas  11%│
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ```

use super::theme::Theme;
use crate::app::App;
use crate::format::{self, GasUnit};
use crate::layout::gas::Figures;
use crate::layout::gas_price_of;
use crate::model::dag::Dag;
use crate::model::gas_profile::Breakdown;
use crate::model::gas_report::{calls_of, method_parts};
use crate::model::{GasReport, GasRow};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// Columns of the calls and (at least) of each gas figure.
const CALLS_WIDTH: usize = 5;
const GAS_WIDTH: usize = 10;

/// The gas price (yoctoNEAR per gas) all calls of `method` paid, on average.
fn method_price(dag: &Dag, method: &str) -> u128 {
    let (gas, tokens) = calls_of(dag, method).into_iter().fold((0u64, 0u128), |(g, t), (_, r)| {
        (g.saturating_add(r.gas_burnt.as_gas()), t.saturating_add(r.tokens_burnt.as_yoctonear()))
    });
    gas_price_of(near_primitives::types::Gas::from_gas(gas), tokens)
}

/// Each row's min, median and max in `unit`, at the price its calls paid.
fn row_figures(report: &GasReport, dag: &Dag, unit: GasUnit) -> Vec<[String; 3]> {
    report
        .rows
        .iter()
        .map(|row| {
            let price = method_price(dag, &row.method);
            [row.min, row.median, row.max].map(|g| format::gas(g, unit, price))
        })
        .collect()
}

/// Draw the report in `area`; returns where its method rows are and the method on the first
/// of them (for clicks and paging).
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) -> (Rect, usize) {
    let report = app.session_gas_report();
    let calls: usize = report.rows.iter().map(|r| r.calls).sum();
    let title = format!(
        " Gas report · {} · {} · gas burnt per call ",
        plural(report.rows.len(), "method"),
        plural(calls, "call")
    );
    let cursor = app.gas_report_view().cursor.min(report.rows.len().saturating_sub(1));
    let selected = report.rows.get(cursor);
    let breakdown = app.gas_breakdown();
    let dag = app.tracker().dag();
    let unit = app.options().gas_unit;
    let parts = selected.map(|r| method_parts(dag, &r.method, breakdown));
    // The methods get the rows they need, up to half the height when the chart needs the rest.
    let chart_wants = parts.as_ref().map_or(0, |(p, _)| p.len() + 3);
    let table_wants = report.rows.len() + 3;
    let height = usize::from(area.height);
    let table = table_wants.min(height.saturating_sub(chart_wants).max(height / 2));
    let [top, bottom] =
        Layout::vertical([Constraint::Length(table as u16), Constraint::Min(0)]).areas(area);
    let block = Block::bordered().title(title).border_style(theme.border(true));
    frame.render_widget(block, top);
    let inner = super::inner(top);
    let suffix = app
        .tracker()
        .dag()
        .transactions
        .first()
        .and_then(|t| format::common_suffix(t.signer.as_str()));
    let rows = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
    let first = super::list_offset(cursor, rows.height);
    if report.rows.is_empty() {
        let line = Line::styled("no function calls ran yet", theme.dim());
        frame.render_widget(Paragraph::new(line), inner);
    } else {
        let figures = row_figures(&report, dag, unit);
        let view = (first, cursor);
        let lines = table_lines(&report, &figures, view, suffix.as_deref(), rows, theme);
        frame.render_widget(Paragraph::new(lines), inner);
    }
    if let (Some(row), Some((parts, total))) = (selected, parts) {
        let name = method_name(row, suffix.as_deref(), usize::from(bottom.width) / 2);
        let how = match breakdown {
            Breakdown::Groups => "by group (B: every cost)",
            Breakdown::Costs => "every cost (B: by group)",
        };
        let title = format!(" {name} · {} · {how} ", plural(row.calls, "call"));
        let noun = if breakdown == Breakdown::Groups { "group" } else { "cost" };
        let figures = Figures { unit, price: method_price(dag, &row.method) };
        let head = format!(
            "all {}: burnt {} · {}, largest first",
            plural(row.calls, "call"),
            figures.of(total),
            plural(parts.len(), noun)
        );
        let chart = super::inner(bottom);
        let lines = super::gas::lines(&head, (&parts, total), figures, chart, theme);
        let block = Block::bordered().title(title).border_style(theme.border(false));
        frame.render_widget(Paragraph::new(lines).block(block), bottom);
    }
    (rows, first)
}

/// `1 call`, `12 methods`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `hello.get_greeting`: the receiver as the DAG shortens it, and the method, in `max` columns.
fn method_name(row: &GasRow, suffix: Option<&str>, max: usize) -> String {
    let receiver = format::account(row.receiver.as_str(), suffix, usize::MAX);
    format::truncate(&format!("{receiver}.{}", row.name), max)
}

/// The header and the rows in view, from `first` (the cursor's row among them), with each
/// row's min / median / max `figures`.
fn table_lines(
    report: &GasReport,
    figures: &[[String; 3]],
    (first, cursor): (usize, usize),
    suffix: Option<&str>,
    rows: Rect,
    theme: Theme,
) -> Vec<Line<'static>> {
    let width = usize::from(rows.width);
    let gas_width = figures.iter().flatten().map(|f| format::width(f)).fold(GAS_WIDTH, usize::max);
    let columns = CALLS_WIDTH + 3 * (gas_width + 1) + 1;
    let name_width = width.saturating_sub(columns + 1).max(8);
    let cells = |calls: &str, [min, median, max]: [&str; 3]| {
        format!(" {calls:>CALLS_WIDTH$} {min:>gas_width$} {median:>gas_width$} {max:>gas_width$}")
    };
    let header = format!(" {:<name_width$}{}", "method", cells("calls", ["min", "median", "max"]));
    let mut out = vec![Line::styled(header, theme.label())];
    let in_view = report.rows.iter().zip(figures).enumerate();
    for (i, (row, gas)) in in_view.skip(first).take(usize::from(rows.height)) {
        let name = method_name(row, suffix, name_width);
        let pad = name_width.saturating_sub(format::width(&name));
        let calls = row.calls.to_string();
        let figures = cells(&calls, gas.each_ref().map(String::as_str));
        let here = i == cursor;
        let style = if here { theme.selected() } else { ratatui::style::Style::new() };
        out.push(Line::from(vec![
            Span::raw(if here { "▸" } else { " " }),
            Span::styled(format!("{name}{}{figures}", " ".repeat(pad)), style),
        ]));
    }
    out
}
