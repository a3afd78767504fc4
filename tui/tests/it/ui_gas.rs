//! Where the gas went, on screen: the chart of the selected receipt under the DAG (`b`, `B` by
//! group / every cost) and the session's gas report (`m`), at 80×24 (the DAG still shows) and
//! 120×40, for a replay of the real-node recording of `multiple_contracts`, in each gas unit
//! `u` selects. And on every receipt of every reference recording, the chart's parts add up to
//! the gas burnt.

use crate::model_common::{captures, state, STATE_CALLS};
use crate::support::screen::{draw, key, keys, replay_to_end, without_footer};
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use near_primitives::types::Gas;
use nearviz::app::{App, Breakdown, Msg, Selected};
use nearviz::format::{self, GasUnit};
use nearviz::layout::gas::tgas;
use nearviz::layout::gas_price_of;
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
    rows_in(screen, " Tgas ")
}

/// The chart's rows with their figures in `unit` (` gas `: `… 5000 gas  NN%`).
fn rows_in<'a>(screen: &'a str, unit: &str) -> Vec<&'a str> {
    screen
        .lines()
        .filter(|l| l.contains(unit) && l.trim_end_matches('│').trim_end().ends_with('%'))
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

/// The raw gas of a chart row in gas units: `…███ 888019250000 gas  32%│` → 888019250000.
fn raw_gas(row: &str) -> u64 {
    let before = row.rsplit_once(" gas ").map(|(b, _)| b).expect("a figure in gas");
    let digits = before.rsplit(' ').next().expect("a number");
    digits.parse().unwrap_or_else(|e| panic!("{digits:?} in {row:?}: {e}"))
}

/// `u` cycles the chart's figures through gas units and NEAR as it does the rest of the screen,
/// at both sizes; a third `u` brings back the Tgas screen unchanged.
#[test]
fn the_chart_follows_the_gas_unit() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = caller_selected();
        keys(&mut app, "b");
        let before = draw(&mut app, w, h);
        let (burnt, price) = app
            .selected_receipt()
            .map(|r| (r.gas_burnt, gas_price_of(r.gas_burnt, r.tokens_burnt.as_yoctonear())))
            .expect("selected");
        keys(&mut app, "u");
        let gas = draw(&mut app, w, h);
        insta::assert_snapshot!(format!("gas_groups_in_gas_{w}x{h}"), gas);
        let head = format!("burnt {} ·", format::gas(burnt, GasUnit::Gas, price));
        assert_eq!(head, "burnt 2740827516066 gas ·");
        assert!(gas.contains(&head), "{gas}");
        assert!(chart_rows(&gas).is_empty(), "no Tgas left in the chart:\n{gas}");
        let rows = rows_in(&gas, " gas ");
        assert!(!rows.is_empty() && gas.contains('█'), "{gas}");
        if (w, h) == (120, 40) {
            let sum: u64 = rows.iter().map(|r| raw_gas(r)).sum();
            assert_eq!(sum, burnt.as_gas(), "the rows add up to the gas burnt:\n{gas}");
        }
        keys(&mut app, "u");
        let near = draw(&mut app, w, h);
        insta::assert_snapshot!(format!("gas_groups_in_near_{w}x{h}"), near);
        let head = format!("burnt {} ·", format::gas(burnt, GasUnit::Near, price));
        assert!(near.contains(&head), "{head} in:\n{near}");
        assert!(chart_rows(&near).is_empty() && rows_in(&near, " gas ").is_empty(), "{near}");
        assert!(!rows_in(&near, " NEAR ").is_empty(), "{near}");
        assert!(near.contains("tx #48"), "the DAG stays on screen:\n{near}");
        keys(&mut app, "u");
        let again = draw(&mut app, w, h);
        assert_eq!(without_footer(&again), without_footer(&before), "back in Tgas");
    }
}

/// The gas report follows `u` too (pressed in the DAG or in the report): the table's min /
/// median / max and the method's chart.
#[test]
fn the_gas_report_follows_the_gas_unit() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = replay_to_end("multiple_contracts");
        draw(&mut app, w, h);
        keys(&mut app, "mu");
        assert!(app.view().gas_report(), "u keeps the report open");
        let screen = draw(&mut app, w, h);
        insta::assert_snapshot!(format!("gas_report_in_gas_{w}x{h}"), screen);
        let header = screen.lines().find(|l| l.contains("median")).expect("the table's header");
        let table: Vec<&str> = screen
            .lines()
            .skip_while(|l| !l.contains("median"))
            .skip(1)
            .take_while(|l| !l.starts_with('└'))
            .collect();
        assert!(
            !table.is_empty() && table.iter().all(|l| l.matches(" gas").count() == 3),
            "{header}\n{table:#?}"
        );
        assert!(!screen.contains("Tgas"), "every figure in gas:\n{screen}");
        assert!(screen.contains("all 1 call: burnt ") && !rows_in(&screen, " gas ").is_empty());
        // The header's columns stay over the figures, however wide they are.
        let end = |l: &str| format::width(l.trim_end_matches('│').trim_end());
        assert!(table.iter().all(|l| end(l) == end(header)), "{header}\n{table:#?}");
        keys(&mut app, "uu");
        let tgas = draw(&mut app, w, h);
        let mut fresh = replay_to_end("multiple_contracts");
        draw(&mut fresh, w, h);
        keys(&mut fresh, "m");
        assert_eq!(without_footer(&tgas), without_footer(&draw(&mut fresh, w, h)), "Tgas again");
    }
}
