//! Workshop notes: what to notice in the open transaction's scenario call.

use super::theme::Theme;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// The note for the open transaction, if its call has one.
pub fn text(app: &App) -> Option<&str> {
    app.open_call().map(|c| c.explain.as_str()).filter(|t| !t.trim().is_empty())
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let Some(text) = text(app) else { return };
    let title = match app.open_call() {
        Some(call) => format!(" Workshop · {} ", call.name),
        None => " Workshop ".into(),
    };
    let block = Block::bordered().title(title).border_style(theme.border(false));
    frame.render_widget(
        Paragraph::new(text.trim().to_string()).wrap(Wrap { trim: true }).block(block),
        area,
    );
}
