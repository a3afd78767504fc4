//! Moving the selection through the DAG and keeping it in view.

use super::{App, Selected};
use crate::layout::NodeRef;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Dir {
    Up,
    Down,
    Left,
    Right,
}

impl App {
    fn select_node(&mut self, index: usize) {
        let Some(node) = self.layout.nodes.get(index) else { return };
        self.selected = match node.node {
            NodeRef::Tx => Selected::Tx,
            NodeRef::Receipt(i) => match self.open_tx().and_then(|t| t.receipts.get(i)) {
                Some(r) => Selected::Receipt(r.id),
                None => return,
            },
        };
        self.ensure_visible();
    }

    pub(super) fn move_selection(&mut self, dir: Dir) {
        let Some(current) = self.selected_node() else { return };
        let layout = &self.layout;
        let node = &layout.nodes[current];
        let target = match dir {
            Dir::Up | Dir::Down => {
                let column = &layout.columns[node.column].nodes;
                let at = column.iter().position(|&i| i == current);
                match (dir, at) {
                    (Dir::Up, Some(at)) => at.checked_sub(1).map(|p| column[p]),
                    (Dir::Down, Some(at)) => column.get(at + 1).copied(),
                    _ => None,
                }
            }
            Dir::Left | Dir::Right => {
                let columns: Box<dyn Iterator<Item = usize>> = if dir == Dir::Left {
                    Box::new((0..node.column).rev())
                } else {
                    Box::new(node.column + 1..layout.columns.len())
                };
                let mut found = None;
                for c in columns {
                    let nodes = &layout.columns[c].nodes;
                    if let Some(&best) =
                        nodes.iter().min_by_key(|&&i| layout.nodes[i].y.abs_diff(node.y))
                    {
                        found = Some(best);
                        break;
                    }
                }
                found
            }
        };
        if let Some(target) = target {
            self.select_node(target);
        }
    }

    pub(super) fn select_first(&mut self) {
        self.select_node(0);
    }

    pub(super) fn select_last(&mut self) {
        let last = self.layout.columns.iter().rev().find_map(|c| c.nodes.last().copied());
        if let Some(last) = last {
            self.select_node(last);
        }
    }

    /// Select the node under a screen cell, if any.
    pub(super) fn click_dag(&mut self, column: u16, row: u16) -> bool {
        let view = self.dag_viewport();
        if !view.contains((column, row).into()) {
            return false;
        }
        let x = column - view.x + self.scroll.0;
        let y = row - view.y + self.scroll.1;
        match self.layout.hit(x, y) {
            Some(i) => {
                self.select_node(i);
                true
            }
            None => false,
        }
    }

    pub(super) fn scroll_by(&mut self, dx: i32, dy: i32) {
        let view = self.dag_viewport();
        let max_x = self.layout.width.saturating_sub(view.width);
        let max_y = self.layout.height.saturating_sub(view.height);
        let clamp = |v: u16, d: i32, max: u16| (i32::from(v) + d).clamp(0, i32::from(max)) as u16;
        self.scroll = (clamp(self.scroll.0, dx, max_x), clamp(self.scroll.1, dy, max_y));
    }

    /// Scroll so the selected node is in view (as much of it as fits).
    pub(super) fn ensure_visible(&mut self) {
        let view = self.dag_viewport();
        let Some(node) = self.selected_node().and_then(|i| self.layout.nodes.get(i)) else {
            self.scroll = (0, 0);
            return;
        };
        let fit = |scroll: u16, start: u16, len: u16, span: u16| -> u16 {
            if span == 0 {
                return scroll;
            }
            let end = start.saturating_add(len);
            if start < scroll {
                start
            } else if end > scroll.saturating_add(span) {
                end.saturating_sub(span).min(start)
            } else {
                scroll
            }
        };
        // Show the lane header context: keep a little room to the left.
        let sx = fit(self.scroll.0, node.x, node.width, view.width);
        let sy = fit(self.scroll.1, node.y, node.height(), view.height);
        self.scroll = (sx, sy);
        self.scroll_by(0, 0);
    }
}
