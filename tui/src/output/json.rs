//! `--format json`: the stable schema documented in `docs/trace-json.md` (version 1), whose
//! types (`trace_json`) `nearviz diff` reads back.

use crate::model::Dag;
use crate::trace_json::{pretty, TraceJson};
use serde_json::Value as Json;
use std::io::{self, Write};

pub use crate::trace_json::JSON_VERSION;

/// The whole DAG as a JSON value.
pub fn to_value(dag: &Dag) -> Json {
    serde_json::to_value(TraceJson::of(dag)).unwrap_or(Json::Null)
}

/// Pretty-printed JSON and a final newline, written a few transactions at a time (the same
/// bytes as `TraceJson::of(dag)` pretty-printed: [`pretty`]).
pub fn write(dag: &Dag, w: &mut impl Write) -> io::Result<()> {
    pretty::write(dag, w)?;
    w.write_all(b"\n")
}
