//! Boot + deploy + init of the built-in scenario on a real neard, phase by phase.
//!
//! `NEAR_SANDBOX_BIN_PATH=/path/to/neard cargo bench -p nearviz --bench boot [-- RUNS]`
//!
//! Target: no slower than near-workspaces doing the same one step at a time, as recorded in
//! `fixtures/reference/setup.json`: 0.57 s boot + 1.70 s deploy (3 contracts, init, 1 user).
//! nearviz deploys 4 contracts and 2 users, with every account in flight at once.

use nearviz::engine::sandbox::{self, BIN_ENV};
use nearviz::scenario::Scenario;
use std::io::Write;
use std::time::{Duration, Instant};

const REFERENCE_BOOT: f64 = 0.571;
const REFERENCE_DEPLOY: f64 = 1.698;

fn main() -> std::process::ExitCode {
    let mut out = std::io::stdout().lock();
    // `cargo bench` passes `--bench`; an optional number is the count of runs.
    let runs = std::env::args().skip(1).find_map(|a| a.parse::<usize>().ok()).unwrap_or(5);
    if sandbox::find_local().is_err() {
        let _ =
            writeln!(out, "boot: skipped, set {BIN_ENV} to a neard built with the sandbox feature");
        return std::process::ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            let _ = writeln!(out, "boot: no tokio runtime: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut samples = Vec::new();
    for run in 1..=runs {
        match runtime.block_on(boot_once()) {
            Ok(sample) => {
                let _ = writeln!(
                    out,
                    "run {run}: boot {:.3} s, accounts+deploy {:.3} s, init {:.3} s, total {:.3} s",
                    sample[0], sample[1], sample[2], sample[3]
                );
                samples.push(sample);
            }
            Err(err) => {
                let _ = writeln!(out, "run {run}: {err}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    let median = |i: usize| {
        let mut values: Vec<f64> = samples.iter().map(|s| s[i]).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let (boot, deploy) = (median(0), median(1) + median(2));
    let _ = writeln!(
        out,
        "median of {runs}: boot {boot:.3} s (reference {REFERENCE_BOOT} s), deploy+init {deploy:.3} s \
         (reference {REFERENCE_DEPLOY} s), total {:.3} s (reference {:.3} s)",
        boot + deploy,
        REFERENCE_BOOT + REFERENCE_DEPLOY
    );
    std::process::ExitCode::SUCCESS
}

/// One boot: [node start, accounts+deploy, init, total] in seconds.
async fn boot_once() -> Result<[f64; 4], String> {
    let scenario = Scenario::builtin().map_err(|e| e.to_string())?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let booted = sandbox::boot(&scenario, &dir.path().join("neard.log"), &|_| {})
        .await
        .map_err(|e| e.to_string())?;
    let total = started.elapsed();
    let timings = booted.deployment.timings;
    booted.node.shutdown().await;
    let secs = Duration::as_secs_f64;
    Ok([secs(&booted.node_start), secs(&timings.accounts), secs(&timings.init), secs(&total)])
}
