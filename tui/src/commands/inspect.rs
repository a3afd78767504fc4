//! `nearviz inspect FILE --format tree|json|dot|mermaid`: print the DAG of a fixture, a capture
//! or saved RPC responses. Bad input: a message naming the file and exit code 2.

use crate::cli::Format;
use crate::{fixture, model, output};
use anyhow::Context;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Exit code for input nearviz cannot read.
pub const EXIT_BAD_INPUT: u8 = 2;

pub fn run(file: &Path, format: Format) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run_with(file, format, &mut stdout.lock(), &mut stderr.lock())
}

/// `run` with explicit outputs (tests).
pub fn run_with(
    file: &Path,
    format: Format,
    out: &mut impl Write,
    err: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let recording = match fixture::load(file) {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "nearviz: {e}").context("cannot write to stderr")?;
            return Ok(ExitCode::from(EXIT_BAD_INPUT));
        }
    };
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
