//! `nearviz diff` as users call it: the real binary, its exit codes (0 equal, 1 different,
//! 2 bad input), `equal` alone on stdout, `--format json`, and the fidelity check of issue 11:
//! each real-neard reference capture against an embedded run of the same call.

use crate::model_common::capture;
use crate::support::cli::{diff, nearviz, text};
use std::path::Path;
use std::process::Output;

#[test]
fn equal_runs_print_equal_and_exit_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = capture("query_greeting");
    let out = diff(&q, &q, &[], dir.path());
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "equal\n");
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn different_runs_exit_1_with_a_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = diff(&capture("query_greeting"), &capture("call_failing"), &[], dir.path());
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("- tx query_greeting"), "{stdout}");
    assert!(stdout.contains("+ tx call_failing"), "{stdout}");
    assert!(stdout.ends_with("2 differences (gas tolerance 0)\n"), "{stdout}");
}

#[test]
fn json_format_lists_every_pair() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = diff(
        &capture("query_greeting"),
        &capture("call_failing"),
        &["--format", "json", "--gas-tolerance", "1%"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["equal"], false);
    assert_eq!(json["gas_tolerance"], "1%");
    let txs = json["transactions"].as_array().expect("transactions");
    assert_eq!(txs.len(), 2);
    assert_eq!(txs[0]["presence"], "only_a");
    assert_eq!(txs[0]["receipts"].as_array().expect("receipts").len(), 6);
    // Equal runs in JSON: `equal: true`, exit 0.
    let q = capture("query_greeting");
    let out = diff(&q, &q, &["--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["equal"], true);
}

/// Exit 2, nothing on stdout, one line on stderr that says what is wrong.
fn assert_bad_input(out: &Output, says: &str) {
    assert_eq!(out.status.code(), Some(2), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(says), "expected `{says}` in: {stderr}");
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = capture("query_greeting");
    let missing = dir.path().join("missing.json");
    assert_bad_input(&diff(&q, &missing, &[], dir.path()), "cannot read");
    let not_json = dir.path().join("notes.txt");
    std::fs::write(&not_json, "hello\n").expect("write");
    assert_bad_input(&diff(&not_json, &q, &[], dir.path()), "notes.txt");
    for bad in ["5", "x%", "-1%", "0.0000001%"] {
        let out = diff(&q, &q, &["--gas-tolerance", bad], dir.path());
        assert_bad_input(&out, "--gas-tolerance");
    }
    assert_bad_input(&diff(&q, &q, &["--tx", "nope"], dir.path()), "--tx nope");
    // The accepted forms.
    for good in ["1%", "0.5%", "0"] {
        let out = diff(&q, &q, &["--gas-tolerance", good], dir.path());
        assert_eq!(out.status.code(), Some(0), "{good}: {}", text(&out.stderr));
    }
}

/// The differences `--format json` reports for one capture, as `(path, field, a, b)`.
fn changes(json: &serde_json::Value) -> Vec<(String, String, String, String)> {
    let mut all = Vec::new();
    for tx in json["transactions"].as_array().expect("transactions") {
        for r in tx["receipts"].as_array().expect("receipts") {
            for c in r["changes"].as_array().expect("changes") {
                if c["within_tolerance"] == true {
                    continue;
                }
                let step = r["path"].as_array().and_then(|p| p.last()).expect("path");
                all.push((
                    step.as_str().expect("step").to_string(),
                    c["field"].as_str().expect("field").to_string(),
                    c["a"].to_string(),
                    c["b"].to_string(),
                ));
            }
        }
        assert_eq!(tx["presence"], "both", "{tx}");
    }
    all
}

/// Issue 11's done criterion: every reference capture against an embedded run of the same call
/// (the reference scenario, calls in recorded order) is `equal` within 0.2% — except `weights`,
/// whose `burn` returns a value mixed with the block height, which a new chain cannot repeat.
#[test]
fn reference_captures_equal_an_embedded_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reference/scenario.toml");
    let record = dir.path().join("run.json");
    let run = nearviz(
        &[
            "run",
            scenario.to_str().expect("utf8"),
            "--all",
            "--engine",
            "embedded",
            "--record",
            record.to_str().expect("utf8"),
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(run.status.code(), Some(0), "nearviz run: {}", text(&run.stderr));
    for name in
        ["query_greeting", "call_failing", "batch_actions", "multiple_contracts", "forward_deposit"]
    {
        let out =
            diff(&capture(name), &record, &["--tx", name, "--gas-tolerance", "0.2%"], dir.path());
        assert_eq!(
            (out.status.code(), text(&out.stdout).as_str()),
            (Some(0), "equal\n"),
            "{name}: {}",
            text(&out.stderr)
        );
    }
    // 0.2% is what it takes: other.increment touches one trie node less (-0.195%).
    let out = diff(
        &capture("multiple_contracts"),
        &record,
        &["--tx", "multiple_contracts", "--gas-tolerance", "0.19%", "--format", "json"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let fields: Vec<String> =
        changes(&json).into_iter().map(|c| format!("{} {}", c.0, c.1)).collect();
    assert!(fields.iter().all(|f| f.contains("increment")), "{fields:?}");
    assert!(fields.iter().any(|f| f.ends_with("increment gas burnt")), "{fields:?}");

    let out = diff(
        &capture("weights"),
        &record,
        &["--tx", "weights", "--gas-tolerance", "0.2%", "--format", "json"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let found = changes(&json);
    assert_eq!(found.len(), 2, "{found:?}");
    for (step, field, a, _) in &found {
        assert!(step.ends_with(" burn"), "{step}");
        assert_eq!((field.as_str(), a.as_str()), ("result", "1830735313269128076"));
    }
}

#[test]
fn a_saved_trace_json_compares_like_its_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["multiple_contracts", "batch_actions"] {
        let inspect = nearviz(
            &["inspect", capture(name).to_str().expect("utf8"), "--format", "json"],
            dir.path(),
        );
        assert_eq!(inspect.status.code(), Some(0));
        let trace = dir.path().join(format!("{name}.trace.json"));
        std::fs::write(&trace, &inspect.stdout).expect("write");
        let out = diff(&capture(name), &trace, &[], dir.path());
        assert_eq!(
            (out.status.code(), text(&out.stdout).as_str()),
            (Some(0), "equal\n"),
            "{name}: {}",
            text(&out.stderr)
        );
    }
    let other = dir.path().join("batch_actions.trace.json");
    let out = diff(&capture("multiple_contracts"), &other, &[], dir.path());
    assert_eq!(out.status.code(), Some(1));
    // A trace JSON that is broken: exit 2, one line naming the file.
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"version": 1, "transactions": [{"hash": "x"}]}"#).expect("write");
    assert_bad_input(&diff(&broken, &other, &[], dir.path()), "broken.json");
}
