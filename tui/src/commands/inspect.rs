//! `nearviz inspect FILE --format tree|json|dot|mermaid`: print the DAG of a fixture, a capture
//! or saved RPC responses. A file it cannot read is an error naming the file (bad input, exit 2).

use crate::cli::Format;
use crate::{fixture, model, output};
use anyhow::Context;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(file: &Path, format: Format) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run_with(file, format, &mut stdout.lock(), &mut stderr.lock())
}

/// `run` with explicit outputs (tests); `err` gets the warnings, errors are returned.
pub fn run_with(
    file: &Path,
    format: Format,
    out: &mut impl Write,
    err: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let recording = fixture::load(file)?;
    for warning in &recording.warnings {
        writeln!(err, "nearviz: {}: {warning}", file.display())
            .context("cannot write to stderr")?;
    }
    let dag = model::Trace::from_events(recording.chain_events()).dag();
    output::write(&dag, format, out)
        .and_then(|()| out.flush())
        .with_context(|| format!("cannot write the DAG of {}", file.display()))?;
    Ok(ExitCode::SUCCESS)
}
