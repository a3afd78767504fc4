//! The screen at the sizes people use (80×24, 100×30, 120×40, 200×60), for a replay of a real-node
//! recording and for a live session of the built-in calls on the embedded engine: every receipt
//! label of every built-in call is whole at 120×40, and below 100 columns the DAG has the screen.

use crate::support::screen::{draw, key, replay_to_end};
use crossterm::event::KeyCode;
use nearviz::app::{App, Mode, Msg};
use nearviz::chain::ChainEvent;
use nearviz::engine::embedded::{spawn, EmbeddedOptions, Pacing};
use nearviz::engine::{EngineCommand, EngineEvent, EngineHandle};
use nearviz::layout::NodeRef;
use nearviz::scenario::Scenario;
use std::time::Duration;

const SIZES: [(u16, u16); 4] = [(80, 24), (100, 30), (120, 40), (200, 60)];

/// What each visible receipt of the open DAG must show whole: its receiver (shortened the one
/// way the session shortens accounts, `dev…4044`) and `.method`.
fn labels(app: &App) -> Vec<String> {
    let Some(tx) = app.open_tx() else { return Vec::new() };
    let suffix = nearviz::format::common_suffix(tx.signer.as_str());
    let mut out = Vec::new();
    for node in &app.layout().nodes {
        let NodeRef::Receipt(i) = node.node else { continue };
        let receipt = &tx.receipts[i];
        if receipt.is_refund {
            continue;
        }
        if let Some(receiver) = &receipt.receiver {
            out.push(nearviz::format::account(receiver.as_str(), suffix.as_deref(), usize::MAX));
        }
        if let [only] = receipt.actions.as_slice() {
            if let Some(method) = &only.method {
                out.push(format!(".{method}"));
            }
        }
    }
    out
}

/// Each label is on screen, whole: a line of its node starts with it and is not cut short.
fn assert_labels_whole(app: &App, screen: &str, what: &str) {
    for label in labels(app) {
        let whole = screen.lines().any(|line| {
            line.match_indices(&label).any(|(at, _)| {
                let after = line[at + label.len()..].chars().next();
                after.is_none_or(|c| c == ' ' || c == '│' || c == '┐')
            })
        });
        assert!(whole, "{what}: {label:?} not whole on screen\n{screen}");
    }
}

#[test]
fn a_replay_at_every_size() {
    for (w, h) in SIZES {
        let mut app = replay_to_end("multiple_contracts");
        let screen = draw(&mut app, w, h);
        insta::assert_snapshot!(format!("replay_multiple_contracts_{w}x{h}"), screen);
        if w >= 120 {
            assert_labels_whole(&app, &screen, &format!("{w}×{h}"));
        }
        // The header keeps the block and the count in flight at every size.
        let header = screen.lines().next().unwrap_or_default();
        assert!(header.contains("block #") && header.contains("in flight"), "{header}");
    }
}

#[test]
fn below_100_columns_the_dag_has_the_screen_and_panels_open_over_it() {
    let mut app = replay_to_end("multiple_contracts");
    let screen = draw(&mut app, 80, 24);
    assert!(!screen.contains("History"), "the history is folded:\n{screen}");
    for callee in [".get_greeting", ".increment", ".fail"] {
        assert!(screen.contains(callee), "{callee} visible at 80×24:\n{screen}");
    }
    // tab opens the history over the DAG; esc closes it.
    key(&mut app, KeyCode::Tab);
    let over = draw(&mut app, 80, 24);
    assert!(over.contains("History (1)"), "{over}");
    key(&mut app, KeyCode::Esc);
    assert!(!draw(&mut app, 80, 24).contains("History (1)"));
    // enter splits the screen: the details under a DAG that still shows the selection.
    key(&mut app, KeyCode::Enter);
    let split = draw(&mut app, 80, 24);
    insta::assert_snapshot!("replay_details_split_80x24", split);
    assert!(split.contains("transaction ") || split.contains("receipt "), "{split}");
    assert!(split.contains("tx #"), "the DAG stays:\n{split}");
}

#[test]
fn enlarged_details_keep_the_selected_node_in_view() {
    let mut app = replay_to_end("multiple_contracts");
    // Select the callback (last column) and enlarge the details.
    key(&mut app, KeyCode::End);
    draw(&mut app, 120, 40);
    for _ in 0..3 {
        key(&mut app, KeyCode::Right);
    }
    key(&mut app, KeyCode::Enter);
    let screen = draw(&mut app, 120, 40);
    insta::assert_snapshot!("replay_details_big_120x40", screen);
    assert!(screen.contains(".multiple_callback"), "{screen}");
}

/// Runs every plain built-in call on the embedded engine, one after the other, and returns
/// the engine's events.
async fn builtin_session(scenario: &Scenario) -> Vec<EngineEvent> {
    let opts = EmbeddedOptions { pacing: Pacing::Manual, ..EmbeddedOptions::default() };
    let EngineHandle { commands, mut events, task } = spawn(scenario.clone(), opts);
    let mut seen = Vec::new();
    loop {
        let event = events.recv().await.expect("engine event");
        let ready = matches!(event, EngineEvent::Ready(_));
        if let EngineEvent::Down(why) = &event {
            panic!("engine down: {why}");
        }
        seen.push(event);
        if ready {
            break;
        }
    }
    for call in scenario.calls.iter().filter(|c| !c.is_sequence()) {
        commands.send(EngineCommand::Send(call.clone())).await.expect("engine alive");
        let mut done = false;
        for _ in 0..200 {
            match tokio::time::timeout(Duration::from_millis(40), events.recv()).await {
                Ok(Some(event)) => {
                    done = matches!(event, EngineEvent::Chain(ChainEvent::TxDone { .. }));
                    seen.push(event);
                    if done {
                        break;
                    }
                }
                Ok(None) => panic!("the engine stopped"),
                Err(_) => commands.send(EngineCommand::ProduceBlock).await.expect("alive"),
            }
        }
        assert!(done, "{} did not finish", call.name);
    }
    let _ = commands.send(EngineCommand::Shutdown).await;
    drop(events);
    let _ = task.await;
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_builtin_calls_read_whole_at_120x40() {
    let scenario = Scenario::builtin().expect("built-in scenario");
    let events = builtin_session(&scenario).await;
    let mut app =
        App::new(Mode::Live).with_scenario(Some(scenario.title.clone()), scenario.listed_calls());
    for event in events {
        app.update(Msg::Engine(event));
    }
    let count = app.tracker().dag().transactions.len();
    assert!(count >= 15, "{count} transactions");
    // The newest transaction is open: step back to the oldest, then forward through all.
    for _ in 0..count {
        key(&mut app, KeyCode::Char('['));
    }
    for index in 0..count {
        let screen = draw(&mut app, 120, 40);
        let tx = app.open_tx().expect("a transaction is open");
        let what = format!("{} at 120×40", tx.label.clone().unwrap_or_default());
        assert_labels_whole(&app, &screen, &what);
        if tx.label.as_deref() == Some("multiple_contracts") {
            for (w, h) in SIZES {
                // The embedded runtime is deterministic: same keys, hashes and blocks each run.
                let screen = draw(&mut app, w, h);
                insta::assert_snapshot!(format!("live_multiple_contracts_{w}x{h}"), screen);
            }
        }
        if index + 1 < count {
            key(&mut app, KeyCode::Char(']'));
        }
    }
}
