//! `engine::rpc::follow_tx` against a real HTTP JSON-RPC server on loopback that serves the
//! real-neard recordings, plus broken nodes.

use crate::support::captures::{capture_node, node_error, Capture};
use crate::support::loopback::{closed_port_url, follow_fast, LoopbackRpc, Reply};
use near_primitives::types::AccountId;
use near_primitives::views::TxExecutionStatus;
use nearviz::chain::{ChainEvent, TxHash, TxStatusReply};
use nearviz::engine::rpc::{follow_tx, FollowError, FollowOptions, RpcClient};
use nearviz::engine::EngineEvent;
use nearviz::model::status_name;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

fn tx_hash(text: &str) -> TxHash {
    TxHash(text.parse().expect("tx hash"))
}

fn account(text: &str) -> AccountId {
    text.parse().expect("account id")
}

/// Runs one follower to its end; returns what it sent and what it returned.
async fn follow(
    url: &str,
    tx: &str,
    sender: &str,
    opts: FollowOptions,
) -> (Vec<ChainEvent>, Result<(), FollowError>) {
    let client = RpcClient::with_timeout(url, Duration::from_millis(500)).expect("client");
    let (events_tx, mut events_rx) = nearviz::engine::event_channel(16);
    let follower = tokio::spawn(follow_tx(
        client,
        tx_hash(tx),
        account(sender),
        Instant::now(),
        events_tx,
        opts,
    ));
    let mut events = Vec::new();
    while let Some(event) = events_rx.recv().await {
        match event {
            EngineEvent::Chain(chain) => events.push(chain),
            other => panic!("a follower sends only chain events, got {other:?}"),
        }
    }
    (events, follower.await.expect("follower task"))
}

fn status_of(reply: &TxStatusReply) -> Option<String> {
    match reply {
        TxStatusReply::Known { status, .. } => Some(status_name(status).to_owned()),
        _ => None,
    }
}

/// Checks one transaction's events against its capture: every recorded poll in order, blocks
/// before the polls that name them, each block once, then `TxDone` without error.
fn check_follow(capture: &Capture, events: &[ChainEvent]) {
    let mut blocks_sent: Vec<String> = Vec::new();
    let mut polls = 0;
    for (i, event) in events.iter().enumerate() {
        match event {
            ChainEvent::Block(header) => {
                let hash = header.hash.to_string();
                assert!(!blocks_sent.contains(&hash), "{}: block {hash} sent twice", capture.name);
                assert!(
                    capture.blocks.contains_key(&hash),
                    "{}: unexpected block {hash}",
                    capture.name
                );
                blocks_sent.push(hash);
            }
            ChainEvent::TxPoll(poll) => {
                assert_eq!(poll.tx.to_string(), capture.tx_hash);
                assert!(polls < capture.polls.len(), "{}: more polls than recorded", capture.name);
                assert_eq!(
                    status_of(&poll.reply),
                    capture.statuses()[polls],
                    "{} poll {polls}",
                    capture.name
                );
                if polls == 0 {
                    assert!(
                        matches!(poll.reply, TxStatusReply::Unknown),
                        "{}: first poll",
                        capture.name
                    );
                }
                if let TxStatusReply::Known { outcome: Some(outcome), .. } = &poll.reply {
                    let recorded =
                        capture.polls[polls]["result"]["receipts_outcome"].as_array().map(Vec::len);
                    assert_eq!(Some(outcome.final_outcome.receipts_outcome.len()), recorded);
                }
                for needed in capture.blocks_named_by(polls) {
                    assert!(
                        blocks_sent.contains(&needed),
                        "{}: poll {polls} before its block {needed}",
                        capture.name
                    );
                }
                polls += 1;
            }
            ChainEvent::TxDone { tx, error } => {
                assert_eq!(tx.to_string(), capture.tx_hash);
                assert_eq!(error, &None, "{}", capture.name);
                assert_eq!(i, events.len() - 1, "{}: TxDone is last", capture.name);
            }
            ChainEvent::TxSubmitted { .. } => panic!("follow_tx does not announce transactions"),
            ChainEvent::StateChanges(_) | ChainEvent::Receipt(_) => {}
        }
    }
    assert_eq!(polls, capture.polls.len(), "{}: every recorded change is sent", capture.name);
    let all: HashSet<_> = capture.blocks.keys().cloned().collect();
    assert_eq!(blocks_sent.iter().cloned().collect::<HashSet<_>>(), all, "{}", capture.name);
    assert!(matches!(events.last(), Some(ChainEvent::TxDone { error: None, .. })));
}

#[tokio::test]
async fn every_capture_is_followed_from_unknown_to_final() {
    for capture in Capture::all() {
        let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 1)).await;
        let (events, result) =
            follow(&node.url, &capture.tx_hash, &capture.sender, follow_fast()).await;
        assert_eq!(result, Ok(()), "{}", capture.name);
        check_follow(&capture, &events);
        assert_eq!(
            node.count("EXPERIMENTAL_tx_status"),
            capture.polls.len(),
            "{}: stops at FINAL",
            capture.name
        );
        assert_eq!(
            node.count("block"),
            capture.blocks.len(),
            "{}: each block fetched once",
            capture.name
        );
    }
}

#[tokio::test]
async fn unchanged_replies_are_not_sent_again() {
    let capture = Capture::load("multiple_contracts");
    let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 4)).await;
    let (events, result) =
        follow(&node.url, &capture.tx_hash, &capture.sender, follow_fast()).await;
    assert_eq!(result, Ok(()));
    check_follow(&capture, &events);
    // The node answered 4 times per change (the last one once): the follower polled them all.
    assert_eq!(node.count("EXPERIMENTAL_tx_status"), 4 * (capture.polls.len() - 1) + 1);
}

#[tokio::test]
async fn several_followers_run_concurrently_on_one_client() {
    let captures = Capture::all();
    let node = LoopbackRpc::start(capture_node(captures.clone(), 3)).await;
    let client = RpcClient::new(&node.url).expect("client");
    let (events_tx, mut events_rx) = nearviz::engine::event_channel(8);
    let mut followers = Vec::new();
    for capture in &captures {
        followers.push(tokio::spawn(follow_tx(
            client.clone(),
            tx_hash(&capture.tx_hash),
            account(&capture.sender),
            Instant::now(),
            events_tx.clone(),
            follow_fast(),
        )));
    }
    drop(events_tx);
    let mut by_tx: HashMap<String, Vec<ChainEvent>> = HashMap::new();
    let mut order = Vec::new();
    while let Some(EngineEvent::Chain(event)) = events_rx.recv().await {
        let tx = match &event {
            ChainEvent::TxPoll(poll) => Some(poll.tx.to_string()),
            ChainEvent::TxDone { tx, .. } => Some(tx.to_string()),
            _ => None,
        };
        if let Some(tx) = &tx {
            order.push((tx.clone(), matches!(event, ChainEvent::TxDone { .. })));
        }
        // Blocks carry no tx: give them to every follower that still needs them.
        match tx {
            Some(tx) => by_tx.entry(tx).or_default().push(event),
            None => {
                for capture in &captures {
                    if let ChainEvent::Block(header) = &event {
                        if capture.blocks.contains_key(&header.hash.to_string()) {
                            by_tx.entry(capture.tx_hash.clone()).or_default().push(event.clone());
                        }
                    }
                }
            }
        }
    }
    for follower in followers {
        assert_eq!(follower.await.expect("follower task"), Ok(()));
    }
    for capture in &captures {
        check_follow(capture, &by_tx[&capture.tx_hash]);
    }
    // One shared client: each block fetched once, even when two followers need it at once.
    let distinct: HashSet<&String> = captures.iter().flat_map(|c| c.blocks.keys()).collect();
    assert_eq!(node.count("block"), distinct.len());
    // Concurrent, not one after the other: every transaction was polled before the first ended.
    let first_done = order.iter().position(|(_, done)| *done).expect("a TxDone");
    let polled_before: HashSet<_> = order[..first_done].iter().map(|(tx, _)| tx).collect();
    assert_eq!(polled_before.len(), captures.len(), "{order:?}");
}

fn always(reply: Reply) -> crate::support::loopback::Handler {
    Arc::new(move |_, _| reply.clone())
}

const SOME_TX: &str = "HbS7wYV7YbYB4SyZJRHYUxAsufhnnVJcMkp7ZgXukcwj";

#[tokio::test]
async fn unknown_forever_times_out_naming_the_tx() {
    let node =
        LoopbackRpc::start(always(Reply::Json(node_error("UNKNOWN_TRANSACTION", "nope")))).await;
    let opts = FollowOptions { tx_timeout: Duration::from_millis(300), ..follow_fast() };
    let (events, result) = follow(&node.url, SOME_TX, "alice.test.near", opts).await;
    assert!(matches!(result, Err(FollowError::Timeout { .. })), "{result:?}");
    assert!(node.count("EXPERIMENTAL_tx_status") > 3, "kept polling");
    assert_eq!(events.len(), 2, "one Unknown poll, then TxDone: {events:?}");
    assert!(
        matches!(&events[0], ChainEvent::TxPoll(p) if matches!(p.reply, TxStatusReply::Unknown))
    );
    match &events[1] {
        ChainEvent::TxDone { error: Some(error), .. } => {
            assert!(error.contains(SOME_TX) && error.contains("did not reach FINAL"), "{error}");
        }
        other => panic!("expected TxDone with an error, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_past_the_unknown_timeout_is_not_found() {
    let node =
        LoopbackRpc::start(always(Reply::Json(node_error("UNKNOWN_TRANSACTION", "nope")))).await;
    let opts = FollowOptions { unknown_timeout: Some(Duration::from_millis(50)), ..follow_fast() };
    let (events, result) = follow(&node.url, SOME_TX, "alice.test.near", opts).await;
    let err = result.expect_err("not found");
    assert!(matches!(err, FollowError::NotFound { .. }) && !err.is_network(), "{err:?}");
    assert!(
        matches!(events.last(), Some(ChainEvent::TxDone { error: Some(e), .. }) if e.contains("not found"))
    );
}

/// Follows against a node that always answers `reply`; returns the one error poll and the end.
async fn follow_broken(url: &str) -> (TxStatusReply, FollowError, String) {
    let opts = FollowOptions { max_errors_in_row: Some(3), ..follow_fast() };
    let (events, result) = follow(url, SOME_TX, "alice.test.near", opts).await;
    assert_eq!(events.len(), 2, "one error poll (sent once), then TxDone: {events:?}");
    let ChainEvent::TxPoll(poll) = &events[0] else { panic!("expected a poll, got {events:?}") };
    let ChainEvent::TxDone { error: Some(done), .. } = &events[1] else { panic!("{events:?}") };
    assert!(done.contains(SOME_TX), "{done}");
    (poll.reply.clone(), result.expect_err("gave up"), done.clone())
}

fn error_name(reply: &TxStatusReply) -> (&str, &str) {
    match reply {
        TxStatusReply::Error { name, message } => (name, message),
        other => panic!("expected an error reply, got {other:?}"),
    }
}

#[tokio::test]
async fn json_rpc_errors_keep_the_node_name_and_message() {
    let node =
        LoopbackRpc::start(always(Reply::Json(node_error("INTERNAL_ERROR", "boom: storage"))))
            .await;
    let (reply, err, done) = follow_broken(&node.url).await;
    assert_eq!(error_name(&reply), ("INTERNAL_ERROR", "boom: storage"));
    assert!(err.is_network() && done.contains("boom: storage"), "{done}");
    assert_eq!(node.count("EXPERIMENTAL_tx_status"), 3);
}

#[tokio::test]
async fn a_node_that_never_answers_times_out() {
    let node = LoopbackRpc::start(always(Reply::Hang)).await;
    let started = std::time::Instant::now();
    let (reply, err, done) = follow_broken(&node.url).await;
    assert_eq!(error_name(&reply).0, "TIMEOUT");
    assert!(done.contains("no answer from") && err.is_network(), "{done}");
    assert!(started.elapsed() < Duration::from_secs(5), "request timeouts apply");
}

#[tokio::test]
async fn connection_refused_is_unreachable() {
    let url = closed_port_url().await;
    let (reply, err, done) = follow_broken(&url).await;
    let (name, message) = error_name(&reply);
    assert_eq!(name, "UNREACHABLE");
    assert!(message.to_lowercase().contains("refused") && message.contains(&url), "{message}");
    assert!(err.is_network() && done.contains(&url), "{done}");
}

#[tokio::test]
async fn malformed_json_is_an_invalid_response() {
    let node = LoopbackRpc::start(always(Reply::Raw {
        status: 200,
        body: "{\"jsonrpc\": \"2.0\", ".into(),
    }))
    .await;
    let (reply, err, _) = follow_broken(&node.url).await;
    assert_eq!(error_name(&reply).0, "INVALID_RESPONSE");
    assert!(err.is_network());
}

#[tokio::test]
async fn http_errors_without_json_are_reported_with_their_status() {
    let node =
        LoopbackRpc::start(always(Reply::Raw { status: 503, body: "<html>busy</html>".into() }))
            .await;
    let (reply, _, done) = follow_broken(&node.url).await;
    let (name, message) = error_name(&reply);
    assert_eq!(name, "HTTP_STATUS");
    assert!(message.contains("503") && done.contains("503"), "{message}");

    let limited =
        LoopbackRpc::start(always(Reply::Raw { status: 429, body: "slow down".into() })).await;
    let (reply, _, _) = follow_broken(&limited.url).await;
    assert!(error_name(&reply).1.contains("rate limited"), "{reply:?}");
}

#[tokio::test]
async fn a_transient_error_is_reported_then_following_resumes() {
    let capture = Capture::load("query_greeting");
    let healthy = capture_node(vec![capture.clone()], 1);
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let flaky: crate::support::loopback::Handler = Arc::new(move |method, params| {
        let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if method == "EXPERIMENTAL_tx_status" && (n == 2 || n == 3) {
            return Reply::Raw { status: 200, body: "garbage".into() };
        }
        healthy(method, params)
    });
    let node = LoopbackRpc::start(flaky).await;
    let (events, result) =
        follow(&node.url, &capture.tx_hash, &capture.sender, follow_fast()).await;
    assert_eq!(result, Ok(()));
    let errors = events
        .iter()
        .filter(|e| matches!(e, ChainEvent::TxPoll(p) if matches!(p.reply, TxStatusReply::Error { .. })))
        .count();
    assert_eq!(errors, 1, "two failed polls in a row are one change");
    let without_errors: Vec<ChainEvent> = events
        .into_iter()
        .filter(|e| !matches!(e, ChainEvent::TxPoll(p) if matches!(p.reply, TxStatusReply::Error { .. })))
        .collect();
    check_follow(&capture, &without_errors);
}

#[tokio::test]
async fn a_poll_waits_for_its_block() {
    let capture = Capture::load("query_greeting");
    let healthy = capture_node(vec![capture.clone()], 3);
    let block_calls = std::sync::atomic::AtomicUsize::new(0);
    let missing_block_at_first: crate::support::loopback::Handler =
        Arc::new(move |method, params| {
            if method == "block"
                && block_calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2
            {
                return Reply::Json(node_error("UNKNOWN_BLOCK", "DB Not Found Error"));
            }
            healthy(method, params)
        });
    // Each state is served 3 times, so the retries see the same state.
    let node = LoopbackRpc::start(missing_block_at_first).await;
    let (events, result) =
        follow(&node.url, &capture.tx_hash, &capture.sender, follow_fast()).await;
    assert_eq!(result, Ok(()));
    check_follow(&capture, &events);
    assert_eq!(node.count("block"), capture.blocks.len() + 2);
}

#[tokio::test]
async fn an_already_final_transaction_finishes_at_once() {
    let mut capture = Capture::load("batch_actions");
    let last: Value = capture.polls.last().cloned().expect("polls");
    capture.polls = vec![last];
    let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 1)).await;
    let (events, result) =
        follow(&node.url, &capture.tx_hash, &capture.sender, follow_fast()).await;
    assert_eq!(result, Ok(()));
    assert_eq!(node.count("EXPERIMENTAL_tx_status"), 1);
    let polls: Vec<_> = events.iter().filter(|e| matches!(e, ChainEvent::TxPoll(_))).collect();
    assert_eq!(polls.len(), 1);
    assert!(matches!(polls[0], ChainEvent::TxPoll(p)
        if matches!(p.reply, TxStatusReply::Known { status: TxExecutionStatus::Final, outcome: Some(_) })));
    assert_eq!(
        events.iter().filter(|e| matches!(e, ChainEvent::Block(_))).count(),
        capture.blocks.len()
    );
}

#[tokio::test]
async fn followers_needing_the_same_blocks_fetch_them_once() {
    // Four transactions executed in the same blocks (copies of one recording under other hashes).
    let original = Capture::load("query_greeting");
    let hashes = [
        original.tx_hash.clone(),
        "11111111111111111111111111111111".to_owned(),
        "4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi".to_owned(),
        "GN66mXpuiFapCByYbmN22kabv6vfAZBrh4EA459pYjao".to_owned(),
    ];
    let copies: Vec<Capture> =
        hashes.iter().map(|hash| Capture { tx_hash: hash.clone(), ..original.clone() }).collect();
    let node = LoopbackRpc::start(capture_node(copies.clone(), 1)).await;
    let client = RpcClient::new(&node.url).expect("client");
    let mut followers = Vec::new();
    let mut receivers = Vec::new();
    for copy in &copies {
        let (events_tx, events_rx) = nearviz::engine::event_channel(64);
        receivers.push(events_rx);
        followers.push(tokio::spawn(follow_tx(
            client.clone(),
            tx_hash(&copy.tx_hash),
            account(&copy.sender),
            Instant::now(),
            events_tx,
            follow_fast(),
        )));
    }
    for follower in followers {
        assert_eq!(follower.await.expect("follower task"), Ok(()));
    }
    for (copy, mut events_rx) in copies.iter().zip(receivers) {
        let mut events = Vec::new();
        while let Some(EngineEvent::Chain(event)) = events_rx.recv().await {
            events.push(event);
        }
        check_follow(copy, &events);
    }
    assert_eq!(node.count("block"), original.blocks.len());
}
