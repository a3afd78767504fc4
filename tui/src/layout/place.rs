//! Vertical placement: each node goes as high as it can, at or below the receipt that created
//! it, on a row that its incoming edges can reach through the columns in between.

use super::{Column, ColumnKind, Edge, EdgeKind, NodeBox, Zoom};
use crate::format;

pub(super) fn place(nodes: &mut [NodeBox], edges: &[Edge], columns: &mut [Column], zoom: Zoom) {
    let spacing = zoom.spacing();
    // Incoming edges per node.
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut created_parent: Vec<Option<usize>> = vec![None; nodes.len()];
    for edge in edges {
        incoming[edge.to].push(edge.from);
        if edge.kind == EdgeKind::Created {
            created_parent[edge.to] = Some(edge.from);
        }
    }
    let mut by_column: Vec<Vec<usize>> = vec![Vec::new(); columns.len()];
    for (i, node) in nodes.iter().enumerate() {
        if let Some(list) = by_column.get_mut(node.column) {
            list.push(i);
        }
    }
    for (c, members) in by_column.iter_mut().enumerate() {
        // Desired rows are final for every earlier column.
        let desired = |i: usize, nodes: &[NodeBox]| -> u16 {
            created_parent[i].filter(|&p| nodes[p].column < c).map_or(0, |p| nodes[p].y)
        };
        members.sort_by_key(|&i| (desired(i, nodes), i));
        let mut bottom = 0u16;
        for &i in members.iter() {
            let first_pass = incoming[i]
                .iter()
                .map(|&s| nodes[s].column)
                .filter(|&sc| sc < c)
                .min()
                .map_or(c, |sc| sc + 1);
            let mut y = desired(i, nodes).max(bottom);
            // Move down until no node in a column between source and target covers row y.
            'search: loop {
                for column in &columns[first_pass..c] {
                    if let Some(end) = covering(&column.nodes, nodes, y) {
                        y = end;
                        continue 'search;
                    }
                }
                break;
            }
            nodes[i].y = y;
            bottom = y.saturating_add(nodes[i].height()).saturating_add(spacing);
            if let Some(column) = columns.get_mut(c) {
                column.nodes.push(i);
            }
        }
    }
    for (c, column) in columns.iter_mut().enumerate() {
        let header = format::width(&column.header) as u16;
        let widest = by_column[c].iter().map(|&i| nodes[i].width).max().unwrap_or(0);
        column.width = match column.kind {
            ColumnKind::Gap { .. } => header,
            _ => header.max(widest),
        };
        for &i in &by_column[c] {
            nodes[i].width = column.width;
        }
    }
}

/// If a node of this column (sorted by y) covers row `y`, the row just below it.
fn covering(column: &[usize], nodes: &[NodeBox], y: u16) -> Option<u16> {
    let after = column.partition_point(|&i| nodes[i].y <= y);
    let candidate = *column.get(after.checked_sub(1)?)?;
    let node = &nodes[candidate];
    (y < node.y + node.height()).then_some(node.y + node.height())
}
