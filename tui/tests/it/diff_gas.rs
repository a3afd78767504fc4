//! `nearviz diff` on gas: profiles compared cost by cost (the cost that moved is named), and
//! `--gas-report` per method. Run A is a real-neard recording; run B is its trace JSON with
//! hello's batch writing 25% more value bytes (`STORAGE_WRITE_VALUE_BYTE`), burnt gas to match.

use crate::model_common::{inspect_json, state};
use nearviz::cli::DiffFormat;
use nearviz::commands::diff::{run_with, DiffArgs};
use serde_json::Value;
use std::path::Path;
use std::process::ExitCode;

const COST: &str = "STORAGE_WRITE_VALUE_BYTE";

/// Writes run B: the batch receipt's `COST` up by 25% (and its gas burnt by as much).
fn slower_batch(dir: &Path) -> std::path::PathBuf {
    let mut trace = inspect_json(&state("batch_actions"));
    let receipts = trace["transactions"][0]["receipts"].as_array_mut().expect("receipts");
    let batch = receipts
        .iter_mut()
        .find(|r| r["actions"].as_array().is_some_and(|a| a.len() == 4))
        .expect("the batch receipt");
    let cost = batch["gas_profile"]
        .as_array_mut()
        .expect("a profile")
        .iter_mut()
        .find(|c| c["cost"] == COST)
        .expect("the cost");
    let before = cost["gas_used"].as_u64().expect("gas");
    assert_eq!(before, 403_241_007, "the recording's value");
    let after = before / 4 * 5 + (before % 4) * 5 / 4;
    cost["gas_used"] = Value::from(after);
    let burnt = batch["gas_burnt"].as_u64().expect("gas") + (after - before);
    batch["gas_burnt"] = Value::from(burnt);
    let path = dir.join("b.json");
    std::fs::write(&path, serde_json::to_string(&trace).expect("json")).expect("write");
    path
}

fn diff(b: &Path, format: DiffFormat, tolerance: &str, gas_report: bool) -> (ExitCode, String) {
    let a = state("batch_actions");
    let args = DiffArgs { a: &a, b, format, gas_tolerance: tolerance, txs: &[], gas_report };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with(&args, &mut out, &mut err).expect("diff runs");
    assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
    (code, String::from_utf8(out).expect("utf8"))
}

#[test]
fn diff_names_the_cost_that_moved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = slower_batch(dir.path());
    let (code, text) = diff(&b, DiffFormat::Tree, "1%", false);
    assert_ne!(code, ExitCode::SUCCESS, "{text}");
    // Gas burnt moved by 0.002%: within 1%, not shown; the cost moved by 25%.
    assert!(
        text.contains(&format!(
            "{COST}  403241007 gas → 504051258 gas  (+100810251 gas, +25.000%)"
        )),
        "{text}"
    );
    assert!(!text.contains("  gas burnt"), "{text}");
    assert!(text.ends_with("1 difference (gas tolerance 1%)\n"), "{text}");

    let (_, json) = diff(&b, DiffFormat::Json, "1%", false);
    let json: Value = serde_json::from_str(&json).expect("json");
    let changes: Vec<&Value> = json["transactions"][0]["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .flat_map(|r| r["changes"].as_array().expect("changes"))
        .filter(|c| c["within_tolerance"] == false)
        .collect();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["field"], COST);
    assert_eq!(changes[0]["delta"], 100_810_251);

    // The same run against itself: equal, profiles included.
    let (code, text) = diff(&state("batch_actions"), DiffFormat::Tree, "0", false);
    assert_eq!((code, text.as_str()), (ExitCode::SUCCESS, "equal\n"));
}

#[test]
fn gas_report_diff_shows_the_method_that_moved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = slower_batch(dir.path());
    let batch = "~ hello.test.near.set_greeting+get_greeting+set_greeting+get_greeting";
    let (code, text) = diff(&b, DiffFormat::Tree, "0", true);
    assert_ne!(code, ExitCode::SUCCESS, "{text}");
    let line = text.lines().find(|l| l.starts_with(batch)).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("1 → 1") && line.ends_with("+0.00%"), "{line}");
    assert!(text.lines().any(|l| l.starts_with("  xcc.test.near.batch_actions ")), "{text}");
    assert!(text.ends_with("1 method differs (gas tolerance 0)\n"), "{text}");

    // Within 1%: equal.
    let (code, text) = diff(&b, DiffFormat::Tree, "1%", true);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    assert!(text.ends_with("equal (gas tolerance 1%)\n"), "{text}");

    let (_, json) = diff(&b, DiffFormat::Json, "0", true);
    let json: Value = serde_json::from_str(&json).expect("json");
    let moved: Vec<&Value> = json["methods"]
        .as_array()
        .expect("methods")
        .iter()
        .filter(|m| m["equal"] == false)
        .collect();
    assert_eq!(moved.len(), 1, "{json}");
    assert_eq!(moved[0]["median_delta"], 100_810_251);
    assert_eq!(moved[0]["presence"], "both");
}
