//! `?`: every key that works now, drawn from the keymap, and what the marks mean.

use super::theme::Theme;
use crate::app::keymap::{self, Context, Group};
use crate::app::App;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

fn group_lines(group: Group, ctx: &Context, theme: Theme) -> Vec<Line<'static>> {
    let bindings: Vec<_> = keymap::enabled_actions(ctx).filter(|b| b.group == group).collect();
    if bindings.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::styled(group.title(), theme.label())];
    for b in bindings {
        let help = keymap::describe(b.action, ctx.mode).map_or("", |d| d.help);
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<12}", keymap::keys_label(b.action, ctx)), theme.key()),
            Span::raw(help),
        ]));
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let ctx = app.key_context();
    let left: Vec<Line> = group_lines(Group::Move, &ctx, theme);
    let mut right: Vec<Line> = group_lines(Group::View, &ctx, theme);
    right.extend(group_lines(Group::Live, &ctx, theme));
    right.extend(group_lines(Group::Replay, &ctx, theme));
    let mut legend = vec![
        Line::styled("Marks", theme.label()),
        Line::raw(" ✔ success  ✘ failure  ↩ refund  ○ pending  ⧗ waiting for inputs   +N folded"),
        Line::raw(
            " ─▶ created the receipt (outcome.receipt_ids)   ┄▷ sent its result (data receipt)",
        ),
        Line::raw(
            " Δn wrote state (storage, keys, code)   ↺n writes rolled back with the failed receipt \
             (embedded runtime)",
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
