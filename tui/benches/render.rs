//! Layout + render of big DAGs, one frame each; and the memory of a 10,000-receipt session.
//! Results and how to read them: `benches/README.md`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use nearviz::app::{App, Mode, Msg};
use nearviz::chain::{ChainEvent, TxHash, TxPoll};
use nearviz::engine::EngineEvent;
use nearviz::layout::{self, synthetic, LayoutOptions};
use nearviz::model::dag::Dag;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::hint::black_box;

const W: u16 = 200;
const H: u16 = 60;

fn app_with(receipts: usize) -> App {
    let tx = synthetic::fan_out(receipts, (receipts / 60).max(4));
    let mut app = App::new(Mode::Replay).showing(Dag { transactions: vec![tx] });
    // Refunds shown: every receipt visible.
    app.update(Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('r'))));
    // Select something in the middle so the view is scrolled, as when exploring.
    for _ in 0..5 {
        app.update(Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Right)));
    }
    app
}

fn frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("layout+render");
    for receipts in [1_000usize, 10_000] {
        let app = app_with(receipts);
        let mut terminal = Terminal::new(TestBackend::new(W, H)).expect("test terminal");
        group.bench_with_input(BenchmarkId::from_parameter(receipts), &receipts, |b, _| {
            b.iter(|| {
                let tx = app.open_tx().expect("open tx");
                black_box(layout::layout(tx, app.options()));
                terminal
                    .draw(|f| {
                        black_box(nearviz::ui::render(&app, f));
                    })
                    .expect("draw");
            })
        });
        group.bench_with_input(BenchmarkId::new("render only", receipts), &receipts, |b, _| {
            b.iter(|| {
                terminal
                    .draw(|f| {
                        black_box(nearviz::ui::render(&app, f));
                    })
                    .expect("draw");
            });
        });
    }
    group.finish();
}

/// The session timeline (`t`) of 1,000 transactions racing on one contract (4 receipts each,
/// every one inside its predecessor's callback window): the timeline is laid out from the
/// session's DAG and drawn on every frame, so this is the whole frame. Budget: 16 ms.
fn timeline_frame(c: &mut Criterion) {
    let mut app = App::new(Mode::Replay).showing(synthetic::race_session(1_000));
    app.update(Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('t'))));
    let mut terminal = Terminal::new(TestBackend::new(W, H)).expect("test terminal");
    // Learn the geometry, then scroll to the middle of the session.
    let mut geometry = Default::default();
    terminal.draw(|f| geometry = nearviz::ui::render(&app, f)).expect("draw");
    app.update(Msg::Drawn(geometry));
    for _ in 0..500 {
        app.update(Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Up)));
    }
    assert!(app.timeline_open());
    c.bench_function("timeline layout+render/1000 transactions", |b| {
        b.iter(|| {
            terminal
                .draw(|f| {
                    black_box(nearviz::ui::render(&app, f));
                })
                .expect("draw");
        })
    });
    let dag = synthetic::race_session(1_000);
    c.bench_function("timeline layout only/1000 transactions", |b| {
        b.iter(|| black_box(layout::timeline::timeline(&dag)))
    });
}

fn layout_only(c: &mut Criterion) {
    let tx = synthetic::fan_out(10_000, 160);
    let options = LayoutOptions { show_refunds: true, ..Default::default() };
    c.bench_function("layout only/10000", |b| b.iter(|| black_box(layout::layout(&tx, &options))));
}

/// Resident memory (kB) of this process, from /proc (Linux).
fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A session of 1,000 `multiple_contracts` transactions (10 receipts each, refunds included),
/// built from the real capture: every event applied to the app, DAG built, one laid out. Then
/// a live frame: new engine events (a poll of the newest transaction and a block header) go
/// through `update`, the app refreshes (only what changed) and the screen is drawn.
fn session_memory(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/reference/captures/multiple_contracts.json"
    );
    let recording = nearviz::fixture::load(std::path::Path::new(path)).expect("capture");
    let before = rss_kb();
    let mut app = App::new(Mode::Live);
    let copy_of = |copy: u32, event: ChainEvent| {
        let tx = TxHash(near_primitives::hash::CryptoHash::hash_bytes(&copy.to_le_bytes()));
        match event {
            ChainEvent::TxSubmitted { sender, label, at_ms, .. } => {
                ChainEvent::TxSubmitted { tx, sender, label, at_ms }
            }
            ChainEvent::TxPoll(poll) => ChainEvent::TxPoll(TxPoll { tx, ..poll }),
            ChainEvent::TxDone { error, .. } => ChainEvent::TxDone { tx, error },
            block => block,
        }
    };
    for copy in 0..1_000u32 {
        let events = recording.events.iter().map(|t| copy_of(copy, t.event.clone()));
        app.update(Msg::Engines(events.map(EngineEvent::Chain).collect()));
    }
    let receipts: usize = app.tracker().dag().transactions.iter().map(|t| t.receipts.len()).sum();
    let after = rss_kb();
    if let (Some(a), Some(b)) = (before, after) {
        eprintln!(
            "session memory: {} transactions, {receipts} receipts: +{} MB resident (total {} MB)",
            app.tracker().dag().transactions.len(),
            b.saturating_sub(a) / 1024,
            b / 1024
        );
    }
    let poll = recording
        .events
        .iter()
        .rev()
        .find(|e| matches!(e.event, ChainEvent::TxPoll(_)))
        .map(|e| copy_of(999, e.event.clone()))
        .expect("a poll in the capture");
    let block = recording
        .events
        .iter()
        .find(|e| matches!(e.event, ChainEvent::Block(_)))
        .map(|e| e.event.clone())
        .expect("a block in the capture");
    let mut terminal = Terminal::new(TestBackend::new(W, H)).expect("test terminal");
    c.bench_function("live frame with new events/10000-receipt session", |b| {
        b.iter(|| {
            let events = vec![EngineEvent::Chain(block.clone()), EngineEvent::Chain(poll.clone())];
            app.update(Msg::Engines(events));
            terminal
                .draw(|f| {
                    black_box(nearviz::ui::render(&app, f));
                })
                .expect("draw");
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = session_memory, frames, layout_only, timeline_frame
}
criterion_main!(benches);
