//! `L`: the ledger of the open transaction, in place of the details ("where did the NEAR go?");
//! on the timeline, the ledger of the marked transactions (`x`), or of the whole session, under
//! the rows (`model::Ledger::sum`).
//!
//! ```text
//! ┌ Ledger · call_failing_with_rollback · tx 7xk3Hd… · where did the NEAR go? ─────────────┐
//! │ NEAR             net       = deposits in  deposits out  gas bought  refunds  rewards    │
//! │ alice.test.near  −0.00214    +1           −1            −0.00312    +0.00098  0         │
//! │ xcc.test.near    +0.00003    +1           −1            0           0         +0.00003  │
//! │ tokens burnt     0.00211 NEAR (gas burnt minus contract rewards) · ✔ adds up             │
//! │ inferred: …                                                                              │
//! └──────────────────────────────────────────────────────────────────────────────────────────┘
//! ```
//! Each column is its signed part of `net` (what left an account is negative), so a row reads
//! as a sum; the nets and the tokens burnt add up to zero. `v` shows exact yoctoNEAR.

use super::theme::Theme;
use crate::app::App;
use crate::format;
use crate::model::{Ledger, LedgerRow};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// Rows the ledger of the open transaction takes in a pane `width` wide, borders included.
pub fn height(app: &App, width: u16) -> u16 {
    match app.open_tx() {
        Some(tx) => rows(&tx.ledger, app.raw_values(), width),
        None => 3,
    }
}

/// Rows `l` takes in a pane `width` wide, borders included.
pub fn rows(l: &Ledger, raw: bool, width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let lines = lines(l, raw, inner, Theme::new(false));
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    u16::try_from(rows + 2).unwrap_or(u16::MAX)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let Some(tx) = app.open_tx() else {
        frame.render_widget(
            Block::bordered().title(" Ledger ").border_style(theme.border(true)),
            area,
        );
        return;
    };
    let label = tx.label.clone().unwrap_or_else(|| "transaction".into());
    let what = format!("{label} · tx {}", format::short_id(&tx.hash));
    draw(frame, area, &what, &tx.ledger, app.raw_values(), theme);
}

/// The ledger `l` of `what` (a transaction, the session, rows of the timeline) in `area`.
pub fn draw(frame: &mut Frame, area: Rect, what: &str, l: &Ledger, raw: bool, theme: Theme) {
    let title = format!(
        " Ledger · {what} · where did the NEAR go? (in {}) ",
        if raw { "yoctoNEAR" } else { "NEAR" }
    );
    let block = Block::bordered().title(title).border_style(theme.border(true));
    let width = usize::from(area.width.saturating_sub(2));
    let lines = lines(l, raw, width, theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}

/// A cell: signed, in NEAR without the unit (the header says it), or exact yoctoNEAR.
fn cell(v: i128, raw: bool) -> String {
    if raw {
        match v.signum() {
            1 => format!("+{v}"),
            -1 => format!("−{}", v.unsigned_abs()),
            _ => "0".into(),
        }
    } else {
        format::near_signed(v).trim_end_matches(" NEAR").to_string()
    }
}

/// A row's parts, each signed as it adds to `net`.
fn parts(r: &LedgerRow) -> [i128; 6] {
    [r.deposits_in, -r.deposits_out, -r.gas_bought, r.refunds, r.rewards, r.other]
}

const HEADERS: [&str; 6] =
    ["deposits in", "deposits out", "gas bought", "refunds", "rewards", "other"];

/// The ledger for a pane `width` columns wide: a table, or one account per two lines when the
/// table does not fit.
pub fn lines(l: &Ledger, raw: bool, width: usize, theme: Theme) -> Vec<Line<'static>> {
    if l.rows.is_empty() {
        return vec![
            Line::raw("No balance change seen for this transaction."),
            Line::styled(
                "The engine did not report state changes (a recording made without them?).",
                theme.dim(),
            ),
        ];
    }
    // The `other` column only when something is there.
    let columns: Vec<usize> =
        (0..6).filter(|&i| i < 5 || l.rows.iter().any(|r| r.other != 0)).collect();
    let mut table: Vec<Vec<String>> = vec![std::iter::once("account".to_string())
        .chain(std::iter::once("net".to_string()))
        .chain(columns.iter().map(|&i| HEADERS[i].to_string()))
        .collect()];
    for r in &l.rows {
        let p = parts(r);
        table.push(
            std::iter::once(r.account.to_string())
                .chain(std::iter::once(cell(r.net, raw)))
                .chain(columns.iter().map(|&i| cell(p[i], raw)))
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..table[0].len())
        .map(|c| table.iter().map(|row| format::width(&row[c])).max().unwrap_or(0))
        .collect();
    let mut out = Vec::new();
    let table_width: usize = widths.iter().sum::<usize>() + 2 * widths.len() + 1;
    if table_width > width {
        for r in &l.rows {
            out.push(Line::from(vec![
                Span::raw(format!("{} ", r.account)),
                Span::styled(format!("net {}", cell(r.net, raw)), theme.changed()),
            ]));
            let p = parts(r);
            let shown: Vec<String> = columns
                .iter()
                .filter(|&&i| p[i] != 0)
                .map(|&i| format!("{} {}", HEADERS[i], cell(p[i], raw)))
                .collect();
            out.push(Line::raw(format!("  {}", shown.join(" · "))));
        }
    }
    for (n, row) in table.iter().enumerate().filter(|_| table_width <= width) {
        let mut spans = Vec::new();
        for (c, text) in row.iter().enumerate() {
            let pad = widths[c] - format::width(text);
            let style = match (n, c) {
                (0, _) => theme.label(),
                (_, 0) => Style::new(),
                (_, 1) => theme.changed(),
                _ if text == "0" => theme.dim(),
                _ => Style::new(),
            };
            // Accounts left-aligned, amounts right-aligned; `=` after the net.
            let shown = if c == 0 {
                format!("{text}{}", " ".repeat(pad))
            } else {
                format!("{}{text}", " ".repeat(pad))
            };
            spans.push(Span::styled(shown, style));
            spans.push(Span::raw(if c == 1 { " = " } else { "  " }));
        }
        out.push(Line::from(spans));
    }
    let burnt = if raw {
        format!("{} yoctoNEAR", l.tokens_burnt)
    } else {
        format::near(near_primitives::types::Balance::from_yoctonear(l.tokens_burnt.unsigned_abs()))
    };
    let check = match l.imbalance() {
        0 => Span::styled("✔ nets + burnt = 0", theme.mark(crate::layout::Mark::Success)),
        off => Span::styled(
            format!("✘ off by {} (see below)", cell(off, raw)),
            theme.mark(crate::layout::Mark::Failure),
        ),
    };
    out.push(Line::from(vec![
        Span::styled("tokens burnt ", theme.label()),
        Span::raw(format!("{burnt} (gas minus contract rewards) · ")),
        check,
    ]));
    for note in &l.inferred {
        out.push(Line::styled(format!("inferred: {note}"), theme.dim()));
    }
    for note in &l.unknown {
        out.push(Line::styled(format!("unknown: {note}"), theme.dim()));
    }
    out
}
