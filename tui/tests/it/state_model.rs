//! State changes and the NEAR ledger on the real-neard recordings in
//! `fixtures/reference/state/` (see its README): exact, they are real.

use crate::model_common::{inspect_json, state, STATE_CALLS};
use nearviz::chain::ChainEvent;
use nearviz::fixture;
use nearviz::model::{Before, Cause, ChangeKind, ChangeValue, Dag, ReceiptNode, Trace, TxNode};
use serde_json::Value;
use std::path::Path;

const ONE_NEAR: i128 = 1_000_000_000_000_000_000_000_000;

fn events(name: &str) -> Vec<ChainEvent> {
    let rec = fixture::load(&state(name)).expect("load a state recording");
    assert!(rec.warnings.is_empty(), "{name}: {:?}", rec.warnings);
    rec.chain_events().collect()
}

fn dag_of(name: &str) -> Dag {
    Trace::from_events(events(name)).dag()
}

/// Every recording applied in call order to one session: befores are then known from the
/// previous calls' changes.
fn session() -> Dag {
    Trace::from_events(STATE_CALLS.iter().flat_map(|c| events(c))).dag()
}

fn tx<'a>(dag: &'a Dag, label: &str) -> &'a TxNode {
    let labels: Vec<_> = dag.transactions.iter().map(|t| t.label.clone()).collect();
    dag.transactions
        .iter()
        .find(|t| t.label.as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no {label} in {labels:?}"))
}

fn receipt<'a>(t: &'a TxNode, receiver: &str, method: &str) -> &'a ReceiptNode {
    t.receipts
        .iter()
        .find(|r| {
            r.receiver.as_ref().is_some_and(|a| a.as_str() == receiver)
                && r.actions.iter().any(|a| a.method.as_deref() == Some(method))
        })
        .unwrap_or_else(|| panic!("no {receiver}.{method}"))
}

fn data_after(r: &ReceiptNode) -> Vec<Option<Vec<u8>>> {
    r.state_changes
        .iter()
        .filter_map(|c| match &c.value {
            ChangeValue::Data { after, .. } => Some(after.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn rollback_the_record_is_added_then_undone_by_the_callback() {
    let dag = session();
    let t = tx(&dag, "call_failing_with_rollback");
    let call = receipt(t, "xcc.test.near", "call_failing_with_rollback");
    assert_eq!(call.block_offset, Some(1));
    let written = data_after(call);
    assert_eq!(written.len(), 1, "xcc writes STATE once at B+1");
    let b1 = call.state_changes.iter().find(|c| c.is_data()).expect("data");
    let ChangeValue::Data { key, before, after: Some(added) } = &b1.value else {
        panic!("a data update");
    };
    assert_eq!(key, b"STATE");
    // The recordings start here for xcc's STATE: nobody saw it before B+1.
    assert_eq!(before, &Before::Unknown(None));
    // borsh: three account ids, then `recorded_calls: u32` = 1.
    assert_eq!(&added[added.len() - 4..], &[1, 0, 0, 0]);

    let fail = receipt(t, "hello.test.near", "fail");
    assert!(fail.state_changes.iter().all(|c| !c.is_data()), "hello.fail wrote no data");
    assert!(
        fail.state_changes.iter().any(|c| c.cause == Cause::ActionReceiptGasReward),
        "the reward is paid though the receipt failed"
    );

    let callback = receipt(t, "xcc.test.near", "call_failing_with_rollback_callback");
    assert_eq!(callback.block_offset, Some(3));
    let undo = callback.state_changes.iter().find(|c| c.is_data()).expect("the callback writes");
    let ChangeValue::Data { before: Before::Known(Some(seen)), after: Some(back), .. } =
        &undo.value
    else {
        panic!("the callback's before is the B+1 write");
    };
    assert_eq!(seen, added);
    let mut earlier = added.clone();
    let n = earlier.len();
    earlier[n - 4] = 0;
    assert_eq!(back, &earlier, "STATE back to its bytes before B+1 (recorded_calls 0)");
    let changed = nearviz::model::state_value::changed(seen, back).expect("changed");
    assert_eq!(changed, (n - 4..n - 3, n - 4..n - 3), "only the counter byte changed");

    // alice credited with the 1 NEAR deposit by xcc's Transfer.
    let transfer = t
        .receipts
        .iter()
        .find(|r| {
            !r.is_refund && r.receiver.as_ref().is_some_and(|a| a.as_str() == "alice.test.near")
        })
        .expect("the Transfer back");
    let credit = transfer.state_changes.iter().find_map(|c| c.balance_delta()).expect("delta");
    assert_eq!(credit, ONE_NEAR);
}

#[test]
fn batch_failing_leaves_hello_untouched() {
    let dag = dag_of("batch_failing");
    let t = &dag.transactions[0];
    for r in &t.receipts {
        if r.receiver.as_ref().is_some_and(|a| a.as_str() == "hello.test.near") {
            assert!(r.state_changes.iter().all(|c| !c.is_data()), "{:?}", r.state_changes);
            assert!(r.reverted_changes.is_empty(), "a node never reports reverted changes");
        }
    }
}

#[test]
fn change_greeting_writes_hello_at_b_plus_2() {
    let dag = dag_of("change_greeting");
    let t = &dag.transactions[0];
    let writes: Vec<_> = t
        .receipts
        .iter()
        .filter(|r| {
            r.state_changes.iter().any(|c| c.is_data() && c.account.as_str() == "hello.test.near")
        })
        .collect();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].block_offset, Some(2));
}

#[test]
fn the_transaction_carries_the_signer_charge_and_its_key_nonce() {
    let dag = dag_of("call_failing_with_rollback");
    let t = &dag.transactions[0];
    let kinds: Vec<_> = t.state_changes.iter().map(|c| (c.cause, c.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            (Cause::TransactionProcessing, ChangeKind::AccountUpdate),
            (Cause::TransactionProcessing, ChangeKind::AccessKeyUpdate)
        ]
    );
    // First sight of alice: before unknown, no reason (nobody refused).
    assert!(matches!(
        &t.state_changes[0].value,
        ChangeValue::Account { before: Before::Unknown(None), .. }
    ));
}

#[test]
fn every_ledger_adds_up_and_matches_the_known_balances() {
    let together = session();
    assert_eq!(together.transactions.len(), STATE_CALLS.len());
    for (i, name) in STATE_CALLS.into_iter().enumerate() {
        let alone = dag_of(name);
        let l = &alone.transactions[0].ledger;
        assert!(l.unknown.is_empty(), "{name}: {:?}", l.unknown);
        assert_eq!(l.imbalance(), 0, "{name}");
        for row in &l.rows {
            assert_eq!(row.net, row.parts_sum(), "{name} {}", row.account);
        }
        // In the session the befores are known (except on first sight): the same ledger.
        let known = &together.transactions[i].ledger;
        assert_eq!(known.imbalance(), 0, "{name} in the session");
        assert_eq!(known.rows, l.rows, "{name}: derived parts equal the observed ones");
        if i > 0 && name != "guestbook_premium" {
            // alice's balance was seen before: her charge is observed, not inferred.
            assert!(known.inferred.iter().all(|n| !n.contains("conversion")), "{name}");
        }
    }
}

#[test]
fn rollback_ledger_where_the_near_went() {
    let dag = dag_of("call_failing_with_rollback");
    let l = &dag.transactions[0].ledger;
    let alice = l.row("alice.test.near").expect("alice");
    assert_eq!(alice.deposits_out, ONE_NEAR);
    assert_eq!(alice.deposits_in, ONE_NEAR, "the deposit comes back in a Transfer");
    let xcc = l.row("xcc.test.near").expect("xcc");
    assert_eq!((xcc.deposits_in, xcc.deposits_out), (ONE_NEAR, ONE_NEAR));
    assert_eq!(xcc.rewards, 35_469_369_016_100_000_000 + 21_276_607_980_300_000_000);
    let hello = l.row("hello.test.near").expect("hello");
    assert_eq!(hello.rewards, 6_055_093_961_900_000_000);
    assert_eq!(hello.net, hello.rewards);
    assert!(alice.refunds > 0);
    assert!(alice.net < 0);
}

fn receipts_json(out: &Value) -> &Vec<Value> {
    out["transactions"][0]["receipts"].as_array().expect("receipts")
}

#[test]
fn inspect_json_shows_the_changes() {
    let out = inspect_json(&state("call_failing_with_rollback"));
    let t = &out["transactions"][0];
    assert_eq!(t["state_changes"][0]["cause"], "transaction_processing");
    assert_eq!(t["state_changes"][0]["kind"], "account_update");
    assert_eq!(t["state_changes"][0]["account"], "alice.test.near");
    assert_eq!(t["state_changes"][0]["amount"], "48696578987295678300000000");
    assert_eq!(t["state_changes"][0]["amount_before"], Value::Null);
    let receipts = receipts_json(&out);
    let b1: Vec<&Value> = receipts
        .iter()
        .filter(|r| r["block_offset"] == 1)
        .flat_map(|r| r["state_changes"].as_array().expect("list"))
        .filter(|c| c["kind"] == "data_update")
        .collect();
    assert_eq!(b1.len(), 1);
    assert_eq!(b1[0]["account"], "xcc.test.near");
    assert_eq!(b1[0]["key_base64"], "U1RBVEU=");
    assert_eq!(
        b1[0]["value_base64"],
        "DwAAAGhlbGxvLnRlc3QubmVhchEAAABjb3VudGVyLnRlc3QubmVhchMAAABndWVzdGJvb2sudGVzdC5uZWFyAQAAAA=="
    );
    assert_eq!(
        b1[0]["value"],
        "…\"hello.test.near\"…\"counter.test.near\"…\"guestbook.test.near\"…"
    );
    let callback = receipts
        .iter()
        .find(|r| r["actions"][0]["method"] == "call_failing_with_rollback_callback")
        .expect("callback");
    let data = callback["state_changes"]
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["kind"] == "data_update")
        .expect("the callback writes STATE");
    assert_eq!(data["before_base64"], b1[0]["value_base64"], "before = the B+1 write");
    for r in receipts {
        assert_eq!(r["reverted_changes"], Value::Array(Vec::new()));
        if r["receiver"] == "hello.test.near" {
            assert!(r["state_changes"]
                .as_array()
                .expect("list")
                .iter()
                .all(|c| c["kind"] != "data_update"));
        }
    }
    let ledger = t["ledger"].as_array().expect("ledger");
    let alice = ledger.iter().find(|r| r["account"] == "alice.test.near").expect("alice");
    assert_eq!(alice["deposits_in"], ONE_NEAR.to_string());
    let total: i128 =
        ledger.iter().map(|r| r["net"].as_str().expect("s").parse::<i128>().expect("n")).sum();
    let burnt: i128 = t["ledger_summary"]["tokens_burnt"].as_str().expect("s").parse().expect("n");
    assert_eq!(total + burnt, 0);
}

#[test]
fn tree_dot_and_mermaid_show_the_writes() {
    let path = state("call_failing_with_rollback");
    let (ok, tree, _) = crate::model_common::inspect(&path, nearviz::cli::Format::Tree);
    assert!(ok);
    assert!(tree.contains("Δ data_update xcc.test.near \"STATE\""), "{tree}");
    assert!(tree.contains("by action_receipt_gas_reward"), "{tree}");
    assert!(tree.contains("(bytes 63..64: 01 → 00)"), "the callback's undo: {tree}");
    assert!(tree.contains("ledger"), "{tree}");
    let (ok, dot, _) = crate::model_common::inspect(&path, nearviz::cli::Format::Dot);
    assert!(ok);
    assert_eq!(dot.matches("Δ1 state").count(), 2, "B+1 and the callback: {dot}");
    let (ok, mermaid, _) = crate::model_common::inspect(&path, nearviz::cli::Format::Mermaid);
    assert!(ok);
    assert_eq!(mermaid.matches("Δ1 state").count(), 2, "{mermaid}");
    assert_eq!(mermaid.matches("fill:#ffd").count(), 2, "{mermaid}");
}

#[test]
fn recorder_round_trip_keeps_changes_befores_and_reverted() {
    use nearviz::chain::{BlockChanges, PriorState};
    use nearviz::fixture::{Meta, Recorder, TimedEvent};
    let path = state("call_failing_with_rollback");
    let rec = fixture::load(&path).expect("load");
    let mut recorder = Recorder::new(Meta::default());
    let mut extra = None;
    for e in rec.events.iter().cloned() {
        if let ChainEvent::StateChanges(b) = &e.event {
            if extra.is_none() && !b.changes.is_empty() {
                extra = Some(BlockChanges {
                    block: b.block,
                    changes: Vec::new(),
                    before: vec![
                        PriorState::Data {
                            account_id: "xcc.test.near".parse().expect("id"),
                            key: b"STATE".to_vec(),
                            value: Some(vec![0, 1, 2]),
                        },
                        PriorState::Account {
                            account_id: "bob.test.near".parse().expect("id"),
                            account: None,
                        },
                        PriorState::Unknown {
                            account_id: "hello.test.near".parse().expect("id"),
                            reason: "state too large".into(),
                        },
                    ],
                    reverted: b.changes.clone(),
                });
            }
        }
        recorder.push(e);
    }
    let extra = extra.expect("a block with changes");
    recorder.push(TimedEvent { at_ms: 9, event: ChainEvent::StateChanges(Box::new(extra)) });
    let dir = tempfile::tempdir().expect("tmp");
    let saved = dir.path().join("saved.json");
    recorder.save(&saved).expect("save");
    let text = std::fs::read_to_string(&saved).expect("read");
    assert!(text.contains(r#""kind":"state_changes""#));
    assert!(text.contains(r#""account_changes":{"result":{"block_hash""#));
    let back = fixture::load(&saved).expect("load saved");
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    let before: Vec<_> = rec.events.iter().map(|e| format!("{:?}", e.event)).collect();
    let after: Vec<_> = back.events.iter().map(|e| format!("{:?}", e.event)).collect();
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after[..before.len()], before[..]);
    assert!(after[before.len()].contains("state too large"));
    assert!(after[before.len()].contains("bob.test.near"));
    // Without the extra block (applied once per block, so it changes nothing) the JSON is equal.
    assert_eq!(
        receipts_json(&inspect_json(&saved)).len(),
        receipts_json(&inspect_json(&path)).len()
    );
}

#[test]
fn old_fixtures_without_state_changes_still_load() {
    let old = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reference/captures"))
        .join("call_failing.json");
    let out = inspect_json(&old);
    for r in receipts_json(&out) {
        assert_eq!(r["state_changes"], Value::Array(Vec::new()));
    }
}

#[test]
fn changes_attach_whether_they_arrive_before_or_after_the_outcomes() {
    let all = events("call_failing_with_rollback");
    let (changes, rest): (Vec<_>, Vec<_>) =
        all.iter().cloned().partition(|e| matches!(e, ChainEvent::StateChanges(_)));
    assert_eq!(changes.len(), 6);
    let early = Trace::from_events(changes.iter().cloned().chain(rest.iter().cloned())).dag();
    let late = Trace::from_events(rest.into_iter().chain(changes)).dag();
    let in_order = Trace::from_events(all).dag();
    for dag in [&early, &late] {
        let t = &dag.transactions[0];
        let u = &in_order.transactions[0];
        assert_eq!(t.state_changes, u.state_changes);
        assert_eq!(t.ledger, u.ledger);
        for (a, b) in t.receipts.iter().zip(&u.receipts) {
            assert_eq!(a.state_changes, b.state_changes);
        }
    }
    // Reported twice, a block counts once.
    let twice = events("call_failing_with_rollback");
    let doubled: Vec<ChainEvent> = twice.iter().cloned().chain(twice.iter().cloned()).collect();
    assert_eq!(
        Trace::from_events(doubled).dag().transactions[0].ledger,
        in_order.transactions[0].ledger
    );
}

#[test]
fn changes_naming_nothing_followed_are_left_out() {
    let dag = dag_of("multiple_contracts");
    let t = &dag.transactions[0];
    let ids: std::collections::HashSet<_> = t.receipts.iter().map(|r| r.id).collect();
    let attached: usize =
        t.state_changes.len() + t.receipts.iter().map(|r| r.state_changes.len()).sum::<usize>();
    assert!(attached > 0);
    assert!(ids.len() == t.receipts.len());
    // Every attached change names its own receipt or the transaction (checked by construction
    // in the model); a recording's block may hold other transactions' changes, never shown.
    for r in &t.receipts {
        for c in &r.state_changes {
            assert!(matches!(
                c.cause,
                Cause::ReceiptProcessing | Cause::ActionReceiptGasReward | Cause::PostponedReceipt
            ));
        }
    }
}

#[test]
fn reverted_changes_of_the_embedded_runtime_are_shown_apart() {
    use nearviz::chain::{BlockChanges, BlockHash, PriorState};
    let mut all = events("batch_failing");
    let dag = Trace::from_events(all.clone()).dag();
    let failed = dag.transactions[0]
        .receipts
        .iter()
        .find(|r| matches!(r.status, nearviz::model::Status::Failure(_)))
        .expect("the failed batch");
    let write: nearviz::chain::BlockChanges = BlockChanges {
        // Another block id, so the recording's own changes of that block still count.
        block: BlockHash(near_primitives::hash::CryptoHash::hash_bytes(b"embedded")),
        changes: Vec::new(),
        before: vec![PriorState::Data {
            account_id: "hello.test.near".parse().expect("id"),
            key: b"STATE".to_vec(),
            value: Some(b"\x05\x00\x00\x00hello".to_vec()),
        }],
        reverted: vec![serde_json::from_value(serde_json::json!({
            "cause": {"type": "receipt_processing", "receipt_hash": failed.id.to_string()},
            "type": "data_update",
            "change": {"account_id": "hello.test.near", "key_base64": "U1RBVEU=",
                       "value_base64": "BQAAAHdvcmxk"}
        }))
        .expect("a change view")],
    };
    all.push(ChainEvent::StateChanges(Box::new(write)));
    let dag = Trace::from_events(all).dag();
    let r = dag.transactions[0].receipts.iter().find(|r| r.id == failed.id).expect("receipt");
    assert_eq!(r.reverted_writes(), 1);
    assert_eq!(r.state_writes(), 0, "a failed receipt writes no data");
    let ChangeValue::Data { before: Before::Known(Some(b)), after: Some(a), .. } =
        &r.reverted_changes[0].value
    else {
        panic!("a reverted data write with its before");
    };
    assert_eq!(b, b"\x05\x00\x00\x00hello");
    assert_eq!(a, b"\x05\x00\x00\x00world");
    let out = nearviz::output::json::to_value(&dag);
    let receipts = receipts_json(&out);
    let json = receipts.iter().find(|j| j["id"] == failed.id.to_string()).expect("json");
    assert_eq!(json["reverted_changes"][0]["before_base64"], "BQAAAGhlbGxv");
    assert_eq!(json["reverted_changes"][0]["value_base64"], "BQAAAHdvcmxk");
    assert_eq!(json["reverted_changes"][0]["value"], "…\"world\"");
    let mut dot = Vec::new();
    nearviz::output::dot(&dag, &mut dot).expect("dot");
    assert!(String::from_utf8(dot).expect("utf8").contains("↺1 reverted"));
    let mut tree = Vec::new();
    nearviz::output::tree(&dag, &mut tree).expect("tree");
    let tree = String::from_utf8(tree).expect("utf8");
    assert!(tree.contains("↺ reverted: data_update hello.test.near \"STATE\""), "{tree}");
}
