//! Benchmarks (results in `tui/benches/README.md`):
//! - `dag/10k_receipts`: building the DAG of 10,000 receipts (one transaction: 3,333
//!   call + callback pairs with data edges and refunds) from a `Trace`. Target < 50 ms.
//! - `dag/100tx_x_100_receipts`: the same number of receipts over 100 transactions.
//! - `load/50mb_fixture`: parsing a ~50 MB nearviz fixture (growing polls of many
//!   transactions, block headers). Target < 1 s.
//!
//! Inputs are generated here, in the RPC's JSON shapes, and go through the real parser.

use criterion::{criterion_group, criterion_main, Criterion};
use near_primitives::hash::CryptoHash;
use nearviz::fixture::{self, Meta, Recorder, TimedEvent};
use nearviz::model::Trace;
use serde_json::{json, Value};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn id(seed: &str, i: usize) -> String {
    CryptoHash::hash_bytes(format!("{seed}-{i}").as_bytes()).to_string()
}

const SIGNER: &str = "alice.test.near";
const CALLER: &str = "caller.test.near";
const CALLEE: &str = "hello.test.near";
const KEY: &str = "ed25519:9chD2T4JvYycAQaVhzN1CCdsVcdJfdLKLZfEqCohWvNX";
const SIG: &str = "ed25519:QDp1TvM3bLFkQWaSkk2vbVk6A8SuSgug8qcP26moS9UEVBciqYMUhWeCUhtmjJJmFvckcnKQpfrz7VDXY45ptMc";

fn outcome(id: &str, block: &str, executor: &str, children: Vec<String>, status: Value) -> Value {
    json!({
        "block_hash": block, "id": id, "proof": [],
        "outcome": {
            "executor_id": executor, "gas_burnt": 2_740_827_516_066u64, "logs": ["did a thing"],
            "receipt_ids": children, "status": status, "tokens_burnt": "274082751606600000000",
            "metadata": { "gas_profile": [], "version": 3 },
        },
    })
}

fn receipt(
    id: &str,
    from: &str,
    to: &str,
    method: &str,
    inputs: Vec<String>,
    outputs: Vec<String>,
) -> Value {
    json!({
        "predecessor_id": from, "receiver_id": to, "receipt_id": id, "priority": 0,
        "receipt": { "Action": {
            "actions": [{ "FunctionCall": { "args": "eyJncmVldGluZyI6ImhpIn0=", "deposit": "0",
                "gas": 10_000_000_000_000u64, "method_name": method } }],
            "gas_price": "1000000000", "input_data_ids": inputs, "is_promise_yield": false,
            "output_data_receivers": outputs.iter().map(|d| json!({"data_id": d, "receiver_id": to})).collect::<Vec<_>>(),
            "signer_id": SIGNER, "signer_public_key": KEY,
        }},
    })
}

/// An EXPERIMENTAL_tx_status result of a transaction whose first receipt fans out into
/// `pairs` call + callback pairs; only the first `executed` pairs have run.
fn tx_result(seed: &str, pairs: usize, executed: usize, blocks: &[String]) -> Value {
    let tx = id(seed, usize::MAX);
    let root = id(seed, 0);
    let mut children = Vec::new();
    let mut outcomes = Vec::new();
    let mut receipts = Vec::new();
    for p in 0..pairs {
        let (call, cb, refund, data) =
            (id(seed, 4 * p + 1), id(seed, 4 * p + 2), id(seed, 4 * p + 3), id(seed, 4 * p + 4));
        children.push(call.clone());
        children.push(cb.clone());
        if p < executed {
            outcomes.push(outcome(
                &call,
                &blocks[2],
                CALLEE,
                vec![refund.clone()],
                json!({"SuccessValue": "ImhpIg=="}),
            ));
            receipts.push(receipt(
                &call,
                CALLER,
                CALLEE,
                "get_greeting",
                vec![],
                vec![data.clone()],
            ));
            outcomes.push(outcome(
                &cb,
                &blocks[3],
                CALLER,
                vec![],
                json!({"SuccessValue": "ImhpIg=="}),
            ));
            receipts.push(receipt(&cb, CALLER, CALLER, "on_greeting", vec![data], vec![]));
            outcomes.push(outcome(
                &refund,
                &blocks[3],
                SIGNER,
                vec![],
                json!({"SuccessValue": ""}),
            ));
            receipts.push(json!({
                "predecessor_id": "system", "receiver_id": SIGNER, "receipt_id": refund, "priority": 0,
                "receipt": { "Action": { "actions": [{ "Transfer": { "deposit": "1000" } }],
                    "gas_price": "0", "input_data_ids": [], "is_promise_yield": false,
                    "output_data_receivers": [], "signer_id": SIGNER, "signer_public_key": KEY } },
            }));
        }
    }
    outcomes.insert(
        0,
        outcome(&root, &blocks[1], CALLER, children, json!({"SuccessReceiptId": id(seed, 2)})),
    );
    receipts.insert(0, receipt(&root, SIGNER, CALLER, "fan_out", vec![], vec![]));
    json!({
        "final_execution_status": if executed == pairs { "FINAL" } else { "INCLUDED" },
        "status": if executed == pairs { json!({"SuccessValue": "ImhpIg=="}) } else { json!("Started") },
        "transaction": {
            "actions": [{ "FunctionCall": { "args": "e30=", "deposit": "0", "gas": 300_000_000_000_000u64, "method_name": "fan_out" } }],
            "hash": tx, "nonce": 1, "priority_fee": 0, "public_key": KEY, "receiver_id": CALLER,
            "signature": SIG, "signer_id": SIGNER,
        },
        "transaction_outcome": outcome(&tx, &blocks[0], SIGNER, vec![root], json!({"SuccessReceiptId": id(seed, 0)})),
        "receipts_outcome": outcomes,
        "receipts": receipts,
    })
}

fn header(height: u64, hash: &str) -> Value {
    let mut h =
        serde_json::to_value(near_primitives::views::BlockHeaderView::default()).expect("header");
    h["height"] = json!(height);
    h["hash"] = json!(hash);
    h["gas_price"] = json!("100000000");
    h
}

fn block_ids(seed: &str) -> Vec<String> {
    (0..4).map(|b| id(&format!("{seed}-block"), b)).collect()
}

/// A capture-shaped file: the final response and the block responses.
fn capture_text(seed: &str, pairs: usize) -> String {
    let blocks = block_ids(seed);
    let mut text =
        json!({ "jsonrpc": "2.0", "id": 1, "result": tx_result(seed, pairs, pairs, &blocks) })
            .to_string();
    for (i, b) in blocks.iter().enumerate() {
        text.push_str(&json!({ "result": { "header": header(100 + i as u64, b) } }).to_string());
    }
    text
}

fn trace_of(text: &str) -> Trace {
    let rec =
        fixture::parse(text.as_bytes(), Path::new("bench.json")).expect("generated input parses");
    Trace::from_events(rec.chain_events())
}

fn dag_benches(c: &mut Criterion) {
    let one = trace_of(&capture_text("one", 3333));
    assert_eq!(one.dag().transactions[0].receipts.len(), 1 + 3 * 3333);
    let mut many_text = String::new();
    for t in 0..100 {
        many_text.push_str(&capture_text(&format!("tx{t}"), 33));
    }
    let many = trace_of(&many_text);
    assert_eq!(many.dag().transactions.iter().map(|t| t.receipts.len()).sum::<usize>(), 100 * 100);

    let mut group = c.benchmark_group("dag");
    group.bench_function("10k_receipts", |b| b.iter(|| black_box(one.dag())));
    group.bench_function("100tx_x_100_receipts", |b| b.iter(|| black_box(many.dag())));
    group.finish();
}

/// A nearviz fixture of about `target` bytes: transactions polled as they grow.
fn fixture_bytes(target: usize) -> Vec<u8> {
    let mut recorder = Recorder::new(Meta::default());
    let mut size = 0usize;
    let mut t = 0usize;
    while size < target {
        let seed = format!("load{t}");
        let blocks = block_ids(&seed);
        for (i, b) in blocks.iter().enumerate() {
            let h: near_primitives::views::BlockHeaderView =
                serde_json::from_value(header(100 + i as u64, b)).expect("header");
            recorder.push(TimedEvent {
                at_ms: t as u64,
                event: nearviz::chain::ChainEvent::Block(Box::new(h)),
            });
        }
        for executed in [0, 10, 20, 40] {
            let text = json!({ "result": tx_result(&seed, 40, executed, &blocks) }).to_string();
            size += text.len();
            let rec = fixture::parse(text.as_bytes(), Path::new("gen.json")).expect("gen");
            for e in rec.events {
                recorder.push(TimedEvent { at_ms: t as u64, event: e.event });
            }
        }
        t += 1;
    }
    let mut out = Vec::new();
    fixture::to_writer(recorder.recording(), &mut out).expect("write");
    out
}

fn load_benches(c: &mut Criterion) {
    let bytes = fixture_bytes(50 * 1024 * 1024);
    assert!(bytes.len() >= 50 * 1024 * 1024, "{}", bytes.len());
    let mut group = c.benchmark_group("load");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("50mb_fixture", |b| {
        b.iter(|| black_box(fixture::parse(&bytes, Path::new("bench.json")).expect("parse")))
    });
    group.finish();
}

criterion_group!(benches, dag_benches, load_benches);
criterion_main!(benches);
