//! Workshop notes: what to notice in the open transaction's scenario call. The panel grows to
//! fit the whole note ([`height`]); when the screen has less room, its last line says how much
//! is left out.

use super::theme::Theme;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// The note for the open transaction, if its call has one.
pub fn text(app: &App) -> Option<&str> {
    app.open_call().map(|c| c.explain.as_str()).filter(|t| !t.trim().is_empty())
}

/// The note's lines in a panel `width` columns wide (borders included).
fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let inner = usize::from(width.saturating_sub(2));
    text(app).map(|t| super::wrap::plain(t.trim(), inner)).unwrap_or_default()
}

/// Rows the whole note takes in a panel `width` columns wide, borders included (0: no note).
pub fn height(app: &App, width: u16) -> u16 {
    match lines(app, width).len() {
        0 => 0,
        n => u16::try_from(n + 2).unwrap_or(u16::MAX),
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let mut lines = lines(app, area.width);
    if lines.is_empty() {
        return;
    }
    let title = match app.open_call() {
        Some(call) => format!(" Workshop · {} ", call.name),
        None => " Workshop ".into(),
    };
    let room = usize::from(area.height.saturating_sub(2));
    if lines.len() > room && room > 0 {
        // Cut: the last line in view says so, in place of what it would show.
        let left = lines.len() - (room - 1);
        lines.truncate(room - 1);
        let s = if left == 1 { "" } else { "s" };
        lines.push(Line::styled(
            format!("⋯ {left} more line{s}: a taller terminal shows the whole note"),
            theme.dim(),
        ));
    }
    let block = Block::bordered().title(title).border_style(theme.border(false));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
