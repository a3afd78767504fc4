//! `nearviz replay FILE`: the TUI on a recorded fixture.

use crate::cli::LiveArgs;
use std::path::Path;
use std::process::ExitCode;

pub async fn run(file: &Path, args: &LiveArgs) -> anyhow::Result<ExitCode> {
    let _ = (file, args);
    anyhow::bail!("replay is not available yet")
}
