//! ratatui widgets: a read-only render of `app::App`, one file per screen region
//! (`state.rs` and `value.rs` draw the state changes inside the details).
//!
//! ```text
//!  header: nearviz · engine · protocol · block #h · ms/block · in flight · why
//! ┌ Calls ───────┐┌ DAG: label · tx · status · blocks · gas ─────────┐┌ Workshop ──┐
//! │ 1 name       ││ tx #48   #49 +1            #50 +2                ││ what to    │
//! │ 2 name       ││ alice ─▶ caller.method ─┬─▶ hello.get ┄┐          ││ notice     │
//! ├ History ─────┤│                         └─▶ ...  Δ1   ┄┴┄▷ cb Δ1 ││            │
//! │ ✔ label hash │├ Details: the selected receipt ───────────────────┤│            │
//! │ ✘ label hash ││ actions, gas, inputs, logs, result or error      ││            │
//! │              ││ state: each change before → after (ui/state.rs)  ││            │
//! └──────────────┘└──────────────────────────────────────────────────┘└────────────┘
//!  footer: key hints from the keymap · last status message
//! ```
//! `t` puts the session timeline (`timeline.rs`: every transaction on one block axis) in place
//! of the DAG, details and notes.
//! In replay the Calls box becomes the Replay box (position, speed); `L` puts the ledger of the
//! open transaction (`ui/ledger.rs`) where the details are; `?` draws the help over
//! everything; below the minimum size only a message saying how big the terminal must be.
//! Nodes that wrote state carry `Δn`, rolled-back writes (embedded runtime) `↺n`.

mod calls;
mod dag;
mod details;
mod explain;
mod footer;
mod header;
mod help;
mod history;
mod ledger;
mod state;
pub mod theme;
mod timeline;
mod value;

use crate::app::{App, Geometry, Mode};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use theme::Theme;

/// The smallest terminal nearviz draws in.
pub const MIN_WIDTH: u16 = 70;
pub const MIN_HEIGHT: u16 = 18;

/// Where each region is, for a terminal of `area` (what `render` returns feeds mouse hits and
/// scrolling).
#[derive(Clone, Copy, Default, Debug)]
struct Regions {
    too_small: bool,
    header: Rect,
    /// The Calls box (or the Replay box in replay).
    side_top: Rect,
    /// Lines of the calls list (inside its border).
    calls: Rect,
    history_box: Rect,
    /// Lines of the history list.
    history: Rect,
    /// Right of the side panel: the DAG, details and notes, or the timeline.
    right: Rect,
    dag: Rect,
    /// The lane headers row.
    lanes: Rect,
    /// Where the DAG canvas shows.
    canvas: Rect,
    details: Rect,
    explain: Rect,
    footer: Rect,
}

fn inner(r: Rect) -> Rect {
    Rect::new(r.x + 1, r.y + 1, r.width.saturating_sub(2), r.height.saturating_sub(2))
}

fn regions(area: Rect, app: &App) -> Regions {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Regions { too_small: true, ..Default::default() };
    }
    let [header, body, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)])
            .areas(area);
    let side_width = if area.width >= 110 { 28 } else { 22 };
    let [side, right] =
        Layout::horizontal([Constraint::Length(side_width), Constraint::Min(0)]).areas(body);
    let top_height = match app.mode() {
        Mode::Live if !app.calls().is_empty() => {
            (app.calls().len() as u16 + 2).min(side.height / 2)
        }
        Mode::Replay => 6,
        _ => 0,
    };
    let [side_top, history_box] =
        Layout::vertical([Constraint::Length(top_height), Constraint::Min(0)]).areas(side);
    let explain_text = app.explain() && explain::text(app).is_some();
    // Beside the DAG when there is room, else a short strip between the DAG and the details.
    let beside = explain_text && right.width >= 120;
    let details_height = if app.details_big() {
        right.height.saturating_sub(6)
    } else {
        let base = (right.height * 2 / 5).clamp(8, 14);
        // State changes and the ledger take the rows the DAG does not need (it keeps 8).
        let wanted = if app.ledger_open() {
            ledger::height(app, right.width)
        } else if app.selection_has_state() {
            details::height(app, right.width)
        } else {
            0
        };
        let dag_needs = (app.layout().height + 3).max(8);
        wanted.clamp(base, right.height.saturating_sub(dag_needs).max(base))
    };
    let stacked = if explain_text && !beside { 5 } else { 0 };
    let [dag_row, explain_stacked, details] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(stacked),
        Constraint::Length(details_height),
    ])
    .areas(right);
    let (dag, explain) = if beside {
        let [dag, explain] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(32)]).areas(dag_row);
        (dag, explain)
    } else {
        (dag_row, explain_stacked)
    };
    let dag_inner = inner(dag);
    let [lanes, canvas] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(dag_inner);
    Regions {
        too_small: false,
        header,
        side_top,
        calls: if app.mode() == Mode::Live { inner(side_top) } else { Rect::default() },
        history_box,
        history: inner(history_box),
        right,
        dag,
        lanes,
        canvas,
        details,
        explain,
        footer,
    }
}

/// First visible item of a list of `height` lines so that `cursor` shows.
fn list_offset(cursor: usize, height: u16) -> usize {
    cursor.saturating_sub(usize::from(height.max(1)) - 1)
}

/// Draw the whole screen. Reads `app`, changes nothing; returns where things went, for the
/// app to interpret the next clicks and scrolls (`Msg::Drawn`).
pub fn render(app: &App, frame: &mut Frame) -> Geometry {
    let area = frame.area();
    let theme = Theme::new(app.color());
    let regions = regions(area, app);
    if regions.too_small {
        too_small(frame, area, theme);
        return Geometry::default();
    }
    header::render(frame, regions.header, app, theme);
    if app.mode() == Mode::Replay {
        calls::render_replay(frame, regions.side_top, app, theme);
    } else {
        calls::render(frame, regions.side_top, app, theme);
    }
    history::render(frame, regions.history_box, app, theme);
    let mut canvas = regions.canvas;
    let mut timeline_rows = Rect::default();
    if app.timeline().open {
        timeline_rows = timeline::render(frame, regions.right, app, theme);
        canvas = Rect::default();
    } else {
        dag::render(frame, &regions, app, theme);
        if app.ledger_open() {
            ledger::render(frame, regions.details, app, theme);
        } else {
            details::render(frame, regions.details, app, theme);
        }
        explain::render(frame, regions.explain, app, theme);
    }
    footer::render(frame, regions.footer, app, theme);
    if app.help_open() {
        help::render(frame, area, app, theme);
    }
    Geometry {
        canvas,
        history: regions.history,
        history_first: list_offset(app.history_cursor(), regions.history.height),
        calls: regions.calls,
        timeline: timeline_rows,
    }
}

fn too_small(frame: &mut Frame, area: Rect, theme: Theme) {
    let lines = vec![
        Line::styled("nearviz needs a bigger terminal", theme.error()),
        Line::raw(format!("now {}×{}, at least {MIN_WIDTH}×{MIN_HEIGHT}", area.width, area.height)),
        Line::styled("resize the window (q quits)", theme.dim()),
    ];
    let top = area.height.saturating_sub(3) / 2;
    let rect = Rect::new(area.x, area.y + top, area.width, area.height.saturating_sub(top).min(3));
    frame.render_widget(Paragraph::new(lines).centered(), rect);
}
