//! The flood scenario (`tui/scenarios/flood.toml`, issue 11 "chunk limits") end to end: the
//! real `nearviz run` binary on the embedded runtime sends sixteen 300 Tgas calls in one block;
//! a chunk holds about four, so the others are delayed to later blocks, in the order they were
//! sent, and the gas price (tokens burnt per gas) rises while the chunks are full.

use crate::support::cli::{nearviz, text};
use serde_json::Value;

fn flood_json() -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/flood.toml");
    let args = ["run", "--engine", "embedded", "--scenario", scenario, "--call", "flood"];
    let out = nearviz(&[&args[..], &["--format", "json"]].concat(), dir.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "nearviz run failed:\n{stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stderr}"))
}

fn u64_of(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("no {key} in {v}"))
}

/// The `burn` receipt of a flood transaction (the one that is not a refund).
fn burn_receipt(tx: &Value) -> &Value {
    tx["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .find(|r| r["is_refund"] == false)
        .unwrap_or_else(|| panic!("no burn receipt in {}", tx["label"]))
}

#[test]
fn a_flood_sent_in_one_block_runs_over_later_blocks_in_order() {
    let json = flood_json();
    let txs = json["transactions"].as_array().expect("transactions");
    assert_eq!(txs.len(), 16, "the sixteen steps of `flood`");
    let included: Vec<u64> = txs.iter().map(|tx| u64_of(tx, "block_height")).collect();
    assert!(included.iter().all(|h| *h == included[0]), "sent in one block: {included:?}");
    let ran: Vec<u64> = txs.iter().map(|tx| u64_of(burn_receipt(tx), "block_height")).collect();
    for (tx, receipt) in txs.iter().zip(&ran) {
        assert_eq!(tx["status"], "success", "{}", tx["label"]);
        assert!(*receipt > included[0], "{} runs after its block", tx["label"]);
    }
    // Not all at once: four per chunk, in the order sent (flood#1..#16).
    assert!(ran.windows(2).all(|w| w[0] <= w[1]), "first in, first out: {ran:?}");
    let first = included[0] + 1;
    let expected: Vec<u64> = (0..16).map(|i| first + i / 4).collect();
    assert_eq!(ran, expected, "four 300 Tgas calls per 1,000 Tgas chunk");
    // The price each block burnt at: tokens burnt / gas burnt of its burn receipts. It rises
    // once full chunks have moved the header price (one block later), never falls meanwhile.
    let prices: Vec<u128> = txs
        .iter()
        .map(|tx| {
            let r = burn_receipt(tx);
            let tokens: u128 = r["tokens_burnt"].as_str().expect("tokens").parse().expect("u128");
            tokens / u128::from(u64_of(r, "gas_burnt"))
        })
        .collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "the price never falls: {prices:?}");
    assert_eq!(prices[0], 100_000_000, "the first chunk burns at the minimum price");
    assert!(prices[15] > prices[0], "later chunks burn at a higher price: {prices:?}");
}
