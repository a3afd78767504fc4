//! The timeline's place: the selected row, and what part of the rows and block columns is in
//! view (whether it shows is the app's [`super::View`]). `App::update` is still the only writer:
//! these are its helpers, and `timeline_action` runs the keys the keymap binds on the timeline.

use super::keymap::Action;
use super::{App, Focus, Screen};
use crate::chain::TxHash;
use crate::layout::timeline;
use crate::model::Ledger;

#[derive(Clone, Default, Debug, PartialEq, Eq)]
pub struct TimelineView {
    /// The selected row (a transaction's index in the history).
    pub cursor: usize,
    /// The first row in view.
    pub top: usize,
    /// The first block column in view.
    pub left: usize,
    /// Transactions marked for the ledger (`x`), in the order they were marked.
    pub marked: Vec<TxHash>,
    /// The ledger of the marked transactions (of all when none is) under the rows (`L`).
    pub ledger: bool,
}

impl App {
    pub fn timeline(&self) -> &TimelineView {
        &self.timeline
    }

    /// Rows and block columns the last frame had room for.
    fn timeline_span(&self) -> (usize, usize) {
        let area = self.geometry.timeline;
        let laid = timeline::timeline(self.tracker.dag());
        // Named columns all fit; letters scroll.
        let cols = laid.fit(area.width, self.timeline.left, self.timeline.cursor).span();
        (usize::from(area.height.max(1)), cols.max(1))
    }

    /// The ledger the timeline shows (`L`): what it covers, and the sum of the marked
    /// transactions' ledgers, or of every transaction's when none is marked.
    pub fn timeline_ledger(&self) -> (String, Ledger) {
        let txs = &self.tracker.dag().transactions;
        let marked = &self.timeline.marked;
        let chosen: Vec<_> =
            txs.iter().filter(|t| marked.is_empty() || marked.contains(&t.hash)).collect();
        let what = match (marked.is_empty(), chosen.len()) {
            (true, n) => format!("the session, {n} transaction{}", if n == 1 { "" } else { "s" }),
            (false, n) => format!("{n} marked transaction{}", if n == 1 { "" } else { "s" }),
        };
        let names: Vec<String> = chosen
            .iter()
            .map(|t| {
                let label = t.label.as_deref().unwrap_or("tx");
                format!("{label} {}", crate::format::short_id(&t.hash))
            })
            .collect();
        let ledger =
            Ledger::sum(names.iter().map(String::as_str).zip(chosen.iter().map(|t| &t.ledger)));
        (what, ledger)
    }

    /// Mark or unmark the cursor's transaction for the ledger.
    fn toggle_mark(&mut self) {
        let Some(tx) = self.tracker.dag().transactions.get(self.timeline.cursor) else { return };
        let (hash, label) = (tx.hash, tx.label.clone().unwrap_or_else(|| "tx".into()));
        let marked = &mut self.timeline.marked;
        let now = match marked.iter().position(|h| *h == hash) {
            Some(i) => {
                marked.remove(i);
                "unmarked"
            }
            None => {
                marked.push(hash);
                "marked"
            }
        };
        let n = marked.len();
        self.status = Some(format!(
            "{label} {now} · {n} marked · L: their ledger{}",
            if n == 0 { " (none: the whole session)" } else { "" }
        ));
    }

    /// Open the timeline on the open transaction (or the history's cursor, from the history).
    pub(super) fn open_timeline(&mut self) {
        let txs = &self.tracker.dag().transactions;
        let at = if self.focus == Focus::History {
            self.history_cursor
        } else {
            txs.iter().position(|t| Some(t.hash) == self.open).unwrap_or(0)
        };
        self.view.screen = Screen::Timeline(*self.view.dag());
        self.timeline.cursor = at.min(txs.len().saturating_sub(1));
        self.timeline_keep_visible(true);
    }

    /// Show the DAG screen again, as it was.
    fn close_timeline(&mut self) {
        self.view.screen = Screen::Dag(*self.view.dag());
    }

    /// An action the keymap binds on the timeline (the app-wide ones excepted: see `perform`).
    pub(super) fn timeline_action(&mut self, action: Action) {
        let rows = self.tracker.dag().transactions.len();
        let last = rows.saturating_sub(1);
        let (height, width) = self.timeline_span();
        let page = height.saturating_sub(1).max(1);
        let cursor = self.timeline.cursor;
        match action {
            Action::Back => {
                self.close_timeline();
                return;
            }
            Action::Activate => {
                self.close_timeline();
                self.open_index(cursor);
                self.focus = Focus::Dag;
                return;
            }
            Action::Mark => {
                self.toggle_mark();
                return;
            }
            Action::ToggleLedger => {
                self.timeline.ledger = !self.timeline.ledger;
                let (what, _) = self.timeline_ledger();
                self.status = Some(if self.timeline.ledger {
                    format!("ledger of {what}")
                } else {
                    "ledger closed".into()
                });
                return;
            }
            Action::Up => self.timeline.cursor = cursor.saturating_sub(1),
            Action::Down => self.timeline.cursor = (cursor + 1).min(last),
            Action::PageUp => self.timeline.cursor = cursor.saturating_sub(page),
            Action::PageDown => self.timeline.cursor = (cursor + page).min(last),
            Action::First => self.timeline.cursor = 0,
            Action::Last => self.timeline.cursor = last,
            Action::Left | Action::Right => {
                let step = (width / 4).max(1);
                self.timeline.left = if action == Action::Left {
                    self.timeline.left.saturating_sub(step)
                } else {
                    self.timeline.left + step
                };
                self.timeline_keep_visible(false);
                return;
            }
            _ => return,
        }
        self.timeline_keep_visible(true);
    }

    /// Keep the cursor row in view and the scroll within the timeline; `follow_row`: also bring
    /// the cursor row's first mark into view.
    pub(super) fn timeline_keep_visible(&mut self, follow_row: bool) {
        if !self.view.timeline() {
            return;
        }
        let (height, width) = self.timeline_span();
        let rows = self.tracker.dag().transactions.len();
        let view = &mut self.timeline;
        view.cursor = view.cursor.min(rows.saturating_sub(1));
        view.top = timeline::first_row(view.top, view.cursor, rows, height);
        let laid = timeline::timeline(self.tracker.dag());
        let view = &mut self.timeline;
        view.left = view.left.min(laid.columns.len().saturating_sub(width));
        if follow_row {
            let marks = laid.rows.get(view.cursor).map(|r| &r.cells);
            if let (Some(first), Some(end)) =
                (marks.and_then(|c| c.first()), marks.and_then(|c| c.last()))
            {
                if first.column < view.left || end.column >= view.left + width {
                    view.left = first.column.saturating_sub(1);
                }
            }
        }
    }

    /// A click on a timeline row selects it (a second click on it opens its DAG).
    pub(super) fn click_timeline(&mut self, row: u16) {
        let area = self.geometry.timeline;
        let index = self.timeline.top + usize::from(row.saturating_sub(area.y));
        if index >= self.tracker.dag().transactions.len() {
            return;
        }
        if index == self.timeline.cursor {
            self.timeline_action(Action::Activate);
        } else {
            self.timeline.cursor = index;
            self.timeline_keep_visible(true);
        }
    }

    /// The mouse wheel over the timeline scrolls its rows (`dy`) or blocks (`dx`).
    pub(super) fn scroll_timeline(&mut self, dx: isize, dy: isize) {
        let rows = self.tracker.dag().transactions.len();
        let view = &mut self.timeline;
        view.top = view.top.saturating_add_signed(dy).min(rows.saturating_sub(1));
        view.left = view.left.saturating_add_signed(dx);
        let (height, _) = self.timeline_span();
        let view = &mut self.timeline;
        if view.cursor < view.top {
            view.cursor = view.top;
        } else if view.cursor >= view.top + height {
            view.cursor = view.top + height - 1;
        }
        self.timeline_keep_visible(false);
    }
}
