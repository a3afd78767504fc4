//! `nearviz diff --gas-report A B`: the per-method change between two runs' gas reports
//! (`model::GasReport`), the regressions a CI job wants to catch. Pure, plus its two renderings.
//!
//! ```text
//! --- A  baseline.json
//! +++ B  new.json
//! method                          calls   median A   median B  change
//! hello.test.near.get_greeting    2 → 2  1.07 Tgas  1.09 Tgas  +1.87%
//! + xcc.test.near.deposit         – → 1          –  2.10 Tgas  (only in B)
//! 1 method differs (gas tolerance 1%)
//! ```
//! A method differs when only one run calls it, or its min, median or max moved beyond the
//! gas tolerance. JSON: `{"version", "equal", "gas_tolerance", "methods": [{"method",
//! "presence", "a": Row | null, "b": Row | null, "median_delta", "median_percent", "equal"}]}`.

use super::tolerance::{percent, Tolerance};
use super::Presence;
use crate::model::{GasReport, GasRow};
use crate::output::gas_report::{method_width, RowJson};
use crate::output::text::tgas;
use serde::Serialize;
use std::io::{self, Write};

pub const GAS_DIFF_JSON_VERSION: u32 = 1;

/// One method of either run.
#[derive(Clone, Debug)]
pub struct MethodDiff {
    pub method: String,
    pub a: Option<GasRow>,
    pub b: Option<GasRow>,
    pub equal: bool,
}

impl MethodDiff {
    pub fn presence(&self) -> Presence {
        match (&self.a, &self.b) {
            (Some(_), None) => Presence::OnlyA,
            (None, Some(_)) => Presence::OnlyB,
            _ => Presence::Both,
        }
    }

    /// `(B - A)` of the medians in gas and percent, when both runs call the method.
    pub fn median_change(&self) -> Option<(i128, Option<f64>)> {
        let (a, b) = (self.a.as_ref()?, self.b.as_ref()?);
        let (x, y) = (i128::from(a.median.as_gas()), i128::from(b.median.as_gas()));
        Some((y - x, percent(x, y)))
    }
}

/// Every method of either run, sorted by name.
#[derive(Clone, Debug)]
pub struct GasDiff {
    pub tolerance: Tolerance,
    pub methods: Vec<MethodDiff>,
}

impl GasDiff {
    pub fn is_equal(&self) -> bool {
        self.methods.iter().all(|m| m.equal)
    }
}

/// Compares run A's gas report (the baseline) with run B's.
pub fn diff(a: &GasReport, b: &GasReport, tolerance: Tolerance) -> GasDiff {
    let mut names: Vec<&str> = a.rows.iter().chain(&b.rows).map(|r| r.method.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let methods = names
        .into_iter()
        .map(|name| {
            let (ra, rb) = (a.row(name).cloned(), b.row(name).cloned());
            let equal = match (&ra, &rb) {
                (Some(x), Some(y)) => [(x.min, y.min), (x.median, y.median), (x.max, y.max)]
                    .iter()
                    .all(|(p, q)| tolerance.allows(p.as_gas().into(), q.as_gas().into())),
                _ => false,
            };
            MethodDiff { method: name.to_string(), a: ra, b: rb, equal }
        })
        .collect();
    GasDiff { tolerance, methods }
}

/// The table of every method (equal ones too: the report is short), then the verdict.
pub fn write_text(d: &GasDiff, a_name: &str, b_name: &str, w: &mut impl Write) -> io::Result<()> {
    writeln!(w, "--- A  {a_name}")?;
    writeln!(w, "+++ B  {b_name}")?;
    let width = method_width(d.methods.iter().map(|m| m.method.as_str())) + 2;
    writeln!(
        w,
        "{:<width$} {:>9} {:>11} {:>11}  change",
        "method", "calls", "median A", "median B"
    )?;
    for m in &d.methods {
        let mark = match (m.presence(), m.equal) {
            (Presence::OnlyA, _) => "- ",
            (Presence::OnlyB, _) => "+ ",
            (Presence::Both, false) => "~ ",
            (Presence::Both, true) => "  ",
        };
        let calls =
            |r: &Option<GasRow>| r.as_ref().map_or("–".to_string(), |r| r.calls.to_string());
        let median = |r: &Option<GasRow>| r.as_ref().map_or("–".to_string(), |r| tgas(r.median));
        let change = match (m.presence(), m.median_change()) {
            (Presence::OnlyA, _) => "(only in A)".to_string(),
            (Presence::OnlyB, _) => "(only in B)".to_string(),
            (_, Some((_, Some(p)))) => format!("{p:+.2}%"),
            _ => "new".to_string(),
        };
        writeln!(
            w,
            "{:<width$} {:>9} {:>11} {:>11}  {change}",
            format!("{mark}{}", m.method),
            format!("{} → {}", calls(&m.a), calls(&m.b)),
            median(&m.a),
            median(&m.b),
        )?;
    }
    let n = d.methods.iter().filter(|m| !m.equal).count();
    match n {
        0 => writeln!(w, "equal (gas tolerance {})", d.tolerance),
        1 => writeln!(w, "1 method differs (gas tolerance {})", d.tolerance),
        n => writeln!(w, "{n} methods differ (gas tolerance {})", d.tolerance),
    }
}

#[derive(Serialize)]
struct DiffJson<'a> {
    version: u32,
    equal: bool,
    gas_tolerance: String,
    methods: Vec<MethodJson<'a>>,
}

#[derive(Serialize)]
struct MethodJson<'a> {
    method: &'a str,
    presence: &'static str,
    a: Option<RowJson<'a>>,
    b: Option<RowJson<'a>>,
    median_delta: Option<i64>,
    median_percent: Option<f64>,
    equal: bool,
}

/// The comparison as pretty JSON and a final newline.
pub fn write_json(d: &GasDiff, w: &mut impl Write) -> io::Result<()> {
    let methods = d
        .methods
        .iter()
        .map(|m| {
            let change = m.median_change();
            MethodJson {
                method: &m.method,
                presence: m.presence().name(),
                a: m.a.as_ref().map(RowJson::of),
                b: m.b.as_ref().map(RowJson::of),
                median_delta: change.and_then(|(d, _)| i64::try_from(d).ok()),
                median_percent: change.and_then(|(_, p)| p),
                equal: m.equal,
            }
        })
        .collect();
    let json = DiffJson {
        version: GAS_DIFF_JSON_VERSION,
        equal: d.is_equal(),
        gas_tolerance: d.tolerance.to_string(),
        methods,
    };
    serde_json::to_writer_pretty(&mut *w, &json)?;
    w.write_all(b"\n")
}
