//! `?`: every key of the current mode, drawn from the keymap, and what the marks mean.

use super::theme::Theme;
use crate::app::keymap::{Group, Modes, BINDINGS};
use crate::app::{App, Mode};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let mode = match app.mode {
        Mode::Live => Modes::LIVE,
        Mode::Replay => Modes::REPLAY,
        Mode::Viewer => Modes::VIEWER,
    };
    let mut lines: Vec<Line> = Vec::new();
    for group in [Group::Move, Group::View, Group::Live, Group::Replay] {
        let bindings: Vec<_> = BINDINGS
            .iter()
            .filter(|b| {
                b.modes.contains(mode)
                    && std::mem::discriminant(&b.group) == std::mem::discriminant(&group)
            })
            .collect();
        if bindings.is_empty() {
            continue;
        }
        lines.push(Line::styled(group.title(), theme.label()));
        for b in bindings {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<14}", b.key_label()), theme.key()),
                Span::raw(b.help),
            ]));
        }
    }
    lines.push(Line::styled("Marks", theme.label()));
    lines.push(Line::raw("  ✔ success  ✘ failure  ↩ refund  ○ pending  ⧗ waiting for inputs"));
    lines.push(Line::raw("  ─▶ created the receipt   ┄▷ sent its result (data)   +N folded"));
    lines.push(Line::styled("any key closes this help", theme.dim()));
    let height = (lines.len() as u16 + 2).min(area.height);
    let width = 72.min(area.width);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(" Keys ").border_style(theme.border(true));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
