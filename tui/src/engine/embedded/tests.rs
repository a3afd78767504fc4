//! The embedded engine end to end: deploy the reference contracts, send a call, and check the
//! events look like a node's (`Unknown` → `INCLUDED` → … → `FINAL`, blocks before polls).

use super::*;
use crate::chain::{ChainEvent, TxStatusReply};
use crate::scenario::Source;
use near_primitives::views::{FinalExecutionStatus, TxExecutionStatus};
use std::collections::HashSet;

const SCENARIO: &str = r#"
title = "reference"

[[account]]
name = "hello"
wasm = "wasm/hello.wasm"

[[account]]
name = "other"
wasm = "wasm/hello.wasm"

[[account]]
name = "caller"
wasm = "wasm/caller.wasm"

[[account]]
name = "alice"

[[init]]
signer = "caller"
receiver = "caller"
method = "new"
args = { hello = "hello.test.near", other = "other.test.near" }

[[call]]
name = "query"
signer = "alice"
receiver = "caller"
method = "query_greeting"
explain = "call + callback"
"#;

fn scenario() -> Scenario {
    let path =
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reference/scenario.toml"));
    Scenario::parse(SCENARIO, Source::File(path)).expect("scenario")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_goes_from_unknown_to_final_like_on_a_node() {
    let opts = EmbeddedOptions { pacing: Pacing::AsFastAsPossible, ..EmbeddedOptions::default() };
    let scenario = scenario();
    let call = scenario.call("query").expect("call").clone();
    let mut engine = spawn(scenario, opts);
    let info = loop {
        match engine.events.recv().await.expect("engine event") {
            EngineEvent::Ready(info) => break info,
            EngineEvent::Down(error) => panic!("engine down: {error}"),
            _ => {}
        }
    };
    assert_eq!(info.id, crate::engine::EngineId::Embedded);
    assert!(info.capabilities().approximate_gas);
    engine.commands.send(EngineCommand::Send(call)).await.expect("send");
    let mut statuses = Vec::new();
    let mut blocks = HashSet::new();
    let mut submitted = false;
    let mut last_status = None;
    loop {
        match engine.events.recv().await.expect("event") {
            EngineEvent::Chain(ChainEvent::TxSubmitted { label, .. }) => {
                assert_eq!(label, "query");
                submitted = true;
            }
            EngineEvent::Chain(ChainEvent::Block(header)) => {
                blocks.insert(header.hash);
            }
            EngineEvent::Chain(ChainEvent::TxPoll(poll)) => match poll.reply {
                TxStatusReply::Unknown => statuses.push(None),
                TxStatusReply::Known { status, outcome } => {
                    let outcome = outcome.expect("outcome");
                    for o in &outcome.final_outcome.receipts_outcome {
                        assert!(
                            blocks.contains(&o.block_hash),
                            "a poll named a block not sent before"
                        );
                    }
                    last_status = Some(outcome.final_outcome.status.clone());
                    statuses.push(Some(status));
                }
                TxStatusReply::Error { name, message } => panic!("{name}: {message}"),
            },
            EngineEvent::Chain(ChainEvent::TxDone { error, .. }) => {
                assert_eq!(error, None);
                break;
            }
            EngineEvent::Down(error) => panic!("engine down: {error}"),
            _ => {}
        }
    }
    assert!(submitted);
    assert_eq!(statuses.first(), Some(&None), "first poll: unknown");
    assert_eq!(statuses.get(1), Some(&Some(TxExecutionStatus::Included)));
    assert_eq!(statuses.last(), Some(&Some(TxExecutionStatus::Final)));
    assert_eq!(last_status, Some(FinalExecutionStatus::SuccessValue(b"\"Hello\"".to_vec())));
    engine.commands.send(EngineCommand::Shutdown).await.expect("shutdown");
    engine.task.await.expect("engine task");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_blocks_only_on_request() {
    let opts = EmbeddedOptions { pacing: Pacing::Manual, ..EmbeddedOptions::default() };
    let scenario = scenario();
    let call = scenario.call("query").expect("call").clone();
    let mut engine = spawn(scenario, opts);
    loop {
        match engine.events.recv().await.expect("event") {
            EngineEvent::Ready(info) => {
                assert!(info.manual_blocks);
                break;
            }
            EngineEvent::Down(error) => panic!("engine down: {error}"),
            _ => {}
        }
    }
    engine.commands.send(EngineCommand::Send(call)).await.expect("send");
    // Submitted + the unknown poll, then nothing until a block is asked for.
    let mut seen = 0;
    while seen < 2 {
        if let EngineEvent::Chain(_) = engine.events.recv().await.expect("event") {
            seen += 1;
        }
    }
    let quiet = tokio::time::timeout(Duration::from_millis(300), engine.events.recv()).await;
    assert!(quiet.is_err(), "an event arrived without a block request");
    engine.commands.send(EngineCommand::ProduceBlock).await.expect("block");
    let next = tokio::time::timeout(Duration::from_secs(5), engine.events.recv()).await;
    assert!(matches!(next, Ok(Some(EngineEvent::Chain(ChainEvent::Block(_))))));
    engine.commands.send(EngineCommand::Shutdown).await.expect("shutdown");
    engine.task.await.expect("engine task");
}
