//! The TUI state (`App`), its messages and `update`: the Elm-style loop.
//!
//! ```text
//!  crossterm events ─┐
//!  engine events ────┼─▶ Msg ─▶ App::update ─▶ Option<Effect> ─▶ event loop (engine, files)
//!  ticks, effects ───┤              │                                  (crate::terminal)
//!  Drawn(geometry) ──┘              └─▶ App::refresh (DAG, layout) ─▶ ui::render(&App)
//! ```
//! `app` knows nothing of `ui`: the event loop (`crate::terminal`) draws, and hands the frame's
//! geometry back as `Msg::Drawn`.

mod gas;
pub mod keymap;
pub mod msg;
mod nav;
pub mod replay;
mod timeline;
pub mod tracker;
mod update;
mod view;

use crate::chain::{ReceiptId, TxHash};
use crate::engine::EngineInfo;
use crate::layout::{self, DagLayout, LayoutOptions};
use crate::model::dag::{Parent, ReceiptNode, TxNode};
use crate::scenario::Call;
pub use msg::{Effect, EngineCommandKind, Msg};
use ratatui::layout::Rect;
use replay::Player;
use std::path::PathBuf;
pub use timeline::TimelineView;
use tracker::Tracker;
pub use view::{Breakdown, DagView, GasReportView, Pane, Screen, View};

/// What the screen is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// An engine runs the chain; calls can be sent.
    Live,
    /// A recording plays back.
    Replay,
    /// Read-only view of an engine's transactions (`nearviz tx`): no calls.
    Viewer,
}

/// Which panel the arrow keys move in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Focus {
    Dag,
    Calls,
    History,
}

#[derive(Clone, PartialEq, Debug)]
pub enum EngineState {
    /// Booting: the last progress line.
    Starting(String),
    Ready(EngineInfo),
    /// Stopped: why. Everything seen so far stays.
    Down(String),
}

/// The selected DAG node, by identity so it survives new events and re-layouts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Selected {
    Tx,
    Receipt(ReceiptId),
}

/// Where the last drawn frame put what input refers to: `ui::render` returns it, the event
/// loop hands it back as [`Msg::Drawn`], so clicks and scrolling use what the user saw.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Geometry {
    /// Where the DAG canvas shows (below the lane headers).
    pub canvas: Rect,
    /// Lines of the history list.
    pub history: Rect,
    /// The history item on the first line of `history`.
    pub history_first: usize,
    /// Lines of the calls list (empty when there is none).
    pub calls: Rect,
    /// Rows of the timeline (empty when it does not show).
    pub timeline: Rect,
    /// Rows of the gas report's methods (empty when it does not show).
    pub gas_report: Rect,
    /// The method on the first line of `gas_report`.
    pub gas_report_first: usize,
    /// Pages the help needed (0 when it is closed).
    pub help_pages: u16,
}

pub struct App {
    mode: Mode,
    engine: EngineState,
    /// The scenario's title, for the header.
    title: Option<String>,
    calls: Vec<Call>,
    /// Every chain event seen, and the DAG built from it.
    tracker: Tracker,
    /// Layout of the open transaction, and the open transaction's change count it was made
    /// from (`None`: options changed since).
    layout: DagLayout,
    layout_of: Option<(TxHash, u64)>,
    /// The transaction shown in the DAG.
    open: Option<TxHash>,
    /// Open each new transaction as it appears.
    follow: bool,
    selected: Selected,
    options: LayoutOptions,
    focus: Focus,
    call_cursor: usize,
    history_cursor: usize,
    /// Top-left cell of the DAG canvas in view.
    scroll: (u16, u16),
    /// The last drawn frame's regions.
    geometry: Geometry,
    /// The screen in view, its settings and the help over it: what the keymap's context reads.
    view: View,
    /// The last thing worth telling (call failed, fixture saved...), shown in the footer.
    status: Option<String>,
    player: Option<Player>,
    /// Colours on (off with `NO_COLOR`): marks and line styles carry the meaning either way.
    color: bool,
    /// Where `s` saves the fixture (`--record`), else a default under the data directory.
    save_path: Option<PathBuf>,
    /// A save is under way (one at a time).
    saving: bool,
    /// Where the session timeline (`t`) is: its cursor and scroll, kept between openings.
    timeline: TimelineView,
    /// Where the gas report (`m`) is: its cursor and scroll, kept between openings.
    gas_report: GasReportView,
}

impl App {
    pub fn new(mode: Mode) -> Self {
        App {
            mode,
            engine: EngineState::Starting("starting…".into()),
            title: None,
            calls: Vec::new(),
            tracker: Tracker::new(),
            layout: DagLayout::default(),
            layout_of: None,
            open: None,
            follow: true,
            selected: Selected::Tx,
            options: LayoutOptions::default(),
            focus: Focus::Dag,
            call_cursor: 0,
            history_cursor: 0,
            scroll: (0, 0),
            geometry: Geometry::default(),
            view: View::new(mode != Mode::Viewer),
            status: None,
            player: None,
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            save_path: None,
            saving: false,
            timeline: TimelineView::default(),
            gas_report: GasReportView::default(),
        }
    }

    /// A replay of `player`'s recording; `info` says what recorded it.
    pub fn replay(player: Player, info: EngineInfo) -> Self {
        let mut app = App::new(Mode::Replay);
        app.engine = EngineState::Ready(info);
        app.player = Some(player);
        app
    }

    /// The scenario whose calls the Calls box lists (and whose notes the workshop shows).
    pub fn with_scenario(mut self, title: Option<String>, calls: Vec<Call>) -> Self {
        self.title = title;
        self.calls = calls;
        self
    }

    pub fn with_color(mut self, color: bool) -> Self {
        self.color = color;
        self
    }

    pub fn with_save_path(mut self, path: Option<PathBuf>) -> Self {
        self.save_path = path;
        self
    }

    /// A first status line (e.g. the recording's warnings).
    pub fn with_status(mut self, status: Option<String>) -> Self {
        self.status = status;
        self
    }

    /// Start a replay paused instead of playing.
    pub fn paused(mut self) -> Self {
        if let Some(player) = &mut self.player {
            player.playing = false;
        }
        self
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn engine(&self) -> &EngineState {
        &self.engine
    }

    /// The running engine's description, once it is ready.
    pub fn engine_info(&self) -> Option<&EngineInfo> {
        match &self.engine {
            EngineState::Ready(info) => Some(info),
            _ => None,
        }
    }

    /// Blocks come on demand (`n`) right now.
    pub fn manual_blocks(&self) -> bool {
        self.engine_info().is_some_and(|i| i.manual_blocks)
    }

    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// The open transaction's layout (as of the last `refresh`).
    pub fn layout(&self) -> &DagLayout {
        &self.layout
    }

    pub fn open(&self) -> Option<TxHash> {
        self.open
    }

    pub fn selected(&self) -> Selected {
        self.selected
    }

    pub fn options(&self) -> &LayoutOptions {
        &self.options
    }

    pub fn focus(&self) -> Focus {
        self.focus
    }

    pub fn call_cursor(&self) -> usize {
        self.call_cursor
    }

    pub fn history_cursor(&self) -> usize {
        self.history_cursor
    }

    pub fn scroll(&self) -> (u16, u16) {
        self.scroll
    }

    /// What shows: the screen, its settings, the help.
    pub fn view(&self) -> &View {
        &self.view
    }

    pub fn help_open(&self) -> bool {
        self.view.help.is_some()
    }

    /// The help page to draw.
    pub fn help_page(&self) -> u16 {
        self.view.help.unwrap_or(0)
    }

    pub fn details_big(&self) -> bool {
        self.view.dag().big
    }

    pub fn explain(&self) -> bool {
        self.view.dag().notes
    }

    /// State values shown raw (base64, exact yoctoNEAR).
    pub fn raw_values(&self) -> bool {
        self.view.dag().raw_values
    }

    /// The ledger is below the DAG.
    pub fn ledger_open(&self) -> bool {
        self.view.dag().pane == Pane::Ledger
    }

    /// Where the selected receipt's gas went shows below the DAG (`b`).
    pub fn gas_open(&self) -> bool {
        self.view.dag().pane == Pane::Gas
    }

    /// Gas charts by group or every single cost (`B`).
    pub fn gas_breakdown(&self) -> Breakdown {
        self.view.dag().gas
    }

    /// The session timeline shows in place of the DAG.
    pub fn timeline_open(&self) -> bool {
        self.view.timeline()
    }

    /// The selection has state changes (or reverted ones) for the details to list.
    pub fn selection_has_state(&self) -> bool {
        match self.selected_receipt() {
            Some(r) => !r.state_changes.is_empty() || !r.reverted_changes.is_empty(),
            None => self.open_tx().is_some_and(|tx| !tx.state_changes.is_empty()),
        }
    }

    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    pub fn player(&self) -> Option<&Player> {
        self.player.as_ref()
    }

    pub fn color(&self) -> bool {
        self.color
    }

    /// Where the DAG canvas was in the last drawn frame.
    pub fn dag_viewport(&self) -> Rect {
        self.geometry.canvas
    }

    /// The open transaction.
    pub fn open_tx(&self) -> Option<&TxNode> {
        let hash = self.open?;
        self.tracker.tx(hash)
    }

    /// The selected receipt, if a receipt (not the transaction) is selected.
    pub fn selected_receipt(&self) -> Option<&ReceiptNode> {
        let Selected::Receipt(id) = self.selected else { return None };
        self.open_tx()?.receipts.iter().find(|r| r.id == id)
    }

    /// The layout node index of the selection.
    pub fn selected_node(&self) -> Option<usize> {
        match self.selected {
            Selected::Tx => (!self.layout.nodes.is_empty()).then_some(0),
            Selected::Receipt(id) => self.layout.node_of(id),
        }
    }

    /// The scenario call that sent the open transaction (for the workshop notes); a sequence
    /// step (`race_unsafe#2`) belongs to its sequence.
    pub fn open_call(&self) -> Option<&Call> {
        let label = self.open_tx()?.label.as_deref()?;
        self.calls.iter().find(|c| c.name == label).or_else(|| {
            let (sequence, _) = label.rsplit_once('#')?;
            self.calls.iter().find(|c| c.name == sequence)
        })
    }

    /// Transactions still executing.
    pub fn in_flight(&self) -> usize {
        self.tracker.in_flight()
    }

    pub fn engine_ready(&self) -> bool {
        matches!(self.engine, EngineState::Ready(_))
    }

    /// Show this DAG, as if the tracker had built it (benchmarks, tools).
    pub fn showing(mut self, dag: crate::model::dag::Dag) -> Self {
        self.tracker.set_dag(dag);
        self.open = None;
        self.refresh();
        self
    }

    /// Bring the DAG and the layout up to date with the tracker and the options; keep the
    /// selection on a visible node and in view. `update` calls it after every message.
    /// Only the transactions that changed are rebuilt, and the open one is laid out again only
    /// when it changed (or the options did).
    fn refresh(&mut self) {
        let dag_changed = self.tracker.refresh();
        let txs = &self.tracker.dag().transactions;
        if dag_changed || self.open.is_none() {
            let latest = txs.last().map(|t| t.hash);
            if self.open.is_none()
                || (self.follow && dag_changed)
                || self.open.and_then(|h| self.tracker.version(h)).is_none()
            {
                if self.open != latest {
                    self.selected = Selected::Tx;
                    self.scroll = (0, 0);
                }
                self.open = latest;
            }
        }
        let key = self.open.and_then(|h| Some((h, self.tracker.version(h)?)));
        if key == self.layout_of && (key.is_some() || self.layout.nodes.is_empty()) {
            return;
        }
        self.layout_of = key;
        self.layout = match self.open_tx() {
            Some(tx) => layout::layout(tx, &self.options),
            None => DagLayout::default(),
        };
        let txs = &self.tracker.dag().transactions;
        if let Some(i) = txs.iter().position(|t| Some(t.hash) == self.open) {
            if self.focus != Focus::History {
                self.history_cursor = i;
            }
        }
        self.keep_selection_visible();
        self.ensure_visible();
    }

    /// Lay out again (options changed).
    fn relayout(&mut self) {
        self.layout_of = None;
        self.layout = DagLayout::default();
        self.refresh();
    }

    /// If the selected receipt is hidden (refunds off, folded), select its nearest visible
    /// ancestor.
    fn keep_selection_visible(&mut self) {
        let Selected::Receipt(mut id) = self.selected else { return };
        let Some(tx) = self.open_tx() else {
            self.selected = Selected::Tx;
            return;
        };
        for _ in 0..tx.receipts.len() + 1 {
            if self.layout.node_of(id).is_some() {
                self.selected = Selected::Receipt(id);
                return;
            }
            match tx.receipts.iter().find(|r| r.id == id).map(|r| r.parent) {
                Some(Parent::Receipt(parent)) => id = parent,
                _ => break,
            }
        }
        self.selected = Selected::Tx;
    }
}
