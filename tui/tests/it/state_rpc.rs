//! `follow_tx` fetches each block's state changes from a loopback JSON-RPC node serving the
//! real-neard state recording of `call_failing_with_rollback`, with befores by `query` at the
//! block's `prev_hash`, one account's queries refused.

use crate::support::loopback::LoopbackRpc;
use crate::support::state_node::{state_node, Befores, StateRecording};
use nearviz::chain::{ChainEvent, PriorState, TxHash};
use nearviz::engine::rpc::{follow_tx, FollowOptions, RpcClient};
use nearviz::engine::EngineEvent;
use nearviz::model::{Before, ChangeValue, Trace};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio::time::Instant;

const EARLIER_STATE: &str =
    "DwAAAGhlbGxvLnRlc3QubmVhchEAAABjb3VudGVyLnRlc3QubmVhchMAAABndWVzdGJvb2sudGVzdC5uZWFyAAAAAA==";

fn befores() -> Befores {
    let mut b = Befores::default();
    // What the previous call of the recorded session left (change_greeting … multiple_contracts).
    b.accounts.insert(
        "alice.test.near".into(),
        json!({"amount": "49997498048866232300000000", "locked": "0",
               "code_hash": "11111111111111111111111111111111", "storage_usage": 182,
               "storage_paid_at": 0, "block_height": 63,
               "block_hash": "11111111111111111111111111111111"}),
    );
    b.accounts.insert(
        "xcc.test.near".into(),
        json!({"amount": "19998729364699146500000000", "locked": "0",
               "code_hash": "BnmcYDvZKCrSUpZ2vJXnxY738sffdfEToxpM1Efbjftw", "storage_usage": 179170,
               "storage_paid_at": 0, "block_height": 64,
               "block_hash": "11111111111111111111111111111111"}),
    );
    b.data.insert(("xcc.test.near".into(), "U1RBVEU=".into()), EARLIER_STATE.into());
    b.refuse.insert("hello.test.near".into(), "UNAVAILABLE_SHARD".into());
    b
}

async fn follow(node: &LoopbackRpc, rec: &StateRecording) -> Vec<ChainEvent> {
    let client = RpcClient::with_timeout(&node.url, Duration::from_secs(2)).expect("client");
    let (events_tx, mut events_rx) = nearviz::engine::event_channel(16);
    let opts = FollowOptions {
        poll_interval: Duration::from_millis(5),
        tx_timeout: Duration::from_secs(20),
        unknown_timeout: None,
        max_errors_in_row: None,
    };
    let follower = tokio::spawn(follow_tx(
        client,
        TxHash(rec.tx_hash.parse().expect("hash")),
        rec.signer.parse().expect("signer"),
        Instant::now(),
        events_tx,
        opts,
    ));
    let mut events = Vec::new();
    while let Some(EngineEvent::Chain(e)) = events_rx.recv().await {
        events.push(e);
    }
    assert_eq!(follower.await.expect("task"), Ok(()));
    events
}

#[tokio::test]
async fn follow_fetches_changes_and_befores_of_every_block() {
    let rec = StateRecording::load("call_failing_with_rollback");
    let blocks: HashSet<String> = rec.state_blocks().into_iter().collect();
    let node = LoopbackRpc::start(state_node(
        StateRecording::load("call_failing_with_rollback"),
        befores(),
    ))
    .await;
    let events = follow(&node, &rec).await;
    assert_each_block_changes_once_after_its_header(&events, &blocks);
    assert_one_round_trip_per_block_and_kind(&node, &events, &blocks);
    assert_the_model_reads_the_befores(events);
}

/// Each block's changes come after its header, once; TxDone is last.
fn assert_each_block_changes_once_after_its_header(
    events: &[ChainEvent],
    blocks: &HashSet<String>,
) {
    let mut headers = HashSet::new();
    let mut changed = HashSet::new();
    for e in events {
        match e {
            ChainEvent::Block(h) => {
                headers.insert(h.hash.to_string());
            }
            ChainEvent::StateChanges(b) => {
                let hash = b.block.to_string();
                assert!(headers.contains(&hash), "changes of {hash} before its header");
                assert!(changed.insert(hash), "a block's changes sent twice");
            }
            _ => {}
        }
    }
    assert_eq!(&changed, blocks);
    assert!(matches!(events.last(), Some(ChainEvent::TxDone { error: None, .. })));
}

/// At most one round-trip per block per kind; befores at prev_hash, once per account or key; the
/// node's refusal is an unknown before with its reason, not an error.
fn assert_one_round_trip_per_block_and_kind(
    node: &LoopbackRpc,
    events: &[ChainEvent],
    blocks: &HashSet<String>,
) {
    assert_eq!(node.count("EXPERIMENTAL_changes_in_block"), blocks.len());
    let mut per_kind: HashMap<(String, String), usize> = HashMap::new();
    for r in node.requests().iter().filter(|r| r.method == "EXPERIMENTAL_changes") {
        let key = (r.params["block_id"].to_string(), r.params["changes_type"].to_string());
        *per_kind.entry(key).or_default() += 1;
        if r.params["changes_type"] == "data_changes" {
            assert_eq!(r.params["key_prefix_base64"], "");
        }
    }
    assert_eq!(per_kind.len(), blocks.len() * 4);
    assert!(per_kind.values().all(|n| *n == 1));
    // Befores at prev_hash, once per account or key of the session.
    let queries: Vec<_> = node.requests().into_iter().filter(|r| r.method == "query").collect();
    let asked: HashSet<String> = queries
        .iter()
        .map(|q| format!("{}{}", q.params["account_id"], q.params["prefix_base64"]))
        .collect();
    assert_eq!(asked.len(), queries.len(), "each account or key asked once: {queries:?}");
    let heights: HashMap<String, String> = events
        .iter()
        .filter_map(|e| match e {
            ChainEvent::Block(h) => Some((h.hash.to_string(), h.prev_hash.to_string())),
            _ => None,
        })
        .collect();
    let prevs: HashSet<&String> = heights.values().collect();
    for q in &queries {
        assert!(prevs.contains(&q.params["block_id"].as_str().expect("id").to_owned()), "{q:?}");
    }

    // The refusal is an unknown before with its reason, not an error.
    let refused = events.iter().any(|e| match e {
        ChainEvent::StateChanges(b) => b.before.iter().any(|p| {
            matches!(p, PriorState::Unknown { account_id, reason }
                if account_id.as_str() == "hello.test.near" && reason.contains("UNAVAILABLE_SHARD"))
        }),
        _ => false,
    });
    assert!(refused);
}

/// The model: xcc's STATE before B+1 is the earlier bytes, and the callback writes them back.
fn assert_the_model_reads_the_befores(events: Vec<ChainEvent>) {
    let dag = Trace::from_events(events).dag();
    let t = &dag.transactions[0];
    let data: Vec<_> = t
        .receipts
        .iter()
        .flat_map(|r| r.state_changes.iter())
        .filter_map(|c| match &c.value {
            ChangeValue::Data { before, after, .. } => Some((before.clone(), after.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(data.len(), 2);
    let earlier = nearviz::model::state_value::base64(match &data[0].0 {
        Before::Known(Some(b)) => b,
        other => panic!("B+1's before is known: {other:?}"),
    });
    assert_eq!(earlier, EARLIER_STATE);
    assert_eq!(
        data[1].1.as_deref().map(nearviz::model::state_value::base64).as_deref(),
        Some(EARLIER_STATE)
    );
    // hello's reward: before unknown, with the node's reason.
    let hello = t
        .receipts
        .iter()
        .flat_map(|r| r.state_changes.iter())
        .find(|c| c.account.as_str() == "hello.test.near")
        .expect("hello's reward");
    assert!(
        matches!(&hello.value, ChangeValue::Account { before: Before::Unknown(Some(r)), .. } if r.contains("UNAVAILABLE_SHARD"))
    );
    // alice's charge is observed now, and equals what the recording alone infers.
    let l = &t.ledger;
    assert_eq!(l.imbalance(), 0);
    assert!(l.inferred.iter().all(|n| !n.contains("conversion")), "{:?}", l.inferred);
    let alone = nearviz::fixture::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/reference/state/call_failing_with_rollback.json"
    )))
    .expect("load");
    let alone = Trace::from_events(alone.chain_events()).dag();
    assert_eq!(l.rows, alone.transactions[0].ledger.rows);
}

#[tokio::test]
async fn a_node_without_the_changes_methods_still_gets_followed() {
    let rec = StateRecording::load("batch_failing");
    let mut file = rec.file.clone();
    file["state_changes"] = json!({});
    let stripped =
        StateRecording { file, tx_hash: rec.tx_hash.clone(), signer: rec.signer.clone() };
    let node = LoopbackRpc::start(state_node(stripped, Befores::default())).await;
    let events = follow(&node, &rec).await;
    assert!(events.iter().all(|e| !matches!(e, ChainEvent::StateChanges(_))));
    assert!(matches!(events.last(), Some(ChainEvent::TxDone { error: None, .. })));
}

/// Issue 22: the order of receipts inside one block, from the node's own change list. In one
/// block of this real-neard recording two receipts credit alice (the deposit coming back, a gas
/// refund); `window::ran_before` orders them by their place in that list, and alice's balance
/// after each change (which only grows here) says the same independently.
#[tokio::test]
async fn the_nodes_change_order_orders_the_receipts_of_a_block() {
    use nearviz::model::window::ran_before;
    let rec = StateRecording::load("call_failing_with_rollback");
    let node = LoopbackRpc::start(state_node(
        StateRecording::load("call_failing_with_rollback"),
        befores(),
    ))
    .await;
    let dag = Trace::from_events(follow(&node, &rec).await).dag();
    let alice = |r: &nearviz::model::ReceiptNode| -> Option<u128> {
        r.state_changes.iter().rev().find_map(|c| match &c.value {
            ChangeValue::Account { after: Some(after), .. }
                if c.account.as_str() == "alice.test.near" =>
            {
                Some(after.amount.as_yoctonear())
            }
            _ => None,
        })
    };
    let credited: Vec<_> =
        dag.transactions[0].receipts.iter().filter(|r| alice(r).is_some()).collect();
    let pair = credited
        .iter()
        .enumerate()
        .find_map(|(i, a)| {
            credited[i + 1..].iter().find(|b| b.block_height == a.block_height).map(|b| (*a, *b))
        })
        .expect("two receipts that credit alice in one block");
    let (first, second) = match ran_before(pair.0, pair.1) {
        Some(true) => (pair.0, pair.1),
        Some(false) => (pair.1, pair.0),
        None => panic!("the block's changes do not order {:?} and {:?}", pair.0.id, pair.1.id),
    };
    assert_eq!(ran_before(second, first), Some(false));
    assert!(alice(first) < alice(second), "{:?} then {:?}", alice(first), alice(second));
}
