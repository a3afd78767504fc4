//! The session timeline (`t`): every transaction on one block axis, over the whole width (in
//! place of the side panel, the DAG and its details). Reads `layout::timeline` and draws where
//! `layout::timeline_fit` says: block columns as wide as the receipts' names need, else names in
//! the selected row's blocks and letters elsewhere, else letters only (`✔a░✔b+`).
//!
//! ```text
//! ┌ Timeline · 6 transactions · blocks #12→#25 · ⚠ 2 ran inside another's window ──────────┐
//! │ transaction               #12           #13           #14           #15           #16   │
//! │ ✔ deposit      Ab3xYz…    ✔a deposit    ✔b Transfer                                      │
//! │▸✘ race_unsafe  Cd9kLm…                  ✔a withdraw_… ✔b Transfer░░░ ✘a on_paid           │
//! │ ✘ race_unsafe  Ef2mNo…                                ✔a withdraw_…⚠ ✔b Transfer         │
//! │ ⚠ 1 other call on xcc.test.near ran between withdraw_unsafe and its callback (…)          │
//! │ a xcc.test.near · b alice.test.near   ✔ ok ✘ failed ↩ refund ░ window ⚠ inside another's │
//! └──────────────────────────────────────────────────────────────────────────────────────────┘
//! ```
//! `x` marks rows (`•`) and `L` puts their ledger under the rows (of every row when none is
//! marked): `ui/ledger.rs` over `model::Ledger::sum`.

use super::theme::Theme;
use crate::app::App;
use crate::format;
use crate::layout::timeline::{self, account_letter, Column, Row, Timeline};
use crate::layout::timeline_fit::{Fit, GUTTER_TITLE};
use crate::layout::Mark;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Block;
use ratatui::Frame;

/// Lines under the rows: the selected row's messages, then the legend.
const MESSAGE_LINES: u16 = 2;

/// Draw the timeline in `area`; returns where its rows are (for clicks and scrolling).
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) -> Rect {
    // The ledger (`L`) under the rows, up to half the height.
    let area = if app.timeline().ledger {
        let (what, ledger) = app.timeline_ledger();
        let raw = app.raw_values();
        let height = super::ledger::rows(&ledger, raw, area.width).min(area.height / 2);
        let [rows, below] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(height)]).areas(area);
        super::ledger::draw(frame, below, &what, &ledger, raw, theme);
        rows
    } else {
        area
    };
    let dag = app.tracker().dag();
    let laid = timeline::timeline(dag);
    let title = title(&laid);
    frame.render_widget(Block::bordered().title(title).border_style(theme.border(true)), area);
    let inner = super::inner(area);
    let buf = frame.buffer_mut();
    if laid.rows.is_empty() {
        put(buf, inner, 0, 0, "no transactions yet", theme.dim());
        return Rect::default();
    }
    let rows_height = inner.height.saturating_sub(1 + MESSAGE_LINES + 1);
    let rows = Rect::new(inner.x, inner.y + 1, inner.width, rows_height);
    let view = app.timeline();
    let cols = laid.fit(inner.width, view.left, view.cursor);
    let top = timeline::first_row(view.top, view.cursor, laid.rows.len(), usize::from(rows_height));
    axis(buf, inner, &laid, &cols, theme);
    for (i, row) in laid.rows.iter().enumerate().skip(top).take(usize::from(rows_height)) {
        let y = (i - top) as u16 + 1;
        let marked = view.marked.contains(&row.tx);
        draw_row(buf, inner, y, row, (i == view.cursor, marked), &cols, (theme, app.color()));
    }
    let messages = timeline::row_messages(dag, &laid, view.cursor);
    let bottom = inner.height.saturating_sub(MESSAGE_LINES + 1);
    for (k, line) in messages.iter().take(usize::from(MESSAGE_LINES)).enumerate() {
        let style = if line.starts_with('⚠') { theme.label() } else { theme.dim() };
        put(
            buf,
            inner,
            0,
            bottom + k as u16,
            &format::truncate(line, usize::from(inner.width)),
            style,
        );
    }
    legend(buf, inner, inner.height.saturating_sub(1), &laid, theme, app.color());
    rows
}

fn title(laid: &Timeline) -> String {
    let mut parts = vec![
        "Timeline".to_string(),
        format!("{} transaction{}", laid.rows.len(), if laid.rows.len() == 1 { "" } else { "s" }),
    ];
    let first = laid.columns.first().map(|c| match *c {
        Column::Block(b) | Column::Gap(b, _) => b,
    });
    let last = laid.columns.last().map(|c| match *c {
        Column::Block(b) | Column::Gap(_, b) => b,
    });
    if let (Some(a), Some(b)) = (first, last) {
        parts.push(format!("blocks #{a}→#{b}"));
    }
    let flagged = laid.flagged_rows();
    if flagged > 0 {
        parts.push(format!("⚠ {flagged} ran inside another's window"));
    }
    parts.push("enter opens the DAG".into());
    format!(" {} ", parts.join(" · "))
}

/// The block axis: `#h` over the columns it fits, `⋯` over folded runs.
fn axis(buf: &mut Buffer, inner: Rect, laid: &Timeline, cols: &Fit, theme: Theme) {
    put(buf, inner, 0, 0, GUTTER_TITLE, theme.dim());
    let mut free = cols.gutter;
    for (k, column) in laid.columns.iter().enumerate().skip(cols.left).take(cols.span()) {
        let x = cols.x_of(k);
        let text = match column {
            Column::Block(b) => format!("#{b}"),
            Column::Gap(..) => "⋯".into(),
        };
        let end = x + format::width(&text) as u16;
        // Whole or not at all: a cut `#30` would read as another block.
        if x >= free && end <= inner.width {
            put(buf, inner, x, 0, &text, theme.label());
            free = end + 1;
        }
    }
}

fn draw_row(
    buf: &mut Buffer,
    inner: Rect,
    y: u16,
    row: &Row,
    (selected, marked): (bool, bool),
    cols: &Fit,
    (theme, color): (Theme, bool),
) {
    // `▸✔ label hash`, padded to the gutter.
    let hash = format::short_id(&row.tx);
    let label_width = usize::from(cols.label);
    let label = format::truncate(&row.label, label_width);
    let cursor = if selected { '▸' } else { ' ' };
    put(buf, inner, 0, y, &cursor.to_string(), theme.key());
    put(buf, inner, 1, y, &row.mark.glyph().to_string(), theme.mark(row.mark));
    if marked {
        // In the ledger (`x`).
        put(buf, inner, 2, y, "•", theme.key());
    }
    let text_style = if selected { theme.selected() } else { Style::new() };
    put(buf, inner, 3, y, &format!("{label:<label_width$}"), text_style);
    put(buf, inner, 4 + label_width as u16, y, &hash, theme.dim());
    let (left, end) = (cols.left, cols.left + cols.span());
    for &(from, to) in &row.windows {
        for column in from.max(left)..=to.min(end.saturating_sub(1)) {
            let shade = "░".repeat(usize::from(cols.width(column)));
            put(buf, inner, cols.x_of(column), y, &shade, fg(color, Color::DarkGray));
        }
    }
    // Named cells: `✔a withdraw_unsafe⚠` then a blank; letters only: `✔a⚠`.
    for cell in row.cells.iter().filter(|c| cols.shows(c.column)) {
        let room = usize::from(cols.name_room(cell.column));
        let mut x = cols.x_of(cell.column);
        put(buf, inner, x, y, &cell.mark.glyph().to_string(), theme.mark(cell.mark));
        let letter = account_letter(cell.account).to_string();
        let style = account_style(color, cell.account, cell.mark);
        put(buf, inner, x + 1, y, &letter, style);
        x += 2;
        if room > 0 {
            let name = format!(" {}", format::elide_middle(&cell.name, room));
            put(buf, inner, x, y, &name, style);
            x += format::width(&name) as u16;
        }
        if cell.inside_of.is_some() {
            put(buf, inner, x, y, "⚠", theme.error());
        } else if cell.more > 0 {
            put(buf, inner, x, y, "+", theme.dim());
        }
    }
}

/// Receivers: a letter each, and a colour each when colours are on.
fn account_style(color: bool, index: usize, mark: Mark) -> Style {
    const PALETTE: [Color; 6] = [
        Color::Cyan,
        Color::Magenta,
        Color::Yellow,
        Color::LightBlue,
        Color::LightGreen,
        Color::White,
    ];
    let style = fg(color, PALETTE[index % PALETTE.len()]);
    match mark {
        Mark::Pending | Mark::Waiting { .. } => style.add_modifier(Modifier::DIM),
        _ => style,
    }
}

fn fg(color: bool, c: Color) -> Style {
    if color {
        Style::new().fg(c)
    } else {
        Style::new()
    }
}

/// Receivers by letter, then what the glyphs mean if the line has room left.
fn legend(buf: &mut Buffer, inner: Rect, y: u16, laid: &Timeline, theme: Theme, color: bool) {
    let width = usize::from(inner.width);
    let mut x = 0usize;
    for (i, account) in laid.accounts.iter().enumerate() {
        let text = format!("{} {}", account_letter(i), account);
        let more = format!("+{} more", laid.accounts.len() - i);
        let last = i + 1 == laid.accounts.len();
        let need = format::width(&text) + if last { 0 } else { format::width(&more) + 2 };
        if x + need > width {
            put(buf, inner, x as u16, y, &more, theme.dim());
            return;
        }
        put(buf, inner, x as u16, y, &text, account_style(color, i, Mark::Success));
        x += format::width(&text) + 2;
    }
    let symbols = "✔ ok ✘ failed ↩ refund ░ callback window ⚠ inside another's";
    if x + format::width(symbols) <= width {
        put(buf, inner, (width - format::width(symbols)) as u16, y, symbols, theme.dim());
    }
}

/// Write `text` at (`x`, `y`) inside `area`, clipped.
fn put(buf: &mut Buffer, area: Rect, x: u16, y: u16, text: &str, style: Style) {
    if y >= area.height || x >= area.width {
        return;
    }
    buf.set_stringn(area.x + x, area.y + y, text, usize::from(area.width - x), style);
}
