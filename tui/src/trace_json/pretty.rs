//! The document `TraceJson::of(dag)` pretty-prints to, written a few transactions at a time:
//! each transaction's `TxJson` is built and rendered into a buffer, two halves of each batch on
//! two threads, then written and dropped (`--format json` of a 1,000-call run keeps one batch in
//! memory, not the whole document; rendering is most of its cost, so both cores share it).
//!
//! Same bytes as serde_json's pretty printer on the whole [`TraceJson`](super::TraceJson): a
//! transaction rendered alone is indented by the two levels it sits at in the document (a
//! rendered JSON text has no newline inside a string, so every line is a level's).

use super::tx::TxJson;
use super::JSON_VERSION;
use crate::model::window::RanOn;
use crate::model::{Dag, TxNode};
use std::io::{self, Write};

/// Transactions rendered between two writes.
const BATCH: usize = 64;
/// Where a transaction sits in the document: `{ "transactions": [ here ] }`.
const DEPTH_INDENT: &[u8] = b"    ";

/// Writes the whole document (without a final newline).
pub fn write(dag: &Dag, w: &mut impl Write) -> io::Result<()> {
    write!(w, "{{\n  \"version\": {JSON_VERSION},\n  \"transactions\": ")?;
    if dag.transactions.is_empty() {
        w.write_all(b"[]")?;
    } else {
        let ran_on = RanOn::of(dag);
        w.write_all(b"[\n")?;
        let mut first = true;
        for batch in dag.transactions.chunks(BATCH) {
            for part in render_batch(&ran_on, batch)?.iter().filter(|p| !p.is_empty()) {
                if !first {
                    w.write_all(b",\n")?;
                }
                w.write_all(part)?;
                first = false;
            }
        }
        w.write_all(b"\n  ]")?;
    }
    w.write_all(b"\n}")
}

/// `batch` rendered in two halves, the first on a helper thread.
fn render_batch(ran_on: &RanOn, batch: &[TxNode]) -> io::Result<[Vec<u8>; 2]> {
    let (first, second) = batch.split_at(batch.len() / 2);
    let (first, second) = std::thread::scope(|scope| {
        let helper = scope.spawn(|| render(ran_on, first));
        let second = render(ran_on, second);
        (helper.join(), second)
    });
    let first = first.map_err(|_| io::Error::other("rendering the JSON panicked"))??;
    Ok([first, second?])
}

/// `txs` as array elements of the document, separated by `,\n`.
fn render(ran_on: &RanOn, txs: &[TxNode]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut one = Vec::new();
    for (i, tx) in txs.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        one.clear();
        serde_json::to_writer_pretty(&mut one, &TxJson::of(ran_on, tx))?;
        for (n, line) in one.split(|&b| b == b'\n').enumerate() {
            if n > 0 {
                out.push(b'\n');
            }
            out.extend_from_slice(DEPTH_INDENT);
            out.extend_from_slice(line);
        }
    }
    Ok(out)
}
