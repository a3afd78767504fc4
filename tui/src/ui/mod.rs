//! ratatui widgets: a read-only render of `app::App`, one file per screen region
//! (`state_changes.rs` and `value.rs` draw the state changes inside the details).
//!
//! ```text
//!  header: nearviz · engine · protocol · block #h · ms/block · in flight · why
//! ┌ Calls ───────┐┌ DAG: label · tx · status · blocks · gas ─────────┐┌ Workshop ──┐
//! │ 1 name       ││ tx #48   #49 +1            #50 +2                ││ what to    │
//! │ 2 name       ││ alice ─▶ caller.method ─┬─▶ hello.get ┄┐          ││ notice     │
//! ├ History ─────┤│                         └─▶ ...  Δ1   ┄┴┄▷ cb Δ1 ││            │
//! │ ✔ label hash │├ Details: the selected receipt ───────────────────┤│            │
//! │ ✘ label hash ││ actions, gas, inputs, logs, result or error      ││            │
//! │              ││ state: before → after (ui/state_changes.rs)      ││            │
//! └──────────────┘└──────────────────────────────────────────────────┘└────────────┘
//!  footer: key hints from the keymap · last status message
//! ```
//! The side panel shrinks, or folds away (`tab` opens it over the DAG), when the DAG needs the
//! width; below [`NARROW`] columns the DAG has the body and `enter` splits it with the details.
//! `t` puts the session timeline (`timeline.rs`: every transaction on one block axis) in place
//! of the side panel, DAG, details and notes (the header and footer stay), and `m` the
//! session's gas report (`gas_report.rs`) in place of the DAG, details and notes.
//! In replay the Calls box becomes the Replay box (position, speed); `L` puts the ledger of the
//! open transaction (`ui/ledger.rs`) where the details are, and `b` where the selected
//! receipt's gas went (`ui/gas.rs`); `?` draws the help over everything; below the minimum size
//! only a message saying how big the terminal must be.
//! Nodes that wrote state carry `Δn`, rolled-back writes (embedded runtime) `↺n`.

mod calls;
mod dag;
mod details;
mod explain;
mod footer;
mod gas;
mod gas_report;
mod header;
mod help;
mod history;
mod ledger;
mod state_changes;
pub mod theme;
mod timeline;
mod value;
mod wrap;

use crate::app::{App, Focus, Geometry, Mode};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Clear;
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
    /// The calls and history are drawn over the DAG (the panel is folded and has the focus).
    side_overlay: bool,
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

/// Below this width the DAG gets the whole body: the calls and history open over it (`tab`), the
/// details under it (`enter`).
pub const NARROW: u16 = 100;

/// The side panel's width: full when the DAG fits beside it, narrower when that makes it fit,
/// else folded (0: it opens over the DAG with `tab`) so the DAG gets every column. The timeline
/// has every column while it shows (its rows are the history's).
fn side_width(area: Rect, app: &App) -> u16 {
    if area.width < NARROW || app.timeline_open() {
        return 0;
    }
    let full = if area.width >= 110 { 28 } else { 22 };
    // The DAG's canvas plus its border.
    let need = app.layout().width.saturating_add(2);
    let spare = area.width.saturating_sub(need);
    if spare >= full {
        full
    } else if spare >= 20 {
        spare
    } else {
        0
    }
}

fn regions(area: Rect, app: &App) -> Regions {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Regions { too_small: true, ..Default::default() };
    }
    let narrow = area.width < NARROW;
    let [header, body, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)])
            .areas(area);
    let side_width = side_width(area, app);
    let [side, right] =
        Layout::horizontal([Constraint::Length(side_width), Constraint::Min(0)]).areas(body);
    // A folded panel opens over the left of the DAG while it has the focus.
    let side_overlay = side_width == 0
        && !app.timeline_open()
        && matches!(app.focus(), Focus::Calls | Focus::History);
    let side = if side_overlay { Rect { width: 30.min(body.width), ..body } } else { side };
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
    // Beside the DAG when there is room for both, else a short strip between the DAG and the
    // details.
    let dag_need = app.layout().width.saturating_add(2);
    let beside = explain_text && right.width >= 120 && right.width - 32 >= dag_need;
    // Stacked, the notes grow to fit the whole note, up to a third of the height.
    let stacked = if explain_text && !beside {
        let least = if narrow { 4 } else { 5 };
        explain::height(app, right.width).min(right.height / 3).max(least)
    } else {
        0
    };
    let avail = right.height.saturating_sub(stacked);
    let details_height = if app.details_big() || (narrow && (app.ledger_open() || app.gas_open())) {
        // Enlarged details split the screen: the DAG keeps the selection and its neighbours.
        let dag_keeps = if narrow { avail / 2 } else { (avail * 2 / 5).max(10) };
        avail.saturating_sub(dag_keeps)
    } else if narrow {
        0
    } else {
        // The DAG gets the rows it needs first (lane headers and border included), the details
        // the rest: at least 6, at most what they want (state changes and the ledger want more).
        let base = (right.height * 2 / 5).clamp(8, 14);
        let wanted = if app.ledger_open() {
            ledger::height(app, right.width)
        } else if app.gas_open() {
            gas::height(app)
        } else if app.selection_has_state() {
            details::height(app, right.width)
        } else {
            0
        };
        let dag_needs = app.layout().height.saturating_add(3).max(8);
        avail.saturating_sub(dag_needs).clamp(6.min(avail), base.max(wanted))
    };
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
    let side_shown = side_width > 0 || side_overlay;
    Regions {
        too_small: false,
        side_overlay,
        header,
        side_top,
        calls: if app.mode() == Mode::Live && side_shown {
            inner(side_top)
        } else {
            Rect::default()
        },
        history_box,
        history: if side_shown { inner(history_box) } else { Rect::default() },
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
    if !regions.side_overlay {
        side(frame, &regions, app, theme);
    }
    let mut canvas = regions.canvas;
    let mut timeline_rows = Rect::default();
    let mut gas_report_rows = (Rect::default(), 0);
    if app.timeline_open() {
        timeline_rows = timeline::render(frame, regions.right, app, theme);
        canvas = Rect::default();
    } else if app.view().gas_report() {
        gas_report_rows = gas_report::render(frame, regions.right, app, theme);
        canvas = Rect::default();
    } else {
        dag::render(frame, &regions, app, theme);
        if app.ledger_open() {
            ledger::render(frame, regions.details, app, theme);
        } else if app.gas_open() {
            gas::render(frame, regions.details, app, theme);
        } else {
            details::render(frame, regions.details, app, theme);
        }
        explain::render(frame, regions.explain, app, theme);
    }
    if regions.side_overlay {
        frame.render_widget(Clear, regions.side_top.union(regions.history_box));
        side(frame, &regions, app, theme);
    }
    footer::render(frame, regions.footer, app, theme);
    let help_pages = if app.help_open() { help::render(frame, area, app, theme) } else { 0 };
    Geometry {
        canvas,
        history: regions.history,
        history_first: list_offset(app.history_cursor(), regions.history.height),
        calls: regions.calls,
        timeline: timeline_rows,
        gas_report: gas_report_rows.0,
        gas_report_first: gas_report_rows.1,
        help_pages,
    }
}

/// The calls (or replay) box and the history.
fn side(frame: &mut Frame, regions: &Regions, app: &App, theme: Theme) {
    if app.mode() == Mode::Replay {
        calls::render_replay(frame, regions.side_top, app, theme);
    } else {
        calls::render(frame, regions.side_top, app, theme);
    }
    history::render(frame, regions.history_box, app, theme);
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
