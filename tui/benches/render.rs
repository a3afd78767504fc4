//! Layout + render of big DAGs, one frame each; and the memory of a 10,000-receipt session.
//! Results and how to read them: `benches/README.md`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use nearviz::app::{App, Mode, Msg};
use nearviz::chain::{ChainEvent, TxHash, TxPoll};
use nearviz::layout::{self, synthetic, LayoutOptions};
use nearviz::model::dag::Dag;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::hint::black_box;

const W: u16 = 200;
const H: u16 = 60;

fn app_with(receipts: usize) -> App {
    let tx = synthetic::fan_out(receipts, (receipts / 60).max(4));
    let mut app = App::new(Mode::Replay, (W, H));
    app.options.show_refunds = true;
    app.show_dag(Dag { transactions: vec![tx] });
    // Select something in the middle so the view is scrolled, as when exploring.
    for _ in 0..5 {
        app.update(Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Right)));
    }
    app
}

fn frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("layout+render");
    for receipts in [1_000usize, 10_000] {
        let mut app = app_with(receipts);
        let mut terminal = Terminal::new(TestBackend::new(W, H)).expect("test terminal");
        group.bench_with_input(BenchmarkId::from_parameter(receipts), &receipts, |b, _| {
            b.iter(|| {
                let tx = app.open_tx().expect("open tx");
                let fresh = layout::layout(tx, &app.options);
                app.layout = black_box(fresh);
                terminal.draw(|f| nearviz::ui::render(&app, f)).expect("draw");
            })
        });
        group.bench_with_input(BenchmarkId::new("render only", receipts), &receipts, |b, _| {
            b.iter(|| {
                terminal.draw(|f| nearviz::ui::render(&app, f)).expect("draw");
            });
        });
    }
    group.finish();
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
/// built from the real capture: every event applied to the app, DAG built, one laid out.
fn session_memory(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/reference/captures/multiple_contracts.json"
    );
    let recording = nearviz::fixture::load(std::path::Path::new(path)).expect("capture");
    let before = rss_kb();
    let mut app = App::new(Mode::Replay, (W, H));
    for copy in 0..1_000u32 {
        let tx = TxHash(near_primitives::hash::CryptoHash::hash_bytes(&copy.to_le_bytes()));
        for timed in &recording.events {
            let event = match timed.event.clone() {
                ChainEvent::TxSubmitted { sender, label, at_ms, .. } => {
                    ChainEvent::TxSubmitted { tx, sender, label, at_ms }
                }
                ChainEvent::TxPoll(poll) => ChainEvent::TxPoll(TxPoll { tx, ..poll }),
                ChainEvent::TxDone { error, .. } => ChainEvent::TxDone { tx, error },
                block => block,
            };
            app.session.apply(event);
        }
    }
    app.refresh();
    let receipts: usize = app.session.dag().transactions.iter().map(|t| t.receipts.len()).sum();
    let after = rss_kb();
    if let (Some(a), Some(b)) = (before, after) {
        eprintln!(
            "session memory: {} transactions, {receipts} receipts: +{} MB resident (total {} MB)",
            app.session.dag().transactions.len(),
            b.saturating_sub(a) / 1024,
            b / 1024
        );
    }
    c.bench_function("refresh after one event/10000-receipt session", |b| {
        b.iter(|| {
            app.session.apply(recording.events[0].event.clone());
            app.refresh();
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = session_memory, frames, layout_only
}
criterion_main!(benches);
