//! `--format json`: the stable schema documented in `docs/trace-json.md` (version 1), whose
//! types (`trace_json`) `nearviz diff` reads back.

use crate::model::Dag;
use crate::trace_json::{TraceJson, TraceJsonStream};
use serde_json::Value as Json;
use std::io::{self, Write};

pub use crate::trace_json::JSON_VERSION;

/// The whole DAG as a JSON value.
pub fn to_value(dag: &Dag) -> Json {
    serde_json::to_value(TraceJson::of(dag)).unwrap_or(Json::Null)
}

/// Pretty-printed JSON and a final newline, written one transaction at a time (the same bytes
/// as `TraceJson::of(dag)` pretty-printed).
pub fn write(dag: &Dag, w: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &TraceJsonStream(dag))?;
    w.write_all(b"\n")
}
