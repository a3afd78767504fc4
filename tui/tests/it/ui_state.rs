//! State changes on screen: the Δ/↺ marks, the details' changes (readable and raw) and the
//! ledger, after replaying the real-neard state recordings (TestBackend + insta snapshots).

use crate::model_common::state;
use crate::support::screen::{buffer, draw, key, keys, text, without_footer};
use crossterm::event::KeyCode;
use nearviz::app::{App, Mode, Msg, Selected};
use nearviz::chain::{BlockChanges, BlockHash, ChainEvent, PriorState};
use nearviz::engine::{EngineEvent, EngineId, EngineInfo};
use nearviz::model::state_value;
use nearviz::model::{Before, ChangeValue, ReceiptNode, Status};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const W: u16 = 130;
const H: u16 = 40;

fn builtin_calls() -> Vec<nearviz::scenario::Call> {
    nearviz::scenario::Scenario::builtin().expect("built-in scenario").calls
}

/// A replay of a state recording, with the built-in scenario's workshop notes.
fn replay(name: &str) -> App {
    let path = state(name);
    let recording = nearviz::fixture::load(&path).expect("state recording loads");
    assert!(recording.warnings.is_empty(), "{name}: {:?}", recording.warnings);
    nearviz::commands::replay::replay_app(&path, recording)
        .with_scenario(None, builtin_calls())
        .with_color(true)
        .paused()
}

/// The replay at its end, with the receipt `receiver.method` selected (by arrow keys).
fn at_end_selecting(name: &str, receiver: &str, method: &str) -> App {
    let mut app = replay(name);
    key(&mut app, KeyCode::End);
    keys(&mut app, "g");
    for _ in 0..20 {
        if app.selected_receipt().is_some_and(|r| is(r, receiver, method)) {
            return app;
        }
        keys(&mut app, "l");
    }
    panic!("{receiver}.{method} not reached with →");
}

fn is(r: &ReceiptNode, receiver: &str, method: &str) -> bool {
    r.receiver.as_ref().is_some_and(|a| a.as_str() == receiver)
        && r.actions.iter().any(|a| a.method.as_deref() == Some(method))
}

fn screen(app: &mut App) -> String {
    draw(app, W, H)
}

/// The screen without the footer (its status message says what the last key did).
fn quiet(app: &mut App) -> String {
    without_footer(&screen(app))
}

/// Each screen row's cells drawn bold and underlined (what changed), joined per row.
fn marked_rows(buf: &Buffer) -> Vec<String> {
    let area = buf.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .filter(|&x| {
                    let m = buf[(x, y)].modifier;
                    m.contains(Modifier::UNDERLINED) && m.contains(Modifier::BOLD)
                })
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .filter(|row| !row.is_empty())
        .collect()
}

/// The screen's text without borders and line breaks (wrapped notes read as one line).
fn flat(screen: &str) -> String {
    let words: Vec<&str> = screen.split(|c: char| c.is_whitespace() || c == '│').collect();
    words.into_iter().filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The row of the screen that contains `needle`.
fn row_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no {needle:?} in\n{screen}"))
}

#[test]
fn the_callback_lists_its_changes_before_and_after() {
    let mut app = at_end_selecting(
        "call_failing_with_rollback",
        "xcc.test.near",
        "call_failing_with_rollback_callback",
    );
    let buf = buffer(&mut app, W, H);
    let s = text(&buf);
    // The caller and the callback wrote xcc's state; the failed callee wrote nothing.
    assert_eq!(s.matches("xcc Δ1").count(), 2, "{s}");
    assert!(!s.contains("hello Δ"), "{s}");
    // The callback's change to xcc's STATE: before and after, readable (borsh strings).
    let cb = app.selected_receipt().expect("callback selected");
    let Some(ChangeValue::Data { before: Before::Known(Some(before)), after: Some(after), .. }) =
        cb.state_changes.iter().find(|c| c.is_data()).map(|c| &c.value)
    else {
        panic!("the callback rewrites xcc's STATE with a known before");
    };
    assert!(s.contains("data     xcc.test.near \"STATE\""), "{s}");
    assert!(row_with(&s, "− 0f000000").contains("\"hello.test.near\""), "{s}");
    assert!(s.contains("+ 0f000000"), "{s}");
    // What changed is marked: the record count, one byte, 01 -> 00.
    let (was, now) = state_value::changed(before, after).expect("the bytes differ");
    let marked = marked_rows(&buf);
    assert!(marked.contains(&state_value::hex(&before[was])), "{marked:?}");
    assert!(marked.contains(&state_value::hex(&after[now])), "{marked:?}");
    // The deposit leaves xcc (the refund Transfer to alice), and the balance delta is marked.
    assert!(row_with(&s, "balance  xcc.test.near").contains("(−1 NEAR)"), "{s}");
    assert!(marked.iter().any(|m| m == "−1 NEAR"), "{marked:?}");
    assert!(s.contains("reward   xcc.test.near"), "{s}");
    // The workshop note says what the state shows.
    assert!(flat(&s).contains("the callback removes it at B+3"), "{s}");
    insta::assert_snapshot!("rollback_callback", s);
}

#[test]
fn raw_toggle_shows_base64_and_back() {
    let mut app = at_end_selecting(
        "call_failing_with_rollback",
        "xcc.test.near",
        "call_failing_with_rollback_callback",
    );
    let readable = quiet(&mut app);
    let after = app
        .selected_receipt()
        .and_then(|r| {
            r.state_changes.iter().find_map(|c| match &c.value {
                ChangeValue::Data { after: Some(a), .. } => Some(a.clone()),
                _ => None,
            })
        })
        .expect("a data change");
    keys(&mut app, "v");
    assert!(app.raw_values());
    let raw = screen(&mut app);
    assert!(raw.contains("key U1RBVEU="), "the key in base64: {raw}");
    // The value's base64 continues on the next lines, under itself.
    let joined: String = flat(&raw).split(' ').collect();
    assert!(joined.contains(&format!("+{}", state_value::base64(&after))), "{raw}");
    assert!(raw.contains("raw: base64, yoctoNEAR"), "{raw}");
    assert!(raw.contains("20998764834068162600000000 → 19998764834068162600000000"), "{raw}");
    insta::assert_snapshot!("rollback_callback_raw", raw);
    keys(&mut app, "v");
    assert_eq!(quiet(&mut app), readable, "v toggles back");
}

#[test]
fn ledger_says_where_the_near_went() {
    let mut app = replay("call_failing_with_rollback");
    key(&mut app, KeyCode::End);
    let details = quiet(&mut app);
    // After `? help`: shown when the footer has room (the details' state line names it too).
    let wide = draw(&mut app, 160, H);
    let footer = wide.lines().last().unwrap_or("").to_string();
    assert!(footer.contains("? help · L ledger"), "the footer offers the ledger: {footer}");
    keys(&mut app, "L");
    assert!(app.ledger_open());
    let s = screen(&mut app);
    assert!(s.contains("Ledger · call_failing_with_rollback"), "{s}");
    // alice: the 1 NEAR deposit went out and came back (the Transfer), gas bought and refunded.
    let alice = row_with(&s, "alice.test.near  ");
    let cells: Vec<&str> = alice.split_whitespace().collect();
    assert!(cells.contains(&"+1") && cells.contains(&"−1"), "{alice}");
    assert!(row_with(&s, "hello.test.near  ").contains('+'), "hello earns its reward: {s}");
    assert!(s.contains("✔ nets + burnt = 0"), "the ledger adds up: {s}");
    let tx = app.open_tx().expect("open tx");
    assert_eq!(tx.ledger.imbalance(), 0);
    insta::assert_snapshot!("rollback_ledger", s);
    // Raw: exact yoctoNEAR.
    keys(&mut app, "v");
    let raw = screen(&mut app);
    assert!(raw.contains("(in yoctoNEAR)"), "{raw}");
    assert!(raw.contains("+1000000000000000000000000"), "{raw}");
    keys(&mut app, "v");
    // L again (or esc) closes it.
    keys(&mut app, "L");
    assert_eq!(quiet(&mut app), details);
    keys(&mut app, "L");
    key(&mut app, KeyCode::Esc);
    assert!(!app.ledger_open());
}

#[test]
fn the_transaction_shows_its_own_changes_with_unknown_befores() {
    let mut app = replay("call_failing_with_rollback");
    key(&mut app, KeyCode::End);
    assert_eq!(app.selected(), Selected::Tx);
    let s = screen(&mut app);
    let alice = row_with(&s, "balance  alice.test.near");
    assert!(alice.contains("? →") && alice.contains("(before unknown)"), "{alice}");
    assert!(alice.contains("transaction_processing"), "{alice}");
    assert!(row_with(&s, "key      alice.test.near").contains("nonce ? →"), "{s}");
}

#[test]
fn change_greeting_marks_hello_at_b_plus_2() {
    let mut app = at_end_selecting("change_greeting", "hello.test.near", "set_greeting");
    let r = app.selected_receipt().expect("selected");
    assert_eq!(r.block_offset, Some(2));
    assert_eq!(r.state_writes(), 1);
    let s = screen(&mut app);
    assert!(s.contains("hello Δ1") && s.contains(".set_greeting"), "{s}");
    assert!(s.contains("data     hello.test.near \"STATE\""), "{s}");
    assert!(flat(&s).contains("hello's state changed at B+2"), "{s}");
}

/// The `batch_failing` recording as an engine reports it, plus what the embedded runtime adds:
/// the failed batch's `set_greeting` write, rolled back (a `reverted` change).
fn batch_failing_with_reverted_write() -> Vec<ChainEvent> {
    let rec = nearviz::fixture::load(&state("batch_failing")).expect("recording");
    let mut events: Vec<ChainEvent> = rec.chain_events().collect();
    let dag = nearviz::model::Trace::from_events(events.clone()).dag();
    let failed = dag.transactions[0]
        .receipts
        .iter()
        .find(|r| matches!(r.status, Status::Failure(_)))
        .expect("the failed batch");
    events.push(ChainEvent::StateChanges(Box::new(BlockChanges {
        block: BlockHash(near_primitives::hash::CryptoHash::hash_bytes(b"embedded")),
        changes: Vec::new(),
        before: vec![PriorState::Data {
            account_id: "hello.test.near".parse().expect("id"),
            key: b"STATE".to_vec(),
            value: Some(b"\x0f\x00\x00\x00hi from nearviz".to_vec()),
        }],
        reverted: vec![serde_json::from_value(serde_json::json!({
            "cause": {"type": "receipt_processing", "receipt_hash": failed.id.to_string()},
            "type": "data_update",
            "change": {"account_id": "hello.test.near", "key_base64": "U1RBVEU=",
                       "value_base64": state_value::base64(b"\x05\x00\x00\x00batch")}
        }))
        .expect("a change view")],
    })));
    events
}

#[test]
fn a_reverted_write_has_its_own_mark_and_section() {
    for color in [true, false] {
        let mut app = App::new(Mode::Live).with_scenario(None, builtin_calls()).with_color(color);
        let ready = EngineEvent::Ready(EngineInfo::new(EngineId::Embedded));
        let events = batch_failing_with_reverted_write().into_iter().map(EngineEvent::Chain);
        app.update(Msg::Engines(std::iter::once(ready).chain(events).collect()));
        key(&mut app, KeyCode::Char('g'));
        while !app.selected_receipt().is_some_and(|r| is(r, "hello.test.near", "fail")) {
            key(&mut app, KeyCode::Char('l'));
        }
        let buf = buffer(&mut app, W, H);
        let s = text(&buf);
        // hello's greeting is untouched: no Δ on the batch, but ↺1 for the rolled-back write.
        assert!(s.contains("hello batch ×3 ↺1"), "{s}");
        let r = app.selected_receipt().expect("batch");
        assert_eq!((r.state_writes(), r.reverted_writes()), (0, 1));
        assert!(s.contains("reverted ↺ 1 write rolled back with the failed receipt"), "{s}");
        assert!(s.contains("embedded runtime only"), "{s}");
        assert!(row_with(&s, "− 0f000000").contains("\"hi from nearviz\""), "{s}");
        assert!(row_with(&s, "+ 05000000").contains("\"batch\""), "{s}");
        assert!(flat(&s).contains("hello's greeting is untouched"), "{s}");
        if color {
            insta::assert_snapshot!("batch_failing_reverted", s);
        } else {
            // NO_COLOR: the marks and the changed bytes still read.
            assert!(buf.content().iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
            assert!(!marked_rows(&buf).is_empty(), "changed parts bold + underlined");
        }
    }
}

#[test]
fn help_lists_the_state_keys_when_there_is_state() {
    let mut app = at_end_selecting(
        "call_failing_with_rollback",
        "xcc.test.near",
        "call_failing_with_rollback",
    );
    keys(&mut app, "?");
    let s = screen(&mut app);
    assert!(s.contains("ledger: where did the NEAR go?"), "{s}");
    assert!(s.contains("state values readable / raw"), "{s}");
    assert!(s.contains("Δn wrote state"), "{s}");
}

#[test]
fn small_terminals_still_draw_the_state_and_the_ledger() {
    let mut app = at_end_selecting(
        "call_failing_with_rollback",
        "xcc.test.near",
        "call_failing_with_rollback",
    );
    // Too narrow for the ledger's table: one account per two lines.
    keys(&mut app, "L");
    let s = draw(&mut app, 80, 40);
    assert!(s.contains("alice.test.near net −0.00052904"), "{s}");
    assert!(s.contains("deposits in +1 · deposits out −1 · gas bought −0.30091"), "{s}");
    keys(&mut app, "L");
    for (w, h) in [(70, 18), (80, 24), (100, 30)] {
        for keys_pressed in ["", "v", "vL", "L"] {
            keys(&mut app, keys_pressed);
            // Below 100 columns the DAG has the screen: `enter` splits it with the details.
            let narrow = w < nearviz::ui::NARROW;
            if narrow && !app.ledger_open() {
                key(&mut app, KeyCode::Enter);
            }
            let s = draw(&mut app, w, h);
            // Always drawn; on the smallest screens the details may need `enter` to show all.
            let wanted = if app.ledger_open() { "Ledger" } else { "state    Δ 1 write" };
            assert!(h < 30 || s.contains(wanted), "{w}×{h} after {keys_pressed:?}:\n{s}");
            let pane = if app.ledger_open() { "┌ Ledger ·" } else { "┌ receipt " };
            assert!(s.contains(pane), "{w}×{h} after {keys_pressed:?}:\n{s}");
            // Back to the details, readable.
            if app.ledger_open() {
                keys(&mut app, "L");
            }
            if app.raw_values() {
                keys(&mut app, "v");
            }
            if app.details_big() {
                key(&mut app, KeyCode::Esc);
            }
        }
    }
}
