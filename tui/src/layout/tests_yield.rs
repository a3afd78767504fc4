//! A yielded callback (yield/resume, NEP-519) through the model and the layout, from a real
//! embedded chain: while it waits for `promise_yield_resume` it is `⧗ waiting 0/1` (its view
//! is an `Action` with `is_promise_yield`); once resumed by another transaction it ran with an
//! input that arrived from outside this transaction.

use super::*;
use crate::chain::{ChainEvent, TxHash, TxPoll, TxStatusReply};
use crate::model::dag::{InputStatus, Outcome, Parent, Status, Value};
use crate::model::Trace;
use near_primitives::action::{Action, CreateAccountAction, DeployContractAction};
use near_primitives::action::{FunctionCallAction, TransferAction};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance, Gas};
use nearviz_runtime::{Runtime, RuntimeOptions, TxStatus};

/// The yield scenario's contract (`scenarios/res/yielder.wat`): `ask` yields `answer` and
/// returns it; `respond` resumes it with its arguments; `answer` returns the payload.
const YIELDER: &[u8] = include_bytes!("../../scenarios/res/yielder.wasm");

const NEAR: u128 = 10u128.pow(24);

fn id(name: &str) -> AccountId {
    name.parse().expect("account id")
}

fn call(method: &str, args: &[u8]) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: method.into(),
        args: args.to_vec(),
        gas: Gas::from_gas(100 * 10u64.pow(12)),
        deposit: Balance::ZERO,
    }))
}

/// What a follower reports for `tx` now: the blocks, the views of receipts not run yet, a poll.
fn report(rt: &Runtime, tx: CryptoHash, sender: &AccountId, events: &mut Vec<ChainEvent>) {
    let TxStatus::Known { status, outcome } = rt.tx_status(&tx) else { panic!("unknown tx") };
    let fo = &outcome.final_outcome;
    let blocks = std::iter::once(fo.transaction_outcome.block_hash)
        .chain(fo.receipts_outcome.iter().map(|o| o.block_hash));
    for hash in blocks {
        let header = rt.block(&hash).expect("header").clone();
        events.push(ChainEvent::Block(Box::new(header)));
    }
    for view in rt.pending_receipt_views(&outcome) {
        events.push(ChainEvent::Receipt(Box::new(view)));
    }
    let reply = TxStatusReply::Known { status, outcome: Some(outcome) };
    events.push(ChainEvent::TxPoll(TxPoll {
        tx: TxHash(tx),
        sender: sender.clone(),
        at_ms: 0,
        reply,
    }));
}

#[test]
fn a_yielded_callback_shows_waiting_until_resumed() {
    let mut rt = Runtime::new(RuntimeOptions::default()).expect("runtime");
    let (root, yielder) = (id("test.near"), id("yielder.test.near"));
    rt.add_genesis_account(&root, 1_000 * NEAR).expect("root");
    let setup = vec![
        Action::CreateAccount(CreateAccountAction {}),
        Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(10 * NEAR) }),
        Action::DeployContract(DeployContractAction { code: YIELDER.to_vec() }),
    ];
    rt.submit(&root, &yielder, setup).expect("deploy");
    for _ in 0..3 {
        rt.produce_block();
    }
    let ask = rt.submit(&root, &yielder, vec![call("ask", b"")]).expect("ask");
    let mut events = vec![ChainEvent::TxSubmitted {
        tx: TxHash(ask),
        sender: root.clone(),
        label: "ask".into(),
        at_ms: 0,
    }];
    for _ in 0..5 {
        rt.produce_block();
    }
    report(&rt, ask, &root, &mut events);
    let dag = Trace::from_events(events.clone()).dag();
    let tx = &dag.transactions[0];
    let asked = tx.receipts.iter().find(|r| matches!(r.parent, Parent::Tx(_))).expect("ask");
    let yielded_id = asked.children[0];
    assert_eq!(asked.status, Status::Success(Outcome::Receipt(yielded_id)), "ask returns it");
    let yielded = tx.receipts.iter().find(|r| r.id == yielded_id).expect("the yielded receipt");
    assert_eq!(yielded.status, Status::Waiting { arrived: 0, total: 1 });
    assert_eq!(yielded.inputs.len(), 1);
    assert_eq!(yielded.inputs[0].status, InputStatus::Pending);
    assert!(matches!(tx.status, Status::Pending | Status::Waiting { .. }), "{:?}", tx.status);
    let drawn = layout(tx, &LayoutOptions::default());
    let node = &drawn.nodes[drawn.node_of(yielded.id).expect("visible")];
    assert_eq!(node.mark, Mark::Waiting { arrived: 0, total: 1 });
    assert_eq!(node.mark.glyph(), '⧗');
    assert!(node.lines.iter().any(|l| l.text.contains("waiting 0/1")), "{:?}", node.lines);

    // Resumed by another transaction: the callback runs with an input this trace cannot see.
    rt.submit(&root, &yielder, vec![call("respond", b"42")]).expect("respond");
    for _ in 0..6 {
        rt.produce_block();
    }
    report(&rt, ask, &root, &mut events);
    let dag = Trace::from_events(events).dag();
    let tx = &dag.transactions[0];
    let answer = tx.receipts.iter().find(|r| r.id == yielded.id).expect("still there");
    assert_eq!(answer.status, Status::Success(Outcome::Value(Value::Json(serde_json::json!(42)))));
    assert_eq!(answer.inputs[0].status, InputStatus::Arrived);
    assert_eq!(tx.status, answer.status, "the transaction follows the yield it returned");
}
