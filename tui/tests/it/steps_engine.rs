//! The embedded engine runs a sequence call itself from one `Send`: step 1 at once, step k
//! included exactly `after_blocks` blocks after step k-1, each `TxSubmitted` labelled with its
//! step, with blocks on demand (`n`) and with blocks on a timer.

use crate::support::embedded;
use nearviz::chain::{ChainEvent, TxHash};
use nearviz::engine::embedded::Pacing;
use nearviz::engine::EventReceiver;
use nearviz::engine::{EngineCommand, EngineEvent, EngineHandle};
use nearviz::model::Trace;
use nearviz::scenario::{Scenario, Source, BUILTIN_TOML};
use std::time::Duration;
use tokio::sync::mpsc;

/// The built-in scenario with `race_unsafe`'s second withdraw (step 3) `after` blocks after
/// the first (step 2, one block after the deposit).
fn scenario(after: u64) -> Scenario {
    let text = BUILTIN_TOML.replace(
        r#"{ call = "withdraw_unsafe", after_blocks = 1, expect_error"#,
        &format!(r#"{{ call = "withdraw_unsafe", after_blocks = {after}, expect_error"#),
    );
    Scenario::parse(&text, Source::BuiltIn).expect("scenario")
}

struct Engine {
    commands: mpsc::Sender<EngineCommand>,
    events: EventReceiver,
    task: tokio::task::JoinHandle<()>,
    seen: Vec<ChainEvent>,
}

impl Engine {
    async fn boot(scenario: Scenario, pacing: Pacing) -> Engine {
        let EngineHandle { commands, events, task } = embedded::boot(scenario, pacing).await;
        Engine { commands, events, task, seen: Vec::new() }
    }

    async fn send(&self, scenario: &Scenario, name: &str) {
        let call = scenario.call(name).expect(name).clone();
        self.commands.send(EngineCommand::Send(call)).await.expect("engine alive");
    }

    /// Reads events until `count` transactions are done; with `manual`, asks for a block each
    /// time the engine goes quiet.
    async fn until_done(&mut self, count: usize, manual: bool) {
        let mut done = 0;
        for _ in 0..400 {
            match tokio::time::timeout(Duration::from_millis(60), self.events.recv()).await {
                Ok(Some(EngineEvent::Chain(event))) => {
                    done += usize::from(matches!(event, ChainEvent::TxDone { .. }));
                    self.seen.push(event);
                    if done == count {
                        return;
                    }
                }
                Ok(Some(EngineEvent::CallFailed { call, error })) => panic!("{call}: {error}"),
                Ok(Some(EngineEvent::Down(error))) => panic!("engine down: {error}"),
                Ok(Some(_)) => {}
                Ok(None) => panic!("the engine stopped"),
                Err(_) if manual => {
                    self.commands.send(EngineCommand::ProduceBlock).await.expect("engine alive");
                }
                Err(_) => {}
            }
        }
        panic!("{done} of {count} transactions done");
    }

    async fn finish(self) -> Vec<ChainEvent> {
        let _ = self.commands.send(EngineCommand::Shutdown).await;
        drop(self.events);
        let _ = self.task.await;
        self.seen
    }
}

/// `(label, inclusion height)` of every transaction, in submission order.
fn included(events: &[ChainEvent]) -> Vec<(String, u64)> {
    let labels: Vec<(TxHash, String)> = events
        .iter()
        .filter_map(|e| match e {
            ChainEvent::TxSubmitted { tx, label, .. } => Some((*tx, label.clone())),
            _ => None,
        })
        .collect();
    let dag = Trace::from_events(events.to_vec()).dag();
    labels
        .into_iter()
        .map(|(hash, label)| {
            let tx = dag.transactions.iter().find(|t| t.hash == hash).expect("in the DAG");
            (label, tx.block_height.expect("included"))
        })
        .collect()
}

async fn race(after: u64, pacing: Pacing) -> Vec<(String, u64)> {
    let scenario = scenario(after);
    let manual = pacing == Pacing::Manual;
    let mut engine = Engine::boot(scenario.clone(), pacing).await;
    engine.send(&scenario, "race_unsafe").await;
    engine.until_done(3, manual).await;
    included(&engine.finish().await)
}

/// The labels, and the gaps: deposit to first withdraw, first to second withdraw.
fn labels_and_gaps(found: &[(String, u64)]) -> (Vec<&str>, u64, u64) {
    let labels = found.iter().map(|(l, _)| l.as_str()).collect();
    (labels, found[1].1 - found[0].1, found[2].1 - found[1].1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_blocks_include_each_step_exactly_after_blocks_later() {
    for after in [0, 1, 3] {
        let found = race(after, Pacing::Manual).await;
        assert_eq!(
            labels_and_gaps(&found),
            (vec!["race_unsafe#1", "race_unsafe#2", "race_unsafe#3"], 1, after),
            "after_blocks = {after}: {found:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timer_blocks_include_each_step_exactly_after_blocks_later() {
    for after in [1, 2] {
        let found = race(after, Pacing::Timer(Duration::from_millis(20))).await;
        assert_eq!(
            labels_and_gaps(&found),
            (vec!["race_unsafe#1", "race_unsafe#2", "race_unsafe#3"], 1, after),
            "after_blocks = {after}: {found:?}"
        );
    }
}

/// Headless runs (`nearviz run`) keep producing blocks while a step waits, even when the
/// previous step is already FINAL: a gap longer than a transaction's life.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn as_fast_as_possible_waits_out_a_long_gap() {
    let found = race(12, Pacing::AsFastAsPossible).await;
    assert_eq!(labels_and_gaps(&found).2, 12, "{found:?}");
}
