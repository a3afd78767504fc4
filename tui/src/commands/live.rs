//! `nearviz` (no subcommand): the live TUI on an engine; and the read-only viewer that
//! `nearviz tx` opens on an RPC engine.

use crate::app::{App, Mode};
use crate::cli::LiveArgs;
use crate::engine::{self, EngineHandle, StartOptions};
use crate::fixture::{Meta, Recorder};
use crate::scenario::Scenario;
use crate::terminal::event_loop::{self, Restart, Wiring};
use crate::terminal::init_logging;
use std::process::ExitCode;

pub async fn run(args: &LiveArgs) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::load_or_builtin(args.scenario.as_deref())?;
    let log = init_logging(args.log.as_deref())?;
    tracing::info!(engine = ?args.engine, scenario = %scenario.title, "live session");
    let (fork, scenario) = crate::fork::for_args(args, scenario).await?;
    let opts = StartOptions { protocol_version: args.protocol_version, fork, ..Default::default() };
    let kind = args.engine;
    let handle = engine::start(kind, scenario.clone(), opts.clone());
    let for_restart = scenario.clone();
    let restart: Restart =
        Box::new(move || Ok(engine::start(kind, for_restart.clone(), opts.clone())));
    let app = live_app(&scenario, args);
    let wiring = Wiring {
        engine: Some(handle),
        restart: Some(restart),
        recorder: Some(Recorder::new(meta(Some(scenario.title.clone())))),
        record_path: args.record.clone(),
    };
    let code = event_loop::run(app, wiring).await;
    tracing::info!(log = %log.path.display(), "live session ended");
    code
}

/// The live app for a scenario, before the engine reports anything.
pub fn live_app(scenario: &Scenario, args: &LiveArgs) -> App {
    App::new(Mode::Live)
        .with_scenario(Some(scenario.title.clone()), scenario.listed_calls())
        .with_save_path(args.record.clone())
}

/// The TUI on an engine that only reports (e.g. `nearviz tx` on any RPC): no calls, no blocks
/// on demand; history, DAG, details, refunds and units work as usual.
pub async fn run_viewer(handle: EngineHandle, args: &LiveArgs) -> anyhow::Result<ExitCode> {
    let log = init_logging(args.log.as_deref())?;
    let app = App::new(Mode::Viewer);
    let wiring = Wiring {
        engine: Some(handle),
        restart: None,
        recorder: args.record.as_ref().map(|_| Recorder::new(meta(Some("nearviz tx".into())))),
        record_path: args.record.clone(),
    };
    let code = event_loop::run(app, wiring).await;
    tracing::info!(log = %log.path.display(), "viewer ended");
    code
}

fn meta(note: Option<String>) -> Meta {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok();
    Meta {
        created_by: Some(format!("nearviz {}", env!("CARGO_PKG_VERSION"))),
        created_at_ms: now.and_then(|d| u64::try_from(d.as_millis()).ok()),
        note,
        ..Default::default()
    }
}
