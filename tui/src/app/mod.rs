//! The TUI state (`App`), its messages and `update`: the Elm-style loop.
//!
//! ```text
//!  crossterm events ─┐
//!  engine events ────┼─▶ Msg ─▶ App::update ─▶ Option<Effect> ─▶ event loop (engine, files)
//!  ticks ────────────┘              │
//!                                   └─▶ App::refresh (DAG, layout) ─▶ ui::render(&App)
//! ```

pub mod event_loop;
pub mod keymap;
pub mod msg;
mod nav;
pub mod replay;
pub mod session;
pub mod terminal;
mod update;

use crate::chain::{ReceiptId, TxHash};
use crate::engine::EngineInfo;
use crate::layout::{self, DagLayout, LayoutOptions};
use crate::model::dag::{Parent, ReceiptNode, TxNode};
use crate::scenario::Call;
pub use msg::{Effect, EngineCommandKind, Msg};
use replay::Player;
use session::Session;
use std::path::PathBuf;

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

pub struct App {
    pub mode: Mode,
    pub engine: EngineState,
    /// The scenario's title, for the header.
    pub title: Option<String>,
    pub calls: Vec<Call>,
    pub session: Session,
    /// Layout of the open transaction (rebuilt by `refresh`).
    pub layout: DagLayout,
    /// The transaction shown in the DAG.
    pub open: Option<TxHash>,
    /// Open each new transaction as it appears.
    pub follow: bool,
    pub selected: Selected,
    pub options: LayoutOptions,
    pub focus: Focus,
    pub call_cursor: usize,
    pub history_cursor: usize,
    /// Top-left cell of the DAG canvas in view.
    pub scroll: (u16, u16),
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub help: bool,
    pub details_big: bool,
    /// Workshop notes beside the DAG.
    pub explain: bool,
    /// The last thing worth telling (call failed, fixture saved...), shown in the footer.
    pub status: Option<String>,
    pub player: Option<Player>,
    /// Colours on (off with `NO_COLOR`): marks and line styles carry the meaning either way.
    pub color: bool,
    /// Blocks are produced on demand (`n`).
    pub manual_blocks: bool,
    /// Where `s` saves the fixture (`--record`), else a default under the data directory.
    pub save_path: Option<PathBuf>,
    layout_dirty: bool,
}

impl App {
    pub fn new(mode: Mode, size: (u16, u16)) -> Self {
        App {
            mode,
            engine: EngineState::Starting("starting…".into()),
            title: None,
            calls: Vec::new(),
            session: Session::new(),
            layout: DagLayout::default(),
            open: None,
            follow: true,
            selected: Selected::Tx,
            options: LayoutOptions::default(),
            focus: Focus::Dag,
            call_cursor: 0,
            history_cursor: 0,
            scroll: (0, 0),
            size,
            help: false,
            details_big: false,
            explain: mode != Mode::Viewer,
            status: None,
            player: None,
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            manual_blocks: false,
            save_path: None,
            layout_dirty: true,
        }
    }

    /// A replay of `player`'s recording.
    pub fn replay(player: Player, size: (u16, u16)) -> Self {
        let mut app = App::new(Mode::Replay, size);
        app.engine = EngineState::Ready(EngineInfo {
            name: "replay".into(),
            reason: Some(player.name.clone()),
            protocol_version: None,
            manual_blocks: false,
            approximate_gas: false,
        });
        app.player = Some(player);
        app
    }

    /// The open transaction.
    pub fn open_tx(&self) -> Option<&TxNode> {
        let hash = self.open?;
        self.session.dag().transactions.iter().find(|t| t.hash == hash)
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

    /// The scenario call that sent the open transaction (for the workshop notes).
    pub fn open_call(&self) -> Option<&Call> {
        let label = self.open_tx()?.label.as_deref()?;
        self.calls.iter().find(|c| c.name == label)
    }

    /// Transactions still executing.
    pub fn in_flight(&self) -> usize {
        use crate::model::dag::Progress;
        let done =
            |p: &Progress| matches!(p, Progress::Lost(_)) || *p == Progress::Node("FINAL".into());
        self.session.dag().transactions.iter().filter(|t| !done(&t.progress)).count()
    }

    pub fn engine_ready(&self) -> bool {
        matches!(self.engine, EngineState::Ready(_))
    }

    /// Show this DAG, as if the session had built it (tests, tools).
    pub fn show_dag(&mut self, dag: crate::model::dag::Dag) {
        self.session.set_dag(dag);
        self.layout_dirty = true;
        self.refresh();
    }

    /// Bring the DAG and the layout up to date with the session and the options; keep the
    /// selection on a visible node and in view. Called before drawing and before handling input.
    pub fn refresh(&mut self) {
        let dag_changed = self.session.refresh();
        if !dag_changed && !self.layout_dirty {
            return;
        }
        self.layout_dirty = false;
        let txs = &self.session.dag().transactions;
        let latest = txs.last().map(|t| t.hash);
        if self.open.is_none()
            || (self.follow && dag_changed)
            || !txs.iter().any(|t| Some(t.hash) == self.open)
        {
            if self.open != latest {
                self.selected = Selected::Tx;
                self.scroll = (0, 0);
            }
            self.open = latest;
        }
        self.layout = match self.open_tx() {
            Some(tx) => layout::layout(tx, &self.options),
            None => DagLayout::default(),
        };
        if let Some(i) = txs.iter().position(|t| Some(t.hash) == self.open) {
            if self.focus != Focus::History {
                self.history_cursor = i;
            }
        }
        self.keep_selection_visible();
        self.ensure_visible();
    }

    /// Mark the layout stale (options changed).
    fn relayout(&mut self) {
        self.layout_dirty = true;
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
