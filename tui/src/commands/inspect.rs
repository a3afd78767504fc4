//! `nearviz inspect FILE --format tree|json|dot|mermaid`.

use crate::cli::Format;
use std::path::Path;
use std::process::ExitCode;

pub fn run(file: &Path, format: Format) -> anyhow::Result<ExitCode> {
    let _ = (file, format);
    anyhow::bail!("inspect is not available yet")
}
