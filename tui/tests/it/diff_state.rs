//! `nearviz diff` on state changes and the ledger, with the real-neard recordings of
//! `fixtures/reference/state/`: each against itself and against its own saved trace JSON is
//! `equal`; a trace JSON edited in one place (a stored value, a balance, a ledger part, a
//! change removed) differs there, and only there.

use crate::model_common::{state, STATE_CALLS};
use crate::support::cli::{self, nearviz, text};
use nearviz::diff::{self, Tolerance};
use nearviz::model::{Cause, Dag, StateChange};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf8 path")
}

/// `nearviz inspect <state recording> --format json`, parsed.
fn trace_json(name: &str, dir: &Path) -> Value {
    let out = nearviz(&["inspect", path_str(&state(name)), "--format", "json"], dir);
    assert_eq!(out.status.code(), Some(0), "inspect {name}: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("trace JSON")
}

fn save(json: &Value, dir: &Path, file: &str) -> PathBuf {
    let path = dir.join(file);
    std::fs::write(&path, serde_json::to_vec_pretty(json).expect("json")).expect("write");
    path
}

fn assert_equal(out: &Output, what: &str) {
    assert_eq!(
        (out.status.code(), text(&out.stdout).as_str()),
        (Some(0), "equal\n"),
        "{what}: {}",
        text(&out.stderr)
    );
}

#[test]
fn every_state_recording_equals_itself_and_its_saved_trace() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in STATE_CALLS {
        let rec = state(name);
        assert_equal(&cli::diff(&rec, &rec, &[], dir.path()), name);
        // The saved trace reads back with its state: compared, and equal to its source.
        let trace = save(&trace_json(name, dir.path()), dir.path(), &format!("{name}.trace.json"));
        assert_equal(&cli::diff(&rec, &trace, &[], dir.path()), name);
        let out = cli::diff(&trace, &rec, &["--format", "json"], dir.path());
        let json: Value = serde_json::from_slice(&out.stdout).expect("diff JSON");
        let tx = &json["transactions"][0];
        assert_eq!(tx["state_compared"], true, "{name}");
        assert!(!tx["ledger"].as_array().expect("ledger").is_empty(), "{name}");
        let receipt_changes: usize = tx["receipts"]
            .as_array()
            .expect("receipts")
            .iter()
            .map(|r| r["state_changes"].as_array().expect("state_changes").len())
            .sum();
        assert!(receipt_changes > 0, "{name}: no receipt state changes compared");
    }
}

/// The first state change of a receipt that matches `pick`, as `(receipt index, change index)`.
fn find(tx: &Value, pick: impl Fn(&Value) -> bool) -> (usize, usize) {
    for (i, r) in tx["receipts"].as_array().expect("receipts").iter().enumerate() {
        for (j, c) in r["state_changes"].as_array().expect("state_changes").iter().enumerate() {
            if pick(c) {
                return (i, j);
            }
        }
    }
    panic!("no such state change")
}

#[test]
fn an_edited_stored_value_is_a_difference_naming_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "call_failing_with_rollback";
    let mut json = trace_json(name, dir.path());
    let tx = &mut json["transactions"][0];
    let (i, j) = find(tx, |c| c["kind"] == "data_update" && c["key"] == "\"STATE\"");
    let change = &mut tx["receipts"][i]["state_changes"][j];
    let step = format!("{} ", change["account"].as_str().expect("account"));
    change["value_base64"] = "ZWRpdGVk".into(); // "edited"
    let edited = save(&json, dir.path(), "edited.json");
    let out = cli::diff(&state(name), &edited, &["--gas-tolerance", "1%"], dir.path());
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let line = format!("Δ data_update {step}\"STATE\" by receipt_processing\n");
    assert!(stdout.contains(&line), "{stdout}");
    assert!(stdout.contains("      value  "), "{stdout}");
    assert!(stdout.contains("→ \"edited\"\n"), "{stdout}");
    assert!(stdout.ends_with("1 difference (gas tolerance 1%)\n"), "{stdout}");
    // In JSON: the pair, not equal, with the field.
    let out = cli::diff(&state(name), &edited, &["--format", "json"], dir.path());
    let report: Value = serde_json::from_slice(&out.stdout).expect("diff JSON");
    let pairs = report["transactions"][0]["receipts"][i]["state_changes"].as_array().cloned();
    let bad: Vec<Value> =
        pairs.expect("state_changes").into_iter().filter(|c| c["equal"] == false).collect();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0]["key"], "\"STATE\"");
    assert_eq!(bad[0]["changes"][0]["field"], "value");
    assert_eq!(bad[0]["changes"][0]["b"], "\"edited\"");
}

/// Moves an account update's `amount` so its delta (after - before) changes by `per_mille`‰.
fn shift_balance(change: &mut Value, per_mille: i128) {
    let amount: i128 = change["amount"].as_str().expect("amount").parse().expect("number");
    let before: i128 = change["amount_before"].as_str().expect("before").parse().expect("number");
    let delta = amount - before;
    assert_ne!(delta, 0);
    change["amount"] = (amount + delta.abs() * per_mille / 1000).to_string().into();
}

#[test]
fn a_balance_delta_counts_only_beyond_the_tolerance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "change_greeting";
    let json = trace_json(name, dir.path());
    let pick = |c: &Value| {
        c["kind"] == "account_update"
            && c["cause"] == "receipt_processing"
            && c["amount_before"].is_string()
            && c["amount"] != c["amount_before"]
    };
    let (i, j) = find(&json["transactions"][0], pick);
    for (per_mille, code) in [(5, 0), (-5, 0), (20, 1), (-20, 1)] {
        let mut edited = json.clone();
        shift_balance(&mut edited["transactions"][0]["receipts"][i]["state_changes"][j], per_mille);
        let file = save(&edited, dir.path(), "edited.json");
        let out = cli::diff(&state(name), &file, &["--gas-tolerance", "1%"], dir.path());
        assert_eq!(out.status.code(), Some(code), "{per_mille}‰: {}", text(&out.stdout));
        if code == 1 {
            let stdout = text(&out.stdout);
            assert!(stdout.contains("by receipt_processing\n"), "{stdout}");
            assert!(stdout.contains("balance change  "), "{stdout}");
            assert!(stdout.contains(&format!("{:+.3}%)", per_mille as f64 / 10.0)), "{stdout}");
        }
    }
    // Exact: any shift is a difference.
    let mut edited = json.clone();
    shift_balance(&mut edited["transactions"][0]["receipts"][i]["state_changes"][j], 1);
    let file = save(&edited, dir.path(), "edited.json");
    assert_eq!(cli::diff(&state(name), &file, &[], dir.path()).status.code(), Some(1));
}

#[test]
fn a_ledger_part_beyond_the_tolerance_names_the_account() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "forward_deposit";
    let mut json = trace_json(name, dir.path());
    let row = &mut json["transactions"][0]["ledger"][0];
    let account = row["account"].as_str().expect("account").to_string();
    let net: i128 = row["net"].as_str().expect("net").parse().expect("number");
    row["net"] = (net + net.abs() / 10).to_string().into();
    let file = save(&json, dir.path(), "edited.json");
    let out = cli::diff(&state(name), &file, &["--gas-tolerance", "1%"], dir.path());
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("    ledger {account}\n      net  ")), "{stdout}");
    assert!(stdout.contains("+10.000%)"), "{stdout}");
    // Removed row: missing from B.
    json["transactions"][0]["ledger"].as_array_mut().expect("ledger").remove(0);
    let file = save(&json, dir.path(), "edited.json");
    let out = cli::diff(&state(name), &file, &[], dir.path());
    assert!(text(&out.stdout).contains(&format!("  - ledger {account}  (only in A)")));
}

fn dag(name: &str) -> Dag {
    let recording = nearviz::fixture::load(&state(name)).expect("load");
    nearviz::model::Trace::from_events(recording.chain_events()).dag()
}

fn tree(a: &Dag, b: &Dag) -> String {
    let report = diff::diff(a, b, Tolerance::parse("1%").expect("tolerance"));
    let mut out = Vec::new();
    diff::text::write(&report, "a.json", "b.json", &mut out).expect("write");
    String::from_utf8(out).expect("utf8")
}

/// The receipt calling `method`.
fn receipt_changes<'a>(d: &'a mut Dag, method: &str) -> &'a mut Vec<StateChange> {
    &mut d.transactions[0]
        .receipts
        .iter_mut()
        .find(|r| r.actions.first().and_then(|a| a.method.as_deref()) == Some(method))
        .unwrap_or_else(|| panic!("no receipt calls {method}"))
        .state_changes
}

#[test]
fn missing_and_extra_changes_are_marked() {
    let a = dag("call_failing_with_rollback");
    let mut b = a.clone();
    let changes = receipt_changes(&mut b, "call_failing_with_rollback");
    let gone = changes.remove(0);
    changes.push(StateChange { cause: Cause::PostponedReceipt, ..gone.clone() });
    let report = tree(&a, &b);
    let what = format!("{} {}", gone.kind, gone.account);
    assert!(report.contains(&format!("- Δ {what}")), "{report}");
    assert!(report.contains(&format!("+ Δ {what}")), "{report}");
    assert!(report.contains(" by receipt_processing  (only in A)\n"), "{report}");
    assert!(report.contains(" by postponed_receipt  (only in B)\n"), "{report}");
    insta::assert_snapshot!("diff_state_missing_extra", report);
}

#[test]
fn reverted_changes_count_only_when_both_runs_have_them() {
    let a = dag("call_failing_with_rollback");
    let mut b = a.clone();
    let written = receipt_changes(&mut b, "call_failing_with_rollback")
        .iter()
        .find(|c| c.is_data())
        .expect("a data change")
        .clone();
    let fail = b.transactions[0]
        .receipts
        .iter_mut()
        .find(|r| r.actions.first().and_then(|a| a.method.as_deref()) == Some("fail"))
        .expect("fail");
    fail.reverted_changes.push(written.clone());
    // A (like a node's recording) has none: not a difference.
    assert_eq!(tree(&a, &b), "equal\n");
    // Both have some, and they differ: a difference, marked ↺.
    let mut a2 = b.clone();
    let fail_a = a2.transactions[0]
        .receipts
        .iter_mut()
        .find(|r| r.actions.first().and_then(|a| a.method.as_deref()) == Some("fail"))
        .expect("fail");
    fail_a.reverted_changes.push(written);
    let report = tree(&a2, &b);
    assert!(report.contains("- ↺ data_update"), "{report}");
    assert!(report.ends_with("1 difference (gas tolerance 1%)\n"), "{report}");
}

#[test]
fn runs_without_state_are_not_compared_on_state() {
    let a = dag("change_greeting");
    let mut b = a.clone();
    for r in &mut b.transactions[0].receipts {
        r.state_changes.clear();
    }
    b.transactions[0].state_changes.clear();
    b.transactions[0].ledger = Default::default();
    assert_eq!(tree(&a, &b), "equal\n");
    let report = diff::diff(&a, &b, Tolerance::EXACT);
    assert!(!report.transactions[0].state_compared);
}

#[test]
fn a_broken_state_change_in_a_trace_is_one_line_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "change_greeting";
    let json = trace_json(name, dir.path());
    let (i, j) = find(&json["transactions"][0], |c| c["kind"] == "data_update");
    for (field, value, says) in [
        ("kind", "bogus", "unknown state change kind `bogus`"),
        ("key_base64", "%%%", "is not base64"),
        ("cause", "later", "unknown state change cause `later`"),
    ] {
        let mut edited = json.clone();
        edited["transactions"][0]["receipts"][i]["state_changes"][j][field] = value.into();
        let file = save(&edited, dir.path(), "broken.json");
        let out = cli::diff(&state(name), &file, &[], dir.path());
        assert_eq!(out.status.code(), Some(2), "{field}: {}", text(&out.stdout));
        assert_eq!(text(&out.stdout), "");
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("broken.json") && stderr.contains(says), "{stderr}");
    }
}
