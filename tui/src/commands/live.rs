//! `nearviz` (no subcommand): the live TUI on an engine.

use crate::cli::LiveArgs;
use std::process::ExitCode;

pub async fn run(args: &LiveArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("the live TUI is not available yet")
}
