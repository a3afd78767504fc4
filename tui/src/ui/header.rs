//! The top line: which engine, protocol, head block, block time, transactions in flight, and last
//! (so a narrow terminal cuts it first) why this engine.

use super::theme::Theme;
use crate::app::{App, EngineState};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let mut parts: Vec<Span> = vec![Span::raw(" nearviz")];
    let mut push = |text: String| {
        parts.push(Span::raw(" · "));
        parts.push(Span::raw(text));
    };
    match app.engine() {
        EngineState::Starting(what) => push(format!("starting: {what}")),
        EngineState::Ready(info) => {
            push(info.name().to_owned());
            if let Some(p) = info.protocol_version {
                push(format!("protocol {p}"));
            }
            if info.capabilities().approximate_gas {
                push("gas ≈".into());
            }
        }
        EngineState::Down(why) if app.mode() == crate::app::Mode::Live => {
            push(format!("engine down: {why}"));
            push("R restarts it (history kept)".into());
        }
        EngineState::Down(why) => push(format!("engine down: {why}")),
    }
    if let Some(h) = app.player().and_then(|p| p.height()).or(app.session().head()) {
        push(format!("block #{h}"));
    }
    if let Some(ms) = app.session().ms_per_block() {
        push(format!("{ms} ms/block"));
    }
    if app.manual_blocks() {
        push("manual blocks".into());
    }
    push(format!("{} in flight", app.in_flight()));
    if let Some(reason) = app.engine_info().and_then(|i| i.reason.as_ref()) {
        push(reason.clone());
    }
    let mut style = theme.header();
    if matches!(app.engine(), EngineState::Down(_)) {
        style = style.patch(theme.error());
    }
    frame.render_widget(Paragraph::new(Line::from(parts)).style(style), area);
}
