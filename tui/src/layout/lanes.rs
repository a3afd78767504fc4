//! Which receipts are visible, and which block column each one goes in.

use super::fast_hash::FastMap;
use super::{Column, ColumnKind, LayoutOptions};
use crate::chain::ReceiptId;
use crate::model::dag::{Parent, ReceiptNode, Status, TxNode};

/// Receipts to draw, in DAG order, and what the options hid.
pub(super) struct Visible {
    pub shown: Vec<usize>,
    /// Collapsed receipt index -> how many descendants it folds away.
    pub folded: FastMap<usize, usize>,
    pub hidden: usize,
    /// Every receipt's index in `tx.receipts`, by id (visible or not).
    pub by_id: FastMap<ReceiptId, usize>,
}

fn parent_index(receipt: &ReceiptNode, by_id: &FastMap<ReceiptId, usize>) -> Option<usize> {
    match receipt.parent {
        Parent::Tx(_) => None,
        Parent::Receipt(id) => by_id.get(&id).copied(),
    }
}

pub(super) fn visible_receipts(tx: &TxNode, options: &LayoutOptions) -> Visible {
    let by_id: FastMap<_, _> = tx.receipts.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    // The topmost collapsed ancestor of each receipt. Parents usually come first; a second pass
    // settles receipts listed before their parent.
    let mut folded_by: Vec<Option<usize>> = vec![None; tx.receipts.len()];
    for _ in 0..2 {
        for (i, receipt) in tx.receipts.iter().enumerate() {
            if let Some(p) = parent_index(receipt, &by_id) {
                folded_by[i] = folded_by[p]
                    .or_else(|| options.collapsed.contains(&tx.receipts[p].id).then_some(p));
            }
        }
    }
    let mut visible = Visible { shown: Vec::new(), folded: FastMap::default(), hidden: 0, by_id };
    for (i, receipt) in tx.receipts.iter().enumerate() {
        if receipt.is_refund && !options.show_refunds {
            visible.hidden += 1;
        } else if let Some(root) = folded_by[i] {
            visible.hidden += 1;
            *visible.folded.entry(root).or_default() += 1;
        } else {
            visible.shown.push(i);
        }
    }
    visible
}

/// Columns (the transaction's first) and the column of each receipt.
pub(super) struct Lanes {
    pub columns: Vec<Column>,
    pub column_of: Vec<Option<usize>>,
}

/// Heights of all receipts: executed ones from their outcome's block, the others where they
/// can run at the earliest (one block after their creator and their arrived inputs).
fn heights(tx: &TxNode, by_id: &FastMap<ReceiptId, usize>) -> Vec<Option<u64>> {
    let mut heights: Vec<Option<u64>> = tx.receipts.iter().map(|r| r.block_height).collect();
    for _ in 0..4 {
        let mut changed = false;
        for (i, receipt) in tx.receipts.iter().enumerate() {
            if heights[i].is_some() {
                continue;
            }
            let parent = match receipt.parent {
                Parent::Tx(_) => tx.block_height,
                Parent::Receipt(id) => by_id.get(&id).and_then(|&p| heights[p]),
            };
            let Some(mut earliest) = parent else { continue };
            if matches!(receipt.status, Status::Waiting { .. }) {
                for input in &receipt.inputs {
                    let h = input.from.and_then(|id| by_id.get(&id)).and_then(|&s| heights[s]);
                    earliest = earliest.max(h.unwrap_or(earliest));
                }
            }
            heights[i] = Some(earliest + 1);
            changed = true;
        }
        if !changed {
            break;
        }
    }
    let fallback = heights.iter().flatten().max().copied().or(tx.block_height).map_or(0, |h| h + 1);
    heights.into_iter().map(|h| h.or(Some(fallback))).collect()
}

/// Runs of at least this many empty blocks fold into one gap column.
const GAP_RUN: u64 = 3;

pub(super) fn assign(tx: &TxNode, visible: &Visible) -> Lanes {
    let heights = heights(tx, &visible.by_id);
    let mut distinct: Vec<u64> = visible.shown.iter().filter_map(|&i| heights[i]).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let tx_header = match tx.block_height {
        Some(h) => format!("tx #{h}"),
        None => "tx".to_string(),
    };
    let mut columns = vec![column(ColumnKind::Tx { height: tx.block_height }, tx_header)];
    let mut column_at: FastMap<u64, usize> = FastMap::default();
    column_at.reserve(distinct.len());
    let mut previous: Option<u64> = None;
    for &h in &distinct {
        if let Some(prev) = previous {
            let empty = h - prev - 1;
            if empty >= GAP_RUN {
                let kind = ColumnKind::Gap { from: prev + 1, to: h - 1 };
                columns.push(column(kind, format!("⋯ {empty} blocks")));
            } else {
                for e in prev + 1..h {
                    columns.push(block_column(e, tx.block_height));
                }
            }
        }
        column_at.insert(h, columns.len());
        columns.push(block_column(h, tx.block_height));
        previous = Some(h);
    }
    let mut column_of = vec![None; tx.receipts.len()];
    for &i in &visible.shown {
        column_of[i] = heights[i].and_then(|h| column_at.get(&h).copied());
    }
    Lanes { columns, column_of }
}

fn block_column(height: u64, tx_height: Option<u64>) -> Column {
    let offset = tx_height.and_then(|b| height.checked_sub(b));
    let header = match offset {
        Some(o) => format!("#{height} +{o}"),
        None => format!("#{height}"),
    };
    column(ColumnKind::Block { height, offset }, header)
}

fn column(kind: ColumnKind, header: String) -> Column {
    Column { kind, x: 0, width: 0, header, nodes: Vec::new() }
}
