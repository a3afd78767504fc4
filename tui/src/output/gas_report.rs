//! `nearviz run --gas-report`: the session's gas report (`model::GasReport`) as a table, or
//! as JSON with `--format json`.
//!
//! ```text
//! method                                 calls       min    median       max
//! hello.test.near.get_greeting               2 1.07 Tgas 1.07 Tgas 1.08 Tgas
//! xcc.test.near.query_greeting               1 1.91 Tgas 1.91 Tgas 1.91 Tgas
//! ```
//! JSON: `{"version": 1, "methods": [{"method", "calls", "min", "median", "max"}]}`, gas as
//! integers.

use super::text::tgas;
use crate::model::{GasReport, GasRow};
use serde::Serialize;
use std::io::{self, Write};

pub const GAS_REPORT_JSON_VERSION: u32 = 1;

/// The width of the method column: the longest name, at least the header's.
pub fn method_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names.map(|n| n.chars().count()).max().unwrap_or(0).max("method".len())
}

/// The table, one row per method.
pub fn write_table(report: &GasReport, w: &mut impl Write) -> io::Result<()> {
    if report.rows.is_empty() {
        return writeln!(w, "no function calls ran");
    }
    let width = method_width(report.rows.iter().map(|r| r.method.as_str()));
    writeln!(
        w,
        "{:<width$} {:>5} {:>11} {:>11} {:>11}",
        "method", "calls", "min", "median", "max"
    )?;
    for r in &report.rows {
        writeln!(
            w,
            "{:<width$} {:>5} {:>11} {:>11} {:>11}",
            r.method,
            r.calls,
            tgas(r.min),
            tgas(r.median),
            tgas(r.max)
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct ReportJson<'a> {
    version: u32,
    methods: Vec<RowJson<'a>>,
}

/// One method of the report in JSON.
#[derive(Serialize)]
pub struct RowJson<'a> {
    method: &'a str,
    calls: usize,
    min: u64,
    median: u64,
    max: u64,
}

impl<'a> RowJson<'a> {
    pub fn of(r: &'a GasRow) -> RowJson<'a> {
        RowJson {
            method: &r.method,
            calls: r.calls,
            min: r.min.as_gas(),
            median: r.median.as_gas(),
            max: r.max.as_gas(),
        }
    }
}

/// The report as pretty JSON and a final newline.
pub fn write_json(report: &GasReport, w: &mut impl Write) -> io::Result<()> {
    let json = ReportJson {
        version: GAS_REPORT_JSON_VERSION,
        methods: report.rows.iter().map(RowJson::of).collect(),
    };
    serde_json::to_writer_pretty(&mut *w, &json)?;
    w.write_all(b"\n")
}
