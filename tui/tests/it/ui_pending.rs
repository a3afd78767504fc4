//! On the live screen, a waiting callback reads as what it will run as soon as the engine
//! described it (`ChainEvent::Receipt`), not as `receipt <id>`. Events are the real recorded ones
//! of the `query_greeting` capture, cut at the poll before the callback ran.
//!
//! Only what the DAG panel must contain is checked (no snapshot): the screen's layout is free
//! to change.

use crate::model_common::{before_outcome_of, capture_events, final_views, is_callback};
use near_primitives::views::ReceiptView;
use nearviz::app::{App, Mode, Msg};
use nearviz::chain::ChainEvent;
use nearviz::engine::{EngineEvent, EngineId, EngineInfo};
use nearviz::scenario::Scenario;

const W: u16 = 200;
const H: u16 = 50;

fn screen(app: &mut App) -> String {
    crate::support::screen::draw(app, W, H)
}

/// The capture's events up to the poll before the callback ran, and the callback's view.
fn waiting_callback() -> (Vec<ChainEvent>, ReceiptView) {
    let events = capture_events("query_greeting");
    let callback = final_views(&events).into_iter().find(is_callback).expect("a callback");
    (before_outcome_of(&events, &callback.receipt_id), callback)
}

fn live_with(events: Vec<ChainEvent>) -> App {
    let scenario = Scenario::builtin().expect("built-in scenario");
    let mut app = App::new(Mode::Live)
        .with_color(false)
        .with_scenario(Some(scenario.title.clone()), scenario.listed_calls());
    app.update(Msg::Engine(EngineEvent::Ready(EngineInfo {
        id: EngineId::Embedded,
        reason: None,
        protocol_version: Some(86),
        manual_blocks: false,
        fork_height: None,
    })));
    for event in events {
        app.update(Msg::Engine(EngineEvent::Chain(event)));
    }
    app
}

#[test]
fn a_waiting_callback_is_labelled_with_its_method_once_described() {
    let (events, callback) = waiting_callback();
    let short = callback.receipt_id.to_string().chars().take(4).collect::<String>();

    let mut by_id = live_with(events.clone());
    let before = screen(&mut by_id);
    // `.query_greeting_callback` (the callback's method, under its account), not the caller's
    // `.query_greeting` nor the calls list's `query_greeting_low_level`.
    assert!(!before.contains(".query_greeting_"), "not described yet:\n{before}");
    assert!(before.contains(&format!("receipt {short}")), "named by id:\n{before}");

    let mut described = events;
    described.push(ChainEvent::Receipt(Box::new(callback)));
    let mut app = live_with(described);
    let after = screen(&mut app);
    assert!(after.contains(".query_greeting_callback "), "named by its method, whole:\n{after}");
    assert!(after.contains("Tgas attached"), "with the gas it was given:\n{after}");
    assert!(!after.contains(&format!("receipt {short}")), "no longer by id:\n{after}");
    assert!(after.contains("waiting"), "still marked as not run:\n{after}");
}
