//! The bottom line: key hints from the keymap, and the last status message.

use super::theme::Theme;
use crate::app::keymap::{Modes, BINDINGS};
use crate::app::{App, Mode};
use crate::layout::format;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let mode = match app.mode {
        Mode::Live => Modes::LIVE,
        Mode::Replay => Modes::REPLAY,
        Mode::Viewer => Modes::VIEWER,
    };
    let status = app.status.as_deref().unwrap_or("");
    let status_width = format::width(status).min(usize::from(area.width) / 2);
    let budget = usize::from(area.width).saturating_sub(status_width + 2);
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for binding in BINDINGS.iter().filter(|b| b.modes.contains(mode)) {
        let Some(label) = binding.footer else { continue };
        let keys = if binding.action == crate::app::keymap::Action::Right {
            "←↑↓→".to_string()
        } else {
            binding.key_label()
        };
        let width = format::width(&keys) + format::width(label) + 4;
        if used + width > budget {
            break;
        }
        used += width;
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {label} · ")));
    }
    if let Some(last) = spans.last_mut() {
        let trimmed = last.content.trim_end_matches(" · ").to_string();
        *last = Span::raw(trimmed);
    }
    let pad = usize::from(area.width).saturating_sub(used + status_width + 1);
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(format::truncate(status, status_width), theme.label()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
