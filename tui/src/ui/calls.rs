//! The scenario's calls (live), or the replay controls (replay).

use super::theme::Theme;
use crate::app::{App, Focus};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let focused = app.focus() == Focus::Calls;
    let title = match app.title() {
        Some(t) => format!(" Calls · {t} "),
        None => " Calls ".into(),
    };
    let block = Block::bordered().title(title).border_style(theme.border(focused));
    let ready = app.engine_ready();
    let lines: Vec<Line> = app
        .calls()
        .iter()
        .enumerate()
        .map(|(i, call)| {
            let key = if i < 9 { format!("{} ", i + 1) } else { "  ".into() };
            let mut line =
                Line::from(vec![Span::styled(key, theme.key()), Span::raw(call.name.clone())]);
            if focused && i == app.call_cursor() {
                line = line.style(theme.selected());
            } else if !ready {
                line = line.style(theme.dim());
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `▶ playing 2×`, `❚❚ paused · 1×`, `■ end · 1×` (the header shows it too).
pub fn player_state(app: &App) -> String {
    let Some(player) = app.player() else { return String::new() };
    if player.playing {
        format!("▶ playing {}×", player.speed())
    } else if player.at_end() {
        format!("■ end · {}×", player.speed())
    } else {
        format!("❚❚ paused · {}×", player.speed())
    }
}

pub fn render_replay(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(player) = app.player() else { return };
    let block = Block::bordered().title(" Replay ").border_style(theme.border(false));
    let state = player_state(app);
    let (step, steps) = player.step_position();
    let block_line = match player.height() {
        Some(h) => format!("block #{h} · step {step}/{steps}"),
        None => format!("start · step {step}/{steps}"),
    };
    let lines = vec![
        Line::styled(state, theme.key()),
        Line::raw(block_line),
        Line::raw(format!("event {}/{}", player.cursor, player.len())),
        Line::styled(
            format!(
                "{:.1}/{:.1} s",
                player.clock_ms() as f64 / 1000.0,
                player.recorded_ms() as f64 / 1000.0
            ),
            theme.dim(),
        ),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
