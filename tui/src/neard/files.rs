//! The home's files: their names, and reading or writing JSON with one-line errors that name
//! the file (bad input when it cannot be read or parsed).

use crate::exit::{io_reason, Failure};
use anyhow::Context;
use serde_json::Value;
use std::path::Path;

pub const CONFIG_FILE: &str = "config.json";
pub const GENESIS_FILE: &str = "genesis.json";
pub const VALIDATOR_KEY_FILE: &str = "validator_key.json";
pub const NODE_KEY_FILE: &str = "node_key.json";
/// nearviz's log, beside neard's files.
pub const LOG_FILE: &str = "nearviz.log";

/// `path` parsed as JSON: a file that cannot be read or is not JSON is bad input.
pub fn read_json(path: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read(path).map_err(|err| {
        Failure::bad_input(format!("{}: cannot read it ({})", path.display(), io_reason(&err)))
    })?;
    serde_json::from_slice(&text)
        .map_err(|err| Failure::bad_input(format!("{}: not valid JSON ({err})", path.display())))
}

/// Writes `value` as JSON to `path`.
pub fn write_json(path: &Path, value: &Value) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value).context("encoding JSON")?;
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}
