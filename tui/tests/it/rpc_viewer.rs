//! The read-only RPC engine (`engine::rpc::spawn_tx_viewer*`) against a loopback JSON-RPC server.

use crate::support::captures::{capture_node, Capture};
use crate::support::loopback::{follow_fast, LoopbackRpc};
use nearviz::chain::{ChainEvent, TxStatusReply};
use nearviz::engine::rpc::{spawn_tx_viewer, spawn_tx_viewer_with, FollowOptions, RpcClient};
use nearviz::engine::{EngineCommand, EngineEvent, EngineHandle};
use nearviz::scenario::Call;
use std::time::Duration;

fn fast() -> FollowOptions {
    FollowOptions {
        unknown_timeout: Some(Duration::from_secs(5)),
        max_errors_in_row: Some(3),
        ..follow_fast()
    }
}

/// Events until the engine reports `TxDone` (included) or stops.
async fn until_done(handle: &mut EngineHandle) -> Vec<EngineEvent> {
    let mut events = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(20), handle.events.recv())
            .await
            .expect("the engine keeps talking");
        let Some(event) = event else { return events };
        let done = matches!(event, EngineEvent::Chain(ChainEvent::TxDone { .. }));
        events.push(event);
        if done {
            return events;
        }
    }
}

fn viewer(url: &str, capture: &Capture) -> EngineHandle {
    let client = RpcClient::new(url).expect("client");
    let tx = nearviz::chain::TxHash(capture.tx_hash.parse().expect("hash"));
    spawn_tx_viewer_with(client, tx, capture.sender.parse().expect("sender"), fast())
}

#[tokio::test]
async fn an_existing_final_transaction_is_shown_at_once() {
    let mut capture = Capture::load("multiple_contracts");
    capture.polls = vec![capture.polls.last().cloned().expect("polls")];
    let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 1)).await;
    let mut handle = viewer(&node.url, &capture);
    let events = until_done(&mut handle).await;

    assert!(matches!(&events[0], EngineEvent::Progress(line) if line.contains(&node.url)));
    assert!(
        matches!(&events[1], EngineEvent::Ready(info) if info.name() == "rpc" && !info.manual_blocks)
    );
    match &events[2] {
        EngineEvent::Chain(ChainEvent::TxSubmitted { tx, sender, label, .. }) => {
            assert_eq!(tx.to_string(), capture.tx_hash);
            assert_eq!(label, &capture.tx_hash);
            assert_eq!(sender.as_str(), capture.sender);
        }
        other => panic!("expected TxSubmitted, got {other:?}"),
    }
    let chain: Vec<&ChainEvent> = events[3..]
        .iter()
        .map(|e| match e {
            EngineEvent::Chain(c) => c,
            other => panic!("expected chain events, got {other:?}"),
        })
        .collect();
    let blocks = chain.iter().filter(|e| matches!(e, ChainEvent::Block(_))).count();
    assert_eq!(blocks, capture.blocks.len());
    assert!(
        matches!(chain[blocks], ChainEvent::TxPoll(p) if matches!(p.reply, TxStatusReply::Known { .. }))
    );
    assert!(matches!(chain[blocks + 1], ChainEvent::TxDone { error: None, .. }));
    assert_eq!(node.count("EXPERIMENTAL_tx_status"), 1);

    // Read-only: calls are refused, the engine keeps running until Shutdown.
    let call = Call {
        name: "query_greeting".into(),
        signer: "alice.test.near".into(),
        receiver: "caller.test.near".into(),
        method: "query_greeting".into(),
        args: serde_json::Value::Null,
        deposit: None,
        gas: None,
        explain: String::new(),
        steps: None,
        ..Call::default()
    };
    handle.commands.send(EngineCommand::Send(call)).await.expect("engine alive");
    match handle.events.recv().await {
        Some(EngineEvent::CallFailed { call, error }) => {
            assert_eq!(call, "query_greeting");
            assert!(error.contains("read-only"), "{error}");
        }
        other => panic!("expected CallFailed, got {other:?}"),
    }
    handle.commands.send(EngineCommand::Shutdown).await.expect("engine alive");
    tokio::time::timeout(Duration::from_secs(5), handle.task)
        .await
        .expect("stops")
        .expect("no panic");
}

#[tokio::test]
async fn a_running_transaction_is_followed_to_final() {
    let capture = Capture::load("call_failing");
    let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 1)).await;
    let mut handle = viewer(&node.url, &capture);
    let events = until_done(&mut handle).await;
    let polls =
        events.iter().filter(|e| matches!(e, EngineEvent::Chain(ChainEvent::TxPoll(_)))).count();
    assert_eq!(polls, capture.polls.len());
    assert!(matches!(
        events.last(),
        Some(EngineEvent::Chain(ChainEvent::TxDone { error: None, .. }))
    ));
    drop(handle.commands);
    tokio::time::timeout(Duration::from_secs(5), handle.task)
        .await
        .expect("stops")
        .expect("no panic");
}

#[tokio::test]
async fn an_unusable_url_stops_the_engine_with_a_reason() {
    let tx = nearviz::chain::TxHash(Default::default());
    let mut handle = spawn_tx_viewer("ftp://example.org", tx, "alice.near".parse().expect("id"));
    match handle.events.recv().await {
        Some(EngineEvent::Down(reason)) => assert!(reason.contains("http://"), "{reason}"),
        other => panic!("expected Down, got {other:?}"),
    }
    assert!(handle.events.recv().await.is_none());
}
