//! The DAG of the open transaction: lane headers, nodes and edges, scrolled to the selection.

use super::theme::Theme;
use super::Regions;
use crate::app::{App, Focus, Mode};
use crate::format;
use crate::layout::Mark;
use crate::model::dag::TxNode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

pub fn render(frame: &mut Frame, regions: &Regions, app: &App, theme: Theme) {
    let title = match app.open_tx() {
        Some(tx) => title(tx, app),
        None => " DAG ".into(),
    };
    let block =
        Block::bordered().title(title).border_style(theme.border(app.focus() == Focus::Dag));
    frame.render_widget(block, regions.dag);
    if app.open_tx().is_none() {
        let hint = match app.mode() {
            Mode::Live if app.engine_ready() => {
                "press 1-9 to send a call: its promise DAG grows here, block by block"
            }
            Mode::Live => "waiting for the engine…",
            Mode::Replay => "no transaction yet: space plays, n steps one block",
            Mode::Viewer => "waiting for the transaction…",
        };
        let text = Paragraph::new(Line::styled(hint, theme.dim())).wrap(Wrap { trim: true });
        frame.render_widget(text, regions.canvas);
        return;
    }
    let buf = frame.buffer_mut();
    draw_lanes(buf, regions.lanes, app, theme);
    draw_canvas(buf, regions.canvas, app, theme);
}

fn title(tx: &TxNode, app: &App) -> String {
    let mark = Mark::from_status(&tx.status);
    let mut parts = vec![
        tx.label.clone().unwrap_or_else(|| "transaction".into()),
        format!("tx {}", format::short_id(&tx.hash)),
        mark.glyph().to_string(),
    ];
    match (tx.first_block, tx.last_block) {
        (Some(a), Some(b)) if a != b => parts.push(format!("blocks {a}→{b}")),
        (Some(a), _) => parts.push(format!("block {a}")),
        _ => {}
    }
    let price = crate::layout::gas_price_of(tx.gas_burnt, tx.tokens_burnt.as_yoctonear());
    parts.push(format::gas(tx.gas_burnt, app.options().gas_unit, price));
    if app.layout().hidden_receipts > 0 {
        let what = if app.options().show_refunds { "folded" } else { "hidden (r)" };
        parts.push(format!("{} {what}", app.layout().hidden_receipts));
    }
    format!(" {} ", parts.join(" · "))
}

/// Write `text` at canvas position (`x`, `y`), clipped to `area` seen from `scroll`.
fn put(buf: &mut Buffer, area: Rect, scroll: (u16, u16), x: u16, y: u16, text: &str, style: Style) {
    if y < scroll.1 || y >= scroll.1 + area.height {
        return;
    }
    let row = area.y + (y - scroll.1);
    let mut cx = i32::from(x) - i32::from(scroll.0);
    for c in text.chars() {
        let w = c.width().unwrap_or(0) as i32;
        if cx >= i32::from(area.width) {
            break;
        }
        if cx >= 0 && cx + w <= i32::from(area.width) {
            let cell = &mut buf[(area.x + cx as u16, row)];
            cell.set_char(c);
            cell.set_style(style);
        }
        cx += w;
    }
}

fn draw_lanes(buf: &mut Buffer, area: Rect, app: &App, theme: Theme) {
    for column in &app.layout().columns {
        let scroll = (app.scroll().0, 0);
        put(buf, area, scroll, column.x, 0, &column.header, theme.label());
    }
}

fn draw_canvas(buf: &mut Buffer, area: Rect, app: &App, theme: Theme) {
    let layout = &app.layout();
    let (sx, sy) = app.scroll();
    let (x_end, y_end) = (sx.saturating_add(area.width), sy.saturating_add(area.height));
    for cell in layout.cells_in_rows(sy, y_end) {
        if cell.x >= sx && cell.x < x_end {
            let target = &mut buf[(area.x + cell.x - sx, area.y + cell.y - sy)];
            target.set_char(cell.glyph);
            target.set_style(theme.edge(cell.kind));
        }
    }
    let selected = app.selected_node();
    for column in &layout.columns {
        if column.x >= x_end || column.x + column.width <= sx {
            continue;
        }
        let first = column.nodes.partition_point(|&i| {
            let n = &layout.nodes[i];
            n.y + n.height() <= sy
        });
        for &i in &column.nodes[first..] {
            let node = &layout.nodes[i];
            if node.y >= y_end {
                break;
            }
            let is_selected = Some(i) == selected;
            for (dy, line) in node.lines.iter().enumerate() {
                let mut style = theme.node_line(line.role, node.mark);
                let y = node.y + dy as u16;
                if is_selected {
                    style = style.patch(theme.selected());
                    let pad = " ".repeat(usize::from(node.width));
                    put(buf, area, app.scroll(), node.x, y, &pad, style);
                }
                put(buf, area, app.scroll(), node.x, y, &line.text, style);
            }
        }
    }
}
