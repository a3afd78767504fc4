//! `nearviz run [SCENARIO] [--call NAME | --all] --engine ... --format ...`: headless calls.

use crate::cli::{Format, LiveArgs};
use std::path::Path;
use std::process::ExitCode;

pub async fn run(
    scenario_file: Option<&Path>,
    calls: &[String],
    all: bool,
    format: Format,
    args: &LiveArgs,
) -> anyhow::Result<ExitCode> {
    let _ = (scenario_file, calls, all, format, args);
    anyhow::bail!("run is not available yet")
}
