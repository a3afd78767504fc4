//! What `nearviz diff` shows: insta snapshots of the tree and the JSON for a run that changed
//! in every way the report knows (missing, extra, exact fields, gas beyond and within the
//! tolerance), made from a real capture.

use crate::model_common::capture_dag;
use near_primitives::hash::CryptoHash;
use near_primitives::types::Gas;
use nearviz::chain::ReceiptId;
use nearviz::diff::{self, Tolerance};
use nearviz::model::{Dag, Parent, ReceiptNode};

fn receipt<'a>(dag: &'a mut Dag, method: &str) -> &'a mut ReceiptNode {
    dag.transactions[0]
        .receipts
        .iter_mut()
        .find(|r| r.actions.first().and_then(|a| a.method.as_deref()) == Some(method))
        .unwrap_or_else(|| panic!("no receipt calls {method}"))
}

/// `multiple_contracts` with: `fail` gone (and its refund), an extra refund under the callback,
/// `increment` burning 3% more gas, `get_greeting` 0.5% more (within 1%), a new log.
fn changed() -> (Dag, Dag) {
    let a = capture_dag("multiple_contracts");
    let mut b = a.clone();
    let gone = receipt(&mut b, "fail").id;
    let tx = &mut b.transactions[0];
    tx.receipts.retain(|r| r.id != gone && r.parent != Parent::Receipt(gone));
    for r in &mut tx.receipts {
        r.children.retain(|c| *c != gone);
    }
    let callback = receipt(&mut b, "multiple_callback").clone();
    let mut extra =
        b.transactions[0].receipts.iter().find(|r| r.is_refund).expect("refund").clone();
    extra.id = ReceiptId(CryptoHash::hash_bytes(b"extra refund"));
    extra.parent = Parent::Receipt(callback.id);
    receipt(&mut b, "multiple_callback").children.push(extra.id);
    b.transactions[0].receipts.push(extra);
    let r = receipt(&mut b, "increment");
    r.gas_burnt = Gas::from_gas(r.gas_burnt.as_gas() / 100 * 103);
    let r = receipt(&mut b, "get_greeting");
    r.gas_burnt = Gas::from_gas(r.gas_burnt.as_gas() / 1000 * 1005);
    receipt(&mut b, "multiple_callback").logs.push("a new log".into());
    (a, b)
}

#[test]
fn tree_report() {
    let (a, b) = changed();
    let report = diff::diff(&a, &b, Tolerance::parse("1%").expect("tolerance"));
    assert!(!report.is_equal());
    let mut out = Vec::new();
    diff::text::write(&report, "baseline.json", "new.json", &mut out).expect("write");
    insta::assert_snapshot!("diff_tree_multiple_contracts", String::from_utf8(out).expect("utf8"));
}

#[test]
fn json_report() {
    let (a, b) = changed();
    let report = diff::diff(&a, &b, Tolerance::parse("1%").expect("tolerance"));
    let mut json = diff::json::to_value(&report);
    // Only what changed (the full list of pairs is long); ids are kept out of the snapshot.
    for tx in json["transactions"].as_array_mut().expect("transactions") {
        tx["a"]["hash"] = "<hash>".into();
        tx["b"]["hash"] = "<hash>".into();
        let receipts = tx["receipts"].as_array_mut().expect("receipts");
        receipts.retain(|r| {
            r["equal"] == false || r["changes"].as_array().is_some_and(|c| !c.is_empty())
        });
        for r in receipts {
            for side in ["a", "b"] {
                if !r[side].is_null() {
                    r[side] = "<id>".into();
                }
            }
        }
    }
    insta::assert_snapshot!(
        "diff_json_multiple_contracts",
        serde_json::to_string_pretty(&json).expect("json")
    );
}
