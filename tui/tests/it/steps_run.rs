//! Sequence calls end to end: the real `nearviz run` binary on the embedded runtime sends each
//! step of `race_unsafe` / `race_safe` at its block offset, follows every transaction to FINAL
//! and reports the callback-window race in `--format json` (`window_overlaps`) and
//! `--format tree` (the `⚠` line).
//!
//! Each race deposits first (its step #1), so it runs alone, in any order and again and again;
//! every outcome is the one the scenario declares, so `run` exits 0.

use crate::support::cli::text;
use serde_json::Value;
use std::process::{Command, Output};

const ONE_NEAR: u128 = 1_000_000_000_000_000_000_000_000;
const XCC: &str = "xcc.test.near";

fn nearviz(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    Command::new(env!("CARGO_BIN_EXE_nearviz"))
        .args(args)
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env_remove("NEAR_SANDBOX_BIN_PATH")
        .output()
        .expect("run nearviz")
}

/// `nearviz run --call RACE [--call RACE...] --engine embedded --format FORMAT`.
fn run_races(races: &[&str], format: &str) -> Output {
    let mut args = vec!["run"];
    for race in races {
        args.extend(["--call", race]);
    }
    args.extend(["--engine", "embedded", "--format", format]);
    let out = nearviz(&args);
    // The second withdraw fails by design, and the scenario says so: exit 0.
    assert_eq!(out.status.code(), Some(0), "{races:?}: {}", text(&out.stderr));
    out
}

fn run_race(race: &str, format: &str) -> Output {
    run_races(&[race], format)
}

fn race_json(race: &str) -> Value {
    let out = run_race(race, "json");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|err| panic!("{race}: not JSON ({err}): {}", text(&out.stderr)))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no string {key} in {v}"))
}

/// The receipt of `tx` running `method` on xcc.
fn receipt<'a>(tx: &'a Value, method: &str) -> &'a Value {
    tx["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .find(|r| {
            r["receiver"] == XCC
                && r["actions"].as_array().is_some_and(|a| a.iter().any(|a| a["method"] == method))
        })
        .unwrap_or_else(|| panic!("no xcc.{method} in {}", tx["label"]))
}

fn block(receipt: &Value) -> u64 {
    receipt["block_height"].as_u64().expect("the receipt ran")
}

/// Successful Transfers from xcc to alice: the payouts, in yoctoNEAR.
fn payouts(tx: &Value) -> Vec<u128> {
    tx["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .filter(|r| {
            r["is_refund"] == false
                && r["predecessor"] == XCC
                && r["receiver"] == "alice.test.near"
                && r["status"] == "success"
        })
        .flat_map(|r| r["actions"].as_array().cloned().unwrap_or_default())
        .filter(|a| a["kind"] == "Transfer")
        .map(|a| str_of(&a, "deposit").parse::<u128>().expect("yoctoNEAR"))
        .collect()
}

/// xcc's account amounts over `txs` from their state changes (receipts and transaction), by
/// block: (the amount before the first change, the amount after the last one). None when the
/// engine reported no account change of xcc.
fn xcc_amounts(txs: &[&Value]) -> Option<(u128, u128)> {
    let mut changes: Vec<&Value> = Vec::new();
    for tx in txs {
        let own = tx["state_changes"].as_array().into_iter().flatten();
        let receipts = tx["receipts"].as_array().into_iter().flatten();
        let in_receipts =
            receipts.flat_map(|r| r["state_changes"].as_array().into_iter().flatten());
        changes.extend(
            own.chain(in_receipts).filter(|c| c["kind"] == "account_update" && c["account"] == XCC),
        );
    }
    changes.sort_by_key(|c| c["block_height"].as_u64());
    let amount = |v: &Value| v.as_str().and_then(|s| s.parse::<u128>().ok());
    let first = amount(&changes.first()?["amount_before"])?;
    let last = amount(&changes.last()?["amount"])?;
    Some((first, last))
}

fn labels(json: &Value) -> Vec<String> {
    json["transactions"]
        .as_array()
        .expect("transactions")
        .iter()
        .map(|t| t["label"].as_str().unwrap_or("?").to_owned())
        .collect()
}

#[test]
fn race_unsafe_pays_twice_inside_the_callback_window() {
    let json = race_json("race_unsafe");
    assert_eq!(labels(&json), ["race_unsafe#1", "race_unsafe#2", "race_unsafe#3"]);
    let txs = json["transactions"].as_array().expect("transactions");
    for tx in txs {
        assert_eq!(tx["progress"]["status"], "FINAL", "{}", tx["label"]);
    }
    let (first, second) = (&txs[1], &txs[2]);
    assert_eq!(
        second["block_height"].as_u64(),
        first["block_height"].as_u64().map(|b| b + 1),
        "step 2 is included exactly one block after step 1"
    );
    let withdraw = receipt(first, "withdraw_unsafe");
    let callback = receipt(first, "withdraw_unsafe_callback");
    let intruder = receipt(second, "withdraw_unsafe");
    assert!(
        block(receipt(&txs[0], "deposit")) < block(withdraw),
        "the deposit ran before the first withdraw"
    );
    assert!(
        block(withdraw) < block(intruder) && block(intruder) < block(callback),
        "#{} < #{} < #{}",
        block(withdraw),
        block(intruder),
        block(callback)
    );
    assert_eq!(
        first["window_overlaps"],
        serde_json::json!([{
            "receipt": withdraw["id"],
            "callback": callback["id"],
            "account": XCC,
            "other_tx": second["hash"],
            "other_receipt": intruder["id"],
            "block": block(intruder),
        }])
    );
    assert_eq!(txs[0]["window_overlaps"], serde_json::json!([]), "a deposit opens no window");

    // Paid twice for one deposit; the second callback notices too late.
    assert_eq!(payouts(first), [ONE_NEAR]);
    assert_eq!(payouts(second), [ONE_NEAR]);
    let late = receipt(second, "withdraw_unsafe_callback");
    assert_eq!(late["status"], "failure");
    assert!(
        str_of(&late["error"], "message").contains("cannot cover the 1 NEAR already paid out"),
        "{}",
        late["error"]
    );
    let deposited: u128 =
        str_of(&txs[0]["actions"][0], "deposit").parse().expect("the deposit's amount");
    assert_eq!(deposited, ONE_NEAR);
    assert!(payouts(first)[0] + payouts(second)[0] > deposited);
    // xcc's own account, when the engine reports state changes: it fell by the two payouts,
    // less the gas rewards it earned (30% of its function-call gas, far below 0.01 NEAR).
    if let Some((before, after)) = xcc_amounts(&[first, second]) {
        let fell = before.saturating_sub(after);
        assert!(fell > deposited, "xcc fell by {fell}, deposited {deposited}");
        assert!(fell <= 2 * ONE_NEAR && fell > 2 * ONE_NEAR - ONE_NEAR / 100, "fell by {fell}");
    }
}

#[test]
fn race_safe_refuses_the_second_withdraw_inside_the_window() {
    let json = race_json("race_safe");
    assert_eq!(labels(&json), ["race_safe#1", "race_safe#2", "race_safe#3"]);
    let txs = json["transactions"].as_array().expect("transactions");
    let (first, second) = (&txs[1], &txs[2]);
    assert_eq!(second["block_height"].as_u64(), first["block_height"].as_u64().map(|b| b + 1));
    let withdraw = receipt(first, "withdraw_safe");
    let callback = receipt(first, "withdraw_safe_callback");
    let intruder = receipt(second, "withdraw_safe");
    assert!(block(receipt(&txs[0], "deposit")) < block(withdraw));
    assert!(block(withdraw) < block(intruder) && block(intruder) < block(callback));
    assert_eq!(intruder["status"], "failure");
    assert_eq!(
        str_of(&intruder["error"], "message"),
        "Smart contract panicked: xcc: alice.test.near has 0 yoctoNEAR, cannot withdraw 1 NEAR"
    );
    assert_eq!(second["status"], "failure");
    assert_eq!(payouts(first), [ONE_NEAR]);
    assert!(payouts(second).is_empty(), "one payout");
    let overlaps = first["window_overlaps"].as_array().expect("window_overlaps");
    assert_eq!(overlaps.len(), 1);
    assert_eq!(overlaps[0]["other_receipt"], intruder["id"]);
    assert_eq!(overlaps[0]["other_tx"], second["hash"]);
    assert_eq!(second["window_overlaps"], serde_json::json!([]), "a failed check opens no window");
    if let Some((before, after)) = xcc_amounts(&[first, second]) {
        let fell = before.saturating_sub(after);
        assert!(fell <= ONE_NEAR && fell > ONE_NEAR - ONE_NEAR / 100, "fell by {fell}");
    }
}

#[test]
fn tree_output_warns_about_the_window() {
    let out = run_race("race_unsafe", "tree");
    let tree = text(&out.stdout);
    let warnings: Vec<&str> = tree.lines().filter(|l| l.contains('⚠')).collect();
    // Both withdraws saw the other inside their window.
    assert_eq!(warnings.len(), 2, "{tree}");
    assert!(
        warnings[0].trim_start().starts_with(
            "⚠ 1 other call on xcc.test.near ran between withdraw_unsafe and its callback (tx "
        ),
        "{}",
        warnings[0]
    );
    let progress = text(&out.stderr);
    assert!(progress.contains("→ race_unsafe"), "{progress}");
}

/// Every transaction of `json` labelled `RACE#k`, with the count of payouts to alice of each.
fn payouts_by_step(json: &Value) -> Vec<(String, usize)> {
    json["transactions"]
        .as_array()
        .expect("transactions")
        .iter()
        .map(|tx| (str_of(tx, "label").to_owned(), payouts(tx).len()))
        .collect()
}

#[test]
fn races_pressed_twice_in_any_order_tell_the_same_story() {
    let out =
        run_races(&["race_safe", "race_unsafe", "race_unsafe", "race_safe", "race_safe"], "json");
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let unsafe_race = [("race_unsafe#1", 0), ("race_unsafe#2", 1), ("race_unsafe#3", 1)];
    let safe_race = [("race_safe#1", 0), ("race_safe#2", 1), ("race_safe#3", 0)];
    let expected: Vec<(String, usize)> =
        [safe_race, unsafe_race, unsafe_race, safe_race, safe_race]
            .iter()
            .flatten()
            .map(|(label, paid)| ((*label).to_owned(), *paid))
            .collect();
    assert_eq!(payouts_by_step(&json), expected, "a double payout each unsafe race, one each safe");
    for tx in json["transactions"].as_array().expect("transactions") {
        let label = str_of(tx, "label");
        if label.starts_with("race_unsafe#3") {
            let late = receipt(tx, "withdraw_unsafe_callback");
            assert_eq!(late["status"], "failure", "{label}: the second callback panics");
        }
        if label.starts_with("race_safe#3") {
            assert_eq!(receipt(tx, "withdraw_safe")["status"], "failure", "its check fails");
        }
    }
}
