//! Where the gas went, on screen: the chart of the selected receipt under the DAG (`b`, `B` by
//! group / every cost) and the session's gas report (`m`), at 80×24 (the DAG still shows) and
//! 120×40, for a replay of the real-node recording of `multiple_contracts`. And on every
//! receipt of every reference recording, the chart's parts add up to the gas burnt.

use crate::model_common::{captures, state, STATE_CALLS};
use crate::support::screen::{draw, key, keys, replay_to_end};
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use near_primitives::types::Gas;
use nearviz::app::{App, Breakdown, Msg, Selected};
use nearviz::layout::gas::tgas;
use nearviz::model::gas_profile::{parts_of, tx_parts};
use nearviz::model::Trace;

/// The replay with xcc's `multiple_contracts` receipt (the first after the transaction)
/// selected.
fn caller_selected() -> App {
    let mut app = replay_to_end("multiple_contracts");
    draw(&mut app, 80, 24);
    key(&mut app, KeyCode::Right);
    let r = app.selected_receipt().expect("a receipt is selected");
    assert_eq!(r.actions[0].method.as_deref(), Some("multiple_contracts"));
    app
}

fn sum(parts: &[nearviz::model::gas_profile::Part]) -> Gas {
    parts.iter().fold(Gas::ZERO, |s, p| s.saturating_add(p.gas))
}

fn click(app: &mut App, column: u16, row: u16) {
    let kind = MouseEventKind::Down(MouseButton::Left);
    let modifiers = KeyModifiers::NONE;
    app.update(Msg::Mouse(MouseEvent { kind, column, row, modifiers }));
}

/// The chart's rows (`… Tgas  NN%`) on a screen.
fn chart_rows(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .filter(|l| l.contains(" Tgas ") && l.trim_end_matches('│').trim_end().ends_with('%'))
        .collect()
}

#[test]
fn the_chart_of_the_selected_receipt_at_80x24_keeps_the_dag() {
    let mut app = caller_selected();
    keys(&mut app, "b");
    assert!(app.gas_open());
    let grouped = draw(&mut app, 80, 24);
    insta::assert_snapshot!("gas_groups_80x24", grouped);
    assert!(grouped.contains("tx #48"), "the DAG stays on screen:\n{grouped}");
    assert!(grouped.contains("Where the gas went · receipt"), "{grouped}");
    let burnt = app.selected_receipt().map(|r| tgas(r.gas_burnt)).expect("selected");
    assert_eq!(burnt, "2.741 Tgas");
    assert!(grouped.contains(&format!("burnt {burnt} ·")), "the gas burnt:\n{grouped}");
    assert!(grouped.contains("own exec fees (unprofiled)"), "{grouped}");
    assert!(grouped.contains("action FUNCTION_CALL"), "{grouped}");
    assert!(!chart_rows(&grouped).is_empty() && grouped.contains('█'), "bars:\n{grouped}");
    // Every cost: more parts than fit, the smallest folded into one row.
    key(&mut app, KeyCode::Char('B'));
    assert_eq!(app.gas_breakdown(), Breakdown::Costs);
    let costs = draw(&mut app, 80, 24);
    insta::assert_snapshot!("gas_costs_80x24", costs);
    assert!(costs.contains("every cost (B: by group)"), "{costs}");
    assert!(costs.contains("smaller"), "the smallest costs fold into one row:\n{costs}");
    assert!(costs.contains("tx #48"), "the DAG stays on screen:\n{costs}");
    // b again: the details.
    key(&mut app, KeyCode::Char('b'));
    assert!(!app.gas_open());
    assert!(!draw(&mut app, 80, 24).contains("Where the gas went"));
}

#[test]
fn the_chart_at_120x40_shows_every_part() {
    let mut app = caller_selected();
    keys(&mut app, "b");
    let grouped = draw(&mut app, 120, 40);
    insta::assert_snapshot!("gas_groups_120x40", grouped);
    let r = app.selected_receipt().expect("selected");
    let (parts, total) = parts_of([r], Breakdown::Groups);
    assert_eq!(total, r.gas_burnt);
    assert_eq!(chart_rows(&grouped).len(), parts.len(), "every group has its row:\n{grouped}");
    assert!(!grouped.contains("smaller"), "{grouped}");
    keys(&mut app, "B");
    let costs = draw(&mut app, 120, 40);
    insta::assert_snapshot!("gas_costs_120x40", costs);
    assert!(costs.contains("WASM_INSTRUCTION"), "{costs}");
    assert!(costs.contains("CONTRACT_LOADING_BYTES"), "{costs}");
    // The transaction: all its receipts and its conversion.
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.selected(), Selected::Tx);
    let tx = draw(&mut app, 120, 40);
    assert!(tx.contains("Where the gas went · tx"), "{tx}");
    assert!(tx.contains("converting the transaction"), "{tx}");
    let burnt = app.open_tx().map(|t| tgas(t.gas_burnt)).expect("open");
    assert!(tx.contains(&format!("burnt {burnt} ·")), "{tx}");
}

#[test]
fn the_gas_report_view_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = replay_to_end("multiple_contracts");
        draw(&mut app, w, h);
        keys(&mut app, "m");
        assert!(app.view().gas_report());
        let screen = draw(&mut app, w, h);
        insta::assert_snapshot!(format!("gas_report_{w}x{h}"), screen);
        assert!(screen.contains("Gas report · 5 methods · 5 calls"), "{screen}");
        assert!(screen.contains("method") && screen.contains("median"), "{screen}");
        assert!(screen.contains("▸"), "the selected method:\n{screen}");
        assert!(!screen.contains("tx #48"), "in place of the DAG:\n{screen}");
        assert!(!chart_rows(&screen).is_empty(), "the selected method's chart:\n{screen}");
    }
    // Down to the next method, enter: its costliest call selected, its chart under the DAG.
    let mut app = replay_to_end("multiple_contracts");
    draw(&mut app, 120, 40);
    keys(&mut app, "mj");
    let method = app.session_gas_report().rows[1].method.clone();
    key(&mut app, KeyCode::Enter);
    assert!(!app.view().gas_report() && app.gas_open());
    let r = app.selected_receipt().expect("the call is selected");
    assert_eq!(nearviz::model::gas_report::method_key(r).as_deref(), Some(method.as_str()));
    let screen = draw(&mut app, 120, 40);
    assert!(screen.contains("tx #48") && screen.contains("Where the gas went · receipt"));
    // A click selects a method, a second click on it opens its costliest call.
    keys(&mut app, "m");
    assert_eq!(app.gas_report_view().cursor, 1, "it opens on the selected receipt's method");
    keys(&mut app, "g");
    draw(&mut app, 120, 40);
    click(&mut app, 60, 4);
    assert_eq!(app.gas_report_view().cursor, 1, "the second method's row");
    assert!(app.view().gas_report());
    click(&mut app, 60, 4);
    assert!(!app.view().gas_report() && app.gas_open(), "its costliest call opens");
    // esc from the report: the DAG as it was.
    keys(&mut app, "m");
    key(&mut app, KeyCode::Esc);
    assert!(!app.view().gas_report() && app.gas_open());
}

/// On every receipt of every real-neard recording, and on each transaction, the parts add up
/// to the gas burnt, in both breakdowns.
#[test]
fn the_parts_add_up_to_the_gas_burnt_on_every_reference_recording() {
    let mut files = captures();
    files.extend(STATE_CALLS.iter().map(|c| state(c)));
    let mut receipts = 0;
    for path in files {
        let recording = nearviz::fixture::load(&path).expect("recording loads");
        let dag = Trace::from_events(recording.chain_events()).dag();
        for tx in &dag.transactions {
            for breakdown in [Breakdown::Groups, Breakdown::Costs] {
                let (parts, total) = tx_parts(tx, breakdown);
                assert_eq!(total, tx.gas_burnt, "{}: the transaction", path.display());
                assert_eq!(sum(&parts), total, "{}", path.display());
                for r in tx.receipts.iter().filter(|r| r.gas_profile.is_some()) {
                    let (parts, total) = parts_of([r], breakdown);
                    assert_eq!(total, r.gas_burnt, "{} {}", path.display(), r.id);
                    assert_eq!(sum(&parts), r.gas_burnt, "{} {}", path.display(), r.id);
                    assert!(parts.windows(2).all(|w| w[0].gas >= w[1].gas), "largest first");
                    receipts += 1;
                }
            }
        }
    }
    assert!(receipts > 50, "{receipts} receipts checked");
}
