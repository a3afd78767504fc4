//! The callback window on the real contract: the built-in `race_unsafe` and `race_safe` (each
//! a deposit, then two withdraws) sent through the embedded engine with blocks on demand, each sequence step by
//! step as `Call::steps` says (after `after_blocks` blocks past the previous step's inclusion),
//! then read back by `model::window`. Also: the windows of the real-neard recordings.

use crate::support::embedded;
use nearviz::chain::{ChainEvent, TxHash};
use nearviz::engine::embedded::Pacing;
use nearviz::engine::{EngineCommand, EngineHandle};
use nearviz::model::window::{
    all_overlaps, messages, overlaps, ran_before, windows, Window, WindowOverlap,
};
use nearviz::model::{Dag, ReceiptNode, Status, Trace, TxNode};
use nearviz::scenario::{Call, Scenario};
use std::time::Duration;
use tokio::sync::mpsc;

const ONE_NEAR: u128 = 1_000_000_000_000_000_000_000_000;

/// The embedded engine on the built-in scenario, one block per `ProduceBlock`.
struct Chain {
    commands: mpsc::Sender<EngineCommand>,
    events: mpsc::UnboundedReceiver<ChainEvent>,
    seen: Vec<ChainEvent>,
    sent: usize,
    done: usize,
    task: tokio::task::JoinHandle<()>,
}

impl Chain {
    async fn boot(scenario: Scenario) -> Chain {
        let EngineHandle { commands, events, task } =
            embedded::boot(scenario, Pacing::Manual).await;
        let (chain_events, drain) = embedded::forward_chain(events);
        let task = tokio::spawn(async move {
            let _ = drain.await;
            let _ = task.await;
        });
        Chain { commands, events: chain_events, seen: Vec::new(), sent: 0, done: 0, task }
    }

    async fn command(&self, command: EngineCommand) {
        self.commands.send(command).await.expect("engine alive");
    }

    /// Sends every step of `call`: step k once `after_blocks` blocks were produced after the
    /// one that included step k-1 (the first of them includes it), so step k is included
    /// exactly `after_blocks` blocks later. Then produces blocks until all are FINAL.
    async fn run(&mut self, call: &Call) {
        for (k, step) in call.steps().iter().enumerate() {
            if k > 0 {
                for _ in 0..step.after_blocks {
                    self.command(EngineCommand::ProduceBlock).await;
                }
            }
            self.command(EngineCommand::Send(step.call.clone())).await;
            self.sent += 1;
        }
        for _ in 0..200 {
            self.command(EngineCommand::ProduceBlock).await;
            while let Ok(Some(event)) =
                tokio::time::timeout(Duration::from_millis(50), self.events.recv()).await
            {
                if matches!(event, ChainEvent::TxDone { .. }) {
                    self.done += 1;
                }
                self.seen.push(event);
            }
            if self.done == self.sent {
                return;
            }
        }
        panic!("{}: {} of {} transactions reached FINAL", call.name, self.done, self.sent);
    }

    async fn finish(self) -> Dag {
        self.command(EngineCommand::Shutdown).await;
        drop(self.commands);
        self.task.await.expect("engine task");
        Trace::from_events(self.seen).dag()
    }
}

fn receipt<'a>(tx: &'a TxNode, receiver: &str, method: &str) -> &'a ReceiptNode {
    tx.receipts
        .iter()
        .find(|r| {
            r.receiver.as_ref().is_some_and(|a| a.as_str() == receiver)
                && r.actions.iter().any(|a| a.method.as_deref() == Some(method))
        })
        .unwrap_or_else(|| panic!("no {receiver}.{method} in {:?}", tx.label))
}

fn block(r: &ReceiptNode) -> u64 {
    r.block_height.expect("the receipt ran")
}

/// Transfers that left xcc for alice and arrived: the payouts.
fn payouts(tx: &TxNode) -> Vec<u128> {
    tx.receipts
        .iter()
        .filter(|r| {
            !r.is_refund
                && r.predecessor.as_ref().is_some_and(|a| a.as_str() == "xcc.test.near")
                && r.receiver.as_ref().is_some_and(|a| a.as_str() == "alice.test.near")
                && matches!(r.status, Status::Success(_))
        })
        .flat_map(|r| r.actions.iter().filter(|a| a.kind == "Transfer"))
        .map(|a| a.deposit.as_yoctonear())
        .collect()
}

fn failure_message(status: &Status) -> &str {
    match status {
        Status::Failure(f) => &f.message,
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn short(tx: &TxHash) -> String {
    format!("{}…", &tx.to_string()[..3])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn races_interleave_inside_the_callback_window() {
    let scenario = Scenario::builtin().expect("built-in scenario");
    let call = |name: &str| scenario.call(name).expect(name).clone();
    let mut chain = Chain::boot(scenario.clone()).await;
    for name in ["race_unsafe", "race_safe"] {
        chain.run(&call(name)).await;
    }
    let dag = chain.finish().await;
    let txs = &dag.transactions;
    assert_eq!(txs.len(), 6, "deposit, 2 withdraws, deposit, 2 withdraws");
    let account = "xcc.test.near";

    // Deposits open no window.
    assert!(windows(&txs[0]).is_empty());
    assert!(overlaps(&dag, &txs[0]).is_empty());

    // race_unsafe: the second withdraw is included one block after the first.
    let (first, second) = (&txs[1], &txs[2]);
    assert_eq!(second.block_height, first.block_height.map(|b| b + 1));
    let withdraw = receipt(first, account, "withdraw_unsafe");
    let callback = receipt(first, account, "withdraw_unsafe_callback");
    let window = Window {
        receipt: withdraw.id,
        callback: callback.id,
        account: account.parse().expect("account"),
        from_block: block(withdraw),
        to_block: Some(block(callback)),
    };
    assert_eq!(windows(first), std::slice::from_ref(&window));
    assert_eq!(block(callback), block(withdraw) + 2, "transfer, then callback");
    let intruder = receipt(second, account, "withdraw_unsafe");
    assert!(block(withdraw) < block(intruder) && block(intruder) < block(callback));
    let found = overlaps(&dag, first);
    assert_eq!(
        found,
        [WindowOverlap {
            receipt: withdraw.id,
            callback: callback.id,
            account: window.account.clone(),
            other_tx: second.hash,
            other_receipt: intruder.id,
            block: block(intruder),
        }]
    );
    assert_eq!(
        messages(first, &found),
        [format!(
            "⚠ 1 other call on xcc.test.near ran between withdraw_unsafe and its callback (tx {}, block #{})",
            short(&second.hash),
            block(intruder)
        )]
    );
    // The contract paid 1 NEAR twice for alice's 1 NEAR deposit.
    assert_eq!(payouts(first), [ONE_NEAR]);
    assert_eq!(payouts(second), [ONE_NEAR]);
    assert!(matches!(receipt(second, account, "withdraw_unsafe").status, Status::Success(_)));
    let late = receipt(second, account, "withdraw_unsafe_callback");
    assert_eq!(
        failure_message(&late.status),
        "Smart contract panicked: xcc: alice.test.near's recorded balance 0 yoctoNEAR cannot \
         cover the 1 NEAR already paid out"
    );
    assert!(matches!(second.status, Status::Failure(_)), "the tx follows its failed callback");
    // The first withdraw's callback ran inside the second one's window, too.
    let back = overlaps(&dag, second);
    assert_eq!(back.len(), 1);
    assert_eq!((back[0].other_tx, back[0].other_receipt), (first.hash, callback.id));

    // race_safe: the same interleaving; the second withdraw fails its check, one payout.
    let (first, second) = (&txs[4], &txs[5]);
    assert_eq!(second.block_height, first.block_height.map(|b| b + 1));
    let withdraw = receipt(first, account, "withdraw_safe");
    let callback = receipt(first, account, "withdraw_safe_callback");
    let intruder = receipt(second, account, "withdraw_safe");
    assert!(block(withdraw) < block(intruder) && block(intruder) < block(callback));
    assert_eq!(
        failure_message(&intruder.status),
        "Smart contract panicked: xcc: alice.test.near has 0 yoctoNEAR, cannot withdraw 1 NEAR"
    );
    assert_eq!(payouts(first), [ONE_NEAR]);
    assert!(payouts(second).is_empty());
    let found = overlaps(&dag, first);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].other_tx, found[0].other_receipt), (second.hash, intruder.id));
    assert!(windows(second).is_empty(), "a withdraw that failed its check opens no window");

    // The whole session: three transactions saw another call inside a window.
    let session: Vec<TxHash> = all_overlaps(&dag).into_iter().map(|(tx, _)| tx).collect();
    assert_eq!(session, [txs[1].hash, txs[2].hash, txs[4].hash]);
}

/// The built-in `race_unsafe` on the embedded runtime, its second withdraw sent `blocks` after
/// the first (the scenario says 1).
async fn race_unsafe_with_second_withdraw_after(blocks: u64) -> Dag {
    let text = nearviz::scenario::BUILTIN_TOML.replace(
        r#"{ call = "withdraw_unsafe", after_blocks = 1, expect_error"#,
        &format!(r#"{{ call = "withdraw_unsafe", after_blocks = {blocks}, expect_error"#),
    );
    let scenario = Scenario::parse(&text, nearviz::scenario::Source::BuiltIn).expect("scenario");
    let race = scenario.call("race_unsafe").expect("race").clone();
    assert_eq!(race.steps()[2].after_blocks, blocks);
    let mut chain = Chain::boot(scenario.clone()).await;
    chain.run(&race).await;
    chain.finish().await
}

/// Sending the steps at the same block (`after_blocks = 0`) puts both withdraws in one block:
/// not inside the window, which excludes the opening receipt's own block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_block_is_not_inside_the_window() {
    let dag = race_unsafe_with_second_withdraw_after(0).await;
    let (first, second) = (&dag.transactions[1], &dag.transactions[2]);
    assert_eq!(first.block_height, second.block_height);
    let a = receipt(first, "xcc.test.near", "withdraw_unsafe");
    let b = receipt(second, "xcc.test.near", "withdraw_unsafe");
    assert_eq!(block(a), block(b));
    assert!(overlaps(&dag, first).is_empty());
    // Both callbacks run two blocks later, the first one first: it ran in the second's
    // callback block before the second's callback, so inside the second's window (issue 22).
    let first_callback = receipt(first, "xcc.test.near", "withdraw_unsafe_callback");
    let second_callback = receipt(second, "xcc.test.near", "withdraw_unsafe_callback");
    assert_eq!(block(first_callback), block(second_callback));
    let back: Vec<_> = overlaps(&dag, second).iter().map(|o| o.other_receipt).collect();
    assert_eq!(back, [first_callback.id]);
    // Both still ran before either callback: the race happened, it is just not "between".
    assert_eq!(payouts(first).len() + payouts(second).len(), 2);
}

/// Issue 22: on a node the second withdraw landed a block late and ran in the first one's
/// callback block, before the callback; it still read the old balance and was paid. Here it is
/// sent two blocks after the first, so it runs in that block too: its receipt (created a block
/// earlier by its transaction) comes before the data that wakes the callback. The block's state
/// changes show the order, and the window holds it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_callbacks_block_before_the_callback_is_inside_the_window() {
    let dag = race_unsafe_with_second_withdraw_after(2).await;
    let (first, second) = (&dag.transactions[1], &dag.transactions[2]);
    assert_eq!(second.block_height, first.block_height.map(|b| b + 2));
    let withdraw = receipt(first, "xcc.test.near", "withdraw_unsafe");
    let callback = receipt(first, "xcc.test.near", "withdraw_unsafe_callback");
    let intruder = receipt(second, "xcc.test.near", "withdraw_unsafe");
    assert_eq!(block(intruder), block(callback), "the callback's own block");
    assert_eq!(ran_before(intruder, callback), Some(true), "the intruder ran first");
    assert_eq!(ran_before(callback, intruder), Some(false));
    let found = overlaps(&dag, first);
    assert_eq!(
        found,
        [WindowOverlap {
            receipt: withdraw.id,
            callback: callback.id,
            account: "xcc.test.near".parse().expect("account"),
            other_tx: second.hash,
            other_receipt: intruder.id,
            block: block(callback),
        }]
    );
    // Written as trace JSON and read back, the DAG keeps the positions that tell it.
    let mut json = Vec::new();
    nearviz::output::json(&dag, &mut json).expect("json");
    let read = nearviz::diff::trace::parse(std::str::from_utf8(&json).expect("utf8"))
        .expect("the trace JSON reads back");
    assert_eq!(overlaps(&read, &read.transactions[1]), found, "read back from JSON");
    assert_eq!(all_overlaps(&read), all_overlaps(&dag));
    let mut again = Vec::new();
    nearviz::output::json(&read, &mut again).expect("json");
    let field = |bytes: &[u8]| -> Vec<serde_json::Value> {
        let doc: serde_json::Value = serde_json::from_slice(bytes).expect("json");
        let txs = doc["transactions"].as_array().expect("transactions").iter();
        txs.map(|t| t["window_overlaps"].clone()).collect()
    };
    let written = field(&json);
    assert_eq!(written[1].as_array().map(Vec::len), Some(1), "{:?}", written[1]);
    assert_eq!(field(&again), written, "window_overlaps written from the JSON read back");
    // It read the balance the callback had not fixed yet: paid twice, as inside the window.
    assert_eq!(payouts(first), [ONE_NEAR]);
    assert_eq!(payouts(second), [ONE_NEAR]);
    // The first callback ran in the block that opened the second's window: not inside it.
    assert!(overlaps(&dag, second).is_empty());
    // The timeline flags the same receipt: the second withdraw's row, inside the first's window.
    let laid = nearviz::layout::timeline::timeline(&dag);
    let flagged: Vec<(usize, u64)> = laid
        .rows
        .iter()
        .enumerate()
        .flat_map(|(row, r)| {
            r.cells.iter().filter(|c| c.inside_of == Some(1)).map(move |c| (row, c.block))
        })
        .collect();
    assert_eq!(flagged, [(2, block(intruder))]);
}

/// The real-neard recordings, one transaction after another on one chain: every `.then`
/// callback opens a window of two blocks (callee, then callback); nothing overlaps.
#[test]
fn recorded_callbacks_open_windows_and_sequential_calls_do_not_overlap() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reference/captures");
    let mut events = Vec::new();
    for (name, expected) in [
        ("query_greeting", 1),
        ("call_failing", 1),
        ("batch_actions", 1),
        ("multiple_contracts", 1),
        ("forward_deposit", 0),
        ("weights", 1),
    ] {
        let path = std::path::Path::new(dir).join(format!("{name}.json"));
        let recording = nearviz::fixture::load(&path).expect("capture");
        let one: Vec<ChainEvent> = recording.events.into_iter().map(|e| e.event).collect();
        let dag = Trace::from_events(one.clone()).dag();
        let tx = &dag.transactions[0];
        let found = windows(tx);
        assert_eq!(found.len(), expected, "{name}: {found:?}");
        for window in &found {
            assert_eq!(Some(&window.account), tx.receiver.as_ref(), "{name}: the caller");
            assert_eq!(window.to_block, Some(window.from_block + 2), "{name}");
        }
        events.extend(one);
    }
    let session = Trace::from_events(events).dag();
    assert_eq!(session.transactions.len(), 6);
    assert!(all_overlaps(&session).is_empty());
}
