//! Block-lane layout of one transaction's DAG: pure, no ratatui.
//!
//! ```text
//!  tx #48        #49 +1                 #50 +2                  #51 +3
//!  alice ──────▶ caller.multiple_… ─┬─▶ hello.get_greeting ┄┐
//!  ✔ FINAL       ✔ 2.74 Tgas        │   ✔ 1.08 Tgas "bye"   ┆
//!                                   ├─▶ other.fail         ┄┤
//!                                   │   ✘ panicked …        ┆
//!                                   └───────────────────────┴┄▷ caller.multiple_callback
//! ```
//! - one column for the transaction, then one column per block height (runs of empty blocks
//!   fold into one `⋯` column); a receipt sits in the column of the block that executed it;
//! - nodes are receipts (a batch is one node listing its actions), placed top-down near the
//!   receipt that created them;
//! - edges leave a node on its first line, go down a track in the gutter after the source
//!   column, then along the target's first line; created edges are solid (`─│ ▶`), data edges
//!   dotted (`┄┆ ▷`).

mod fast_hash;
pub mod gas;
mod lanes;
mod place;
mod route;
#[cfg(any(test, feature = "test-support"))]
pub mod synthetic;
mod text;
pub mod timeline;
pub mod timeline_fit;

use crate::chain::ReceiptId;
pub use crate::format::GasUnit;
use crate::model::dag::TxNode;
use fast_hash::FastMap;
use std::collections::HashSet;
pub use text::gas_price as gas_price_of;

/// What the user chose to see.
#[derive(Clone, Debug, Default)]
pub struct LayoutOptions {
    /// Gas refund receipts (from `system`) are hidden unless this is set (`r`).
    pub show_refunds: bool,
    pub zoom: Zoom,
    /// Receipts whose descendants are folded away (`c`).
    pub collapsed: HashSet<ReceiptId>,
    pub gas_unit: GasUnit,
}

/// How much each node shows (`+`/`-`... `z` cycles).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Zoom {
    /// One line per receipt: mark and `receiver.method`.
    Compact,
    /// The receiver, `.method` under it, batch actions and a status line.
    #[default]
    Normal,
    /// Wider nodes with call arguments.
    Wide,
}

impl Zoom {
    pub fn node_width(self) -> u16 {
        match self {
            Zoom::Compact => 30,
            Zoom::Normal => 38,
            Zoom::Wide => 48,
        }
    }

    /// Blank lines under each node.
    fn spacing(self) -> u16 {
        match self {
            Zoom::Compact => 0,
            _ => 1,
        }
    }

    pub fn zoom_in(self) -> Self {
        match self {
            Zoom::Compact => Zoom::Normal,
            _ => Zoom::Wide,
        }
    }

    pub fn zoom_out(self) -> Self {
        match self {
            Zoom::Wide => Zoom::Normal,
            _ => Zoom::Compact,
        }
    }
}

/// Which DAG node a box shows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NodeRef {
    Tx,
    /// Index into `TxNode::receipts`.
    Receipt(usize),
}

/// The state mark of a node; each has its own glyph, so it reads without colour.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mark {
    Pending,
    Waiting { arrived: usize, total: usize },
    Success,
    Failure,
    Refund,
}

impl Mark {
    /// The mark of a transaction or receipt status (refunds are marked by the layout).
    pub fn from_status(status: &crate::model::dag::Status) -> Mark {
        text::mark(status, false)
    }

    pub fn glyph(self) -> char {
        match self {
            Mark::Pending => '○',
            Mark::Waiting { .. } => '⧗',
            Mark::Success => '✔',
            Mark::Failure => '✘',
            Mark::Refund => '↩',
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LineRole {
    /// The receiver account (or the signer), with state marks.
    Title,
    /// `.method` under the account.
    Method,
    Action,
    Status,
}

#[derive(Clone, PartialEq, Debug)]
pub struct NodeLine {
    pub role: LineRole,
    pub text: String,
}

/// One node placed on the canvas (cells, origin top-left of the DAG, headers excluded).
#[derive(Clone, Debug)]
pub struct NodeBox {
    pub node: NodeRef,
    pub column: usize,
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub lines: Vec<NodeLine>,
    pub mark: Mark,
    /// Descendants folded into this node.
    pub hidden: usize,
}

impl NodeBox {
    pub fn height(&self) -> u16 {
        self.lines.len() as u16
    }

    pub fn contains(&self, x: u16, y: u16) -> bool {
        x >= self.x && x < self.x + self.width && y >= self.y && y < self.y + self.height()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ColumnKind {
    /// The transaction, included in this block.
    Tx { height: Option<u64> },
    /// Receipts executed in this block; `offset` from the transaction's block.
    Block { height: u64, offset: Option<u64> },
    /// A run of blocks in which nothing visible ran.
    Gap { from: u64, to: u64 },
}

#[derive(Clone, Debug)]
pub struct Column {
    pub kind: ColumnKind,
    pub x: u16,
    pub width: u16,
    pub header: String,
    /// Nodes in this column, top to bottom (indices into `DagLayout::nodes`).
    pub nodes: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EdgeKind {
    /// `outcome.receipt_ids`: the source created the target.
    Created,
    /// A data receipt: the source's result is the target's `promise_result(i)`.
    Data,
}

/// An edge between two nodes (indices into `DagLayout::nodes`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
}

/// One cell of an edge drawing.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EdgeCell {
    pub x: u16,
    pub y: u16,
    pub glyph: char,
    /// `Created` when any created edge passes here (solid wins), else `Data`.
    pub kind: EdgeKind,
}

/// The laid-out DAG of one transaction.
#[derive(Clone, Debug, Default)]
pub struct DagLayout {
    pub columns: Vec<Column>,
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<Edge>,
    /// Sorted by `(y, x)`, one per cell.
    pub cells: Vec<EdgeCell>,
    pub width: u16,
    pub height: u16,
    /// Receipts hidden by the options (refunds, collapsed subtrees).
    pub hidden_receipts: usize,
    index: FastMap<ReceiptId, usize>,
}

impl DagLayout {
    /// The node showing this receipt, if visible.
    pub fn node_of(&self, id: ReceiptId) -> Option<usize> {
        self.index.get(&id).copied()
    }

    /// The node covering a canvas cell.
    pub fn hit(&self, x: u16, y: u16) -> Option<usize> {
        self.nodes.iter().position(|n| n.contains(x, y))
    }

    /// Edge cells on rows `y0..y1`.
    pub fn cells_in_rows(&self, y0: u16, y1: u16) -> &[EdgeCell] {
        let start = self.cells.partition_point(|c| c.y < y0);
        let end = self.cells.partition_point(|c| c.y < y1);
        &self.cells[start..end.max(start)]
    }
}

/// Lay out `tx` for the given options.
pub fn layout(tx: &TxNode, options: &LayoutOptions) -> DagLayout {
    let visible = lanes::visible_receipts(tx, options);
    let lanes = lanes::assign(tx, &visible);
    let suffix = crate::format::common_suffix(tx.signer.as_str());
    let mut nodes = Vec::with_capacity(visible.shown.len() + 1);
    nodes.push(text::tx_box(tx, options, suffix.as_deref()));
    let mut index = FastMap::default();
    index.reserve(visible.shown.len());
    for &i in &visible.shown {
        let receipt = &tx.receipts[i];
        let hidden = visible.folded.get(&i).copied().unwrap_or(0);
        let mut node = text::receipt_box(tx, receipt, options, suffix.as_deref(), hidden);
        node.node = NodeRef::Receipt(i);
        node.column = lanes.column_of[i].unwrap_or(0);
        index.insert(receipt.id, nodes.len());
        nodes.push(node);
    }
    let edges = edges(tx, &nodes, &index);
    let mut columns = lanes.columns;
    place::place(&mut nodes, &edges, &mut columns, options.zoom);
    let (cells, width) = route::route(&mut nodes, &edges, &mut columns);
    let height = nodes.iter().map(|n| n.y + n.height()).max().unwrap_or(0);
    DagLayout {
        columns,
        nodes,
        edges,
        cells,
        width,
        height,
        hidden_receipts: visible.hidden,
        index,
    }
}

fn edges(tx: &TxNode, nodes: &[NodeBox], index: &FastMap<ReceiptId, usize>) -> Vec<Edge> {
    use crate::model::dag::Parent;
    let mut out = Vec::new();
    for (to, node) in nodes.iter().enumerate() {
        let NodeRef::Receipt(i) = node.node else { continue };
        let receipt = &tx.receipts[i];
        let from = match receipt.parent {
            Parent::Tx(_) => Some(0),
            Parent::Receipt(id) => index.get(&id).copied(),
        };
        if let Some(from) = from {
            out.push(Edge { from, to, kind: EdgeKind::Created });
        }
        for input in &receipt.inputs {
            if let Some(from) = input.from.and_then(|id| index.get(&id).copied()) {
                out.push(Edge { from, to, kind: EdgeKind::Data });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_yield;
