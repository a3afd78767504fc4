//! The timeline's place: the selected row, and what part of the rows and block columns is in
//! view (whether it shows is the app's [`super::View`]). `App::update` is still the only writer:
//! these are its helpers, and `timeline_action` runs the keys the keymap binds on the timeline.

use super::keymap::Action;
use super::{App, Focus, Screen};
use crate::layout::timeline::{self, CELL_WIDTH, LABEL_WIDTH};

#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct TimelineView {
    /// The selected row (a transaction's index in the history).
    pub cursor: usize,
    /// The first row in view.
    pub top: usize,
    /// The first block column in view.
    pub left: usize,
}

impl App {
    pub fn timeline(&self) -> &TimelineView {
        &self.timeline
    }

    /// Rows and block columns the last frame had room for.
    fn timeline_span(&self) -> (usize, usize) {
        let area = self.geometry.timeline;
        let cols = area.width.saturating_sub(LABEL_WIDTH) / CELL_WIDTH;
        (usize::from(area.height.max(1)), usize::from(cols.max(1)))
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
