//! `nearviz diff`'s matching and comparison over real DAGs (the reference captures), changed
//! the way a second run changes them: reordered transactions, new ids, receipts missing or
//! extra, values and gas that moved.

use crate::model_common::capture_dag;
use near_primitives::hash::CryptoHash;
use near_primitives::types::{Balance, Gas};
use nearviz::chain::ReceiptId;
use nearviz::diff::{self, Presence, Tolerance};
use nearviz::model::{Dag, InputStatus, Outcome, Parent, ReceiptNode, Status, Value};
use std::collections::HashMap;

/// The captures' transactions in one DAG, in this order.
fn captures_dag(names: &[&str]) -> Dag {
    let mut dag = Dag::default();
    for name in names {
        dag.transactions.extend(capture_dag(name).transactions);
    }
    dag
}

fn tol(text: &str) -> Tolerance {
    Tolerance::parse(text).expect("tolerance")
}

/// Every receipt id replaced by another one (as a run at other heights gives), consistently.
fn new_ids(dag: &mut Dag) {
    let mut map: HashMap<ReceiptId, ReceiptId> = HashMap::new();
    let mut fresh = |id: ReceiptId| {
        *map.entry(id).or_insert_with(|| ReceiptId(CryptoHash::hash_bytes(id.0.as_ref())))
    };
    for tx in &mut dag.transactions {
        for r in &mut tx.receipts {
            r.id = fresh(r.id);
            if let Parent::Receipt(p) = r.parent {
                r.parent = Parent::Receipt(fresh(p));
            }
            r.children = r.children.iter().map(|c| fresh(*c)).collect();
            for i in &mut r.inputs {
                i.from = i.from.map(&mut fresh);
            }
            if let Status::Success(Outcome::Receipt(x)) = r.status {
                r.status = Status::Success(Outcome::Receipt(fresh(x)));
            }
        }
        if let Status::Success(Outcome::Receipt(x)) = tx.status {
            tx.status = Status::Success(Outcome::Receipt(fresh(x)));
        }
    }
}

fn method_receipt<'a>(dag: &'a mut Dag, method: &str) -> &'a mut ReceiptNode {
    dag.transactions
        .iter_mut()
        .flat_map(|t| t.receipts.iter_mut())
        .find(|r| r.actions.first().and_then(|a| a.method.as_deref()) == Some(method))
        .unwrap_or_else(|| panic!("no receipt calls {method}"))
}

#[test]
fn a_run_equals_itself() {
    let a = captures_dag(&["query_greeting", "multiple_contracts"]);
    let report = diff::diff(&a, &a.clone(), Tolerance::EXACT);
    assert!(report.is_equal());
    let mut out = Vec::new();
    diff::text::write(&report, "a", "b", &mut out).expect("write");
    assert_eq!(String::from_utf8(out).expect("utf8"), "equal\n");
}

#[test]
fn reordered_transactions_match_by_label() {
    let a = captures_dag(&["query_greeting", "call_failing", "batch_actions"]);
    let b = captures_dag(&["batch_actions", "query_greeting", "call_failing"]);
    let report = diff::diff(&a, &b, Tolerance::EXACT);
    assert!(report.is_equal(), "{report:#?}");
    assert!(report.transactions.iter().all(|t| t.matched_by == Some(diff::MatchedBy::Label)));
}

#[test]
fn unlabelled_transactions_match_by_order() {
    let mut a = captures_dag(&["query_greeting", "call_failing"]);
    let mut b = a.clone();
    for t in a.transactions.iter_mut().chain(b.transactions.iter_mut()) {
        t.label = None;
    }
    let report = diff::diff(&a, &b, Tolerance::EXACT);
    assert!(report.is_equal());
    assert!(report.transactions.iter().all(|t| t.matched_by == Some(diff::MatchedBy::Order)));
    // Swapped, order pairs query_greeting with call_failing: they differ.
    b.transactions.reverse();
    assert!(!diff::diff(&a, &b, Tolerance::EXACT).is_equal());
}

#[test]
fn different_labels_are_missing_and_extra() {
    let a = captures_dag(&["query_greeting"]);
    let b = captures_dag(&["call_failing"]);
    let report = diff::diff(&a, &b, Tolerance::EXACT);
    let presence: Vec<Presence> = report.transactions.iter().map(|t| t.presence()).collect();
    assert_eq!(presence, [Presence::OnlyA, Presence::OnlyB]);
    assert!(!report.is_equal());
}

#[test]
fn receipts_match_by_place_not_by_id() {
    let a = captures_dag(&["multiple_contracts", "weights"]);
    let mut b = a.clone();
    new_ids(&mut b);
    assert_ne!(a.transactions[0].receipts[0].id, b.transactions[0].receipts[0].id);
    let report = diff::diff(&a, &b, Tolerance::EXACT);
    assert!(report.is_equal(), "{report:#?}");
    // Every receipt paired, none alone.
    let pairs: usize = report.transactions.iter().map(|t| t.receipts.len()).sum();
    let receipts: usize = a.transactions.iter().map(|t| t.receipts.len()).sum();
    assert_eq!(pairs, receipts);
}

#[test]
fn a_missing_receipt_and_its_subtree_are_reported() {
    let a = captures_dag(&["query_greeting"]);
    let mut b = a.clone();
    // Drop hello.get_greeting (and so its refund below it) from B.
    let gone = method_receipt(&mut b, "get_greeting").id;
    let tx = &mut b.transactions[0];
    tx.receipts.retain(|r| r.id != gone && r.parent != Parent::Receipt(gone));
    for r in &mut tx.receipts {
        r.children.retain(|c| *c != gone);
    }
    let report = diff::diff(&a, &b, Tolerance::EXACT);
    let missing: Vec<String> = report.transactions[0]
        .receipts
        .iter()
        .filter(|r| r.presence() == Presence::OnlyA)
        .map(|r| r.path.last().expect("step").what.clone())
        .collect();
    assert_eq!(missing, ["get_greeting", "refund"]);
    assert!(!report.is_equal());
}

#[test]
fn an_extra_receipt_is_reported_with_its_path() {
    let a = captures_dag(&["forward_deposit"]);
    let mut b = a.clone();
    let tx = &mut b.transactions[0];
    let first = tx.receipts[0].clone();
    let mut extra = tx.receipts.iter().find(|r| r.is_refund).expect("a refund").clone();
    extra.id = ReceiptId(CryptoHash::hash_bytes(b"extra"));
    extra.parent = Parent::Receipt(first.id);
    extra.children.clear();
    tx.receipts[0].children.push(extra.id);
    tx.receipts.push(extra);
    let report = diff::diff(&a, &b, Tolerance::EXACT);
    let extra: Vec<_> = report.transactions[0]
        .receipts
        .iter()
        .filter(|r| r.presence() == Presence::OnlyB)
        .collect();
    assert_eq!(extra.len(), 1);
    assert_eq!(extra[0].depth, 1);
    // A second refund from the same receipt to the same account: the second such sibling.
    assert_eq!(extra[0].path.last().expect("step").nth, 1);
}

#[test]
fn exact_fields_ignore_the_tolerance() {
    let a = captures_dag(&["call_failing"]);
    let mut b = a.clone();
    method_receipt(&mut b, "failing_callback").logs.push("one more log".into());
    method_receipt(&mut b, "failing_callback").block_offset =
        method_receipt(&mut b, "failing_callback").block_offset.map(|o| o + 1);
    method_receipt(&mut b, "fail").status =
        Status::Success(Outcome::Value(Value::Json(serde_json::json!("no longer fails"))));
    // So the callback's input is no longer a failure: a data edge that changed.
    method_receipt(&mut b, "failing_callback").inputs[0].status =
        InputStatus::Success(Value::Json(serde_json::json!("no longer fails")));
    let report = diff::diff(&a, &b, tol("100%"));
    assert!(!report.is_equal());
    let mut fields: Vec<String> = report.transactions[0]
        .receipts
        .iter()
        .flat_map(|r| r.changes.iter().map(|c| c.field.clone()))
        .collect();
    fields.sort();
    assert_eq!(fields, ["block offset", "input #0", "logs", "status"]);
}

#[test]
fn a_different_result_and_error_are_reported() {
    let a = captures_dag(&["multiple_contracts"]);
    let mut b = a.clone();
    method_receipt(&mut b, "get_greeting").status =
        Status::Success(Outcome::Value(Value::Json(serde_json::json!("hi"))));
    if let Status::Failure(f) = &mut method_receipt(&mut b, "fail").status {
        f.message = "Smart contract panicked: other".into();
    } else {
        panic!("fail should fail in the capture");
    }
    let report = diff::diff(&a, &b, Tolerance::EXACT);
    let changes: Vec<(String, serde_json::Value, serde_json::Value)> = report.transactions[0]
        .receipts
        .iter()
        .flat_map(|r| r.changes.iter().map(|c| (c.field.clone(), c.a.clone(), c.b.clone())))
        .collect();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[0], ("result".into(), serde_json::json!("bye"), serde_json::json!("hi")));
    assert_eq!(changes[1].0, "error");
    assert_eq!(changes[1].2["message"], "Smart contract panicked: other");
}

#[test]
fn tolerance_edges_for_gas() {
    let a = captures_dag(&["query_greeting"]);
    let base = method_receipt(&mut a.clone(), "query_greeting").gas_burnt.as_gas();
    let mut b = a.clone();
    // Exactly 1% more (rounded so that 1% is an integer amount of gas).
    let one_percent = base / 100;
    let r = method_receipt(&mut b, "query_greeting");
    r.gas_burnt = Gas::from_gas(base + one_percent);
    assert!(diff::diff(&a, &b, tol("1%")).is_equal(), "1% more is within 1%");
    assert!(!diff::diff(&a, &b, tol("0.5%")).is_equal());
    assert!(!diff::diff(&a, &b, tol("0")).is_equal());
    // The smallest step past 1% of the baseline is not.
    let r = method_receipt(&mut b, "query_greeting");
    let past = base.div_ceil(100) + 1; // just past 1%
    r.gas_burnt = Gas::from_gas(base + past);
    assert!(!diff::diff(&a, &b, tol("1%")).is_equal());
    // Less gas counts the same way.
    let r = method_receipt(&mut b, "query_greeting");
    r.gas_burnt = Gas::from_gas(base - one_percent);
    assert!(diff::diff(&a, &b, tol("1%")).is_equal());
    assert!(!diff::diff(&a, &b, tol("0.99%")).is_equal());
}

#[test]
fn tolerance_covers_tokens_refunds_and_attached_gas() {
    let a = captures_dag(&["query_greeting"]);
    let mut b = a.clone();
    let scale = |x: u128| x + x / 200; // +0.5%
    for r in &mut b.transactions[0].receipts {
        r.tokens_burnt = Balance::from_yoctonear(scale(r.tokens_burnt.as_yoctonear()));
        r.gas_attached = Gas::from_gas(scale(r.gas_attached.as_gas().into()) as u64);
        if r.is_refund {
            for x in &mut r.actions {
                x.deposit = Balance::from_yoctonear(scale(x.deposit.as_yoctonear()));
            }
        }
    }
    let exact = diff::diff(&a, &b, Tolerance::EXACT);
    let mut fields: Vec<String> = exact.transactions[0]
        .receipts
        .iter()
        .flat_map(|r| r.changes.iter().map(|c| c.field.clone()))
        .collect();
    fields.sort();
    fields.dedup();
    assert_eq!(fields, ["gas attached", "gas refund", "tokens burnt"]);
    assert!(diff::diff(&a, &b, tol("0.5%")).is_equal());
    assert!(!diff::diff(&a, &b, tol("0.4%")).is_equal());
}

#[test]
fn tolerance_parses_the_documented_forms() {
    for (text, shown) in
        [("1%", "1%"), ("0.5%", "0.5%"), ("0", "0"), ("0%", "0"), ("2.50%", "2.5%")]
    {
        assert_eq!(tol(text).to_string(), shown, "{text}");
    }
    for bad in ["1", "abc", "-1%", "1.1234567%", "%", "", "1%%", "0.5"] {
        let err = Tolerance::parse(bad).expect_err(bad);
        assert!(err.starts_with("--gas-tolerance"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }
    assert!(tol("1%").allows(100, 101));
    assert!(!tol("1%").allows(100, 102));
    assert!(!tol("1%").allows(0, 1));
    assert!(tol("0").allows(7, 7));
    assert!(!tol("0").allows(7, 8));
    // yoctoNEAR amounts near u128's range do not overflow.
    assert!(tol("0.000001%").allows(u128::MAX / 2, u128::MAX / 2 + 1));
}
