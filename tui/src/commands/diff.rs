//! `nearviz diff A B [--format tree|json] [--gas-tolerance 1%] [--tx LABEL]`: what changed
//! between two runs. Exit code 0 when equal (within the tolerance), 1 when different, 2 when an
//! input cannot be read (one line on stderr naming the file).

use crate::cli::DiffFormat;
use crate::diff::{self, Tolerance};
use crate::exit::{ExitKind, Failure};
use crate::{fixture, model};
use anyhow::Context;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// What `nearviz diff` was asked.
pub struct DiffArgs<'a> {
    pub a: &'a Path,
    pub b: &'a Path,
    pub format: DiffFormat,
    pub gas_tolerance: &'a str,
    /// Only the transactions with these labels (all when empty).
    pub txs: &'a [String],
    /// Compare the gas reports (per receiver.method) instead of the DAGs.
    pub gas_report: bool,
}

pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run_with(args, &mut stdout.lock(), &mut stderr.lock())
}

/// `run` with explicit outputs (tests); `err` gets the warnings, errors are returned.
pub fn run_with(
    args: &DiffArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let tolerance = Tolerance::parse(args.gas_tolerance).map_err(Failure::bad_input)?;
    let mut dags = Vec::new();
    for path in [args.a, args.b] {
        dags.push(load(path, err)?.map_err(Failure::bad_input)?);
    }
    let (mut a, mut b) = match (dags.pop(), dags.pop()) {
        (Some(b), Some(a)) => (a, b),
        _ => return Err(Failure::bad_input("two inputs are needed")),
    };
    if !args.txs.is_empty() {
        for label in args.txs {
            let has =
                |d: &model::Dag| d.transactions.iter().any(|t| t.label.as_ref() == Some(label));
            if !has(&a) && !has(&b) {
                return Err(Failure::bad_input(format!(
                    "--tx {label}: no transaction has this label in A or B"
                )));
            }
        }
        let keep = |d: &mut model::Dag| {
            d.transactions.retain(|t| t.label.as_ref().is_some_and(|l| args.txs.contains(l)))
        };
        keep(&mut a);
        keep(&mut b);
    }
    if args.gas_report {
        return gas_reports(args, &a, &b, tolerance, out);
    }
    let report = diff::diff(&a, &b, tolerance);
    let written = match args.format {
        DiffFormat::Tree => diff::text::write(
            &report,
            &args.a.display().to_string(),
            &args.b.display().to_string(),
            out,
        ),
        DiffFormat::Json => serde_json::to_writer_pretty(&mut *out, &diff::json::to_value(&report))
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n")),
    };
    written.and_then(|()| out.flush()).context("cannot write the comparison")?;
    Ok(if report.is_equal() { ExitCode::SUCCESS } else { ExitKind::Failed.exit_code() })
}

/// `--gas-report`: the per-method change, exit 1 when a method differs.
fn gas_reports(
    args: &DiffArgs,
    a: &model::Dag,
    b: &model::Dag,
    tolerance: Tolerance,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let report =
        diff::gas_report::diff(&model::GasReport::of(a), &model::GasReport::of(b), tolerance);
    let written = match args.format {
        DiffFormat::Tree => diff::gas_report::write_text(
            &report,
            &args.a.display().to_string(),
            &args.b.display().to_string(),
            out,
        ),
        DiffFormat::Json => diff::gas_report::write_json(&report, out),
    };
    written.and_then(|()| out.flush()).context("cannot write the comparison")?;
    Ok(if report.is_equal() { ExitCode::SUCCESS } else { ExitKind::Failed.exit_code() })
}

/// The DAG of a file `fixture::load` reads, or of a saved `--format json` trace; warnings go to
/// `err`, a read error is returned as the one-line message.
fn load(path: &Path, err: &mut impl Write) -> anyhow::Result<Result<model::Dag, String>> {
    let recording = match fixture::load(path) {
        Ok(r) => r,
        Err(e) => return Ok(load_trace(path).unwrap_or(Err(e.to_string()))),
    };
    for warning in &recording.warnings {
        writeln!(err, "nearviz: {}: {warning}", path.display())
            .context("cannot write to stderr")?;
    }
    Ok(Ok(model::Trace::from_events(recording.chain_events()).dag()))
}

/// `None` when the file is not a trace JSON (the fixture reader's error stands).
fn load_trace(path: &Path) -> Option<Result<model::Dag, String>> {
    let size = std::fs::metadata(path).ok()?.len();
    if size > fixture::MAX_FIXTURE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    if !diff::trace::is_trace(&text) {
        return None;
    }
    Some(diff::trace::parse(&text).map_err(|e| format!("{}: {e}", path.display())))
}
