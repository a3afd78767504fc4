//! `follow_tx` asks `EXPERIMENTAL_receipt` for each receipt a polled outcome names that has no
//! outcome yet, in the background, and reports the view (`ChainEvent::Receipt`) once; an
//! `UNKNOWN_RECEIPT` answer is retried at a poll whose outcomes reached a new block, and a node
//! without the method costs at most `MAX_ATTEMPTS` requests per receipt. Against a real HTTP server on loopback serving the
//! real-neard recording `query_greeting` (xcc → hello, then xcc's callback).
//!
//! The node's `EXPERIMENTAL_receipt` answers are the `ReceiptView`s the recording's final
//! `EXPERIMENTAL_tx_status` lists (the same view type, from the same neard).

use crate::support::captures::{capture_node, node_error, Capture};
use crate::support::loopback::{follow_fast, Handler, LoopbackRpc, Reply};
use near_primitives::hash::CryptoHash;
use near_primitives::types::AccountId;
use nearviz::chain::{ChainEvent, TxHash, TxStatusReply};
use nearviz::engine::rpc::receipts::MAX_ATTEMPTS;
use nearviz::engine::rpc::{follow_tx, RpcClient};
use nearviz::engine::EngineEvent;
use nearviz::model::{Status, Trace};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

async fn follow(url: &str, capture: &Capture) -> Vec<ChainEvent> {
    let client = RpcClient::with_timeout(url, Duration::from_millis(500)).expect("client");
    let (events_tx, mut events_rx) = nearviz::engine::event_channel(16);
    let tx = TxHash(capture.tx_hash.parse().expect("tx hash"));
    let sender: AccountId = capture.sender.parse().expect("sender");
    let follower =
        tokio::spawn(follow_tx(client, tx, sender, Instant::now(), events_tx, follow_fast()));
    let mut events = Vec::new();
    while let Some(event) = events_rx.recv().await {
        match event {
            EngineEvent::Chain(chain) => events.push(chain),
            other => panic!("a follower sends only chain events, got {other:?}"),
        }
    }
    assert_eq!(follower.await.expect("follower task"), Ok(()));
    events
}

/// The recording's receipt views by id (from its final poll).
fn views(capture: &Capture) -> HashMap<String, Value> {
    let last = capture.polls.last().expect("polls");
    last["result"]["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .map(|r| (r["receipt_id"].as_str().expect("id").to_owned(), r.clone()))
        .collect()
}

/// Receipt ids poll `i` names as created that have no outcome in it.
fn pending_in(poll: &Value) -> Vec<String> {
    let result = &poll["result"];
    let ran: HashSet<&str> = result["receipts_outcome"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["id"].as_str())
        .collect();
    std::iter::once(&result["transaction_outcome"])
        .chain(result["receipts_outcome"].as_array().into_iter().flatten())
        .flat_map(|o| o["outcome"]["receipt_ids"].as_array().cloned().unwrap_or_default())
        .filter_map(|id| id.as_str().map(str::to_owned))
        .filter(|id| !ran.contains(id.as_str()))
        .collect()
}

/// A node that, like neard, knows a receipt only from the poll after the one that first names
/// it (`UNKNOWN_RECEIPT` before), and that holds each recorded poll until every receipt it names
/// without an outcome was asked for (those it names first) or served (the others): the follower
/// must ask, and ask again later, or it never gets to FINAL.
fn describing_node(capture: Capture) -> Handler {
    struct NodeState {
        poll: usize,
        /// Receipt → the poll that first named it.
        first_named: HashMap<String, usize>,
        asked: HashSet<String>,
        served: HashSet<String>,
    }
    let views = views(&capture);
    let inner = capture_node(vec![capture.clone()], 1);
    let state = Mutex::new(NodeState {
        poll: 0,
        first_named: HashMap::new(),
        asked: HashSet::new(),
        served: HashSet::new(),
    });
    Arc::new(move |method, params| {
        let mut s = state.lock().expect("state lock");
        match method {
            "EXPERIMENTAL_tx_status" => {
                let at = s.poll;
                let poll = &capture.polls[at];
                let pending = pending_in(poll);
                for id in &pending {
                    s.first_named.entry(id.clone()).or_insert(at);
                }
                let done = pending.iter().all(|id| {
                    s.served.contains(id) || (s.first_named[id] == at && s.asked.contains(id))
                });
                if done {
                    s.poll = (at + 1).min(capture.polls.len() - 1);
                }
                Reply::Json(poll.clone())
            }
            "EXPERIMENTAL_receipt" => {
                let id = params["receipt_id"].as_str().unwrap_or_default().to_owned();
                s.asked.insert(id.clone());
                let known = s.first_named.get(&id).is_some_and(|first| *first < s.poll);
                match views.get(&id) {
                    Some(view) if known => {
                        s.served.insert(id);
                        Reply::Json(json!({"jsonrpc": "2.0", "id": 0, "result": view}))
                    }
                    _ => Reply::Json(node_error(
                        "UNKNOWN_RECEIPT",
                        &format!("Receipt with id {id} has never been observed on this node"),
                    )),
                }
            }
            _ => inner(method, params),
        }
    })
}

fn receipt_requests(node: &LoopbackRpc) -> HashMap<String, usize> {
    let mut count = HashMap::new();
    for r in node.requests().into_iter().filter(|r| r.method == "EXPERIMENTAL_receipt") {
        let id = r.params["receipt_id"].as_str().expect("receipt_id param").to_owned();
        *count.entry(id).or_default() += 1;
    }
    count
}

#[tokio::test]
async fn receipts_the_node_knows_a_block_later_are_described_once_after_a_retry() {
    let capture = Capture::load("query_greeting");
    let node = LoopbackRpc::start(describing_node(capture.clone())).await;
    let events = follow(&node.url, &capture).await;

    // A receipt pending at one poll only was asked once (unknown yet) and ran before the node
    // knew it; one pending longer was asked once more when the outcomes reached a new block,
    // found, and described once.
    let mut polls_pending: HashMap<String, usize> = HashMap::new();
    for id in capture.polls.iter().flat_map(pending_in) {
        *polls_pending.entry(id).or_default() += 1;
    }
    let asked = receipt_requests(&node);
    assert_eq!(
        asked.keys().collect::<HashSet<_>>(),
        polls_pending.keys().collect::<HashSet<_>>(),
        "every receipt not run yet is asked for, and only those"
    );
    let described: HashSet<String> = events
        .iter()
        .filter_map(|e| match e {
            ChainEvent::Receipt(view) => Some(view.receipt_id.to_string()),
            _ => None,
        })
        .collect();
    let waited: HashSet<String> =
        polls_pending.iter().filter(|(_, n)| **n > 1).map(|(id, _)| id.clone()).collect();
    assert!(!waited.is_empty(), "the callback waits across polls");
    for (id, polls) in &polls_pending {
        let expected = if *polls > 1 { 2 } else { 1 };
        assert_eq!(asked[id], expected, "{id}: pending at {polls} polls");
    }
    assert_eq!(described, waited, "each view sent once, for the receipts the node knew");
    let sent = events.iter().filter(|e| matches!(e, ChainEvent::Receipt(_))).count();
    assert_eq!(sent, described.len(), "no view sent twice");
    assert!(matches!(events.last(), Some(ChainEvent::TxDone { error: None, .. })));

    // At the last poll before the callback ran, the DAG names what it will run.
    let views = views(&capture);
    let callback: CryptoHash = views
        .values()
        .find(|v| {
            v["receipt"]["Action"]["input_data_ids"].as_array().is_some_and(|i| !i.is_empty())
        })
        .and_then(|v| v["receipt_id"].as_str())
        .expect("a callback")
        .parse()
        .expect("id");
    let ran = |e: &ChainEvent| match e {
        ChainEvent::TxPoll(p) => match &p.reply {
            TxStatusReply::Known { outcome: Some(o), .. } => {
                o.final_outcome.receipts_outcome.iter().any(|r| r.id == callback)
            }
            _ => false,
        },
        _ => false,
    };
    let end = events.iter().position(ran).expect("the callback runs");
    let dag = Trace::from_events(events[..end].iter().cloned()).dag();
    let r = dag.transactions[0].receipts.iter().find(|r| r.id.0 == callback).expect("callback");
    let method = r.actions.first().and_then(|a| a.method.as_deref());
    assert_eq!(method, Some("query_greeting_callback"));
    assert_eq!(
        r.receiver.as_ref().map(|a| a.as_str()),
        views[&callback.to_string()]["receiver_id"].as_str()
    );
    assert!(matches!(r.status, Status::Waiting { total: 1, .. }), "{:?}", r.status);
    assert_eq!(r.gas_attached.as_gas(), 10_000_000_000_000);
}

#[tokio::test]
async fn a_node_without_the_method_costs_a_few_requests_and_nothing_else() {
    let capture = Capture::load("query_greeting");
    // The recorded node answers `Method not found` to EXPERIMENTAL_receipt; each state is
    // answered several times, so the follower has polls to retry at.
    let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 6)).await;
    let events = follow(&node.url, &capture).await;
    assert!(events.iter().all(|e| !matches!(e, ChainEvent::Receipt(_))));
    assert!(matches!(events.last(), Some(ChainEvent::TxDone { error: None, .. })));
    let asked = receipt_requests(&node);
    assert!(!asked.is_empty(), "the follower asked");
    for (id, n) in &asked {
        assert!(*n <= MAX_ATTEMPTS as usize, "{id} asked {n} times");
    }
    assert!(asked.values().any(|n| *n > 1), "retried at a later poll: {asked:?}");
}
