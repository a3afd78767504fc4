//! Whole screens after replaying the reference recordings and pressing keys
//! (ratatui TestBackend + insta snapshots).

use crate::model_common::capture;
use crate::support::screen::{buffer, draw, key, keys, text, without_footer};
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use nearviz::app::{App, Msg, Selected};
use ratatui::style::{Color, Modifier};

const W: u16 = 130;
const H: u16 = 34;

/// A replay of a reference capture, paused at the start.
fn replay(name: &str) -> App {
    let path = capture(name);
    let recording = nearviz::fixture::load(&path).expect("reference capture loads");
    nearviz::commands::replay::replay_app(&path, recording).with_color(true).paused()
}

fn screen(app: &mut App) -> String {
    draw(app, W, H)
}

/// The screen without the footer (its last status message differs between two states).
fn quiet(app: &mut App) -> String {
    without_footer(&screen(app))
}

#[test]
fn replay_starts_empty_and_steps_block_by_block() {
    let mut app = replay("multiple_contracts");
    insta::assert_snapshot!("mc_start", screen(&mut app));
    let mut heights = Vec::new();
    for _ in 0..6 {
        key(&mut app, KeyCode::Char('n'));
        heights.push(app.player().and_then(|p| p.height()));
    }
    // Each step reaches a later block.
    let known: Vec<u64> = heights.iter().flatten().copied().collect();
    assert!(known.windows(2).all(|w| w[0] < w[1]), "{heights:?}");
    // Back to the block where the callees ran but the callback has not.
    let mut app = replay("multiple_contracts");
    let mut screens = Vec::new();
    for _ in 0..6 {
        key(&mut app, KeyCode::Char('n'));
        screens.push(screen(&mut app));
    }
    let waiting = screens.iter().position(|s| s.contains("hello") || s.contains("get_greeting"));
    assert!(waiting.is_some(), "some step shows the callees");
    insta::assert_snapshot!("mc_step_3", &screens[2]);
    // Stepping back gives the same screen as stepping forward to there.
    key(&mut app, KeyCode::Home);
    keys(&mut app, "nnn");
    let forward = quiet(&mut app);
    keys(&mut app, "np");
    assert_eq!(quiet(&mut app), forward, "n then p returns to the same block");
}

#[test]
fn replay_end_shows_the_whole_dag_with_details() {
    let mut app = replay("multiple_contracts");
    key(&mut app, KeyCode::End);
    insta::assert_snapshot!("mc_end", screen(&mut app));
    // The callback: last node; its details list the three inputs, the third Failed.
    keys(&mut app, "G");
    let s = screen(&mut app);
    assert!(s.contains("#2 ✘ Failed"), "{s}");
    assert!(s.contains("a ok=true b ok=true c ok=false"));
    insta::assert_snapshot!("mc_callback_selected", s);
}

#[test]
fn selection_moves_and_is_highlighted() {
    let mut app = replay("multiple_contracts");
    key(&mut app, KeyCode::End);
    assert_eq!(app.selected(), Selected::Tx);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Down);
    let receipt = app.selected_receipt().expect("a receipt is selected");
    let method = receipt.actions[0].method.clone();
    assert_eq!(method.as_deref(), Some("increment"), "right, right, down: the second callee");
    let buf = buffer(&mut app, W, H);
    let node = &app.layout().nodes[app.selected_node().expect("selected node")];
    let canvas = app.dag_viewport();
    let (x, y) = (canvas.x + node.x - app.scroll().0, canvas.y + node.y - app.scroll().1);
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED), "selected node drawn reversed");
    let s = text(&buf);
    assert!(s.contains("increment"));
    insta::assert_snapshot!("mc_increment_selected", s);
    // vim keys do the same as arrows.
    let mut vim = replay("multiple_contracts");
    key(&mut vim, KeyCode::End);
    keys(&mut vim, "llj");
    assert_eq!(vim.selected(), app.selected());
}

#[test]
fn refunds_toggle() {
    let mut app = replay("query_greeting");
    key(&mut app, KeyCode::End);
    let hidden = quiet(&mut app);
    assert!(!hidden.contains("refund →"));
    assert!(hidden.contains("hidden (r)"));
    keys(&mut app, "r");
    let shown = screen(&mut app);
    assert!(shown.contains("refund →"), "{shown}");
    assert!(shown.contains('↩'));
    insta::assert_snapshot!("qg_refunds", shown);
    keys(&mut app, "r");
    assert_eq!(quiet(&mut app), hidden);
}

#[test]
fn failure_details_name_the_action_and_message() {
    let mut app = replay("call_failing");
    key(&mut app, KeyCode::End);
    keys(&mut app, "ll");
    let s = screen(&mut app);
    assert!(s.contains("failed at action #0"), "{s}");
    assert!(
        s.contains("Smart contract panicked: hello:") && s.contains("deliberate failure"),
        "{s}"
    );
    insta::assert_snapshot!("cf_failed_callee", s);
}

#[test]
fn batch_is_one_node_listing_its_actions() {
    let mut app = replay("batch_actions");
    key(&mut app, KeyCode::End);
    let s = screen(&mut app);
    assert!(s.contains("batch ×4"));
    assert!(s.contains("0·set_greeting") && s.contains("3·get_greeting"));
    insta::assert_snapshot!("ba_end", s);
}

#[test]
fn gas_units_and_zoom() {
    let mut app = replay("weights");
    key(&mut app, KeyCode::End);
    keys(&mut app, "ll");
    let tgas = quiet(&mut app);
    assert!(tgas.contains("Tgas"));
    keys(&mut app, "u");
    assert!(screen(&mut app).contains(" gas"));
    keys(&mut app, "u");
    let near = screen(&mut app);
    assert!(near.contains("≈0.000"), "{near}");
    keys(&mut app, "u");
    assert_eq!(quiet(&mut app), tgas, "cycles back");
    keys(&mut app, "Z");
    insta::assert_snapshot!("w_compact", screen(&mut app));
}

#[test]
fn help_lists_the_keymap() {
    let mut app = replay("multiple_contracts");
    keys(&mut app, "?");
    let s = screen(&mut app);
    // Every binding that works now (the state keys need state: see ui_state.rs).
    let ctx = app.key_context();
    for binding in nearviz::app::keymap::BINDINGS
        .iter()
        .filter(|b| b.modes.contains(nearviz::app::keymap::Modes::REPLAY) && b.enabled(&ctx))
    {
        assert!(s.contains(binding.help), "help shows {:?}", binding.help);
    }
    insta::assert_snapshot!("help_replay", s);
    keys(&mut app, "x");
    assert!(!app.help_open(), "any key closes the help");
}

#[test]
fn tiny_terminal_says_how_big_it_must_be() {
    let mut app = replay("multiple_contracts");
    let s = draw(&mut app, 50, 12);
    assert!(s.contains("now 50×12, at least 70×18"), "{s}");
    insta::assert_snapshot!("tiny", s);
}

#[test]
fn no_color_keeps_the_meaning() {
    let mut app = replay("multiple_contracts").with_color(false);
    key(&mut app, KeyCode::End);
    keys(&mut app, "r");
    let buf = buffer(&mut app, W, H);
    for cell in buf.content() {
        assert!(
            cell.fg == Color::Reset && cell.bg == Color::Reset,
            "a colour at {:?}",
            cell.symbol()
        );
    }
    let s = text(&buf);
    for mark in ['✔', '✘', '↩', '┄', '─', '▶'] {
        assert!(s.contains(mark), "{mark} shown without colour");
    }
    let mut coloured = replay("multiple_contracts");
    key(&mut coloured, KeyCode::End);
    keys(&mut coloured, "r");
    assert_eq!(draw(&mut coloured, W, H), s, "same text with and without colour");
}

#[test]
fn mouse_click_selects_a_node_and_opens_history() {
    let mut app = replay("multiple_contracts");
    key(&mut app, KeyCode::End);
    // Clicks refer to what the last frame showed.
    screen(&mut app);
    let target = app
        .layout()
        .nodes
        .iter()
        .position(|n| n.lines.iter().any(|l| l.text == ".fail"))
        .expect("fail node");
    let node = app.layout().nodes[target].clone();
    let canvas = app.dag_viewport();
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: canvas.x + node.x - app.scroll().0 + 1,
        row: canvas.y + node.y - app.scroll().1,
        modifiers: KeyModifiers::NONE,
    };
    app.update(Msg::Mouse(click));
    assert_eq!(app.selected_node(), Some(target));
    assert_eq!(
        app.selected_receipt().and_then(|r| r.actions[0].method.clone()).as_deref(),
        Some("fail")
    );
}

#[test]
fn playing_follows_recorded_time_and_speed() {
    let mut app = replay("multiple_contracts");
    key(&mut app, KeyCode::Char(' '));
    assert!(app.player().is_some_and(|p| p.playing));
    app.update(Msg::Tick(200));
    let at_200 = app.player().map_or(0, |p| p.cursor);
    let mut fast = replay("multiple_contracts");
    keys(&mut fast, "++ ");
    fast.update(Msg::Tick(200));
    let fast_at = fast.player().map_or(0, |p| p.cursor);
    assert!(fast_at > at_200, "4× gets further in the same time ({fast_at} > {at_200})");
    for _ in 0..100 {
        app.update(Msg::Tick(100));
    }
    let player = app.player().expect("player");
    assert!(player.at_end() && !player.playing, "stops at the end");
    assert_eq!(app.tracker().dag().transactions.len(), 1);
}
