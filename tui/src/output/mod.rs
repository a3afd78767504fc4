//! Headless output of a DAG: tree, json, dot, mermaid. Each writes a `&Dag` to any writer;
//! `gas_report` writes the session's gas report.

pub mod gas_report;
mod graph;
pub mod json;
pub mod state_changes;
pub mod text;
pub mod tree;

use crate::model::Dag;
use std::io::{self, Write};

pub use graph::{write_dot as dot, write_mermaid as mermaid};
pub use json::write as json;
pub use tree::write as tree;

/// Headless output formats.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum Format {
    Tree,
    Json,
    Dot,
    Mermaid,
}

/// Write the DAG in one of the headless formats.
pub fn write(dag: &Dag, format: Format, w: &mut impl Write) -> io::Result<()> {
    match format {
        Format::Tree => tree::write(dag, w),
        Format::Json => json::write(dag, w),
        Format::Dot => graph::write_dot(dag, w),
        Format::Mermaid => graph::write_mermaid(dag, w),
    }
}
