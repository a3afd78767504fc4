//! Edge routing: horizontal x positions of columns, gutter tracks and the glyph of every cell.
//!
//! Between two columns lies a gutter: `[space][track 0 ─][track 1 ─]…[▶][space]`. An edge leaves
//! its source on the source's first line, turns down (or up) a track of the gutter after the
//! source column, then runs along the target's first line to an arrowhead. Edges from one
//! source that were created together share a track (a fan-out `┬├└`), and so do data edges into
//! one callback (a fan-in `┐┤┘`); other bundles get their own track when their rows overlap.

use super::fast_hash::{FastMap, FastSet};
use super::{Column, Edge, EdgeCell, EdgeKind, NodeBox};

const N: u8 = 1;
const E: u8 = 2;
const S: u8 = 4;
const W: u8 = 8;
const CREATED: u8 = 16;
const DATA: u8 = 32;
const ARROW: u8 = 64;

/// More tracks than this in one gutter share tracks (lines may then touch).
const MAX_TRACKS: usize = 8;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Bundle {
    gutter: usize,
    data: bool,
    node: usize,
}

/// Row span of each bundle (its edges' rows, top to bottom).
type Spans = FastMap<Bundle, (u16, u16)>;

/// Sets column and node x, returns the edge cells (sorted by `(y, x)`) and the total width.
pub(super) fn route(
    nodes: &mut [NodeBox],
    edges: &[Edge],
    columns: &mut [Column],
) -> (Vec<EdgeCell>, u16) {
    let drawable: Vec<&Edge> =
        edges.iter().filter(|e| nodes[e.from].column < nodes[e.to].column).collect();
    let column_of: Vec<usize> = nodes.iter().map(|n| n.column).collect();
    let bundle_of = |e: &Edge| -> Bundle {
        match e.kind {
            EdgeKind::Created => Bundle { gutter: column_of[e.from], data: false, node: e.from },
            EdgeKind::Data => Bundle { gutter: column_of[e.from], data: true, node: e.to },
        }
    };
    let mut spans: Spans = FastMap::default();
    for e in &drawable {
        let (a, b) = (nodes[e.from].y, nodes[e.to].y);
        let span = spans.entry(bundle_of(e)).or_insert((a.min(b), a.max(b)));
        span.0 = span.0.min(a.min(b));
        span.1 = span.1.max(a.max(b));
    }
    let (track_of, tracks_in) = tracks(&spans, columns.len());
    let width = place_columns(nodes, columns, &tracks_in);
    let mut raw = Rows::default();
    let mut drawn: FastSet<Bundle> = FastSet::default();
    drawn.reserve(track_of.len());
    for e in &drawable {
        let bundle = bundle_of(e);
        let Some(&track) = track_of.get(&bundle) else { continue };
        let first = drawn.insert(bundle);
        let shared_span = if first { spans.get(&bundle).copied() } else { None };
        draw_edge(&mut raw, nodes, columns, e, bundle.gutter, track, first, shared_span);
    }
    (raw.into_cells(), width)
}

/// Each bundle's track in its gutter, and how many tracks each gutter needs: bundles whose
/// rows overlap get tracks of their own, up to [`MAX_TRACKS`].
fn tracks(spans: &Spans, column_count: usize) -> (FastMap<Bundle, usize>, Vec<usize>) {
    let mut sorted: Vec<(Bundle, (u16, u16))> = spans.iter().map(|(b, s)| (*b, *s)).collect();
    sorted.sort_by_key(|&(b, (lo, hi))| (b.gutter, lo, hi, b));
    let mut track_of: FastMap<Bundle, usize> = FastMap::default();
    track_of.reserve(sorted.len());
    let mut tracks_in: Vec<usize> = vec![0; column_count];
    let mut ends: Vec<u16> = Vec::new();
    let mut current_gutter = usize::MAX;
    for (bundle, (lo, hi)) in sorted {
        if bundle.gutter != current_gutter {
            current_gutter = bundle.gutter;
            ends.clear();
        }
        let track = match ends.iter().position(|&end| end < lo) {
            Some(t) => t,
            None if ends.len() < MAX_TRACKS => {
                ends.push(0);
                ends.len() - 1
            }
            None => (lo as usize) % MAX_TRACKS,
        };
        ends[track] = ends[track].max(hi);
        track_of.insert(bundle, track);
        if let Some(count) = tracks_in.get_mut(bundle.gutter) {
            *count = (*count).max(track + 1);
        }
    }
    (track_of, tracks_in)
}

/// Columns left to right, each gutter as wide as its tracks; nodes take their column's x.
/// Returns the total width.
fn place_columns(nodes: &mut [NodeBox], columns: &mut [Column], tracks_in: &[usize]) -> u16 {
    let mut x = 0u16;
    for (c, column) in columns.iter_mut().enumerate() {
        column.x = x;
        let gutter = 1 + 2 * tracks_in[c].max(1) as u16 + 2;
        x = x.saturating_add(column.width).saturating_add(gutter);
    }
    let width = columns.last().map_or(0, |c| c.x + c.width);
    for node in nodes.iter_mut() {
        if let Some(column) = columns.get(node.column) {
            node.x = column.x;
        }
    }
    width
}

/// The cells of one edge. The edges of a bundle share their track and one end (the source of
/// a fan-out, the callback of a fan-in), so the shared parts are drawn once per bundle, by its
/// `first` edge: the vertical run over the bundle's rows (`shared_span`, the union of its
/// edges' runs, which all contain the shared row) and the shared horizontal run. Per edge,
/// only its own horizontal run is added.
#[allow(clippy::too_many_arguments)] // the edge's place: its nodes, columns, gutter and track
fn draw_edge(
    raw: &mut Rows,
    nodes: &[NodeBox],
    columns: &[Column],
    e: &Edge,
    gutter: usize,
    track: usize,
    first: bool,
    shared_span: Option<(u16, u16)>,
) {
    let (a, b) = (&nodes[e.from], &nodes[e.to]);
    let exit = columns[a.column].x + columns[a.column].width;
    let source = &columns[gutter];
    let track_x = source.x + source.width + 1 + 2 * track as u16;
    let arrow = columns[b.column].x.saturating_sub(2);
    let kind = if e.kind == EdgeKind::Created { CREATED } else { DATA };
    let out_of_source = |raw: &mut Rows| {
        for cx in exit..track_x {
            push(raw, cx, a.y, E | W | kind);
        }
        push(raw, track_x, a.y, W | kind);
    };
    let into_target = |raw: &mut Rows| {
        push(raw, track_x, b.y, E | kind);
        for cx in track_x + 1..arrow {
            push(raw, cx, b.y, E | W | kind);
        }
        push(raw, arrow, b.y, W | ARROW | kind);
    };
    if let Some((top, bottom)) = shared_span {
        if top != bottom {
            push(raw, track_x, top, S | kind);
            for cy in top + 1..bottom {
                push(raw, track_x, cy, N | S | kind);
            }
            push(raw, track_x, bottom, N | kind);
        }
    }
    match e.kind {
        // One source per created bundle: its way out is shared.
        EdgeKind::Created => {
            if first {
                out_of_source(raw);
            }
            into_target(raw);
        }
        // One callback per data bundle: its way in is shared.
        EdgeKind::Data => {
            out_of_source(raw);
            if first {
                into_target(raw);
            }
        }
    }
}

/// The raw cells by row: `x << 8 | bits`, unsorted, a cell once per edge part crossing it.
/// Rows are already in order, so only each row's few cells need sorting (one sort of every
/// cell of a 10,000-receipt DAG was most of its layout time).
#[derive(Default)]
struct Rows {
    rows: Vec<Vec<u32>>,
    count: usize,
}

impl Rows {
    /// One cell per `(y, x)`, sorted, with the bits of every part crossing it.
    fn into_cells(self) -> Vec<EdgeCell> {
        let mut cells: Vec<EdgeCell> = Vec::with_capacity(self.count);
        for (y, mut row) in self.rows.into_iter().enumerate() {
            // A row is a few runs pushed in x order (one per horizontal part, a cell per
            // vertical one): the stable sort merges runs instead of partitioning.
            row.sort();
            let mut merged: Option<(u32, u8)> = None;
            for packed in row {
                let (x, bits) = (packed >> 8, (packed & 0xff) as u8);
                match merged {
                    Some((mx, mb)) if mx == x => merged = Some((x, mb | bits)),
                    _ => {
                        if let Some((mx, mb)) = merged {
                            cells.push(cell(y, mx, mb));
                        }
                        merged = Some((x, bits));
                    }
                }
            }
            if let Some((mx, mb)) = merged {
                cells.push(cell(y, mx, mb));
            }
        }
        cells
    }
}

fn push(raw: &mut Rows, x: u16, y: u16, bits: u8) {
    let y = usize::from(y);
    if raw.rows.len() <= y {
        raw.rows.resize_with(y + 1, Vec::new);
    }
    raw.rows[y].push(u32::from(x) << 8 | u32::from(bits));
    raw.count += 1;
}

fn cell(y: usize, x: u32, bits: u8) -> EdgeCell {
    let created = bits & CREATED != 0;
    let kind = if created { EdgeKind::Created } else { EdgeKind::Data };
    let glyph = if bits & ARROW != 0 {
        if created {
            '▶'
        } else {
            '▷'
        }
    } else {
        glyph(bits & (N | E | S | W), created)
    };
    EdgeCell { x: x as u16, y: y as u16, glyph, kind }
}

fn glyph(dirs: u8, solid: bool) -> char {
    match dirs {
        d if d == E | W || d == E || d == W => {
            if solid {
                '─'
            } else {
                '┄'
            }
        }
        d if d == N | S || d == N || d == S => {
            if solid {
                '│'
            } else {
                '┆'
            }
        }
        d if d == S | E => '┌',
        d if d == S | W => '┐',
        d if d == N | E => '└',
        d if d == N | W => '┘',
        d if d == N | S | E => '├',
        d if d == N | S | W => '┤',
        d if d == E | W | S => '┬',
        d if d == E | W | N => '┴',
        _ => '┼',
    }
}
