use super::synthetic::{self, call, BASE_HEIGHT};
use super::*;
use crate::model::dag::{InputStatus, Status};

use super::synthetic::multiple_contracts;

fn assert_no_overlaps(layout: &DagLayout) {
    for (i, a) in layout.nodes.iter().enumerate() {
        for b in &layout.nodes[i + 1..] {
            let apart = a.x + a.width <= b.x
                || b.x + b.width <= a.x
                || a.y + a.height() <= b.y
                || b.y + b.height() <= a.y;
            assert!(apart, "nodes overlap: {:?} and {:?}", a.lines[0], b.lines[0]);
        }
    }
    for cell in &layout.cells {
        assert!(
            layout.hit(cell.x, cell.y).is_none(),
            "edge cell {:?} at ({}, {}) inside a node",
            cell.glyph,
            cell.x,
            cell.y
        );
    }
}

#[test]
fn receipts_sit_in_the_column_of_their_block() {
    let tx = multiple_contracts();
    let layout = layout(&tx, &LayoutOptions::default());
    assert!(matches!(layout.columns[0].kind, ColumnKind::Tx { height: Some(BASE_HEIGHT) }));
    assert_eq!(layout.columns[0].header, "tx #100");
    let headers: Vec<&str> = layout.columns.iter().map(|c| c.header.as_str()).collect();
    assert_eq!(headers, ["tx #100", "#101 +1", "#102 +2", "#103 +3"]);
    for node in &layout.nodes {
        let NodeRef::Receipt(i) = node.node else { continue };
        let ColumnKind::Block { height, .. } = layout.columns[node.column].kind else {
            panic!("receipt in a non-block column")
        };
        assert_eq!(Some(height), tx.receipts[i].block_height);
    }
    // Columns go left to right.
    for pair in layout.columns.windows(2) {
        assert!(pair[0].x + pair[0].width < pair[1].x);
    }
    assert_no_overlaps(&layout);
}

#[test]
fn refunds_are_hidden_until_asked_for() {
    let tx = multiple_contracts();
    let hidden = layout(&tx, &LayoutOptions::default());
    assert_eq!(hidden.nodes.len(), 1 + 5);
    assert_eq!(hidden.hidden_receipts, 2);
    assert!(hidden.nodes.iter().all(|n| n.mark != Mark::Refund));
    let shown = layout(&tx, &LayoutOptions { show_refunds: true, ..Default::default() });
    assert_eq!(shown.nodes.len(), 1 + 7);
    assert_eq!(shown.hidden_receipts, 0);
    assert_eq!(shown.nodes.iter().filter(|n| n.mark == Mark::Refund).count(), 2);
    // The second refund ran at B+4: a fifth column appears.
    assert_eq!(shown.columns.len(), 5);
    assert_no_overlaps(&shown);
}

#[test]
fn created_and_data_edges_are_drawn_differently() {
    let tx = multiple_contracts();
    let layout = layout(&tx, &LayoutOptions::default());
    let created = layout.edges.iter().filter(|e| e.kind == EdgeKind::Created).count();
    let data = layout.edges.iter().filter(|e| e.kind == EdgeKind::Data).count();
    assert_eq!(created, 5, "tx->caller, caller->3 callees, caller->callback");
    assert_eq!(data, 3);
    let glyphs = |kind| -> String {
        layout.cells.iter().filter(|c| c.kind == kind).map(|c| c.glyph).collect()
    };
    let solid = glyphs(EdgeKind::Created);
    let dotted = glyphs(EdgeKind::Data);
    assert!(solid.contains('─') && solid.contains('▶'), "{solid}");
    assert!(dotted.contains('┄') && dotted.contains('┆'), "{dotted}");
    assert!(!solid.contains('┄') && !dotted.contains('─'));
    // Every data edge ends in an arrowhead just left of the callback.
    let cb = layout.node_of(tx.receipts[4].id).expect("callback visible");
    let cb = &layout.nodes[cb];
    let arrow = layout.cells.iter().find(|c| c.y == cb.y && c.x + 2 == cb.x).expect("arrow");
    assert!(arrow.glyph == '▶' || arrow.glyph == '▷');
}

#[test]
fn children_are_placed_at_or_below_their_creator() {
    let tx = synthetic::fan_out(300, 3);
    let layout = layout(&tx, &LayoutOptions { show_refunds: true, ..Default::default() });
    for edge in layout.edges.iter().filter(|e| e.kind == EdgeKind::Created) {
        let (a, b) = (&layout.nodes[edge.from], &layout.nodes[edge.to]);
        assert!(a.column < b.column, "{:?} -> {:?}", a.lines[0], b.lines[0]);
        assert!(b.y >= a.y, "child above its creator: {:?} -> {:?}", a.lines[0], b.lines[0]);
    }
    assert_no_overlaps(&layout);
}

#[test]
fn a_postponed_callback_waits_after_its_inputs() {
    let mut tx = multiple_contracts();
    tx.receipts.truncate(5);
    // Only the first input arrived; the others are still pending.
    for r in &mut tx.receipts[2..4] {
        r.block_height = None;
        r.status = Status::Pending;
    }
    let cb = &mut tx.receipts[4];
    cb.block_height = None;
    cb.status = Status::Waiting { arrived: 1, total: 3 };
    cb.inputs[1].status = InputStatus::Pending;
    cb.inputs[2].status = InputStatus::Pending;
    let layout = layout(&tx, &LayoutOptions::default());
    let node = &layout.nodes[layout.node_of(tx.receipts[4].id).expect("visible")];
    assert_eq!(node.mark, Mark::Waiting { arrived: 1, total: 3 });
    assert!(node.lines.iter().any(|l| l.text.contains("waiting 1/3")));
    assert_eq!(layout.columns[node.column].header, "#103 +3");
    let pending = &layout.nodes[layout.node_of(tx.receipts[2].id).expect("visible")];
    assert_eq!(pending.mark, Mark::Pending);
    assert_eq!(layout.columns[pending.column].header, "#102 +2");
}

#[test]
fn collapsing_folds_descendants_into_one_node() {
    let tx = multiple_contracts();
    let caller = tx.receipts[0].id;
    let mut options = LayoutOptions::default();
    options.collapsed.insert(caller);
    let layout = layout(&tx, &options);
    assert_eq!(layout.nodes.len(), 2, "tx and caller only");
    let node = &layout.nodes[layout.node_of(caller).expect("caller visible")];
    assert_eq!(node.hidden, 4);
    assert!(node.lines[0].text.ends_with("+4"), "{:?}", node.lines[0]);
}

#[test]
fn long_runs_of_empty_blocks_fold_into_a_gap() {
    let mut tx = multiple_contracts();
    tx.receipts.truncate(5);
    tx.receipts[4].block_height = Some(BASE_HEIGHT + 20);
    let layout = layout(&tx, &LayoutOptions::default());
    let gap = layout.columns.iter().find(|c| matches!(c.kind, ColumnKind::Gap { .. }));
    let gap = gap.expect("a gap column");
    assert_eq!(gap.kind, ColumnKind::Gap { from: BASE_HEIGHT + 3, to: BASE_HEIGHT + 19 });
    assert_eq!(gap.header, "⋯ 17 blocks");
    assert_no_overlaps(&layout);
}

#[test]
fn batches_are_one_node_listing_their_actions() {
    let mut tx = multiple_contracts();
    tx.receipts.truncate(2);
    tx.receipts[1].actions = vec![
        call("set_greeting", 5),
        call("get_greeting", 5),
        call("set_greeting", 5),
        call("get_greeting", 5),
    ];
    let layout = layout(&tx, &LayoutOptions::default());
    let node = &layout.nodes[layout.node_of(tx.receipts[1].id).expect("visible")];
    let texts: Vec<&str> = node.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts[0], "hello batch ×4");
    assert_eq!(texts[1], " 0·set_greeting");
    assert_eq!(texts[4], " 3·get_greeting");
    assert_eq!(node.lines.len(), 6);
}

#[test]
fn zoom_changes_node_size() {
    let tx = multiple_contracts();
    let compact = layout(&tx, &LayoutOptions { zoom: Zoom::Compact, ..Default::default() });
    let wide = layout(&tx, &LayoutOptions { zoom: Zoom::Wide, ..Default::default() });
    assert!(compact.nodes.iter().all(|n| n.height() == 1));
    assert!(compact.height < wide.height);
    assert!(compact.nodes.iter().all(|n| n.width <= Zoom::Compact.node_width()));
    assert_no_overlaps(&compact);
    assert_no_overlaps(&wide);
}

#[test]
fn large_dags_stay_consistent() {
    let tx = synthetic::fan_out(1000, 8);
    let layout = layout(&tx, &LayoutOptions { show_refunds: true, ..Default::default() });
    assert_eq!(layout.nodes.len(), tx.receipts.len() + 1);
    assert_no_overlaps(&layout);
    let sorted = layout.cells.windows(2).all(|w| (w[0].y, w[0].x) < (w[1].y, w[1].x));
    assert!(sorted, "cells sorted and unique");
    let rows = layout.cells_in_rows(10, 20);
    assert!(rows.iter().all(|c| (10..20).contains(&c.y)));
}

/// The layout as text, for eyeballing (`cargo test -- --nocapture`) and failure messages.
fn canvas(layout: &DagLayout) -> String {
    let w = usize::from(layout.width) + 1;
    let h = usize::from(layout.height) + 1;
    let mut grid = vec![vec![' '; w]; h];
    for node in &layout.nodes {
        for (dy, line) in node.lines.iter().enumerate() {
            for (dx, c) in line.text.chars().enumerate() {
                grid[usize::from(node.y) + dy][usize::from(node.x) + dx] = c;
            }
        }
    }
    for c in &layout.cells {
        grid[usize::from(c.y)][usize::from(c.x)] = c.glyph;
    }
    let mut out = String::new();
    for col in &layout.columns {
        out.push_str(&format!("{:>4}:{} ", col.x, col.header));
    }
    out.push('\n');
    for row in grid {
        out.push_str(row.iter().collect::<String>().trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn print_multiple_contracts() {
    let tx = multiple_contracts();
    let l = layout(&tx, &LayoutOptions { show_refunds: true, ..Default::default() });
    let text = canvas(&l);
    assert!(text.contains("caller ") && text.contains(".multiple_contracts"), "{text}");
}

fn write(account: &str) -> crate::model::StateChange {
    crate::model::StateChange {
        cause: crate::model::Cause::ReceiptProcessing,
        kind: crate::model::ChangeKind::DataUpdate,
        account: account.parse().expect("account"),
        block: crate::chain::BlockHash(near_primitives::hash::CryptoHash::default()),
        block_height: None,
        position: None,
        value: crate::model::ChangeValue::Data {
            key: b"STATE".to_vec(),
            after: Some(b"x".to_vec()),
            before: crate::model::Before::Known(None),
        },
    }
}

#[test]
fn state_marks_follow_the_title_and_are_never_cut() {
    let mut tx = multiple_contracts();
    let long = tx.receipts.iter().position(|r| !r.is_refund).expect("a receipt");
    tx.receipts[long].actions[0].method = Some("a_very_long_method_name_indeed".into());
    tx.receipts[long].state_changes = vec![write("caller.test.near"), write("caller.test.near")];
    tx.receipts[long].reverted_changes = vec![write("caller.test.near")];
    for zoom in [Zoom::Compact, Zoom::Normal, Zoom::Wide] {
        let options = LayoutOptions { zoom, ..LayoutOptions::default() };
        let layout = layout(&tx, &options);
        let node = &layout.nodes[layout.node_of(tx.receipts[long].id).expect("shown")];
        let title = &node.lines[0].text;
        assert!(title.ends_with(" Δ2↺1"), "{zoom:?}: {title}");
        if zoom == Zoom::Compact {
            assert!(title.contains('…'), "{zoom:?}: the title gives way: {title}");
        } else {
            // The method has its own line, whole.
            assert_eq!(node.lines[1].text, ".a_very_long_method_name_indeed", "{zoom:?}");
        }
        assert!(crate::format::width(title) < usize::from(zoom.node_width()), "{title}");
        // Nodes without state changes have no mark.
        let others = layout.nodes.iter().filter(|n| n.lines[0].text != *title);
        assert!(others.clone().all(|n| !n.lines[0].text.contains('Δ')));
        assert_no_overlaps(&layout);
    }
}
