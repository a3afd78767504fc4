//! The embedded runtime against the real-neard recordings (`fixtures/reference/captures`):
//! same DAG, same blocks, statuses, logs and values, gas within 1% per receipt, refund amounts exact
//! (a refund differs only by exactly the gas its sender burnt differently, at the block price).

use crate::common::*;
use crate::shape::{compare, rel, shape};
use near_primitives::hash::CryptoHash;
use near_primitives::utils::{
    create_action_hash_from_receipt_id, create_receipt_id_from_action_hash,
    create_receipt_id_from_receipt_id, create_receipt_id_from_transaction,
};
use near_primitives::views::FinalExecutionOutcomeWithReceiptView;
use std::collections::HashMap;

const TOLERANCE: f64 = 0.01;

pub struct Capture {
    pub method: String,
    pub final_result: serde_json::Value,
    heights: HashMap<CryptoHash, u64>,
    tx_height: u64,
}

/// The real-neard recordings, in the order they were recorded.
pub fn captures() -> Vec<Capture> {
    let dir = reference_dir().join("captures");
    let mut all = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("captures dir") {
        let path = entry.expect("entry").path();
        let json = read_json(&path);
        let final_result = json["polls"].as_array().and_then(|p| p.last()).expect("polls")
            ["response"]["result"]
            .clone();
        let mut heights = HashMap::new();
        for (hash, block) in json["blocks"].as_object().expect("blocks") {
            let height = block["result"]["header"]["height"].as_u64().expect("height");
            heights.insert(hash.parse().expect("block hash"), height);
        }
        let tx_block: CryptoHash = final_result["transaction_outcome"]["block_hash"]
            .as_str()
            .expect("tx block")
            .parse()
            .expect("hash");
        let tx_height = heights[&tx_block];
        all.push(Capture {
            method: json["method"].as_str().expect("method").to_string(),
            final_result,
            heights,
            tx_height,
        });
    }
    // The recordings were made one after another on one chain: replay them in that order.
    all.sort_by_key(|c| c.tx_height);
    all
}

pub fn parse(value: &serde_json::Value) -> FinalExecutionOutcomeWithReceiptView {
    serde_json::from_value(value.clone()).expect("EXPERIMENTAL_tx_status result")
}

#[test]
fn every_capture_is_reproduced_at_protocol_86() {
    let mut reference = reference_chain(Some(86));
    let mut failures = Vec::new();
    for capture in captures() {
        let ours = replay(&mut reference, &capture);
        let rt = &reference.rt;
        let our_shape = shape(&ours, &|h| rt.block(h).expect("our block").height);
        let their_shape = shape(&parse(&capture.final_result), &|h| capture.heights[h]);
        let worst = our_shape
            .nodes
            .iter()
            .zip(&their_shape.nodes)
            .map(|(a, b)| rel(a.gas_burnt.into(), b.gas_burnt.into()))
            .fold(0.0, f64::max);
        eprintln!(
            "{:<20} receipts {:>2}/{:<2} worst gas difference {:.3}%",
            capture.method,
            our_shape.nodes.len(),
            their_shape.nodes.len(),
            100.0 * worst
        );
        for (a, b) in our_shape.nodes.iter().zip(&their_shape.nodes) {
            eprintln!(
                "    {:<28} ours {:>15} node {:>15} {:+.3}%",
                a.actions
                    .first()
                    .map(|x| match x {
                        crate::shape::ActionShape::FunctionCall { method, .. } => method.clone(),
                        other => format!("{other:?}").chars().take(28).collect(),
                    })
                    .unwrap_or_default(),
                a.gas_burnt,
                b.gas_burnt,
                100.0 * (a.gas_burnt as f64 - b.gas_burnt as f64) / b.gas_burnt as f64
            );
        }
        for problem in compare(&our_shape, &their_shape, TOLERANCE) {
            failures.push(format!("{}: {problem}", capture.method));
        }
    }
    assert!(failures.is_empty(), "differences from the node:\n{}", failures.join("\n"));
}

/// Runs the capture's call from `alice` at the height it was recorded at; its outcome.
pub fn replay(
    reference: &mut Reference,
    capture: &Capture,
) -> FinalExecutionOutcomeWithReceiptView {
    let call = &reference.setup["calls"][&capture.method];
    let args = serde_json::to_vec(&call["args"]).expect("args");
    let deposit: u128 = call["deposit"].as_str().expect("deposit").parse().expect("deposit");
    let gas: u64 = call["gas"].as_str().expect("gas").parse().expect("gas");
    let (alice, caller) = (reference.alice.clone(), reference.caller.clone());
    // Same heights as the recording (`burn` mixes the block height into its result).
    assert!(reference.rt.head().height < capture.tx_height, "setup took too many blocks");
    while reference.rt.head().height + 1 < capture.tx_height {
        reference.rt.produce_block();
    }
    let tx = reference
        .rt
        .submit(&alice, &caller, vec![function_call(&capture.method, &args, gas, deposit)])
        .expect("submit");
    run_to_final(&mut reference.rt, tx)
}

/// Receipt and data ids are derived exactly as nearcore derives them (checked on a capture).
#[test]
fn ids_are_derived_like_nearcore() {
    let capture =
        captures().into_iter().find(|c| c.method == "query_greeting").expect("query_greeting");
    let outcome = parse(&capture.final_result);
    let fo = &outcome.final_outcome;
    let tx_hash = fo.transaction.hash;
    let first = &fo.receipts_outcome[0];
    assert_eq!(create_receipt_id_from_transaction(&tx_hash, capture.tx_height), first.id);
    let first_height = capture.heights[&first.block_hash];
    for (index, child) in first.outcome.receipt_ids.iter().enumerate() {
        assert_eq!(&create_receipt_id_from_receipt_id(&first.id, first_height, index), child);
    }
    let action_hash = create_action_hash_from_receipt_id(&first.id, first_height, 0);
    let data_id = create_receipt_id_from_action_hash(&action_hash, first_height, 0);
    let callback = outcome.receipts.iter().find(|r| match &r.receipt {
        near_primitives::views::ReceiptEnumView::Action { input_data_ids, .. } => {
            input_data_ids.contains(&data_id)
        }
        _ => false,
    });
    assert!(callback.is_some(), "no receipt waits for data id {data_id}");
}
