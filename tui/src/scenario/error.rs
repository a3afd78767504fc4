//! What can be wrong with a scenario, said so that people can fix the file.

use super::AmountError;
use std::fmt;
use std::path::PathBuf;
use thiserror::Error;

/// A scenario that cannot be used. `Display` names the file and line when known.
#[derive(Debug, Error)]
pub enum ScenarioError {
    #[error("cannot read scenario {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Not valid TOML, or fields of the wrong type / unknown fields.
    #[error("{}: {message}", Place { origin, line: *line, column: *column })]
    Syntax { origin: String, line: Option<usize>, column: Option<usize>, message: String },
    /// Valid TOML that does not make a usable scenario (unknown accounts, duplicates...).
    #[error("{}: {message}", Place { origin, line: *line, column: None })]
    Invalid { origin: String, line: Option<usize>, message: String },
    #[error("{0}")]
    Amount(#[from] AmountError),
    /// A wasm file named by the scenario cannot be read.
    #[error("cannot read wasm {} for account `{account}`: {source}", path.display())]
    Wasm {
        account: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// `examples.toml:12:5`, `examples.toml:12` or `examples.toml`.
struct Place<'a> {
    origin: &'a str,
    line: Option<usize>,
    column: Option<usize>,
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = if self.origin.is_empty() { "scenario" } else { self.origin };
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{origin}:{line}:{column}"),
            (Some(line), None) => write!(f, "{origin}:{line}"),
            _ => write!(f, "{origin}"),
        }
    }
}
