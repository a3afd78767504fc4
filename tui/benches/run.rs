//! A headless `nearviz run` of a generated 1,000-call scenario on the embedded engine: wall
//! time and peak resident memory of the real binary, median of 3 runs (issue 9: under 1 s and
//! under 100 MiB), next to the built-in scenario run the same way; the generated scenario once
//! per output format, `--format tree` and `--format json` (issue 22: the same goal for JSON).
//!
//! `cargo bench -p nearviz --bench run [-- CALLS]` (results: benches/README.md). Needs GNU time
//! (`/usr/bin/time`, Debian package `time`) for the peak RSS of the child.
//!
//! The scenario is the built-in one (`scenarios/examples.toml`): its accounts, with every
//! balance raised so that no signer runs dry (xcc pays out 2 NEAR per `race_unsafe`), and its
//! calls repeated in order until there are CALLS of them (1,000 by default). Round 0 keeps the
//! calls' names; round k renames each `NAME` to `NAME_rk`. Sequence steps keep naming the
//! round-0 calls, which always exist. The step-only calls (`deposit`, the withdraws: sent by
//! the races, not by `--all`) are kept once and not counted.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const BUILTIN: &str = include_str!("../scenarios/examples.toml");
const RUNS: usize = 3;
const DEFAULT_CALLS: usize = 1000;
/// Every scenario account's balance, NEAR.
const FUNDED: &str = "100000";
const GNU_TIME: &str = "/usr/bin/time";

/// The built-in scenario with its calls repeated to `calls` and its accounts funded.
fn generate(calls: usize) -> Result<String, String> {
    let mut scenario: toml::Table = BUILTIN.parse().map_err(|e| format!("examples.toml: {e}"))?;
    let accounts = scenario
        .get_mut("account")
        .and_then(toml::Value::as_array_mut)
        .ok_or("examples.toml has no [[account]]")?;
    for account in accounts {
        if let Some(table) = account.as_table_mut() {
            table.insert("balance".into(), FUNDED.into());
        }
    }
    let builtin = scenario
        .get("call")
        .and_then(toml::Value::as_array)
        .ok_or("examples.toml has no [[call]]")?
        .clone();
    let step_only = |call: &toml::Table| call.get("step_only") == Some(&toml::Value::Boolean(true));
    let mut repeated = Vec::with_capacity(calls);
    let mut listed = 0;
    for round in 0.. {
        for call in &builtin {
            let mut call = call.as_table().ok_or("a [[call]] that is not a table")?.clone();
            if step_only(&call) {
                if round == 0 {
                    repeated.push(toml::Value::Table(call));
                }
                continue;
            }
            if listed == calls {
                break;
            }
            listed += 1;
            if round > 0 {
                let name = call.get("name").and_then(toml::Value::as_str).ok_or("unnamed call")?;
                let renamed = format!("{name}_r{round}");
                call.insert("name".into(), renamed.into());
            }
            repeated.push(toml::Value::Table(call));
        }
        if listed == calls {
            break;
        }
    }
    scenario.insert("call".into(), toml::Value::Array(repeated));
    scenario.insert("title".into(), format!("{calls} calls: the built-in calls repeated").into());
    toml::to_string(&scenario).map_err(|e| format!("writing the scenario: {e}"))
}

/// One measured run: wall seconds and peak RSS in KiB.
struct Sample {
    secs: f64,
    peak_kib: u64,
}

/// Runs `nearviz run [scenario] --all --engine embedded --format FORMAT` under GNU time.
fn run_once(
    scenario: Option<&Path>,
    format: &str,
    dir: &Path,
    expected_calls: usize,
) -> Result<Sample, String> {
    let rss_file = dir.join("rss");
    let stdout_file = dir.join("stdout");
    let stdout = std::fs::File::create(&stdout_file).map_err(|e| format!("stdout file: {e}"))?;
    let mut command = Command::new(GNU_TIME);
    command.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(env!("CARGO_BIN_EXE_nearviz"));
    command.arg("run");
    if let Some(scenario) = scenario {
        command.arg(scenario);
    }
    command.args(["--all", "--engine", "embedded", "--format", format]);
    let started = Instant::now();
    let output = command
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("{GNU_TIME}: {e} (install GNU time: apt-get install time)"))?;
    let secs = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // 0: every outcome as the scenario expects (the built-in calls that fail say so).
    if output.status.code() != Some(0) {
        return Err(format!("nearviz run exited with {}: {stderr}", output.status));
    }
    let sent = stderr.lines().filter(|l| l.starts_with("→ ")).count();
    if sent != expected_calls {
        return Err(format!("{sent} calls sent, {expected_calls} expected:\n{stderr}"));
    }
    let printed = std::fs::metadata(&stdout_file).map_err(|e| format!("stdout: {e}"))?.len();
    if printed == 0 {
        return Err("nearviz run printed no DAG".into());
    }
    let rss = std::fs::read_to_string(&rss_file).map_err(|e| format!("{GNU_TIME} -o: {e}"))?;
    let peak_kib = rss
        .lines()
        .rev()
        .find_map(|l| l.trim().parse().ok())
        .ok_or_else(|| format!("{GNU_TIME} wrote no peak RSS: {rss}"))?;
    Ok(Sample { secs, peak_kib })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn measure(
    name: &str,
    scenario: Option<&Path>,
    format: &str,
    dir: &Path,
    calls: usize,
    out: &mut impl Write,
) -> Result<(f64, f64), String> {
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        samples.push(run_once(scenario, format, dir, calls)?);
    }
    let secs: Vec<f64> = samples.iter().map(|s| s.secs).collect();
    let mib: Vec<f64> = samples.iter().map(|s| s.peak_kib as f64 / 1024.0).collect();
    let _ = writeln!(out, "{name}: runs {secs:.3?} s, peak RSS {mib:.1?} MiB");
    let (secs, mib) = (median(secs), median(mib));
    let _ = writeln!(out, "{name}: {secs:.3} s, peak RSS {mib:.1} MiB  [median of {RUNS}]");
    Ok((secs, mib))
}

/// The machine's load average (`/proc/loadavg`), for the record.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() -> std::process::ExitCode {
    let mut out = std::io::stderr();
    // `cargo bench` passes `--bench`; an optional number is the count of calls.
    let calls =
        std::env::args().skip(1).find_map(|a| a.parse::<usize>().ok()).unwrap_or(DEFAULT_CALLS);
    match bench(calls, &mut out) {
        Ok(met) => {
            let verdict = if met { "met" } else { "NOT met" };
            let goal = format!("< 1 s, < 100 MiB for {calls} calls, tree and json");
            let _ = writeln!(out, "goal ({goal}): {verdict}");
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            let _ = writeln!(out, "run bench: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn bench(calls: usize, out: &mut impl Write) -> Result<bool, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let scenario = dir.path().join(format!("calls-{calls}.toml"));
    std::fs::write(&scenario, generate(calls)?).map_err(|e| format!("writing scenario: {e}"))?;
    let builtin_calls = {
        let table: toml::Table = BUILTIN.parse().map_err(|e| format!("examples.toml: {e}"))?;
        let calls = table.get("call").and_then(toml::Value::as_array);
        let step_only = |c: &&toml::Value| c.get("step_only") == Some(&toml::Value::Boolean(true));
        calls.map_or(0, |calls| calls.iter().filter(|c| !step_only(c)).count())
    };
    let _ = writeln!(out, "load average before: {}", load());
    // Warm the compiled-contract cache, like every run after the first on a machine.
    run_once(None, "tree", dir.path(), builtin_calls)?;
    measure(
        &format!("built-in scenario, {builtin_calls} calls"),
        None,
        "tree",
        dir.path(),
        builtin_calls,
        out,
    )?;
    let mut met = true;
    for format in ["tree", "json"] {
        let name = format!("generated, {calls} calls, --format {format}");
        let (secs, mib) = measure(&name, Some(&scenario), format, dir.path(), calls, out)?;
        met &= secs < 1.0 && mib < 100.0;
    }
    let _ = writeln!(out, "load average after: {}", load());
    Ok(met)
}
