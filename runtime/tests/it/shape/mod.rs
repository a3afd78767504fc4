//! A transaction's DAG reduced to what must match between a node and the embedded runtime:
//! receipts in the node's (depth-first) order, with edges as positions instead of ids.

#![allow(dead_code)]

use near_primitives::hash::CryptoHash;
use near_primitives::views::{
    ActionView, ExecutionStatusView, FinalExecutionOutcomeWithReceiptView, ReceiptEnumView,
};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub enum ActionShape {
    FunctionCall { method: String, args: Vec<u8>, deposit: u128, gas: u64 },
    Transfer { deposit: u128 },
    Other(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatusShape {
    Value(Vec<u8>),
    Receipt(Option<usize>),
    Failure(String),
    Unknown,
}

#[derive(Debug, Clone)]
pub struct NodeShape {
    pub receiver: String,
    pub predecessor: String,
    pub refund: bool,
    pub actions: Vec<ActionShape>,
    pub block_offset: u64,
    pub status: StatusShape,
    pub logs: Vec<String>,
    pub gas_burnt: u64,
    pub tokens_burnt: u128,
    /// Positions of the receipts this one created (`outcome.receipt_ids`).
    pub created: Vec<Option<usize>>,
    /// For each input, the position of the receipt that produced the data.
    pub inputs: Vec<Option<usize>>,
}

#[derive(Debug, Clone)]
pub struct TxShape {
    pub status: String,
    pub tx_gas_burnt: u64,
    pub nodes: Vec<NodeShape>,
}

/// `height_of` maps a block hash to its height.
pub fn shape(
    outcome: &FinalExecutionOutcomeWithReceiptView,
    height_of: &dyn Fn(&CryptoHash) -> u64,
) -> TxShape {
    let fo = &outcome.final_outcome;
    let position: HashMap<CryptoHash, usize> =
        fo.receipts_outcome.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
    let receipts: HashMap<CryptoHash, _> =
        outcome.receipts.iter().map(|r| (r.receipt_id, r)).collect();
    // data id -> position of the receipt whose output goes there
    let mut producer: HashMap<CryptoHash, usize> = HashMap::new();
    for (i, o) in fo.receipts_outcome.iter().enumerate() {
        if let Some(r) = receipts.get(&o.id) {
            if let ReceiptEnumView::Action { output_data_receivers, .. } = &r.receipt {
                for d in output_data_receivers {
                    producer.insert(d.data_id, i);
                }
            }
        }
    }
    let tx_height = height_of(&fo.transaction_outcome.block_hash);
    let nodes = fo
        .receipts_outcome
        .iter()
        .map(|o| {
            let r = receipts
                .get(&o.id)
                .unwrap_or_else(|| panic!("receipt {} missing from `receipts`", o.id));
            let (actions, inputs) = match &r.receipt {
                ReceiptEnumView::Action { actions, input_data_ids, .. } => (
                    actions.iter().map(action_shape).collect(),
                    input_data_ids.iter().map(|d| producer.get(d).copied()).collect(),
                ),
                other => (vec![ActionShape::Other(format!("{other:?}"))], vec![]),
            };
            NodeShape {
                receiver: r.receiver_id.to_string(),
                predecessor: r.predecessor_id.to_string(),
                refund: r.predecessor_id.as_str() == "system",
                actions,
                block_offset: height_of(&o.block_hash) - tx_height,
                status: match &o.outcome.status {
                    ExecutionStatusView::SuccessValue(v) => StatusShape::Value(v.clone()),
                    ExecutionStatusView::SuccessReceiptId(id) => {
                        StatusShape::Receipt(position.get(id).copied())
                    }
                    ExecutionStatusView::Failure(e) => {
                        StatusShape::Failure(serde_json::to_string(e).unwrap_or_default())
                    }
                    ExecutionStatusView::Unknown => StatusShape::Unknown,
                },
                logs: o.outcome.logs.clone(),
                gas_burnt: o.outcome.gas_burnt.as_gas(),
                tokens_burnt: o.outcome.tokens_burnt.as_yoctonear(),
                created: o.outcome.receipt_ids.iter().map(|id| position.get(id).copied()).collect(),
                inputs,
            }
        })
        .collect();
    TxShape {
        status: serde_json::to_string(&fo.status).unwrap_or_default(),
        tx_gas_burnt: fo.transaction_outcome.outcome.gas_burnt.as_gas(),
        nodes,
    }
}

fn action_shape(action: &ActionView) -> ActionShape {
    match action {
        ActionView::FunctionCall { method_name, args, gas, deposit } => ActionShape::FunctionCall {
            method: method_name.clone(),
            args: args.to_vec(),
            deposit: deposit.as_yoctonear(),
            gas: gas.as_gas(),
        },
        ActionView::Transfer { deposit } => {
            ActionShape::Transfer { deposit: deposit.as_yoctonear() }
        }
        other => ActionShape::Other(format!("{other:?}")),
    }
}

/// The sandbox's block gas price (what burnt gas costs).
pub const BLOCK_GAS_PRICE: i128 = 100_000_000;

/// Position of the receipt that created receipt `i`.
fn refund_parent(shape: &TxShape, i: usize) -> Option<usize> {
    shape.nodes.iter().position(|n| n.created.contains(&Some(i)))
}

/// Relative difference of `ours` from `reference`.
pub fn rel(ours: u128, reference: u128) -> f64 {
    if reference == 0 {
        return if ours == 0 { 0.0 } else { 1.0 };
    }
    (ours as f64 - reference as f64).abs() / reference as f64
}

/// Differences beyond `tolerance` (relative, for gas and amounts); empty when they match.
pub fn compare(ours: &TxShape, reference: &TxShape, tolerance: f64) -> Vec<String> {
    let mut problems = Vec::new();
    if ours.status != reference.status {
        problems.push(format!("status {} != {}", ours.status, reference.status));
    }
    if rel(ours.tx_gas_burnt.into(), reference.tx_gas_burnt.into()) > tolerance {
        problems.push(format!("tx gas {} vs {}", ours.tx_gas_burnt, reference.tx_gas_burnt));
    }
    if ours.nodes.len() != reference.nodes.len() {
        problems.push(format!("{} receipts vs {}", ours.nodes.len(), reference.nodes.len()));
        return problems;
    }
    for (i, (a, b)) in ours.nodes.iter().zip(&reference.nodes).enumerate() {
        let mut p = |what: String| problems.push(format!("receipt #{i} ({}): {what}", b.receiver));
        if (a.receiver.as_str(), a.predecessor.as_str(), a.refund)
            != (b.receiver.as_str(), b.predecessor.as_str(), b.refund)
        {
            p(format!(
                "{} <- {} vs {} <- {}",
                a.receiver, a.predecessor, b.receiver, b.predecessor
            ));
        }
        if a.block_offset != b.block_offset {
            p(format!("block +{} vs +{}", a.block_offset, b.block_offset));
        }
        if a.status != b.status {
            p(format!("status {:?} vs {:?}", a.status, b.status));
        }
        if a.logs != b.logs {
            p(format!("logs {:?} vs {:?}", a.logs, b.logs));
        }
        if a.created != b.created {
            p(format!("created {:?} vs {:?}", a.created, b.created));
        }
        if a.inputs != b.inputs {
            p(format!("inputs {:?} vs {:?}", a.inputs, b.inputs));
        }
        if rel(a.gas_burnt.into(), b.gas_burnt.into()) > tolerance {
            p(format!(
                "gas burnt {} vs {} ({:.3}%)",
                a.gas_burnt,
                b.gas_burnt,
                100.0 * rel(a.gas_burnt.into(), b.gas_burnt.into())
            ));
        }
        if rel(a.tokens_burnt, b.tokens_burnt) > tolerance {
            p(format!("tokens burnt {} vs {}", a.tokens_burnt, b.tokens_burnt));
        }
        if a.actions.len() != b.actions.len() {
            p(format!("{} actions vs {}", a.actions.len(), b.actions.len()));
            continue;
        }
        for (x, y) in a.actions.iter().zip(&b.actions) {
            let same = match (x, y) {
                (
                    ActionShape::FunctionCall { method: m1, args: a1, deposit: d1, gas: g1 },
                    ActionShape::FunctionCall { method: m2, args: a2, deposit: d2, gas: g2 },
                ) => {
                    m1 == m2 && a1 == a2 && d1 == d2 && rel((*g1).into(), (*g2).into()) <= tolerance
                }
                // Refund amounts are compared exactly: equal, or (when the receipt that sent
                // the refund burnt a different amount of gas, see the README's trie-node
                // approximation) different by exactly that gas at the block price.
                (ActionShape::Transfer { deposit: d1 }, ActionShape::Transfer { deposit: d2 })
                    if a.refund =>
                {
                    let explained =
                        refund_parent(ours, i).zip(refund_parent(reference, i)).map(|(pa, pb)| {
                            let ga = i128::from(ours.nodes[pa].gas_burnt);
                            let gb = i128::from(reference.nodes[pb].gas_burnt);
                            (gb - ga) * BLOCK_GAS_PRICE
                        });
                    let diff = *d1 as i128 - *d2 as i128;
                    diff == 0 || Some(diff) == explained
                }
                (ActionShape::Transfer { deposit: d1 }, ActionShape::Transfer { deposit: d2 }) => {
                    rel(*d1, *d2) <= tolerance
                }
                (x, y) => x == y,
            };
            if !same {
                p(format!("action {x:?} vs {y:?}"));
            }
        }
    }
    problems
}
