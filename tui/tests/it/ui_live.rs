//! The live screen: calls, engine states, restart, manual blocks, saving, workshop notes.
//! Engine events are the real recorded ones of a reference capture, fed as an engine sends them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nearviz::app::{App, Effect, EngineCommandKind, EngineState, Focus, Mode, Msg};
use nearviz::engine::{EngineEvent, EngineId, EngineInfo};
use nearviz::scenario::Scenario;

const W: u16 = 150;
const H: u16 = 36;

fn live() -> App {
    let scenario = Scenario::builtin().expect("built-in scenario");
    App::new(Mode::Live)
        .with_color(true)
        .with_scenario(Some(scenario.title.clone()), scenario.listed_calls())
}

fn info(manual: bool) -> EngineInfo {
    EngineInfo {
        id: EngineId::Embedded,
        reason: Some("auto: no neard binary".into()),
        protocol_version: Some(86),
        manual_blocks: manual,
        fork_height: None,
    }
}

fn press(app: &mut App, c: char) -> Option<Effect> {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
}

/// Draw as the event loop does (see `support::screen`).
fn screen(app: &mut App) -> String {
    crate::support::screen::draw(app, W, H)
}

/// The events of a capture, relabelled as the built-in call `label`.
fn recorded(name: &str, label: &str) -> Vec<EngineEvent> {
    let path = format!("{}/../fixtures/reference/captures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let recording = nearviz::fixture::load(std::path::Path::new(&path)).expect("capture");
    recording
        .events
        .into_iter()
        .map(|e| match e.event {
            nearviz::chain::ChainEvent::TxSubmitted { tx, sender, at_ms, .. } => {
                nearviz::chain::ChainEvent::TxSubmitted { tx, sender, label: label.into(), at_ms }
            }
            other => other,
        })
        .map(EngineEvent::Chain)
        .collect()
}

#[test]
fn calls_wait_for_the_engine_then_send() {
    let mut app = live();
    app.update(Msg::Engine(EngineEvent::Progress("deploying xcc…".into())));
    assert_eq!(press(&mut app, '4'), None, "not ready: nothing sent");
    assert!(app.status().is_some_and(|s| s.contains("not ready")));
    let booting = screen(&mut app);
    assert!(booting.contains("starting: deploying xcc…"), "{booting}");
    app.update(Msg::Engine(EngineEvent::Ready(info(false))));
    assert_eq!(press(&mut app, '4'), Some(Effect::Engine(EngineCommandKind::Send(3))));
    assert_eq!(app.calls()[3].name, "multiple_contracts");
    // A key past the scenario's calls says so.
    let many = app.calls().len();
    if many < 9 {
        assert_eq!(press(&mut app, '9'), None);
    }
    // The calls panel: tab to it, move, enter sends the highlighted call.
    app.update(Msg::Key(KeyEvent::from(KeyCode::Tab)));
    assert_eq!(app.focus(), Focus::Calls);
    app.update(Msg::Key(KeyEvent::from(KeyCode::Down)));
    let sent = app.update(Msg::Key(KeyEvent::from(KeyCode::Enter)));
    assert_eq!(sent, Some(Effect::Engine(EngineCommandKind::Send(4))));
}

#[test]
fn the_dag_grows_from_engine_events_with_workshop_notes() {
    let mut app = live();
    app.update(Msg::Engine(EngineEvent::Ready(info(false))));
    assert_eq!(press(&mut app, '4'), Some(Effect::Engine(EngineCommandKind::Send(3))));
    for event in recorded("multiple_contracts", "multiple_contracts") {
        app.update(Msg::Engine(event));
    }
    let s = screen(&mut app);
    assert!(s.contains("nearviz · embedded · protocol 86"), "{s}");
    assert!(s.contains("in flight · auto: no neard binary"), "{s}");
    assert!(s.contains("ms/block"));
    assert!(s.contains("Workshop · multiple_contracts"), "the call's explanation is shown: {s}");
    let note = app.calls()[3].explain.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    assert!(s.contains(&note), "{note:?} in\n{s}");
    assert!(s.contains("History (1)"));
    insta::assert_snapshot!("live_multiple_contracts", s);
    // `w` hides the notes.
    press(&mut app, 'w');
    assert!(!screen(&mut app).contains("Workshop ·"));
}

#[test]
fn history_keeps_every_transaction_and_reopens_any() {
    let mut app = live();
    app.update(Msg::Engine(EngineEvent::Ready(info(false))));
    for (capture, label) in [
        ("query_greeting", "query_greeting"),
        ("batch_actions", "batch_actions"),
        ("weights", "weights"),
    ] {
        for event in recorded(capture, label) {
            app.update(Msg::Engine(event));
        }
    }
    assert_eq!(app.tracker().dag().transactions.len(), 3);
    assert_eq!(
        app.open_tx().and_then(|t| t.label.clone()).as_deref(),
        Some("weights"),
        "follows the newest"
    );
    press(&mut app, '[');
    press(&mut app, '[');
    assert_eq!(app.open_tx().and_then(|t| t.label.clone()).as_deref(), Some("query_greeting"));
    let s = screen(&mut app);
    assert!(
        s.contains("History (3)") && s.contains("batch_actions") && s.contains("weights"),
        "{s}"
    );
    // Enter on the history list opens the highlighted one.
    app.update(Msg::Key(KeyEvent::from(KeyCode::BackTab)));
    assert_eq!(app.focus(), Focus::History);
    app.update(Msg::Key(KeyEvent::from(KeyCode::Down)));
    app.update(Msg::Key(KeyEvent::from(KeyCode::Enter)));
    assert_eq!(app.open_tx().and_then(|t| t.label.clone()).as_deref(), Some("batch_actions"));
}

#[test]
fn a_dead_engine_is_shown_and_restarts_keeping_history() {
    let mut app = live();
    app.update(Msg::Engine(EngineEvent::Ready(info(false))));
    for event in recorded("call_failing", "call_failing_with_rollback") {
        app.update(Msg::Engine(event));
    }
    app.update(Msg::Engine(EngineEvent::Down(
        "neard exited: couldn't set the file descriptor limit".into(),
    )));
    let s = screen(&mut app);
    assert!(s.contains("engine down: neard exited: couldn't set the file descriptor limit"), "{s}");
    assert!(s.contains("R restarts"));
    assert_eq!(press(&mut app, '1'), None, "no calls while down");
    assert_eq!(press(&mut app, 'R'), Some(Effect::RestartEngine));
    assert!(matches!(app.engine(), EngineState::Starting(_)));
    assert_eq!(press(&mut app, 'R'), None, "only once");
    app.update(Msg::Engine(EngineEvent::Ready(info(false))));
    assert_eq!(app.tracker().dag().transactions.len(), 1, "history kept across the restart");
    assert!(screen(&mut app).contains("call_failing_with_rollback"));
}

#[test]
fn blocks_by_hand_on_the_embedded_runtime() {
    let mut app = live();
    app.update(Msg::Engine(EngineEvent::Ready(info(false))));
    assert_eq!(press(&mut app, 'n'), None, "blocks come on their own");
    assert_eq!(
        press(&mut app, ' '),
        Some(Effect::Engine(EngineCommandKind::SetManualBlocks(true)))
    );
    assert!(screen(&mut app).contains("manual blocks"));
    assert_eq!(press(&mut app, 'n'), Some(Effect::Engine(EngineCommandKind::ProduceBlock)));
    assert_eq!(
        press(&mut app, ' '),
        Some(Effect::Engine(EngineCommandKind::SetManualBlocks(false)))
    );
    // A sandbox cannot pause.
    let mut sandbox = live();
    sandbox.update(Msg::Engine(EngineEvent::Ready(EngineInfo {
        id: EngineId::Sandbox,
        ..info(false)
    })));
    assert_eq!(press(&mut sandbox, ' '), None);
    assert_eq!(press(&mut sandbox, 'n'), None);
}

#[test]
fn save_and_quit_are_effects() {
    let mut app = live().with_save_path(Some("/tmp/session.json".into()));
    assert_eq!(press(&mut app, 's'), Some(Effect::SaveFixture(Some("/tmp/session.json".into()))));
    assert_eq!(press(&mut app, 'q'), Some(Effect::Quit));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(app.update(Msg::Key(ctrl_c)), Some(Effect::Quit));
}

#[test]
fn the_viewer_has_no_calls() {
    let mut app = App::new(Mode::Viewer);
    app.update(Msg::Engine(EngineEvent::Ready(EngineInfo {
        reason: Some("https://rpc.testnet.near.org".into()),
        ..EngineInfo::new(EngineId::Rpc)
    })));
    for event in recorded("forward_deposit", "forward_deposit") {
        app.update(Msg::Engine(event));
    }
    assert_eq!(press(&mut app, '1'), None);
    assert_eq!(press(&mut app, 's'), None);
    let s = screen(&mut app);
    assert!(!s.contains("Calls"), "{s}");
    assert!(s.contains("nearviz · rpc ·"), "{s}");
    assert!(s.contains("in flight · https://rpc.testnet.near.org"), "{s}");
    assert!(s.contains("forward_deposit"));
}

#[test]
fn effects_report_back_as_messages() {
    let mut app = live().with_save_path(Some("/tmp/session.json".into()));
    app.update(Msg::Engine(EngineEvent::Ready(info(false))));
    assert!(press(&mut app, 's').is_some());
    assert_eq!(app.status(), Some("saving…"));
    assert_eq!(press(&mut app, 's'), None, "one save at a time");
    app.update(Msg::Saved { path: "/tmp/session.json".into(), events: 12 });
    assert_eq!(app.status(), Some("saved 12 events to /tmp/session.json"));
    assert!(press(&mut app, 's').is_some(), "saving again once done");
    app.update(Msg::SaveFailed("disk full".into()));
    assert_eq!(app.status(), Some("not saved: disk full"));
    // A pause the engine did not take is undone.
    let pause = press(&mut app, ' ');
    assert_eq!(pause, Some(Effect::Engine(EngineCommandKind::SetManualBlocks(true))));
    assert!(app.manual_blocks());
    app.update(Msg::CommandRejected {
        command: EngineCommandKind::SetManualBlocks(true),
        why: "the engine did not take the command: full".into(),
    });
    assert!(!app.manual_blocks());
    assert_eq!(app.status(), Some("the engine did not take the command: full"));
    // The engine's channel closing takes it down; a failed restart says why.
    app.update(Msg::EngineEnded);
    assert!(matches!(app.engine(), EngineState::Down(why) if why == "the engine task ended"));
    assert_eq!(press(&mut app, 'R'), Some(Effect::RestartEngine));
    app.update(Msg::RestartFailed("no neard".into()));
    assert!(matches!(app.engine(), EngineState::Down(why) if why.contains("no neard")));
}

#[test]
fn footer_and_help_show_only_what_works_now() {
    let footer = |app: &mut App| screen(app).lines().last().unwrap_or_default().to_string();
    let mut app = live();
    app.update(Msg::Engine(EngineEvent::Progress("booting…".into())));
    assert!(!footer(&mut app).contains("call"), "no calls before the engine is ready");
    app.update(Msg::Engine(EngineEvent::Ready(info(false))));
    let running = footer(&mut app);
    let calls = app.calls().len().min(9);
    assert!(running.contains(&format!("1-{calls} call")), "{running}");
    assert!(!running.contains("next block"), "blocks come on their own: {running}");
    press(&mut app, ' ');
    let paused = footer(&mut app);
    assert!(paused.contains("n next block"), "{paused}");
    press(&mut app, '?');
    let help = screen(&mut app);
    assert!(help.contains("produce one block"), "{help}");
    assert!(!help.contains("restart the stopped engine"), "{help}");
    press(&mut app, '?');
    app.update(Msg::Engine(EngineEvent::Down("crashed".into())));
    press(&mut app, '?');
    let help = screen(&mut app);
    assert!(help.contains("restart the stopped engine"), "{help}");
    assert!(!help.contains("send that scenario call"), "no calls while down: {help}");
}

/// On a fork (`--fork`), the header says so on any width: `fork at #H` beside the engine (the
/// reason at the end, which names the network, is the first part to go when the line is long).
#[test]
fn a_forked_chain_is_marked_in_the_header() {
    let mut app = live();
    app.update(Msg::Engine(EngineEvent::Ready(EngineInfo {
        reason: Some("fork of https://rpc.testnet.near.org at #190000000".into()),
        fork_height: Some(190_000_000),
        ..info(false)
    })));
    for event in recorded("multiple_contracts", "multiple_contracts") {
        app.update(Msg::Engine(event));
    }
    let narrow = crate::support::screen::draw(&mut app, 80, 24);
    insta::assert_snapshot!("forked_80x24", narrow);
    let header = narrow.lines().next().unwrap_or_default();
    assert!(header.starts_with(" nearviz · embedded · fork at #190000000 · "), "{narrow}");
    assert!(header.contains("in flight"), "{narrow}");
    let wide = crate::support::screen::draw(&mut app, 200, 40);
    let header = wide.lines().next().unwrap_or_default();
    assert!(header.contains(" · fork at #190000000 · "), "{wide}");
    assert!(header.ends_with("fork of https://rpc.testnet.near.org at #190000000"), "{wide}");
    // Not forked: no mark.
    let mut plain = live();
    plain.update(Msg::Engine(EngineEvent::Ready(info(false))));
    assert!(!screen(&mut plain).lines().next().unwrap_or_default().contains("fork"));
}
