//! The tokio event loop: terminal input, engine events (drained in batches), ticks and the
//! results of effects become `Msg`s; effects go to the engine or to tasks; one draw per turn.
//! Only `App::update` changes the app: what an effect brings back comes in as a message.

use super::TerminalGuard;
use crate::app::{App, Effect, Msg};
use crate::engine::{EngineCommand, EngineEvent, EngineHandle};
use crate::fixture::Recorder;
use anyhow::Context;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

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

/// Draw the app and tell it where things went; draw again if that moved the view.
fn draw(guard: &mut TerminalGuard, app: &mut App) -> anyhow::Result<()> {
    let mut geometry = Default::default();
    guard.terminal.draw(|frame| geometry = crate::ui::render(app, frame)).context("cannot draw")?;
    let before = app.scroll();
    app.update(Msg::Drawn(geometry));
    if app.scroll() != before {
        guard
            .terminal
            .draw(|frame| geometry = crate::ui::render(app, frame))
            .context("cannot draw")?;
    }
    Ok(())
}

async fn drive(
    guard: &mut TerminalGuard,
    app: &mut App,
    wiring: &mut Wiring,
) -> anyhow::Result<ExitCode> {
    let mut input = EventStream::new();
    let mut batch = Vec::with_capacity(BATCH);
    let mut last_tick = Instant::now();
    // Results of effects that run off this task (saving a fixture).
    let (done_tx, mut done_rx) = mpsc::channel::<Msg>(8);
    // SIGTERM or SIGHUP (terminal closed): leave like a quit, so the recording is saved.
    let mut interrupts = crate::exit::Interrupts::listen();
    loop {
        draw(guard, app)?;
        let playing = app.player().is_some_and(|p| p.playing);
        let tick = if playing { Duration::from_millis(33) } else { Duration::from_millis(250) };
        let mut effects = VecDeque::new();
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
                    effects.extend(app.update(Msg::EngineEnded));
                }
                if let Some(recorder) = &mut wiring.recorder {
                    for event in &batch {
                        if let EngineEvent::Chain(chain) = event {
                            recorder.record(chain.clone());
                        }
                    }
                }
                if !batch.is_empty() {
                    effects.extend(app.update(Msg::Engines(std::mem::take(&mut batch))));
                }
            },
            Some(msg) = done_rx.recv() => effects.extend(app.update(msg)),
            signal = interrupts.next() => {
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
        while let Some(effect) = effects.pop_front() {
            match apply(effect, app, wiring, &done_tx) {
                Outcome::Quit => return Ok(ExitCode::SUCCESS),
                Outcome::Reply(msg) => effects.extend(app.update(msg)),
                Outcome::Done => {}
            }
        }
    }
}

async fn recv_batch(engine: &mut Option<EngineHandle>, batch: &mut Vec<EngineEvent>) -> usize {
    match engine {
        Some(handle) => handle.events.recv_many(batch, BATCH).await,
        None => std::future::pending().await,
    }
}

fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        // The next turn draws at the new size.
        _ => None,
    }
}

/// What carrying out an effect gave.
enum Outcome {
    Done,
    /// Tell the app this now.
    Reply(Msg),
    Quit,
}

/// Carry out one effect. Nothing here writes the app: results go back as messages.
fn apply(effect: Effect, app: &App, wiring: &mut Wiring, done: &mpsc::Sender<Msg>) -> Outcome {
    match effect {
        Effect::Quit => Outcome::Quit,
        Effect::Engine(kind) => {
            let Some(command) = kind.clone().into_command(app.calls()) else {
                return Outcome::Done;
            };
            let why = match &wiring.engine {
                Some(engine) => match engine.commands.try_send(command) {
                    Ok(()) => return Outcome::Done,
                    Err(err) => format!("the engine did not take the command: {err}"),
                },
                None => "no engine is running".into(),
            };
            Outcome::Reply(Msg::CommandRejected { command: kind, why })
        }
        Effect::RestartEngine => match wiring.restart.as_mut().map(|start| start()) {
            Some(Ok(handle)) => {
                tracing::info!("engine restarted");
                wiring.engine = Some(handle);
                Outcome::Done
            }
            Some(Err(err)) => Outcome::Reply(Msg::RestartFailed(format!("{err:#}"))),
            None => Outcome::Reply(Msg::RestartFailed("this engine cannot be restarted".into())),
        },
        Effect::SaveFixture(path) => {
            let Some(recorder) = &wiring.recorder else {
                return Outcome::Reply(Msg::SaveFailed("nothing is being recorded here".into()));
            };
            let path =
                path.or_else(|| wiring.record_path.clone()).unwrap_or_else(default_fixture_path);
            // A copy of what was recorded so far; writing and syncing run on a blocking thread.
            let recording = recorder.recording().clone();
            let done = done.clone();
            tokio::spawn(async move {
                let events = recording.events.len();
                let written =
                    tokio::task::spawn_blocking(move || save(&recording, &path).map(|()| path))
                        .await;
                let msg = match written {
                    Ok(Ok(path)) => Msg::Saved { path, events },
                    Ok(Err(why)) => Msg::SaveFailed(why),
                    Err(err) => Msg::SaveFailed(format!("the save task failed: {err}")),
                };
                let _ = done.send(msg).await;
            });
            Outcome::Done
        }
    }
}

/// Write `recording` to `path`, creating its directory.
fn save(recording: &crate::fixture::Recording, path: &std::path::Path) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    }
    crate::fixture::save(recording, path).map_err(|err| err.to_string())
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
