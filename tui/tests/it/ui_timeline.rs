//! The session timeline (`t`): every transaction on one block axis, the callback windows and
//! the calls that ran inside them. The recorded session is the race of issue 13 run on the
//! embedded runtime in the test (`race_unsafe` then `race_safe`, each a deposit and two
//! withdraws, blocks on demand), then replayed, watched live and viewed; whole screens are insta snapshots.

use crate::support::embedded;
use crate::support::screen::{buffer, draw, key, keys, text};
use crossterm::event::KeyCode;
use nearviz::app::replay::Player;
use nearviz::app::{App, EngineState, Focus, Mode, Msg};
use nearviz::chain::{ChainEvent, TxHash};
use nearviz::engine::embedded::Pacing;
use nearviz::engine::{EngineCommand, EngineEvent, EngineHandle, EngineId, EngineInfo};
use nearviz::layout::synthetic;
use nearviz::layout::timeline::{timeline, Column};
use nearviz::model::window::all_overlaps;
use nearviz::model::Trace;
use nearviz::scenario::Scenario;
use ratatui::style::Color;
use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::time::Duration;

const W: u16 = 140;
const H: u16 = 30;

/// The race session, recorded once per test binary: every chain event the engine reported.
pub(crate) fn race() -> &'static [ChainEvent] {
    static EVENTS: OnceLock<Vec<ChainEvent>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(record_race())
    })
}

/// Sends each call's steps as `Call::steps` says (step k `after_blocks` blocks after step k-1's
/// inclusion), then produces blocks until everything is FINAL.
async fn record_race() -> Vec<ChainEvent> {
    let scenario = Scenario::builtin().expect("built-in scenario");
    let EngineHandle { commands, events, task } =
        embedded::boot(scenario.clone(), Pacing::Manual).await;
    let (mut chain, drain) = embedded::forward_chain(events);
    let (mut seen, mut sent, mut done) = (Vec::new(), 0, 0);
    for name in ["race_unsafe", "race_safe"] {
        let call = scenario.call(name).expect(name).clone();
        for (k, step) in call.steps().iter().enumerate() {
            if k > 0 {
                for _ in 0..step.after_blocks {
                    commands.send(EngineCommand::ProduceBlock).await.expect("engine");
                }
            }
            commands.send(EngineCommand::Send(step.call.clone())).await.expect("engine");
            sent += 1;
        }
        let mut rounds = 0;
        while done < sent {
            rounds += 1;
            assert!(rounds < 200, "{name}: {done} of {sent} transactions reached FINAL");
            commands.send(EngineCommand::ProduceBlock).await.expect("engine");
            while let Ok(Some(event)) =
                tokio::time::timeout(Duration::from_millis(50), chain.recv()).await
            {
                if matches!(event, ChainEvent::TxDone { .. }) {
                    done += 1;
                }
                seen.push(event);
            }
        }
    }
    commands.send(EngineCommand::Shutdown).await.expect("engine");
    drop(commands);
    task.await.expect("engine task");
    drain.await.expect("drain");
    seen
}

pub(crate) fn hashes() -> Vec<TxHash> {
    Trace::from_events(race().to_vec()).dag().transactions.iter().map(|t| t.hash).collect()
}

/// A replay of the race, jumped to its end.
pub(crate) fn replay() -> App {
    let events = race().iter().cloned().map(|e| (0, e)).collect();
    let info = EngineInfo { reason: Some("race.json".into()), ..EngineInfo::new(EngineId::Replay) };
    let mut app = App::replay(Player::new("race.json".into(), events), info).with_color(true);
    key(&mut app, KeyCode::End);
    app
}

/// The screen with the transaction ids (new every run) replaced by their row number.
pub(crate) fn screen(app: &mut App) -> String {
    screen_at(app, W, H)
}

/// [`screen`] on a `w`×`h` terminal.
pub(crate) fn screen_at(app: &mut App, w: u16, h: u16) -> String {
    let mut s = draw(app, w, h);
    for (i, hash) in hashes().iter().enumerate() {
        let full = hash.to_string();
        s = s.replace(&nearviz::format::short_id(hash), &format!("<tx{i}>…"));
        s = s.replace(&format!("{}…", &full[..3]), &format!("<{i}>…"));
    }
    s
}

#[test]
fn the_race_on_one_block_axis() {
    let mut app = replay();
    let txs = hashes();
    assert_eq!(txs.len(), 6, "deposit, 2 withdraws, deposit, 2 withdraws");
    keys(&mut app, "t");
    assert!(app.timeline_open());
    assert_eq!(app.timeline().cursor, 5, "opens on the open (last) transaction");
    let s = screen(&mut app);
    assert!(s.contains("Timeline · 6 transactions"), "{s}");
    assert!(s.contains('░'), "the callback windows are shaded:\n{s}");
    assert!(s.contains("⚠"), "{s}");
    // The last row: race_safe's second withdraw ran inside the first one's window.
    assert!(
        s.contains(
            "⚠ withdraw_safe on xcc.test.near ran inside the callback window of withdraw_safe"
        ),
        "{s}"
    );
    insta::assert_snapshot!("race_last_row", s);
    // The first race_unsafe withdraw: the model's warning names the intruder.
    keys(&mut app, "gj");
    assert_eq!(app.timeline().cursor, 1);
    let s = screen(&mut app);
    assert!(
        s.contains(
            "⚠ 1 other call on xcc.test.near ran between withdraw_unsafe and its callback (tx <2>…"
        ),
        "{s}"
    );
    insta::assert_snapshot!("race_unsafe_row", s);
}

#[test]
fn enter_opens_the_selected_transaction_and_esc_comes_back() {
    let mut app = replay();
    let txs = hashes();
    keys(&mut app, "t");
    buffer(&mut app, W, H);
    keys(&mut app, "kkk");
    assert_eq!(app.timeline().cursor, 2);
    key(&mut app, KeyCode::Enter);
    assert!(!app.timeline_open());
    assert_eq!(app.open(), Some(txs[2]));
    assert_eq!(app.focus(), Focus::Dag);
    let s = screen(&mut app);
    assert!(s.contains("withdraw_unsafe · tx <tx2>…"), "the DAG of the second withdraw:\n{s}");
    // From the history: t opens the timeline on the history's cursor.
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus(), Focus::History);
    keys(&mut app, "kk");
    keys(&mut app, "t");
    assert_eq!(app.timeline().cursor, 0);
    key(&mut app, KeyCode::Esc);
    assert!(!app.timeline_open());
    assert_eq!(app.open(), Some(txs[2]), "esc leaves the open transaction alone");
}

/// The DAG's keys (fold, zoom, ledger, next transaction...) do nothing while the timeline hides
/// the DAG, and neither the footer nor the help advertises them; the timeline's own keys are.
#[test]
fn the_dags_keys_do_nothing_in_the_timeline_and_are_not_advertised() {
    let mut app = replay();
    keys(&mut app, "[G");
    let selected = app.selected();
    assert!(matches!(selected, nearviz::app::Selected::Receipt(_)), "a receipt to fold");
    let (open, options) = (app.open(), format!("{:?}", app.options()));
    keys(&mut app, "t");
    let dag = *app.view().dag();
    keys(&mut app, "czZCLrvuw[]");
    assert!(app.timeline_open());
    assert_eq!(app.open(), open, "[ and ] leave the hidden DAG's transaction alone");
    assert_eq!(app.selected(), selected);
    assert_eq!(format!("{:?}", app.options()), options, "no fold, zoom, refunds or units");
    assert_eq!(*app.view().dag(), dag, "no ledger, raw values or notes");
    assert!(app.status().is_some_and(|s| s.contains("does nothing here")), "{:?}", app.status());
    let s = screen(&mut app);
    let footer = s.lines().last().expect("a footer").to_string();
    // `x` and `L` are the timeline's own (its ledger: of the session or of the marked rows).
    assert!(footer.contains("←↑↓→ move · enter open · esc/t back · x mark · L ledger"), "{footer}");
    for dag_only in ["zoom", "tx", "refunds", "units", "panel", "details"] {
        assert!(!footer.contains(dag_only), "the footer advertises {dag_only}: {footer}");
    }
    keys(&mut app, "?");
    let help = screen(&mut app);
    assert!(help.contains("open the transaction's DAG") && help.contains("later blocks"), "{help}");
    for dag_only in
        ["fold / unfold", "zoom in", "ledger:", "open the next transaction", "gas refunds"]
    {
        assert!(!help.contains(dag_only), "the help advertises {dag_only}:\n{help}");
    }
    // Back on the DAG, the same keys act on it again.
    keys(&mut app, "x");
    key(&mut app, KeyCode::Esc);
    assert!(!app.timeline_open());
    keys(&mut app, "c");
    assert_ne!(format!("{:?}", app.options()), options, "c folds on the DAG");
}

#[test]
fn the_layout_flags_what_the_model_finds() {
    let dag = Trace::from_events(race().to_vec()).dag();
    let laid = timeline(&dag);
    let flagged: BTreeSet<(usize, u64)> = laid
        .rows
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            r.cells.iter().filter(|c| c.inside_of.is_some()).map(move |c| (i, c.block))
        })
        .collect();
    let position = |h: TxHash| dag.transactions.iter().position(|t| t.hash == h).expect("tx");
    let expected: BTreeSet<(usize, u64)> = all_overlaps(&dag)
        .iter()
        .flat_map(|(_, found)| found.iter().map(|o| (position(o.other_tx), o.block)))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(flagged, expected);
    // One column per block from the first receipt to the last, nothing folded in a race.
    assert!(laid.columns.windows(2).all(|w| match (w[0], w[1]) {
        (Column::Block(a), Column::Block(b)) => b == a + 1,
        _ => false,
    }));
}

#[test]
fn long_sessions_scroll_rows_and_blocks() {
    let dag = synthetic::race_session(200);
    let mut app = App::new(Mode::Viewer).with_color(false).showing(dag);
    keys(&mut app, "t");
    let s = draw(&mut app, 100, 24);
    assert!(s.contains("Timeline · 200 transactions · blocks #101→#303"), "{s}");
    assert_eq!(app.timeline().cursor, 199, "the open (last) transaction");
    assert!(app.timeline().top > 150, "scrolled to the last row");
    insta::assert_snapshot!("scrolled_to_the_end", s);
    keys(&mut app, "g");
    let s = draw(&mut app, 100, 24);
    assert_eq!((app.timeline().cursor, app.timeline().top, app.timeline().left), (0, 0, 0));
    assert!(s.contains("#101"), "{s}");
    // Page down moves a screenful of rows; right scrolls blocks, left comes back.
    key(&mut app, KeyCode::PageDown);
    let rows = app.timeline().cursor;
    assert!(rows > 5, "a page is more than a few rows: {rows}");
    key(&mut app, KeyCode::Right);
    let left = app.timeline().left;
    assert!(left > 0);
    let s = draw(&mut app, 100, 24);
    assert!(!s.contains("#101 "), "the first blocks scrolled away:\n{s}");
    key(&mut app, KeyCode::Left);
    assert!(app.timeline().left < left);
}

#[test]
fn no_color_keeps_every_meaning_in_the_glyphs() {
    let mut colored = replay();
    keys(&mut colored, "t");
    let buf = buffer(&mut colored, W, H);
    let shade = (0..H)
        .flat_map(|y| (0..W).map(move |x| (x, y)))
        .find(|&(x, y)| buf[(x, y)].symbol() == "░")
        .expect("a shaded cell");
    assert_eq!(buf[shade].fg, Color::DarkGray);
    let mut plain = replay().with_color(false);
    keys(&mut plain, "t");
    let plain_buf = buffer(&mut plain, W, H);
    assert_eq!(text(&plain_buf), text(&buf), "same glyphs without colour");
    assert!((0..H).all(|y| (0..W).all(|x| plain_buf[(x, y)].fg == Color::Reset)));
}

#[test]
fn live_and_viewer_modes_show_it_too() {
    let scenario = Scenario::builtin().expect("built-in scenario");
    let mut live = App::new(Mode::Live).with_scenario(None, scenario.listed_calls());
    live.update(Msg::Engine(EngineEvent::Ready(EngineInfo {
        manual_blocks: true,
        ..EngineInfo::new(EngineId::Embedded)
    })));
    assert!(matches!(live.engine(), EngineState::Ready(_)));
    keys(&mut live, "t");
    assert!(draw(&mut live, W, H).contains("no transactions yet"));
    // Events arrive while it shows: the rows grow.
    let events: Vec<ChainEvent> = race().to_vec();
    let half = events.len() / 2;
    live.update(Msg::Engines(events[..half].iter().cloned().map(EngineEvent::Chain).collect()));
    let before = live.tracker().dag().transactions.len();
    live.update(Msg::Engines(events[half..].iter().cloned().map(EngineEvent::Chain).collect()));
    assert!(before < 6);
    let s = draw(&mut live, W, H);
    assert!(s.contains("Timeline · 6 transactions"), "{s}");
    let mut viewer = App::new(Mode::Viewer).showing(Trace::from_events(events).dag());
    keys(&mut viewer, "t");
    assert!(draw(&mut viewer, W, H).contains("Timeline · 6 transactions"));
}

/// One race (the deposit and both `race_unsafe` withdraws) at 120×40, as a presenter shows it:
/// the timeline has the whole width, and every receipt reads by name.
#[test]
fn one_race_reads_by_name_at_120x40() {
    let mut dag = Trace::from_events(race().to_vec()).dag();
    dag.transactions.truncate(3);
    let mut app = App::new(Mode::Viewer).with_color(true).showing(dag);
    keys(&mut app, "t");
    let s = screen_at(&mut app, 120, 40);
    assert!(s.contains("Timeline · 3 transactions"), "{s}");
    assert!(!s.contains("History"), "the timeline has the whole width:\n{s}");
    let row = |tx: usize| {
        let tag = format!("<tx{tx}>…");
        s.lines().find(|l| l.contains(&tag)).unwrap_or_else(|| panic!("row {tx} in\n{s}"))
    };
    assert!(row(0).contains("✔a deposit") && row(0).contains("↩b refund"), "{s}");
    // Names too long for their blocks keep their start and end: the withdraw and its callback
    // read apart.
    for tx in [1, 2] {
        assert!(row(tx).contains("✔a withd…unsafe"), "{s}");
        assert!(row(tx).contains("✔b Transfer") && row(tx).contains("↩b refund"), "{s}");
    }
    assert!(row(2).contains("✔a withd…unsafe⚠"), "ran inside the first one's window:\n{s}");
    assert!(row(1).contains("✔a withd…llback⚠"), "ran inside the second one's window:\n{s}");
    assert!(row(2).contains("✘a withd…llback"), "the second callback's panic:\n{s}");
    assert!(s.contains("a xcc.test.near  b alice.test.near"), "the legend:\n{s}");
    assert!(s.contains("✔ ok ✘ failed ↩ refund ░ callback window ⚠ inside another's"), "{s}");
    insta::assert_snapshot!("one_race_names_120x40", s);
}
