//! For every reference capture, `inspect --format json` agrees with the raw node responses:
//! blocks and offsets, created and data edges (with input order), statuses, errors, logs, gas
//! and tokens. Expected values are read from the raw JSON here, not from the model.

use crate::model_common::*;
use serde_json::Value;

fn check_capture(path: &std::path::Path) {
    let raw = Raw::load(path);
    let last = raw.last();
    let out = inspect_json(path);
    assert_eq!(out["version"], 1);
    let txs = out["transactions"].as_array().expect("transactions");
    assert_eq!(txs.len(), 1, "{}", path.display());
    let tx = &txs[0];
    let name = path.display().to_string();

    // The transaction.
    let tx_raw = &last["transaction"];
    assert_eq!(tx["hash"], raw.json["tx_hash"], "{name}");
    assert_eq!(tx["signer"], tx_raw["signer_id"], "{name}");
    assert_eq!(tx["receiver"], tx_raw["receiver_id"], "{name}");
    assert_eq!(tx["label"], raw.json["method"], "{name}");
    let tx_outcome = &last["transaction_outcome"];
    let b = raw.height(tx_outcome["block_hash"].as_str().expect("hash")).expect("tx block");
    assert_eq!(tx["block_height"], b, "{name}");
    assert_eq!(tx["first_block"], b, "{name}");
    assert_eq!(tx["progress"]["status"], "FINAL", "{name}");

    // Totals: transaction outcome + every receipt outcome.
    let outcomes = last["receipts_outcome"].as_array().expect("outcomes");
    let gas: u64 =
        outcomes.iter().map(|o| o["outcome"]["gas_burnt"].as_u64().expect("gas")).sum::<u64>()
            + tx_outcome["outcome"]["gas_burnt"].as_u64().expect("gas");
    let tokens: u128 =
        outcomes.iter().map(|o| u128_of(&o["outcome"]["tokens_burnt"])).sum::<u128>()
            + u128_of(&tx_outcome["outcome"]["tokens_burnt"]);
    assert_eq!(tx["gas_burnt"].as_u64(), Some(gas), "{name}");
    assert_eq!(u128_of(&tx["tokens_burnt"]), tokens, "{name}");
    let max_block =
        outcomes.iter().filter_map(|o| raw.height(o["block_hash"].as_str().expect("h"))).max();
    assert_eq!(tx["last_block"].as_u64(), max_block, "{name}");

    // The transaction's status is the node's.
    match &last["status"] {
        Value::Object(m) if m.contains_key("SuccessValue") => {
            assert_eq!(tx["status"], "success", "{name}");
            assert_eq!(tx["result"], decoded(m["SuccessValue"].as_str().expect("b64")), "{name}");
        }
        Value::Object(m) if m.contains_key("Failure") => assert_eq!(tx["status"], "failure"),
        other => panic!("{name}: unexpected final status {other}"),
    }

    // One node per executed receipt, nothing more.
    assert_eq!(tx["receipts"].as_array().expect("r").len(), outcomes.len(), "{name}");

    // Created edges from the transaction.
    for child in tx_outcome["outcome"]["receipt_ids"].as_array().expect("ids") {
        assert_eq!(out_receipt(tx, child.as_str().expect("id"))["parent"], tx["hash"], "{name}");
    }

    for o in outcomes {
        let action_receipt = check_receipt(&raw, last, tx, o, b, &name);
        check_inputs(last, outcomes, tx, o, action_receipt, &name);
    }

    // Gas passed on = gas attached to the receipts each one created.
    for r in tx["receipts"].as_array().expect("r") {
        let forwarded: u64 = r["children"]
            .as_array()
            .expect("children")
            .iter()
            .map(|c| out_receipt(tx, c.as_str().expect("id"))["gas_attached"].as_u64().expect("g"))
            .sum();
        assert_eq!(r["gas_forwarded"].as_u64(), Some(forwarded));
    }
}

/// One receipt against its outcome and its receipt entry: block, gas, logs, children, status,
/// who, actions; returns the raw action receipt.
fn check_receipt<'a>(
    raw: &'a Raw,
    last: &'a Value,
    tx: &Value,
    o: &Value,
    b: u64,
    name: &str,
) -> &'a Value {
    let id = o["id"].as_str().expect("id");
    let r = out_receipt(tx, id);
    let oc = &o["outcome"];
    let height = raw.height(o["block_hash"].as_str().expect("h")).expect("block header");
    assert_eq!(r["block_height"].as_u64(), Some(height), "{name} {id}");
    assert_eq!(r["block_offset"].as_u64(), Some(height - b), "{name} {id}");
    assert_eq!(r["gas_burnt"], oc["gas_burnt"], "{name} {id}");
    assert_eq!(r["tokens_burnt"], oc["tokens_burnt"], "{name} {id}");
    assert_eq!(r["logs"], oc["logs"], "{name} {id}");
    assert_eq!(r["children"], oc["receipt_ids"], "{name} {id}");
    for child in oc["receipt_ids"].as_array().expect("ids") {
        assert_eq!(out_receipt(tx, child.as_str().expect("id"))["parent"], id, "{name}");
    }
    // Status, value, error.
    let st = &oc["status"];
    if let Some(v) = st.get("SuccessValue") {
        assert_eq!(r["status"], "success", "{name} {id}");
        assert_eq!(r["result"], decoded(v.as_str().expect("b64")), "{name} {id}");
    } else if let Some(next) = st.get("SuccessReceiptId") {
        assert_eq!(r["status"], "success", "{name} {id}");
        assert_eq!(&r["result_receipt"], next, "{name} {id}");
    } else if let Some(f) = st.get("Failure") {
        assert_eq!(r["status"], "failure", "{name} {id}");
        let ae = &f["ActionError"];
        assert_eq!(r["error"]["action_index"], ae["index"], "{name} {id}");
        let msg = ae["kind"]["FunctionCallError"]["ExecutionError"].as_str().expect("message");
        assert_eq!(r["error"]["message"], msg, "{name} {id}");
        assert_eq!(r["error"]["kind"], "FunctionCallError.ExecutionError", "{name} {id}");
    } else {
        panic!("{name} {id}: unexpected status {st}");
    }

    // The receipt itself: who, what, refund flag, actions.
    let rr = raw.receipt(last, id).expect("receipt entry");
    assert_eq!(r["predecessor"], rr["predecessor_id"], "{name} {id}");
    assert_eq!(r["receiver"], rr["receiver_id"], "{name} {id}");
    assert_eq!(r["is_refund"], rr["predecessor_id"] == "system", "{name} {id}");
    let action_receipt = &rr["receipt"]["Action"];
    let actions = action_receipt["actions"].as_array().expect("actions");
    let out_actions = r["actions"].as_array().expect("actions");
    assert_eq!(out_actions.len(), actions.len(), "{name} {id}");
    let mut attached = 0u64;
    for (a, oa) in actions.iter().zip(out_actions) {
        if let Some(fc) = a.get("FunctionCall") {
            assert_eq!(oa["kind"], "FunctionCall");
            assert_eq!(oa["method"], fc["method_name"]);
            assert_eq!(oa["gas"], fc["gas"]);
            assert_eq!(oa["deposit"], fc["deposit"]);
            assert_eq!(oa["args"], decoded(fc["args"].as_str().expect("args")));
            attached += fc["gas"].as_u64().expect("gas");
        } else if let Some(t) = a.get("Transfer") {
            assert_eq!(oa["kind"], "Transfer");
            assert_eq!(oa["deposit"], t["deposit"]);
        }
    }
    assert_eq!(r["gas_attached"].as_u64(), Some(attached), "{name} {id}");
    action_receipt
}

/// Data edges: input i comes from the receipt whose output_data_receivers hold
/// input_data_ids[i]; its value is that receipt's result.
fn check_inputs(
    last: &Value,
    outcomes: &[Value],
    tx: &Value,
    o: &Value,
    action_receipt: &Value,
    name: &str,
) {
    let id = o["id"].as_str().expect("id");
    let r = out_receipt(tx, id);
    let input_ids = action_receipt["input_data_ids"].as_array().expect("inputs");
    let inputs = r["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), input_ids.len(), "{name} {id}");
    for (i, (data_id, input)) in input_ids.iter().zip(inputs).enumerate() {
        let sender = last["receipts"]
            .as_array()
            .expect("receipts")
            .iter()
            .find(|s| {
                s["receipt"]["Action"]["output_data_receivers"]
                    .as_array()
                    .is_some_and(|rs| rs.iter().any(|d| d["data_id"] == *data_id))
            })
            .expect("a sender");
        assert_eq!(input["index"], i, "{name} {id}");
        assert_eq!(input["from"], sender["receipt_id"], "{name} {id} input {i}");
        let sender_outcome = outcomes.iter().find(|o| o["id"] == sender["receipt_id"]).expect("o");
        let s = &sender_outcome["outcome"]["status"];
        if let Some(v) = s.get("SuccessValue") {
            assert_eq!(input["status"], "success", "{name} {id} input {i}");
            assert_eq!(input["value"], decoded(v.as_str().expect("b64")));
        } else {
            assert!(s.get("Failure").is_some());
            assert_eq!(input["status"], "failed", "{name} {id} input {i}");
        }
    }
}

#[test]
fn every_capture_matches_its_raw_responses() {
    for path in captures() {
        check_capture(&path);
    }
}

#[test]
fn every_capture_prints_in_every_format() {
    for path in captures() {
        for format in
            [nearviz::cli::Format::Tree, nearviz::cli::Format::Dot, nearviz::cli::Format::Mermaid]
        {
            let (ok, out, err) = inspect(&path, format);
            assert!(ok && err.is_empty(), "{}: {err}", path.display());
            let raw = Raw::load(&path);
            // Every receipt with a log shows it.
            for o in raw.last()["receipts_outcome"].as_array().expect("o") {
                for log in o["outcome"]["logs"].as_array().expect("logs") {
                    if format == nearviz::cli::Format::Tree {
                        assert!(out.contains(log.as_str().expect("log")), "{}", path.display());
                    }
                }
            }
        }
    }
}
