//! `nearviz replay FILE`: the TUI on a recorded fixture (or a raw capture). No engine runs:
//! the replay re-applies the first k recorded events to a fresh session. `nearviz replay DIR`
//! lists the recordings `NEARVIZ_RECORD_DIR` wrote there (`commands::recordings`).

use crate::app::replay::Player;
use crate::app::App;
use crate::cli::LiveArgs;
use crate::engine::{EngineId, EngineInfo};
use crate::exit::Failure;
use crate::fixture::{self, Recording};
use crate::terminal::event_loop::{self, Wiring};
use crate::terminal::init_logging;
use std::path::Path;
use std::process::ExitCode;

pub async fn run(file: &Path, args: &LiveArgs) -> anyhow::Result<ExitCode> {
    let chosen;
    let file = if file.is_dir() {
        match super::recordings::choose(file)? {
            Some(path) => {
                chosen = path;
                chosen.as_path()
            }
            None => return Ok(ExitCode::SUCCESS),
        }
    } else {
        file
    };
    let recording = fixture::load(file)?;
    if recording.events.is_empty() {
        return Err(Failure::bad_input(format!("{}: no events to replay", file.display())));
    }
    let log = init_logging(args.log.as_deref())?;
    tracing::info!(file = %file.display(), events = recording.events.len(), "replay");
    let app = replay_app(file, recording);
    let code = event_loop::run(app, Wiring::none()).await;
    tracing::info!(log = %log.path.display(), "replay ended");
    code
}

/// The app for replaying `recording` (read from `file`).
pub fn replay_app(file: &Path, recording: Recording) -> App {
    let name = file
        .file_name()
        .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let reason = match &recording.meta.engine {
        Some(engine) => format!("{name}, recorded on {engine}"),
        None => name.clone(),
    };
    let info = EngineInfo {
        reason: Some(reason),
        protocol_version: recording.meta.protocol_version,
        ..EngineInfo::new(EngineId::Replay)
    };
    let note = recording.meta.note.clone();
    let status = recording
        .warnings
        .first()
        .map(|first| format!("{} warning(s): {first}", recording.warnings.len()));
    let events = recording.events.into_iter().map(|e| (e.at_ms, e.event)).collect();
    let mut app = App::replay(Player::new(name, events), info).with_status(status);
    // Sessions recorded on the built-in examples get their workshop notes back.
    if let Ok(scenario) = crate::scenario::Scenario::builtin() {
        if note.as_deref() == Some(scenario.title.as_str()) {
            app = app.with_scenario(None, scenario.calls);
        }
    }
    app
}
