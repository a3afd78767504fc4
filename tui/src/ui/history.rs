//! Every transaction of the session; enter (or a click) reopens one.

use super::theme::Theme;
use crate::app::{App, Focus};
use crate::format;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let focused = app.focus() == Focus::History;
    let txs = &app.tracker().dag().transactions;
    let block = Block::bordered()
        .title(format!(" History ({}) ", txs.len()))
        .border_style(theme.border(focused));
    let height = area.height.saturating_sub(2);
    let offset = super::list_offset(app.history_cursor(), height);
    let width = usize::from(area.width.saturating_sub(2));
    let lines: Vec<Line> = txs
        .iter()
        .enumerate()
        .skip(offset)
        .take(usize::from(height))
        .map(|(i, tx)| {
            let mark = crate::layout::Mark::from_status(&tx.status);
            let hash = format::short_id(&tx.hash);
            let label = tx.label.clone().unwrap_or_else(|| "tx".into());
            // Mark and space, label, space, hash, space.
            let label_width = width.saturating_sub(4 + format::width(&hash));
            let label = format::truncate(&label, label_width);
            let open = Some(tx.hash) == app.open();
            let mut line = Line::from(vec![
                Span::styled(format!("{} ", mark.glyph()), theme.mark(mark)),
                Span::raw(format!("{label:<label_width$} ")),
                Span::styled(hash, theme.dim()),
            ]);
            if focused && i == app.history_cursor() {
                line = line.style(theme.selected());
            } else if open {
                line = line.style(theme.label());
            }
            line
        })
        .collect();
    let body = if lines.is_empty() {
        vec![Line::styled("no transactions yet", theme.dim())]
    } else {
        lines
    };
    frame.render_widget(Paragraph::new(body).block(block), area);
}
