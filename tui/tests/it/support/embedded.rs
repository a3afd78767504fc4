//! The embedded engine as the tests drive it: booted until ready, one built-in call run to its
//! end, and its chain events drained as they come.

use nearviz::chain::ChainEvent;
use nearviz::engine::embedded::{spawn, EmbeddedOptions, Pacing};
use nearviz::engine::EventReceiver;
use nearviz::engine::{EngineCommand, EngineEvent, EngineHandle};
use nearviz::scenario::Scenario;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The embedded engine on `scenario`, once it said it is ready (panics if it goes down first).
pub async fn boot(scenario: Scenario, pacing: Pacing) -> EngineHandle {
    let opts = EmbeddedOptions { pacing, ..EmbeddedOptions::default() };
    let mut engine = spawn(scenario, opts);
    loop {
        match engine.events.recv().await.expect("engine event") {
            EngineEvent::Ready(_) => break,
            EngineEvent::Down(error) => panic!("engine down: {error}"),
            _ => {}
        }
    }
    engine
}

/// Every chain event of one built-in call, sent on the embedded engine (blocks as fast as
/// possible), up to and with its `TxDone`; then the engine is shut down.
pub async fn call_events(call: &str) -> Vec<ChainEvent> {
    let scenario = Scenario::builtin().expect("built-in scenario");
    let call = scenario.call(call).expect("call").clone();
    let mut engine = boot(scenario, Pacing::AsFastAsPossible).await;
    engine.commands.send(EngineCommand::Send(call)).await.expect("send");
    let mut events = Vec::new();
    loop {
        match engine.events.recv().await.expect("event") {
            EngineEvent::Chain(event) => {
                let done = matches!(event, ChainEvent::TxDone { .. });
                events.push(event);
                if done {
                    break;
                }
            }
            EngineEvent::Down(error) => panic!("engine down: {error}"),
            EngineEvent::CallFailed { error, .. } => panic!("call failed: {error}"),
            _ => {}
        }
    }
    engine.commands.send(EngineCommand::Shutdown).await.expect("shutdown");
    engine.task.await.expect("engine task");
    events
}

/// Drains the engine's events continuously (so it never waits on a full channel) and forwards
/// its chain events; a call not sent or the engine going down fails the test.
pub fn forward_chain(
    mut events: EventReceiver,
) -> (mpsc::UnboundedReceiver<ChainEvent>, JoinHandle<()>) {
    let (forward, chain) = mpsc::unbounded_channel();
    let drain = tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let event = match event {
                EngineEvent::Chain(event) => event,
                EngineEvent::CallFailed { call, error } => panic!("{call} not sent: {error}"),
                EngineEvent::Down(error) => panic!("engine down: {error}"),
                _ => continue,
            };
            if forward.send(event).is_err() {
                break;
            }
        }
    });
    (chain, drain)
}
