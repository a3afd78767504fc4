//! `?`: every key of the current mode, drawn from the keymap, and what the marks mean.

use super::theme::Theme;
use crate::app::keymap::{Group, Modes, BINDINGS};
use crate::app::{App, Mode};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

fn group_lines(group: Group, mode: Modes, theme: Theme) -> Vec<Line<'static>> {
    let bindings: Vec<_> = BINDINGS
        .iter()
        .filter(|b| {
            b.modes.contains(mode)
                && std::mem::discriminant(&b.group) == std::mem::discriminant(&group)
        })
        .collect();
    if bindings.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::styled(group.title(), theme.label())];
    for b in bindings {
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<12}", b.key_label()), theme.key()),
            Span::raw(b.help),
        ]));
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let mode = match app.mode {
        Mode::Live => Modes::LIVE,
        Mode::Replay => Modes::REPLAY,
        Mode::Viewer => Modes::VIEWER,
    };
    let left: Vec<Line> = group_lines(Group::Move, mode, theme);
    let mut right: Vec<Line> = group_lines(Group::View, mode, theme);
    right.extend(group_lines(Group::Live, mode, theme));
    right.extend(group_lines(Group::Replay, mode, theme));
    let mut legend = vec![
        Line::styled("Marks", theme.label()),
        Line::raw(" ✔ success  ✘ failure  ↩ refund  ○ pending  ⧗ waiting for inputs   +N folded"),
        Line::raw(
            " ─▶ created the receipt (outcome.receipt_ids)   ┄▷ sent its result (data receipt)",
        ),
        Line::styled("any key closes this help", theme.dim()),
    ];
    let rows = left.len().max(right.len()) as u16 + legend.len() as u16 + 3;
    let height = rows.min(area.height);
    let width = 124.min(area.width);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(" Keys ").border_style(theme.border(true));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [columns, bottom] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(legend.len() as u16)])
            .areas(inner);
    let [l, r] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(columns);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right), r);
    frame.render_widget(Paragraph::new(std::mem::take(&mut legend)), bottom);
}
