//! Reading back the trace JSON of `--format json` (`docs/trace-json.md`, version 1) as a `Dag`,
//! so `nearviz diff` also compares saved `inspect`/`run`/`tx --format json` outputs. The types
//! and both conversions are `trace_json`'s, the writer's own.

use crate::model::Dag;
use crate::trace_json::{TraceJson, JSON_VERSION};
use serde::Deserialize;
use serde_json::Value as Json;

/// Whether `text` looks like a trace JSON (an object with `version` and `transactions`).
pub fn is_trace(text: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        version: Option<Json>,
        transactions: Option<serde::de::IgnoredAny>,
    }
    serde_json::from_str::<Probe>(text)
        .is_ok_and(|p| p.version.is_some() && p.transactions.is_some())
}

/// Parses a trace JSON; the error is one line.
pub fn parse(text: &str) -> Result<Dag, String> {
    let file: TraceJson =
        serde_json::from_str(text).map_err(|e| format!("not a nearviz trace JSON: {e}"))?;
    if file.version != JSON_VERSION {
        return Err(format!(
            "trace JSON version {} is not supported (this nearviz reads version {JSON_VERSION})",
            file.version
        ));
    }
    file.into_dag()
}
