//! `App::update`: every message in, at most one effect out.

use super::keymap::{self, Action, Context, Modes, Views};
use super::nav::Dir;
use super::{
    App, Effect, EngineCommandKind, EngineState, Focus, Mode, Msg, Pane, Screen, Selected,
};
use crate::engine::EngineEvent;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

impl App {
    /// React to one message: the only way the app changes. The DAG and the layout are brought
    /// up to date before returning (only what changed is rebuilt).
    pub fn update(&mut self, msg: Msg) -> Option<Effect> {
        let effect = match msg {
            Msg::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Msg::Key(_) => None,
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Tick(dt) => {
                self.on_tick(dt);
                None
            }
            Msg::Engine(event) => self.on_engine(event),
            // A batch drained from the engine's channel: one refresh for all of it.
            Msg::Engines(events) => {
                let mut effect = None;
                for event in events {
                    effect = self.on_engine(event).or(effect);
                }
                effect
            }
            Msg::Drawn(geometry) => {
                if geometry != self.geometry {
                    self.geometry = geometry;
                    self.ensure_visible();
                    self.timeline_keep_visible(false);
                }
                None
            }
            Msg::EngineEnded => {
                if !matches!(self.engine, EngineState::Down(_)) {
                    self.on_engine(EngineEvent::Down("the engine task ended".into()));
                }
                None
            }
            Msg::CommandRejected { command, why } => {
                if let (EngineCommandKind::SetManualBlocks(asked), EngineState::Ready(info)) =
                    (command, &mut self.engine)
                {
                    info.manual_blocks = !asked;
                }
                self.status = Some(why);
                None
            }
            Msg::RestartFailed(why) => {
                self.on_engine(EngineEvent::Down(format!("restart failed: {why}")))
            }
            Msg::Saved { path, events } => {
                self.saving = false;
                self.status = Some(format!("saved {events} events to {}", path.display()));
                None
            }
            Msg::SaveFailed(why) => {
                self.saving = false;
                self.status = Some(format!("not saved: {why}"));
                None
            }
        };
        self.refresh();
        effect
    }

    fn mode_mask(&self) -> Modes {
        match self.mode {
            Mode::Live => Modes::LIVE,
            Mode::Replay => Modes::REPLAY,
            Mode::Viewer => Modes::VIEWER,
        }
    }

    /// What decides which keys work now, on the screen in view (the help and the footer show
    /// only those; while the help shows, its paging keys are these keys).
    pub fn key_context(&self) -> Context {
        let ledger = self.ledger_open();
        Context {
            mode: self.mode_mask(),
            view: match self.view.screen {
                Screen::Dag(_) => Views::DAG,
                Screen::Timeline(_) => Views::TIMELINE,
                Screen::GasReport(_) => Views::GAS_REPORT,
            },
            engine_ready: self.engine_ready(),
            engine_down: matches!(self.engine, EngineState::Down(_)),
            calls: self.calls.len(),
            can_pause: self.can_pause_chain(),
            manual_blocks: self.manual_blocks(),
            state_shown: ledger || self.selection_has_state(),
            ledger: ledger || self.open_tx().is_some_and(|tx| !tx.ledger.rows.is_empty()),
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let binding = keymap::lookup(&key, &self.key_context());
        if let Some(page) = self.view.help {
            // The help takes every key: paging keys turn its pages, quitting still quits, any
            // other key closes it.
            let pages = self.geometry.help_pages.max(1);
            self.view.help = match binding.map(|b| b.action) {
                Some(Action::Down | Action::PageDown | Action::Right | Action::PlayPause)
                    if page + 1 < pages =>
                {
                    Some(page + 1)
                }
                Some(Action::Up | Action::PageUp | Action::Left) if page > 0 => Some(page - 1),
                Some(Action::Quit) => return Some(Effect::Quit),
                _ => None,
            };
            return None;
        }
        let Some(binding) = binding else {
            if let KeyCode::Char(c) = key.code {
                self.status = Some(format!("`{c}` does nothing here: ? lists the keys"));
            }
            return None;
        };
        self.perform(binding.action)
    }

    /// Run an action the keymap bound on the screen in view: the app-wide ones here, the
    /// others by the screen's own handler.
    fn perform(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::Quit => return Some(Effect::Quit),
            Action::Help => self.view.help = Some(0),
            Action::SendCall(index) => return self.send_call(index),
            Action::NextBlock if self.mode == Mode::Replay => self.step(true),
            Action::NextBlock => return self.produce_block(),
            Action::PrevBlock => self.step(false),
            Action::PlayPause if self.mode == Mode::Replay => {
                if let Some(player) = &mut self.player {
                    if player.toggle() {
                        self.seek(0);
                    }
                }
            }
            Action::PlayPause => return self.toggle_manual_blocks(),
            Action::Faster => self.player.iter_mut().for_each(|p| p.faster()),
            Action::Slower => self.player.iter_mut().for_each(|p| p.slower()),
            Action::ReplayStart => {
                self.pause();
                self.seek(0);
            }
            Action::ReplayEnd => {
                self.pause();
                let end = self.player.as_ref().map_or(0, |p| p.len());
                self.seek(end);
            }
            Action::Save if self.saving => self.status = Some("still saving…".into()),
            Action::Save => {
                self.saving = true;
                self.status = Some("saving…".into());
                return Some(Effect::SaveFixture(self.save_path.clone()));
            }
            Action::RestartEngine => {
                if let EngineState::Down(_) = self.engine {
                    self.engine = EngineState::Starting("restarting the engine…".into());
                    return Some(Effect::RestartEngine);
                }
                self.status =
                    Some("the engine is running; R restarts it only once it stopped".into());
            }
            _ if self.view.timeline() => self.timeline_action(action),
            _ if self.view.gas_report() => self.gas_report_action(action),
            _ => return self.dag_action(action),
        }
        None
    }

    /// An action the keymap binds on the DAG screen (the app-wide ones excepted).
    fn dag_action(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::Up => self.move_in_focus(Dir::Up),
            Action::Down => self.move_in_focus(Dir::Down),
            Action::Left => self.move_selection(Dir::Left),
            Action::Right => self.move_selection(Dir::Right),
            Action::First => self.select_first(),
            Action::Last => self.select_last(),
            Action::PageUp => self.scroll_by(0, -i32::from(self.dag_viewport().height.max(2) - 1)),
            Action::PageDown => self.scroll_by(0, i32::from(self.dag_viewport().height.max(2) - 1)),
            Action::FocusNext => self.focus = self.next_focus(true),
            Action::FocusPrev => self.focus = self.next_focus(false),
            Action::Activate => return self.activate(),
            Action::Back => {
                let dag = self.view.dag_mut();
                dag.big = false;
                dag.pane = Pane::Details;
                self.focus = Focus::Dag;
            }
            Action::PrevTx => self.open_relative(-1),
            Action::NextTx => self.open_relative(1),
            Action::Timeline => self.open_timeline(),
            Action::GasReport => self.open_gas_report(),
            Action::ToggleGas | Action::GasBreakdown => self.gas_pane(action),
            _ => self.dag_option(action),
        }
        None
    }

    /// The DAG screen's settings and the layout options (the gas unit also from the gas
    /// report).
    pub(super) fn dag_option(&mut self, action: Action) {
        match action {
            Action::ToggleRefunds => {
                self.options.show_refunds = !self.options.show_refunds;
                self.status = Some(
                    if self.options.show_refunds { "refunds shown" } else { "refunds hidden" }
                        .into(),
                );
                self.relayout();
            }
            Action::CycleGasUnit => {
                self.options.gas_unit = self.options.gas_unit.next();
                self.status = Some(format!("gas in {}", self.options.gas_unit.name()));
                self.relayout();
            }
            Action::ZoomIn => {
                self.options.zoom = self.options.zoom.zoom_in();
                self.relayout();
            }
            Action::ZoomOut => {
                self.options.zoom = self.options.zoom.zoom_out();
                self.relayout();
            }
            Action::Collapse => {
                if let Selected::Receipt(id) = self.selected {
                    if !self.options.collapsed.remove(&id) {
                        self.options.collapsed.insert(id);
                    }
                    self.relayout();
                }
            }
            Action::ExpandAll => {
                self.options.collapsed.clear();
                self.relayout();
            }
            Action::ToggleExplain => {
                let dag = self.view.dag_mut();
                dag.notes = !dag.notes;
            }
            Action::ToggleRawValues => {
                let dag = self.view.dag_mut();
                dag.raw_values = !dag.raw_values;
                self.status = Some(
                    if dag.raw_values {
                        "state values raw: base64, yoctoNEAR"
                    } else {
                        "state values readable"
                    }
                    .into(),
                );
            }
            Action::ToggleLedger => {
                let dag = self.view.dag_mut();
                dag.pane = match dag.pane {
                    Pane::Details | Pane::Gas => Pane::Ledger,
                    Pane::Ledger => Pane::Details,
                };
                let ledger = dag.pane == Pane::Ledger;
                self.status = Some(
                    match (ledger, self.open_tx()) {
                        (false, _) => "details",
                        (true, Some(tx)) if !tx.ledger.rows.is_empty() => {
                            "ledger of the open transaction"
                        }
                        (true, _) => "ledger: no balance change seen for this transaction",
                    }
                    .into(),
                );
            }
            _ => {}
        }
    }

    fn next_focus(&self, forward: bool) -> Focus {
        let order: &[Focus] = if self.mode == Mode::Live && !self.calls.is_empty() {
            &[Focus::Dag, Focus::Calls, Focus::History]
        } else {
            &[Focus::Dag, Focus::History]
        };
        let at = order.iter().position(|&f| f == self.focus).unwrap_or(0);
        let next = if forward { at + 1 } else { at + order.len() - 1 };
        order[next % order.len()]
    }

    fn move_in_focus(&mut self, dir: Dir) {
        let up = dir == Dir::Up;
        match self.focus {
            Focus::Dag => self.move_selection(dir),
            Focus::Calls => {
                let last = self.calls.len().saturating_sub(1);
                self.call_cursor = if up {
                    self.call_cursor.saturating_sub(1)
                } else {
                    (self.call_cursor + 1).min(last)
                };
            }
            Focus::History => {
                let last = self.tracker.dag().transactions.len().saturating_sub(1);
                self.history_cursor = if up {
                    self.history_cursor.saturating_sub(1)
                } else {
                    (self.history_cursor + 1).min(last)
                };
            }
        }
    }

    fn activate(&mut self) -> Option<Effect> {
        match self.focus {
            Focus::Dag => {
                let dag = self.view.dag_mut();
                dag.big = !dag.big;
            }
            Focus::Calls => return self.send_call(self.call_cursor),
            Focus::History => {
                self.open_index(self.history_cursor);
                self.focus = Focus::Dag;
            }
        }
        None
    }

    /// Show the transaction at this history index.
    pub(super) fn open_index(&mut self, index: usize) {
        let Some(hash) = self.tracker.dag().transactions.get(index).map(|t| t.hash) else { return };
        let last = self.tracker.dag().transactions.len().saturating_sub(1);
        self.follow = index == last;
        if self.open != Some(hash) {
            self.open = Some(hash);
            self.selected = Selected::Tx;
            self.scroll = (0, 0);
        }
        self.history_cursor = index;
        self.relayout();
    }

    fn open_relative(&mut self, delta: isize) {
        let txs = &self.tracker.dag().transactions;
        let Some(at) = txs.iter().position(|t| Some(t.hash) == self.open) else { return };
        let target = at.checked_add_signed(delta).filter(|&t| t < txs.len());
        if let Some(target) = target {
            self.open_index(target);
        }
    }

    fn send_call(&mut self, index: usize) -> Option<Effect> {
        if self.mode != Mode::Live {
            return None;
        }
        let Some(call) = self.calls.get(index) else {
            self.status = Some(format!("no call {} in this scenario", index + 1));
            return None;
        };
        let name = call.name.clone();
        match &self.engine {
            EngineState::Ready(_) => {
                self.follow = true;
                self.call_cursor = index;
                self.status = Some(format!("sent {name}"));
                Some(Effect::Engine(EngineCommandKind::Send(index)))
            }
            EngineState::Starting(what) => {
                self.status = Some(format!("not ready yet ({what}): {name} not sent"));
                None
            }
            EngineState::Down(_) => {
                self.status = Some(format!("the engine is down: R restarts it ({name} not sent)"));
                None
            }
        }
    }

    fn produce_block(&mut self) -> Option<Effect> {
        if !self.engine_ready() {
            return None;
        }
        if self.manual_blocks() {
            return Some(Effect::Engine(EngineCommandKind::ProduceBlock));
        }
        self.status = Some(if self.can_pause_chain() {
            "blocks come on their own: space pauses the chain, then n produces one".into()
        } else {
            "this engine produces blocks on its own".into()
        });
        None
    }

    fn can_pause_chain(&self) -> bool {
        self.engine_info().is_some_and(|info| info.capabilities().pause_chain || info.manual_blocks)
    }

    fn toggle_manual_blocks(&mut self) -> Option<Effect> {
        if !self.can_pause_chain() {
            self.status = Some("only the embedded runtime can pause the chain".into());
            return None;
        }
        let EngineState::Ready(info) = &mut self.engine else { return None };
        // The engine switches on the command; the info says what was asked (a rejected command
        // switches it back, see `Msg::CommandRejected`).
        info.manual_blocks = !info.manual_blocks;
        let manual = info.manual_blocks;
        self.status = Some(
            if manual { "chain paused: n produces one block" } else { "chain running" }.into(),
        );
        Some(Effect::Engine(EngineCommandKind::SetManualBlocks(manual)))
    }

    fn pause(&mut self) {
        if let Some(player) = &mut self.player {
            player.playing = false;
        }
    }

    fn step(&mut self, forward: bool) {
        self.pause();
        let Some(player) = &self.player else { return };
        let target = if forward { player.next_stop() } else { player.prev_stop() };
        self.seek(target);
    }

    /// Move the replay to `target` events applied: backwards from the nearest checkpoint.
    pub(super) fn seek(&mut self, target: usize) {
        let Some(player) = &mut self.player else { return };
        if player.seek(target, &mut self.tracker) {
            // Change counts restart with the checkpoint: lay out afresh.
            self.layout_of = None;
        }
        self.refresh();
    }

    fn on_tick(&mut self, dt: u64) {
        let Some(player) = &mut self.player else { return };
        let target = player.advance(dt);
        if target != player.cursor {
            self.seek(target);
        }
    }

    fn on_engine(&mut self, event: EngineEvent) -> Option<Effect> {
        match event {
            EngineEvent::Progress(line) => {
                if !self.engine_ready() {
                    self.engine = EngineState::Starting(line.clone());
                }
                self.status = Some(line);
            }
            EngineEvent::Ready(info) => {
                self.status = Some(format!("{} ready", info.name()));
                self.engine = EngineState::Ready(info);
            }
            EngineEvent::Chain(event) => self.tracker.apply(event),
            EngineEvent::CallFailed { call, error } => {
                self.status = Some(format!("{call} failed to send: {error}"))
            }
            EngineEvent::Down(why) => {
                self.status = Some(match self.mode {
                    Mode::Live => format!("engine stopped: {why} · R restarts it"),
                    _ => format!("engine stopped: {why}"),
                });
                self.engine = EngineState::Down(why);
            }
        }
        None
    }

    fn on_mouse(&mut self, mouse: MouseEvent) -> Option<Effect> {
        let regions = self.geometry;
        let at = Position::new(mouse.column, mouse.row);
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if self.view.help.is_some() {
                    self.view.help = None;
                } else if regions.timeline.contains(at) {
                    self.click_timeline(mouse.row);
                } else if regions.gas_report.contains(at) {
                    self.click_gas_report(mouse.row);
                } else if self.click_dag(mouse.column, mouse.row) {
                    self.focus = Focus::Dag;
                } else if regions.history.contains(at) {
                    let index = usize::from(mouse.row - regions.history.y) + regions.history_first;
                    if index < self.tracker.dag().transactions.len() {
                        self.open_index(index);
                        self.focus = Focus::History;
                    }
                } else if regions.calls.contains(at) {
                    let index = usize::from(mouse.row - regions.calls.y);
                    if index < self.calls.len() {
                        self.call_cursor = index;
                        self.focus = Focus::Calls;
                    }
                }
            }
            MouseEventKind::ScrollDown if regions.timeline.contains(at) => {
                self.scroll_timeline(0, 3)
            }
            MouseEventKind::ScrollUp if regions.timeline.contains(at) => {
                self.scroll_timeline(0, -3)
            }
            MouseEventKind::ScrollDown if regions.canvas.contains(at) => self.scroll_by(0, 3),
            MouseEventKind::ScrollUp if regions.canvas.contains(at) => self.scroll_by(0, -3),
            MouseEventKind::ScrollRight if regions.timeline.contains(at) => {
                self.scroll_timeline(2, 0)
            }
            MouseEventKind::ScrollLeft if regions.timeline.contains(at) => {
                self.scroll_timeline(-2, 0)
            }
            MouseEventKind::ScrollRight if regions.canvas.contains(at) => self.scroll_by(6, 0),
            MouseEventKind::ScrollLeft if regions.canvas.contains(at) => self.scroll_by(-6, 0),
            _ => {}
        }
        None
    }
}
