//! The tokio event loop: terminal input, engine events (drained in batches) and ticks become
//! `Msg`s; effects go to the engine or to files; one draw per turn.

use super::terminal::TerminalGuard;
use super::{App, Effect, Msg};
use crate::engine::{EngineCommand, EngineHandle};
use crate::fixture::Recorder;
use anyhow::Context;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Engine events taken from the channel per turn.
const BATCH: usize = 512;

/// Starts a new engine after the previous one went down (`R`).
pub type Restart = Box<dyn FnMut() -> anyhow::Result<EngineHandle> + Send>;

/// What the loop drives besides the app.
pub struct Wiring {
    pub engine: Option<EngineHandle>,
    pub restart: Option<Restart>,
    /// Records every chain event (live sessions).
    pub recorder: Option<Recorder>,
    /// Saved here on quit too (`--record`).
    pub record_path: Option<PathBuf>,
}

impl Wiring {
    pub fn none() -> Self {
        Wiring { engine: None, restart: None, recorder: None, record_path: None }
    }
}

/// Run the TUI until the user quits.
pub async fn run(mut app: App, mut wiring: Wiring) -> anyhow::Result<ExitCode> {
    let mut guard = TerminalGuard::new()?;
    let size = guard.terminal.size().context("cannot read the terminal size")?;
    app.update(Msg::Resize(size.width, size.height));
    let result = drive(&mut guard, &mut app, &mut wiring).await;
    drop(guard);
    shutdown(&mut wiring).await;
    if let (Some(recorder), Some(path)) = (&wiring.recorder, &wiring.record_path) {
        recorder
            .save(path)
            .with_context(|| format!("cannot save the session to {}", path.display()))?;
    }
    result
}

async fn drive(
    guard: &mut TerminalGuard,
    app: &mut App,
    wiring: &mut Wiring,
) -> anyhow::Result<ExitCode> {
    let mut input = EventStream::new();
    let mut batch = Vec::with_capacity(BATCH);
    let mut last_tick = Instant::now();
    // SIGTERM or SIGHUP (terminal closed): leave like a quit, so the recording is saved.
    let mut stop = std::pin::pin!(crate::exit::interrupted());
    loop {
        app.refresh();
        guard.terminal.draw(|frame| crate::ui::render(app, frame)).context("cannot draw")?;
        let playing = app.player.as_ref().is_some_and(|p| p.playing);
        let tick = if playing { Duration::from_millis(33) } else { Duration::from_millis(250) };
        let mut effects = Vec::new();
        tokio::select! {
            event = input.next() => match event {
                Some(Ok(event)) => {
                    if let Some(msg) = to_msg(event) {
                        effects.extend(app.update(msg));
                    }
                }
                Some(Err(err)) => return Err(err).context("cannot read the terminal"),
                None => return Ok(ExitCode::SUCCESS),
            },
            received = recv_batch(&mut wiring.engine, &mut batch) => {
                if received == 0 {
                    wiring.engine = None;
                    if !matches!(app.engine, super::EngineState::Down(_)) {
                        effects.extend(app.update(Msg::Engine(crate::engine::EngineEvent::Down("the engine task ended".into()))));
                    }
                }
                for event in batch.drain(..) {
                    if let (Some(recorder), crate::engine::EngineEvent::Chain(chain)) = (&mut wiring.recorder, &event) {
                        recorder.record(chain.clone());
                    }
                    effects.extend(app.update(Msg::Engine(event)));
                }
            },
            signal = &mut stop => {
                tracing::info!(signal, "stopping");
                return Ok(crate::exit::ExitKind::Failed.exit_code());
            }
            _ = tokio::time::sleep(tick) => {
                let now = Instant::now();
                let dt = now.duration_since(last_tick).as_millis() as u64;
                last_tick = now;
                effects.extend(app.update(Msg::Tick(dt)));
            }
        }
        if !playing {
            last_tick = Instant::now();
        }
        for effect in effects {
            if apply(effect, app, wiring) {
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
}

async fn recv_batch(
    engine: &mut Option<EngineHandle>,
    batch: &mut Vec<crate::engine::EngineEvent>,
) -> usize {
    match engine {
        Some(handle) => handle.events.recv_many(batch, BATCH).await,
        None => std::future::pending().await,
    }
}

fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// Carry out one effect; true to quit.
fn apply(effect: Effect, app: &mut App, wiring: &mut Wiring) -> bool {
    match effect {
        Effect::Quit => return true,
        Effect::Engine(kind) => {
            let Some(command) = kind.into_command(&app.calls) else { return false };
            match &wiring.engine {
                Some(engine) => {
                    if let Err(err) = engine.commands.try_send(command) {
                        app.status = Some(format!("the engine did not take the command: {err}"));
                    }
                }
                None => app.status = Some("no engine is running".into()),
            }
        }
        Effect::RestartEngine => match wiring.restart.as_mut().map(|start| start()) {
            Some(Ok(handle)) => {
                tracing::info!("engine restarted");
                wiring.engine = Some(handle);
            }
            Some(Err(err)) => {
                let why = format!("{err:#}");
                app.update(Msg::Engine(crate::engine::EngineEvent::Down(format!(
                    "restart failed: {why}"
                ))));
            }
            None => app.status = Some("this engine cannot be restarted".into()),
        },
        Effect::SaveFixture(path) => {
            let path =
                path.or_else(|| wiring.record_path.clone()).unwrap_or_else(default_fixture_path);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                if let Err(err) = std::fs::create_dir_all(dir) {
                    app.status = Some(format!("not saved: cannot create {}: {err}", dir.display()));
                    return false;
                }
            }
            app.status = Some(match &wiring.recorder {
                Some(recorder) => match recorder.save(&path) {
                    Ok(()) => {
                        format!("saved {} events to {}", recorder.events().len(), path.display())
                    }
                    Err(err) => format!("not saved: {err}"),
                },
                None => "nothing is being recorded here".into(),
            });
        }
    }
    false
}

/// `<data dir>/fixtures/session-<unix seconds>.json`.
fn default_fixture_path() -> PathBuf {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let dir = directories::ProjectDirs::from("", "", "nearviz")
        .map(|d| d.data_dir().join("fixtures"))
        .unwrap_or_else(std::env::temp_dir);
    dir.join(format!("session-{secs}.json"))
}

/// Ask the engine to stop and give it a moment to clean up (the sandbox child process).
async fn shutdown(wiring: &mut Wiring) {
    if let Some(engine) = wiring.engine.take() {
        let _ = engine.commands.try_send(EngineCommand::Shutdown);
        drop(engine.commands);
        if tokio::time::timeout(Duration::from_secs(3), engine.task).await.is_err() {
            tracing::warn!("the engine did not stop within 3 s");
        }
    }
}
