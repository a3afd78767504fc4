//! The bottom line: hints for the keys that work now (from the keymap; the mode's own keys
//! first), and the last status message.

use super::theme::Theme;
use crate::app::keymap::{self, Action};
use crate::app::App;
use crate::format;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let ctx = app.key_context();
    let status = app.status().unwrap_or("");
    let status_width = format::width(status).min(usize::from(area.width) / 2);
    let budget = usize::from(area.width).saturating_sub(status_width + 2);
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    // The mode's own keys (calls, blocks, playback) first: they are what the screen is for.
    let (own, common): (Vec<_>, Vec<_>) = keymap::enabled_actions(&ctx)
        .partition(|b| matches!(b.group, keymap::Group::Live | keymap::Group::Replay));
    for binding in own.into_iter().chain(common) {
        let Some(label) = keymap::describe(binding.action, &ctx).and_then(|b| b.footer) else {
            continue;
        };
        let keys = if binding.action == Action::Right {
            "←↑↓→".to_string()
        } else {
            keymap::keys_label(binding.action, &ctx)
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
