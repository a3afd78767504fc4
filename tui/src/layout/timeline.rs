//! The session timeline: every transaction on one block axis. Pure, no ratatui.
//!
//! ```text
//!  transaction         #50                #51                #52
//!  ✔ deposit    Ab3x…  ✔a deposit         ✔b Transfer
//!  ✘ race_unsafe Cd9k…                    ✔a withdraw_unsafe ✔b Transfer░░░░░░░ ✘a on_paid
//!  ✘ race_unsafe Ef2m…                                       ✔a withdraw_unsafe⚠ ✔b Transfer
//! ```
//! (`░` the callback window of `a`, `⚠` ran inside another transaction's window.)
//! - one row per transaction (the DAG's order), one column per block height; runs of more than
//!   [`MAX_EMPTY`] blocks without anything fold into one `⋯` column;
//! - each receipt is a mark in its block's column: the status glyph of the DAG (`✔ ✘ ↩ ⧗ ○`)
//!   and a letter for its receiver (the legend is [`Timeline::accounts`]), then its name (method,
//!   `refund`, `Transfer`…) when the width allows (`timeline_fit.rs`: letters only when space
//!   runs out); several receipts of one transaction in one block share a cell (the worst
//!   status shows, `+` says there are more);
//! - a receipt that created a callback on its account (`model::window::windows`) shades the
//!   columns from its block to the callback's (to the last block while the callback has not
//!   run);
//! - a receipt of another transaction that ran on that account inside the window (strictly
//!   between its blocks, or in the callback's block before the callback) is flagged, as
//!   `model::window::overlaps` defines it (found here through an index by account, so a long
//!   session costs `receipts × log windows`, not `transactions²`).

use super::Mark;
use crate::chain::TxHash;
use crate::model::dag::{Dag, ReceiptNode, TxNode};
use crate::model::window;
use near_primitives::types::AccountId;
use std::collections::{BTreeSet, HashMap};

/// Runs of empty blocks longer than this fold into one column.
pub const MAX_EMPTY: u64 = 3;
/// Screen columns per block column when space runs out: glyph, receiver letter, and
/// `⚠`/`+`/shade.
pub const CELL_WIDTH: u16 = 3;
/// The narrowest busy block column that still shows names (`✔a with…⚠` and a blank).
pub const MIN_NAMED: u16 = 10;
/// The widest block column: names longer than fit keep their start and end (`withd…llback`).
pub const MAX_NAMED: u16 = 22;

/// A column of the block axis.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Column {
    Block(u64),
    /// Empty blocks folded away (from, to inclusive).
    Gap(u64, u64),
}

#[derive(Clone, Debug, Default)]
pub struct Timeline {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Receivers in order of first appearance; a cell's `account` indexes this.
    pub accounts: Vec<AccountId>,
}

#[derive(Clone, Debug)]
pub struct Row {
    pub tx: TxHash,
    pub label: String,
    pub mark: Mark,
    /// Sorted by column.
    pub cells: Vec<Cell>,
    /// Shaded column ranges (inclusive), one per callback window.
    pub windows: Vec<(usize, usize)>,
}

/// What ran in one block for one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub column: usize,
    pub block: u64,
    /// Index into [`Timeline::accounts`].
    pub account: usize,
    pub mark: Mark,
    /// Receipts beyond the one shown.
    pub more: usize,
    /// Ran inside the callback window of another transaction (its row), on the same account.
    pub inside_of: Option<usize>,
    /// The method the shown receipt called, if any.
    pub method: Option<String>,
    /// What the shown receipt is, for the wide columns: its method, `refund` or its first
    /// action (`Transfer`, `CreateAccount`…).
    pub name: String,
}

impl Timeline {
    /// The column of a block (a folded one maps to its gap column).
    pub fn column_of(&self, block: u64) -> Option<usize> {
        let i = self.columns.partition_point(|c| match *c {
            Column::Block(b) => b < block,
            Column::Gap(_, to) => to < block,
        });
        (i < self.columns.len()).then_some(i)
    }

    /// Rows with a cell inside another transaction's window.
    pub fn flagged_rows(&self) -> usize {
        self.rows.iter().filter(|r| r.cells.iter().any(|c| c.inside_of.is_some())).count()
    }
}

/// The first row in view: `top`, moved as little as needed for `cursor` to show in `height`
/// rows, and no further down than the last screenful.
pub fn first_row(top: usize, cursor: usize, rows: usize, height: usize) -> usize {
    let height = height.max(1);
    let top = if cursor < top {
        cursor
    } else if cursor >= top + height {
        cursor + 1 - height
    } else {
        top
    };
    top.min(rows.saturating_sub(height))
}

/// The letter of a receiver in the legend: `a`-`z`, `A`-`Z`, then `*`.
pub fn account_letter(index: usize) -> char {
    match index {
        0..=25 => char::from(b'a' + index as u8),
        26..=51 => char::from(b'A' + (index - 26) as u8),
        _ => '*',
    }
}

/// Lay out every transaction of `dag` on one block axis.
pub fn timeline(dag: &Dag) -> Timeline {
    let txs = &dag.transactions;
    // Accounts, in order of first appearance.
    let mut accounts: Vec<AccountId> = Vec::new();
    let mut account_index: HashMap<&AccountId, usize> = HashMap::new();
    let mut blocks = BTreeSet::new();
    for tx in txs {
        for r in &tx.receipts {
            let (Some(receiver), Some(block)) = (&r.receiver, r.block_height) else { continue };
            blocks.insert(block);
            if !account_index.contains_key(receiver) {
                account_index.insert(receiver, accounts.len());
                accounts.push(receiver.clone());
            }
        }
    }
    let columns = fold(&blocks);
    let mut out = Timeline { columns, rows: Vec::with_capacity(txs.len()), accounts };
    let last = blocks.last().copied();
    // The callback windows, by account: (from, to, row), sorted by `from`.
    let tx_windows: Vec<Vec<window::Window>> = txs.iter().map(window::windows).collect();
    let index = WindowIndex::new(txs, &tx_windows);
    for (row, tx) in txs.iter().enumerate() {
        let mut cells: Vec<Cell> = Vec::new();
        for r in &tx.receipts {
            let (Some(receiver), Some(block)) = (&r.receiver, r.block_height) else { continue };
            let Some(column) = out.column_of(block) else { continue };
            let account = account_index.get(receiver).copied().unwrap_or(0);
            let inside_of = (!r.is_refund).then(|| index.inside(receiver, r, block, row)).flatten();
            let mark = super::text::mark(&r.status, r.is_refund);
            let method = r.actions.iter().find_map(|a| a.method.clone());
            let name = receipt_name(r);
            match cells.iter_mut().find(|c| c.column == column) {
                Some(cell) => {
                    cell.more += 1;
                    cell.inside_of = cell.inside_of.or(inside_of);
                    if severity(mark) > severity(cell.mark) {
                        cell.mark = mark;
                        cell.account = account;
                        cell.method = method;
                        cell.name = name;
                    }
                }
                None => cells.push(Cell {
                    column,
                    block,
                    account,
                    mark,
                    more: 0,
                    inside_of,
                    method,
                    name,
                }),
            }
        }
        cells.sort_by_key(|c| c.column);
        let windows = tx_windows[row]
            .iter()
            .filter_map(|w| {
                let to = w.to_block.or(last)?.max(w.from_block);
                Some((out.column_of(w.from_block)?, out.column_of(to)?))
            })
            .collect();
        out.rows.push(Row {
            tx: tx.hash,
            label: tx.label.clone().unwrap_or_else(|| "tx".into()),
            mark: Mark::from_status(&tx.status),
            cells,
            windows,
        });
    }
    out
}

/// What a receipt is, in a word: its method, `refund`, or its first action's kind.
fn receipt_name(r: &ReceiptNode) -> String {
    if r.is_refund {
        return "refund".into();
    }
    let first = r.actions.iter().find_map(|a| a.method.clone());
    first.or_else(|| r.actions.first().map(|a| a.kind.clone())).unwrap_or_default()
}

/// Which status shows when several receipts share a cell.
fn severity(mark: Mark) -> u8 {
    match mark {
        Mark::Failure => 4,
        Mark::Waiting { .. } => 3,
        Mark::Pending => 2,
        Mark::Success => 1,
        Mark::Refund => 0,
    }
}

/// Block columns, with long empty runs folded.
fn fold(blocks: &BTreeSet<u64>) -> Vec<Column> {
    let mut columns = Vec::with_capacity(blocks.len());
    let mut prev: Option<u64> = None;
    for &b in blocks {
        if let Some(p) = prev {
            let empty = b - p - 1;
            if empty > MAX_EMPTY {
                columns.push(Column::Gap(p + 1, b - 1));
            } else {
                columns.extend((p + 1..b).map(Column::Block));
            }
        }
        columns.push(Column::Block(b));
        prev = Some(b);
    }
    columns
}

/// The windows of a session by account, to ask "which other transaction's window did this
/// receipt run inside" in `log(windows)` (plus the open windows, which are few).
struct WindowIndex<'a> {
    by_account: HashMap<&'a AccountId, AccountWindows<'a>>,
    txs: &'a [TxNode],
}

#[derive(Default)]
struct AccountWindows<'a> {
    /// Closed windows: (from, row, window), sorted by `from`.
    closed: Vec<(u64, usize, &'a window::Window)>,
    /// The longest closed window.
    longest: u64,
    /// Windows whose callback has not run: (from, row).
    open: Vec<(u64, usize)>,
}

impl<'a> WindowIndex<'a> {
    fn new(txs: &'a [TxNode], tx_windows: &'a [Vec<window::Window>]) -> Self {
        let mut by_account: HashMap<&AccountId, AccountWindows> = HashMap::new();
        for (row, windows) in tx_windows.iter().enumerate() {
            for w in windows {
                let entry = by_account.entry(&w.account).or_default();
                match w.to_block {
                    Some(to) => {
                        entry.closed.push((w.from_block, row, w));
                        entry.longest = entry.longest.max(to.saturating_sub(w.from_block));
                    }
                    None => entry.open.push((w.from_block, row)),
                }
            }
        }
        for entry in by_account.values_mut() {
            entry.closed.sort_unstable_by_key(|&(from, row, _)| (from, row));
        }
        WindowIndex { by_account, txs }
    }

    /// The first row other than `row` whose window on `account` the receipt `r` (in `block`)
    /// ran inside ([`window::Window::holds`]: strictly inside, or in the callback's block
    /// before the callback).
    fn inside(
        &self,
        account: &AccountId,
        r: &ReceiptNode,
        block: u64,
        row: usize,
    ) -> Option<usize> {
        let windows = self.by_account.get(account)?;
        // Candidates start at or after `block - longest` and before `block`.
        let low = block.saturating_sub(windows.longest);
        let start = windows.closed.partition_point(|w| w.0 < low);
        let end = windows.closed.partition_point(|w| w.0 < block);
        let closed = windows.closed[start..end]
            .iter()
            .filter(|&&(_, other, w)| other != row && w.holds(r, self.callback(other, w)))
            .map(|w| w.1)
            .min();
        let open =
            windows.open.iter().filter(|&&(from, r)| r != row && from < block).map(|w| w.1).min();
        match (closed, open) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The receipt that closes `w`, a window of row `row`.
    fn callback(&self, row: usize, w: &window::Window) -> Option<&'a ReceiptNode> {
        self.txs.get(row)?.receipts.iter().find(|r| r.id == w.callback)
    }
}

/// Lines telling what the callback windows of row `row` saw: the model's warning for each window
/// another transaction ran in, and a line for each of its receipts that ran inside another's.
pub fn row_messages(dag: &Dag, timeline: &Timeline, row: usize) -> Vec<String> {
    let (Some(tx), Some(laid)) = (dag.transactions.get(row), timeline.rows.get(row)) else {
        return Vec::new();
    };
    let mut lines = window::messages(tx, &window::overlaps(dag, tx));
    for cell in &laid.cells {
        let Some(other) = cell.inside_of.and_then(|o| dag.transactions.get(o)) else { continue };
        let what = cell.method.clone().unwrap_or_else(|| "a receipt".into());
        let account = timeline.accounts.get(cell.account).map_or("?", |a| a.as_str());
        lines.push(format!(
            "⚠ {what} on {account} ran inside the callback window of {} (tx {}, block #{})",
            opener(other, account),
            crate::format::short_id(&other.hash),
            cell.block
        ));
    }
    if lines.is_empty() {
        let count = window::windows(tx).len();
        lines.push(match count {
            0 => "no callback window: nothing waited for a callback here".into(),
            1 => "1 callback window: no other call ran on its account inside it".into(),
            n => format!("{n} callback windows: no other call ran on their accounts inside"),
        });
    }
    lines
}

/// The method that opened `tx`'s window on `account` (e.g. `withdraw_unsafe`).
fn opener(tx: &TxNode, account: &str) -> String {
    let method = |r: &ReceiptNode| r.actions.iter().find_map(|a| a.method.clone());
    window::windows(tx)
        .iter()
        .filter(|w| w.account.as_str() == account)
        .find_map(|w| tx.receipts.iter().find(|r| r.id == w.receipt).and_then(method))
        .unwrap_or_else(|| tx.label.clone().unwrap_or_else(|| "a call".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_empty_runs_fold_into_one_column() {
        let blocks: BTreeSet<u64> = [10, 12, 20].into_iter().collect();
        assert_eq!(
            fold(&blocks),
            [
                Column::Block(10),
                Column::Block(11),
                Column::Block(12),
                Column::Gap(13, 19),
                Column::Block(20)
            ]
        );
        let t = Timeline { columns: fold(&blocks), ..Timeline::default() };
        assert_eq!(t.column_of(15), Some(3));
        assert_eq!(t.column_of(20), Some(4));
        assert_eq!(t.column_of(21), None);
    }

    #[test]
    fn letters_run_out_gracefully() {
        assert_eq!(account_letter(0), 'a');
        assert_eq!(account_letter(26), 'A');
        assert_eq!(account_letter(52), '*');
    }
}
