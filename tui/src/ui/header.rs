//! The top line: which engine (and the block it forked a network at), protocol, head block,
//! block time, transactions in flight, and why this engine. On a narrow terminal the extras go first; the engine, the block and the count in
//! flight always stay.

use super::theme::Theme;
use crate::app::{App, EngineState};
use crate::format;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// How long a part may stay when the line is too long: higher stays longer.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Keep {
    Extra,
    Useful,
    Always,
}

fn parts(app: &App) -> Vec<(String, Keep)> {
    let mut parts = vec![("nearviz".to_string(), Keep::Always)];
    match app.engine() {
        EngineState::Starting(what) => parts.push((format!("starting: {what}"), Keep::Always)),
        EngineState::Ready(info) => {
            parts.push((info.name().to_owned(), Keep::Always));
            if let Some(h) = info.fork_height {
                // Short, so it stays on any width; the reason at the end names the network.
                parts.push((format!("fork at #{h}"), Keep::Always));
            }
            if let Some(p) = info.protocol_version {
                parts.push((format!("protocol {p}"), Keep::Useful));
            }
            if info.capabilities().approximate_gas {
                parts.push(("gas ≈".into(), Keep::Extra));
            }
        }
        EngineState::Down(why) => {
            parts.push((format!("engine down: {why}"), Keep::Always));
            if app.mode() == crate::app::Mode::Live {
                parts.push(("R restarts it (history kept)".into(), Keep::Always));
            }
        }
    }
    if let Some(player) = app.player() {
        // The replay's position, also when its box is folded away.
        let (step, steps) = player.step_position();
        let state = super::calls::player_state(app);
        parts.push((format!("{state} · step {step}/{steps}"), Keep::Always));
    }
    if let Some(h) = app.player().and_then(|p| p.height()).or(app.tracker().head()) {
        parts.push((format!("block #{h}"), Keep::Always));
    }
    if let Some(ms) = app.tracker().ms_per_block() {
        parts.push((format!("{ms} ms/block"), Keep::Useful));
    }
    if app.manual_blocks() {
        parts.push(("manual blocks".into(), Keep::Useful));
    }
    parts.push((format!("{} in flight", app.in_flight()), Keep::Always));
    if let Some(reason) = app.engine_info().and_then(|i| i.reason.as_ref()) {
        parts.push((reason.clone(), Keep::Extra));
    }
    parts
}

/// The parts that fit in `width` columns, joined; the least needed go first.
fn fit(mut parts: Vec<(String, Keep)>, width: usize) -> String {
    let line = |parts: &[(String, Keep)]| {
        let texts: Vec<&str> = parts.iter().map(|(t, _)| t.as_str()).collect();
        format!(" {}", texts.join(" · "))
    };
    for drop in [Keep::Extra, Keep::Useful] {
        if format::width(&line(&parts)) <= width {
            break;
        }
        // Drop from the end: later parts of a level matter less.
        while format::width(&line(&parts)) > width {
            match parts.iter().rposition(|(_, keep)| *keep == drop) {
                Some(i) => {
                    parts.remove(i);
                }
                None => break,
            }
        }
    }
    line(&parts)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let text = fit(parts(app), usize::from(area.width));
    let mut style = theme.header();
    if matches!(app.engine(), EngineState::Down(_)) {
        style = style.patch(theme.error());
    }
    frame.render_widget(Paragraph::new(Line::raw(text)).style(style), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<(String, Keep)> {
        vec![
            ("nearviz".into(), Keep::Always),
            ("embedded".into(), Keep::Always),
            ("protocol 86".into(), Keep::Useful),
            ("gas ≈".into(), Keep::Extra),
            ("block #52".into(), Keep::Always),
            ("125 ms/block".into(), Keep::Useful),
            ("0 in flight".into(), Keep::Always),
            ("auto: no neard binary".into(), Keep::Extra),
        ]
    }

    #[test]
    fn narrow_headers_keep_engine_block_and_in_flight() {
        let wide = fit(sample(), 200);
        assert!(wide.contains("gas ≈") && wide.contains("auto: no neard binary"), "{wide}");
        let mid = fit(sample(), 80);
        assert_eq!(
            mid,
            " nearviz · embedded · protocol 86 · block #52 · 125 ms/block · 0 in flight"
        );
        let narrow = fit(sample(), 50);
        assert_eq!(narrow, " nearviz · embedded · block #52 · 0 in flight");
        // Too narrow even for the essentials: they stay (the terminal cuts the end).
        assert!(fit(sample(), 10).contains("in flight"));
    }
}
