//! How the session timeline fits a width: the label gutter, then the block columns in view,
//! named or letters only. Pure, no ratatui; the one rule that both the drawing (`ui::timeline`)
//! and the scrolling (`app::timeline`) read.
//!
//! ```text
//!  gutter: ▸✔•label…       hash… ·  block columns: named (`✔a withdraw… `) or letters (`✔a⚠`)
//!  |<- label + hash + 5 ->|
//! ```
//! - the gutter is as wide as the longest label needs, up to [`MAX_LABEL`] characters;
//! - every busy block column as wide as its receipts' names need ([`MIN_NAMED`] to
//!   [`MAX_NAMED`], cut evenly), when they all fit: nothing scrolls;
//! - else names in the selected row's blocks only (its transaction and whatever ran beside it
//!   read by name), every other column letters only ([`CELL_WIDTH`]);
//! - else letters only, scrolled from `left`.

use super::timeline::{Timeline, CELL_WIDTH, MAX_NAMED, MIN_NAMED};
use crate::format;

/// The longest label the gutter shows whole (longer ones are cut with `…`).
pub const MAX_LABEL: u16 = 16;
/// The axis header's word over the gutter (`transaction`): the gutter is never narrower.
pub const GUTTER_TITLE: &str = "transaction";

/// Where each part of the timeline goes across its width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fit {
    /// Screen columns before the block axis: cursor, status, mark, label, hash, a blank.
    pub gutter: u16,
    /// Screen columns of a row's label.
    pub label: u16,
    /// The first block column in view.
    pub left: usize,
    /// The screen width of each block column in view, from `left`.
    pub widths: Vec<u16>,
    /// Whether each block column in view shows names (else status and receiver letter only).
    pub named: Vec<bool>,
}

impl Fit {
    /// Block columns in view.
    pub fn span(&self) -> usize {
        self.widths.len()
    }

    /// Whether block column `column` is in view.
    pub fn shows(&self, column: usize) -> bool {
        column >= self.left && column < self.left + self.span()
    }

    /// Where block column `column` (in view) starts, from the left of the timeline.
    pub fn x_of(&self, column: usize) -> u16 {
        self.gutter + self.widths.iter().take(column.saturating_sub(self.left)).sum::<u16>()
    }

    /// The screen width of block column `column` (in view).
    pub fn width(&self, column: usize) -> u16 {
        self.widths.get(column.saturating_sub(self.left)).copied().unwrap_or(CELL_WIDTH)
    }

    /// Screen columns for a receipt's name in block column `column`: 0 for letters only.
    pub fn name_room(&self, column: usize) -> u16 {
        let named = self.named.get(column.saturating_sub(self.left)).copied().unwrap_or(false);
        if named {
            self.width(column).saturating_sub(5)
        } else {
            0
        }
    }
}

impl Timeline {
    /// The gutter's label width: the longest label, up to [`MAX_LABEL`].
    fn label_width(&self) -> u16 {
        let longest = self.rows.iter().map(|r| format::width(&r.label)).max().unwrap_or(0);
        u16::try_from(longest).unwrap_or(u16::MAX).min(MAX_LABEL)
    }

    /// How the timeline fits `width` screen columns with row `selected` the cursor's and the
    /// block axis scrolled to `left` (letters only: named columns all show).
    pub fn fit(&self, width: u16, left: usize, selected: usize) -> Fit {
        let hash = self.rows.iter().map(|r| format::width(&format::short_id(&r.tx))).max();
        let hash = u16::try_from(hash.unwrap_or(0)).unwrap_or(u16::MAX);
        let label = self.label_width();
        let title = u16::try_from(format::width(GUTTER_TITLE) + 1).unwrap_or(u16::MAX);
        let gutter = (label + hash + 5).max(title).min(width);
        let axis = width - gutter;
        let all = vec![true; self.columns.len()];
        if let Some(widths) = self.named_widths(axis, &all) {
            return Fit { gutter, label, left: 0, widths, named: all };
        }
        // The selected row's blocks by name, the others by letter.
        let cells = self.rows.get(selected).map(|r| r.cells.as_slice()).unwrap_or_default();
        if let (Some(first), Some(last)) = (cells.first(), cells.last()) {
            let named: Vec<bool> = (0..self.columns.len())
                .map(|c| (first.column..=last.column).contains(&c))
                .collect();
            if let Some(widths) = self.named_widths(axis, &named) {
                return Fit { gutter, label, left: 0, widths, named };
            }
        }
        let span = usize::from(axis / CELL_WIDTH);
        let left = left.min(self.columns.len().saturating_sub(span));
        Fit { gutter, label, left, widths: vec![CELL_WIDTH; span], named: vec![false; span] }
    }

    /// Screen columns of each block column when the receipts of the `named` ones show their
    /// names in `width` columns (the gutter apart): a busy block as wide as its longest name
    /// needs (`✔a withdraw_unsafe⚠` and a blank), an empty one 1; names are cut to fit, down to
    /// [`MIN_NAMED`]; the other columns [`CELL_WIDTH`]. `None` when even that does not fit.
    pub fn named_widths(&self, width: u16, named: &[bool]) -> Option<Vec<u16>> {
        let mut need: Vec<u16> = named.iter().map(|&n| if n { 1 } else { CELL_WIDTH }).collect();
        for cell in self.rows.iter().flat_map(|r| &r.cells) {
            if !named.get(cell.column).copied().unwrap_or(false) {
                continue;
            }
            let wanted = u16::try_from(format::width(&cell.name) + 5).unwrap_or(u16::MAX);
            let slot = &mut need[cell.column];
            *slot = (*slot).max(wanted.clamp(MIN_NAMED, MAX_NAMED));
        }
        let total = |cap: u16| need.iter().map(|&n| u32::from(n.min(cap))).sum::<u32>();
        let cap = (MIN_NAMED..=MAX_NAMED).rev().find(|&cap| total(cap) <= u32::from(width))?;
        Some(need.iter().map(|&n| n.min(cap)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::TxHash;
    use crate::layout::timeline::{Cell, Column, Row};
    use crate::layout::Mark;

    /// Ten blocks: a deposit in 0-1, a withdraw in 2-5, transfers in 6-9.
    fn session() -> Timeline {
        let row = |label: &str, columns: std::ops::Range<usize>, name: &str| Row {
            tx: TxHash(Default::default()),
            label: label.into(),
            mark: Mark::Success,
            cells: columns
                .map(|column| Cell {
                    column,
                    block: column as u64,
                    account: 0,
                    mark: Mark::Success,
                    more: 0,
                    inside_of: None,
                    method: None,
                    name: name.into(),
                })
                .collect(),
            windows: Vec::new(),
        };
        Timeline {
            columns: (0..10).map(Column::Block).collect(),
            rows: vec![
                row("deposit", 0..2, "deposit"),
                row("withdraw", 2..6, "withdraw_unsafe"),
                row("transfer", 6..10, "Transfer"),
            ],
            accounts: Vec::new(),
        }
    }

    /// `withdraw` (8) + a short hash (7) + 5.
    const GUTTER: u16 = 20;

    #[test]
    fn every_block_by_name_when_they_all_fit() {
        let fit = session().fit(GUTTER + 156, 3, 1);
        assert_eq!((fit.gutter, fit.label, fit.left), (GUTTER, 8, 0));
        // `✔a deposit ` is 12, `✔a withdraw_unsafe ` 20, `✔a Transfer ` 13.
        assert_eq!(fit.widths, [12, 12, 20, 20, 20, 20, 13, 13, 13, 13]);
        assert!(fit.named.iter().all(|&n| n));
        assert_eq!(fit.name_room(2), 15, "withdraw_unsafe whole");
        assert_eq!(fit.x_of(2), GUTTER + 24);
        // One column less: every name is cut evenly.
        let fit = session().fit(GUTTER + 155, 0, 1);
        assert_eq!(fit.widths, [12, 12, 19, 19, 19, 19, 13, 13, 13, 13]);
    }

    #[test]
    fn else_the_selected_rows_blocks_by_name_and_the_others_by_letter() {
        let fit = session().fit(GUTTER + 70, 0, 1);
        assert_eq!(fit.widths, [3, 3, 13, 13, 13, 13, 3, 3, 3, 3]);
        assert_eq!(fit.named, [false, false, true, true, true, true, false, false, false, false]);
        assert_eq!((fit.name_room(0), fit.name_room(3)), (0, 8));
        // The deposit's two blocks by name leave room for the rest by letter.
        let fit = session().fit(GUTTER + 70, 0, 0);
        assert_eq!(fit.widths, [12, 12, 3, 3, 3, 3, 3, 3, 3, 3]);
    }

    #[test]
    fn else_letters_only_scrolled() {
        let fit = session().fit(GUTTER + 50, 7, 1);
        assert!(fit.named.iter().all(|&n| !n));
        assert_eq!(fit.widths, vec![CELL_WIDTH; 16]);
        assert_eq!(fit.left, 0, "everything shows: nothing to scroll");
        let fit = session().fit(GUTTER + 15, 7, 1);
        assert_eq!((fit.span(), fit.left), (5, 5), "scrolled no further than the last screenful");
        assert!(fit.shows(9) && !fit.shows(4));
    }

    #[test]
    fn the_gutter_fits_the_labels() {
        let mut t = session();
        for row in &mut t.rows {
            row.label = "tx".into();
        }
        assert_eq!(t.fit(200, 0, 0).gutter, 14, "`tx` + a hash, or `transaction ` if wider");
        t.rows[0].label = "a_very_long_scenario_call".into();
        let fit = t.fit(200, 0, 0);
        assert_eq!((fit.label, fit.gutter), (MAX_LABEL, MAX_LABEL + 12));
    }
}
