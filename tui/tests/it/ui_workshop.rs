//! What a workshop presenter shows from the back of a room (issue 22): the timeline's receipt
//! names, the ledger of the session and of marked rows, the whole workshop note, and details
//! whose wrapped lines stay under their value. The session is the race recorded on the
//! embedded runtime by `ui_timeline` (`deposit`, `race_unsafe`, `deposit`, `race_safe`).

use crate::support::screen::{key, keys};
use crate::ui_timeline::{hashes, replay, screen_at};
use crossterm::event::KeyCode;
use nearviz::app::App;
use nearviz::model::Ledger;
use nearviz::scenario::Scenario;

const NEAR: i128 = 1_000_000_000_000_000_000_000_000;

/// The rows of the timeline box (between its title and its legend).
fn row_of(s: &str, tx: usize) -> &str {
    let tag = format!("<tx{tx}>…");
    s.lines().find(|l| l.contains(&tag)).unwrap_or_else(|| panic!("row {tx} in\n{s}"))
}

#[test]
fn the_timeline_names_each_receipt_when_the_width_allows() {
    let mut app = replay();
    keys(&mut app, "t");
    // Wide: the second race_unsafe withdraw's receipts by name (cut to fit the blocks), the
    // one inside the window flagged.
    let s = screen_at(&mut app, 200, 60);
    let row = row_of(&s, 2);
    assert!(row.contains("✔a withd…unsafe⚠"), "{row}");
    assert!(row.contains("✔b Transfer") && row.contains("↩b refund"), "{row}");
    assert!(s.contains("a xcc.test.near"), "the legend stays:\n{s}");
    insta::assert_snapshot!("timeline_names_200x60", s);
    // Narrower: letters only, and the legend still reads them.
    let s = screen_at(&mut app, 120, 40);
    assert!(row_of(&s, 2).contains("✔a⚠✔b+✘a+↩b"), "{s}");
    assert!(s.contains("a xcc.test.near"), "the legend stays:\n{s}");
    insta::assert_snapshot!("timeline_six_transactions_120x40", s);
}

#[test]
fn the_session_ledger_adds_up_and_marked_rows_sum_alone() {
    let mut app = replay();
    keys(&mut app, "t");
    assert!(!app.timeline().ledger);
    keys(&mut app, "L");
    let s = screen_at(&mut app, 120, 40);
    assert!(s.contains("Ledger · the session, 6 transactions"), "{s}");
    assert!(s.contains("✔ nets + burnt = 0"), "{s}");
    insta::assert_snapshot!("session_ledger_120x40", s);
    let (_, session) = app.timeline_ledger();
    assert_eq!(session.imbalance(), 0);
    let dag = app.tracker().dag();
    let each: Vec<(&str, &Ledger)> = dag.transactions.iter().map(|t| ("tx", &t.ledger)).collect();
    assert_eq!(session, Ledger::sum(each), "the session is the sum of its transactions");
    // Mark the three transactions of the unsafe lesson: the deposit and both withdraws.
    keys(&mut app, "gxjxjx");
    assert_eq!(app.timeline().marked, hashes()[..3].to_vec());
    let s = screen_at(&mut app, 120, 40);
    assert!(s.contains("Ledger · 3 marked transactions"), "{s}");
    assert!(s.contains("✔ nets + burnt = 0"), "{s}");
    assert!(row_of(&s, 1).contains('•'), "marked rows show it");
    insta::assert_snapshot!("marked_ledger_120x40", s);
    let (_, marked) = app.timeline_ledger();
    assert_eq!(marked.imbalance(), 0);
    // The lesson in numbers: xcc paid out 2 NEAR against the 1 NEAR alice deposited.
    let xcc = marked.row("xcc.test.near").expect("xcc's row");
    assert_eq!(xcc.deposits_in, NEAR, "alice's one deposit");
    assert_eq!(xcc.deposits_out, 2 * NEAR, "two payouts");
    // x again unmarks; none marked is the session again.
    keys(&mut app, "xkxkx");
    assert!(app.timeline().marked.is_empty());
    assert!(screen_at(&mut app, 120, 40).contains("Ledger · the session"));
    keys(&mut app, "L");
    assert!(!screen_at(&mut app, 120, 40).contains("Ledger ·"), "L closes it");
}

/// The replay with the built-in scenario's notes, on the first race_unsafe withdraw.
fn with_notes() -> App {
    let scenario = Scenario::builtin().expect("built-in scenario");
    let mut app = replay().with_scenario(Some(scenario.title.clone()), scenario.calls);
    keys(&mut app, "t");
    keys(&mut app, "gj");
    key(&mut app, KeyCode::Enter);
    app
}

#[test]
fn the_workshop_note_shows_whole() {
    let mut app = with_notes();
    let note = app.open_call().expect("the call's note").explain.clone();
    let words: Vec<&str> = note.split_whitespace().collect();
    let end = words[words.len() - 2..].join(" ");
    let s = screen_at(&mut app, 120, 40);
    assert!(s.contains("Workshop · withdraw_unsafe"), "{s}");
    assert!(s.contains(&end), "the note's end `{end}` shows:\n{s}");
    insta::assert_snapshot!("withdraw_unsafe_note_120x40", s);
    let small = screen_at(&mut app, 80, 24);
    assert!(small.contains(&end), "{small}");
    insta::assert_snapshot!("withdraw_unsafe_note_80x24", small);
}

#[test]
fn wrapped_details_stay_under_their_value() {
    let mut app = with_notes();
    keys(&mut app, "wg");
    let s = screen_at(&mut app, 120, 40);
    insta::assert_snapshot!("transaction_details_120x40", s);
    // Inside the details box, no line starts again at its left edge below a field.
    let top = s.lines().position(|l| l.contains("┌ transaction")).expect("the details");
    let left = s.lines().nth(top).and_then(|l| l.chars().position(|c| c == '┌')).unwrap_or(0);
    let rows: Vec<&str> =
        s.lines().skip(top + 1).take_while(|l| l.chars().nth(left) == Some('│')).collect();
    assert!(rows.len() > 3, "{s}");
    for line in rows {
        let first = line.chars().nth(left + 1).unwrap_or(' ');
        let ok = first.is_ascii_lowercase() || first == ' ' || first == '⚠';
        assert!(ok, "a line at column 0: {line}\n{s}");
    }
}
