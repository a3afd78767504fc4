//! Partial and unusual data: missing block headers, delayed receipts, a receipt whose outcome
//! came without its creator's, a transaction the node has not seen yet.

use crate::model_common::*;
use nearviz::chain::{ChainEvent, TxHash, TxPoll, TxStatusReply};
use nearviz::model::{Parent, Progress, Status, Trace};
use serde_json::Value;
use std::path::Path;

fn write_capture(dir: &Path, json: &Value) -> std::path::PathBuf {
    let p = dir.join("edited.json");
    std::fs::write(&p, json.to_string()).expect("write");
    p
}

#[test]
fn a_missing_block_header_leaves_the_height_unknown() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut raw = read_json(&capture("call_failing"));
    let last =
        raw["polls"].as_array().expect("p").last().expect("poll")["response"]["result"].clone();
    let callee = &last["receipts_outcome"][1];
    let hash = callee["block_hash"].as_str().expect("hash").to_string();
    raw["blocks"].as_object_mut().expect("blocks").remove(&hash);
    let out = inspect_json(&write_capture(dir.path(), &raw));
    let tx = &out["transactions"][0];
    let r = out_receipt(tx, callee["id"].as_str().expect("id"));
    assert_eq!(r["block_height"], Value::Null);
    assert_eq!(r["block_offset"], Value::Null);
    assert_eq!(r["status"], "failure", "status does not depend on the header");
    // Others keep theirs.
    let first = out_receipt(tx, last["receipts_outcome"][0]["id"].as_str().expect("id"));
    assert_eq!(first["block_offset"], 1);
}

#[test]
fn delayed_receipts_take_their_block_from_the_header_never_computed() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut raw = read_json(&capture("query_greeting"));
    let last =
        raw["polls"].as_array().expect("p").last().expect("poll")["response"]["result"].clone();
    let cb = last["receipts_outcome"]
        .as_array()
        .expect("o")
        .iter()
        .find(|o| o["outcome"]["logs"].as_array().is_some_and(|l| !l.is_empty()))
        .expect("callback")
        .clone();
    let hash = cb["block_hash"].as_str().expect("hash").to_string();
    raw["blocks"][&hash]["result"]["header"]["height"] = Value::from(1016u64);
    let out = inspect_json(&write_capture(dir.path(), &raw));
    let tx = &out["transactions"][0];
    let r = out_receipt(tx, cb["id"].as_str().expect("id"));
    assert_eq!(r["block_height"], 1016);
    assert_eq!(r["block_offset"], 1000);
    assert_eq!(tx["last_block"], 1016);
}

#[test]
fn an_outcome_without_its_creator_is_attached_to_the_transaction() {
    let dir = tempfile::tempdir().expect("tmp");
    let raw = read_json(&capture("query_greeting"));
    let mut result =
        raw["polls"].as_array().expect("p").last().expect("poll")["response"]["result"].clone();
    // Drop the first receipt's outcome: its children lose their creator.
    let first = result["receipts_outcome"][0]["id"].clone();
    let orphans = result["receipts_outcome"][0]["outcome"]["receipt_ids"].clone();
    result["receipts_outcome"].as_array_mut().expect("o").remove(0);
    let p = dir.path().join("partial.json");
    std::fs::write(&p, result.to_string()).expect("write");
    let out = inspect_json(&p);
    let tx = &out["transactions"][0];
    let receipts = tx["receipts"].as_array().expect("r");
    let root = out_receipt(tx, first.as_str().expect("id"));
    assert_eq!(root["status"], "pending");
    for orphan in orphans.as_array().expect("ids") {
        assert_eq!(out_receipt(tx, orphan.as_str().expect("id"))["parent"], tx["hash"]);
    }
    // Their own children keep their creator.
    assert!(receipts.iter().any(|r| r["parent"] != tx["hash"]));
    assert_eq!(receipts.len(), 6);
}

#[test]
fn a_transaction_not_seen_yet_is_submitted_then_lost() {
    let tx = TxHash(near_primitives::hash::CryptoHash::hash_bytes(b"x"));
    let sender: near_primitives::types::AccountId = "alice.near".parse().expect("id");
    let mut trace = Trace::new();
    trace.apply(ChainEvent::TxSubmitted {
        tx,
        sender: sender.clone(),
        label: "call".into(),
        at_ms: 5,
    });
    trace.apply(ChainEvent::TxPoll(TxPoll {
        tx,
        sender,
        at_ms: 10,
        reply: TxStatusReply::Unknown,
    }));
    let dag = trace.dag();
    let node = &dag.transactions[0];
    assert_eq!(node.progress, Progress::Submitted);
    assert_eq!(node.status, Status::Pending);
    assert_eq!(node.label.as_deref(), Some("call"));
    assert!(node.receipts.is_empty());
    trace.apply(ChainEvent::TxDone { tx, error: Some("timeout after 60 s".into()) });
    assert_eq!(trace.dag().transactions[0].progress, Progress::Lost("timeout after 60 s".into()));
}

#[test]
fn the_first_receipt_is_pending_as_soon_as_the_transaction_is_converted() {
    let rec = nearviz::fixture::load(&capture("weights")).expect("load");
    let mut trace = Trace::new();
    for e in rec.events {
        let started = matches!(&e.event, ChainEvent::TxPoll(p) if matches!(&p.reply,
            TxStatusReply::Known { outcome: Some(o), .. } if o.final_outcome.receipts_outcome.is_empty()));
        trace.apply(e.event);
        if started {
            let dag = trace.dag();
            let tx = &dag.transactions[0];
            assert_eq!(tx.receipts.len(), 1);
            assert_eq!(tx.receipts[0].status, Status::Pending);
            assert_eq!(tx.receipts[0].parent, Parent::Tx(tx.hash));
            assert!(tx.block_height.is_some());
            return;
        }
    }
    panic!("no poll with the transaction converted but nothing executed");
}
