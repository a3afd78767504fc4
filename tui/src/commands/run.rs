//! `nearviz run [SCENARIO] [--call NAME | --all] --engine ... --format ...`: headless calls.
//!
//! Boots the engine, sends the chosen calls one after the other (each followed to FINAL before
//! the next, so results do not depend on timing; a sequence call's steps are sent at their block
//! offsets and all of them followed to FINAL), prints the DAG of all of them like `inspect`,
//! and with `--record FILE` saves everything observed as a fixture (also after Ctrl-C or an
//! engine crash). Exit code: 0 when every call reached FINAL, 1 otherwise, 2 for bad input.

use crate::chain::{ChainEvent, TxHash};
use crate::cli::{Format, LiveArgs};
use crate::engine::sandbox::SandboxOptions;
use crate::engine::{self, EngineCommand, EngineEvent, EngineHandle, EngineInfo, StartOptions};
use crate::fixture::{Meta, Recorder, TimedEvent};
use crate::model::Trace;
use crate::scenario::{Call, Scenario};
use anyhow::Context;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Exit code for bad input (unknown call, invalid scenario).
const BAD_INPUT: u8 = 2;
/// How long an engine may take to boot (a first sandbox run may download neard).
const BOOT_TIMEOUT: Duration = Duration::from_secs(600);

pub async fn run(
    scenario_file: Option<&Path>,
    calls: &[String],
    all: bool,
    format: Format,
    args: &LiveArgs,
) -> anyhow::Result<ExitCode> {
    let mut stderr = std::io::stderr();
    let scenario = match Scenario::load_or_builtin(scenario_file) {
        Ok(scenario) => scenario,
        Err(err) => return bad_input(&mut stderr, &err.to_string()),
    };
    let selected = match select_calls(&scenario, calls, all) {
        Ok(selected) => selected,
        Err(message) => return bad_input(&mut stderr, &message),
    };
    let opts = StartOptions {
        sandbox: SandboxOptions::default(),
        protocol_version: args.protocol_version,
        // Headless: no block pacing, blocks back to back while a call is in flight.
        embedded_pacing: crate::engine::embedded::Pacing::AsFastAsPossible,
    };
    let engine = engine::start(args.engine, scenario.clone(), opts);
    let mut session = Session::new(&scenario, engine);
    let outcome = tokio::select! {
        outcome = session.drive(&selected, &mut stderr) => outcome,
        signal = interrupted() => Err(anyhow::anyhow!("interrupted by {signal}")),
    };
    session.shutdown().await;

    if let Some(path) = &args.record {
        session
            .recorder
            .save(path)
            .with_context(|| format!("cannot save the recording to {}", path.display()))?;
        let _ = writeln!(
            stderr,
            "recorded {} events to {}",
            session.recorder.events().len(),
            path.display()
        );
    }
    if session.info.is_some() {
        let mut stdout = std::io::stdout().lock();
        crate::output::write(&session.trace.dag(), format, &mut stdout)
            .context("writing the output")?;
        stdout.flush().context("writing the output")?;
    }
    let outcome = outcome?;
    for (call, error) in &outcome.failed {
        let _ = writeln!(stderr, "nearviz: call `{call}` did not reach FINAL: {error}");
    }
    Ok(if outcome.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Ctrl-C, or SIGTERM on Unix: the session is then saved and neard stopped before exiting.
async fn interrupted() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            return tokio::select! {
                _ = tokio::signal::ctrl_c() => "Ctrl-C",
                _ = term.recv() => "SIGTERM",
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    "Ctrl-C"
}

fn bad_input(stderr: &mut impl Write, message: &str) -> anyhow::Result<ExitCode> {
    let _ = writeln!(stderr, "nearviz: {message}");
    Ok(ExitCode::from(BAD_INPUT))
}

/// The calls to run: `--all`, or each `--call NAME` (in the order given).
pub fn select_calls(scenario: &Scenario, names: &[String], all: bool) -> Result<Vec<Call>, String> {
    let available = || {
        let names: Vec<&str> = scenario.calls.iter().map(|c| c.name.as_str()).collect();
        names.join(", ")
    };
    if all {
        if scenario.calls.is_empty() {
            return Err(format!("{} has no [[call]] to run", scenario.source.describe()));
        }
        return Ok(scenario.calls.clone());
    }
    if names.is_empty() {
        return Err(format!(
            "say which calls to run: --call NAME or --all (calls: {})",
            available()
        ));
    }
    names
        .iter()
        .map(|name| {
            scenario
                .call(name)
                .cloned()
                .ok_or_else(|| format!("no call named `{name}` (calls: {})", available()))
        })
        .collect()
}

/// What happened to the calls.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Calls that did not reach FINAL, with why.
    pub failed: Vec<(String, String)>,
}

/// One headless session: the engine, everything it reported, and the recording.
pub struct Session {
    engine: EngineHandle,
    pub trace: Trace,
    pub recorder: Recorder,
    pub info: Option<EngineInfo>,
}

impl Session {
    pub fn new(scenario: &Scenario, engine: EngineHandle) -> Self {
        let created_at_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|since| u64::try_from(since.as_millis()).ok());
        let meta = Meta {
            created_by: Some(concat!("nearviz ", env!("CARGO_PKG_VERSION")).to_owned()),
            created_at_ms,
            note: Some(format!("nearviz run: {}", scenario.title)),
            ..Meta::default()
        };
        Session { engine, trace: Trace::new(), recorder: Recorder::new(meta), info: None }
    }

    /// Waits for the engine, then runs each call to FINAL (or failure), in order.
    pub async fn drive(
        &mut self,
        calls: &[Call],
        progress: &mut impl Write,
    ) -> anyhow::Result<Outcome> {
        self.wait_ready(progress).await?;
        let mut outcome = Outcome::default();
        for call in calls {
            let _ = writeln!(progress, "→ {}", call.name);
            if let Err(error) = self.run_call(call, progress).await? {
                outcome.failed.push((call.name.clone(), error));
            }
        }
        Ok(outcome)
    }

    async fn wait_ready(&mut self, progress: &mut impl Write) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + BOOT_TIMEOUT;
        loop {
            let event = tokio::time::timeout_at(deadline, self.engine.events.recv())
                .await
                .context("the engine did not get ready in time")?;
            match event {
                Some(EngineEvent::Progress(line)) => {
                    let _ = writeln!(progress, "{line}");
                }
                Some(EngineEvent::Ready(info)) => {
                    let reason =
                        info.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
                    let _ = writeln!(progress, "engine {} ready{reason}", info.name());
                    self.start_recording(&info);
                    self.info = Some(info);
                    return Ok(());
                }
                Some(EngineEvent::Down(error)) => anyhow::bail!("{error}"),
                Some(EngineEvent::Chain(event)) => self.observe(event),
                Some(EngineEvent::CallFailed { call, error }) => {
                    let _ = writeln!(progress, "{call}: {error}");
                }
                None => anyhow::bail!("the engine stopped before it was ready"),
            }
        }
    }

    /// Sends `call` and follows every transaction it sends (one per step of a sequence):
    /// `Ok(Err(why))` when one of them did not reach FINAL or was not sent.
    /// Engine progress lines meanwhile (e.g. a sandbox step that landed late) go to `progress`.
    async fn run_call(
        &mut self,
        call: &Call,
        progress: &mut impl Write,
    ) -> anyhow::Result<Result<(), String>> {
        let mut steps = Steps::new(call);
        if steps.pending.is_empty() {
            return Ok(Err("a sequence without steps".to_owned()));
        }
        self.engine
            .commands
            .send(EngineCommand::Send(call.clone()))
            .await
            .context("the engine stopped")?;
        while !steps.pending.is_empty() {
            let Some(event) = self.engine.events.recv().await else {
                steps.errors.push("the engine stopped".to_owned());
                break;
            };
            match event {
                EngineEvent::Chain(event) => {
                    steps.observe(&event);
                    self.observe(event);
                }
                EngineEvent::CallFailed { call: label, error } => steps.failed(&label, error),
                EngineEvent::Down(error) => {
                    steps.errors.push(format!("engine down: {error}"));
                    break;
                }
                EngineEvent::Progress(line) => {
                    let _ = writeln!(progress, "{line}");
                }
                EngineEvent::Ready(_) => {}
            }
        }
        Ok(if steps.errors.is_empty() { Ok(()) } else { Err(steps.errors.join("; ")) })
    }

    /// The recording's clock starts when the engine is ready, and its meta names the engine.
    fn start_recording(&mut self, info: &EngineInfo) {
        let mut meta = self.recorder.recording().meta.clone();
        meta.engine = Some(info.name().to_owned());
        meta.protocol_version = info.protocol_version;
        let earlier = std::mem::replace(&mut self.recorder, Recorder::new(meta));
        for event in earlier.events() {
            self.recorder.push(TimedEvent { at_ms: 0, event: event.event.clone() });
        }
    }

    fn observe(&mut self, event: ChainEvent) {
        self.recorder.record(event.clone());
        self.trace.apply(event);
    }

    /// Stops the engine (kills the node) and waits for its task.
    pub async fn shutdown(&mut self) {
        let _ = self.engine.commands.send(EngineCommand::Shutdown).await;
        if tokio::time::timeout(Duration::from_secs(10), &mut self.engine.task).await.is_err() {
            self.engine.task.abort();
        }
        // Chain events still queued belong to the recording.
        while let Ok(event) = self.engine.events.try_recv() {
            if let EngineEvent::Chain(event) = event {
                self.observe(event);
            }
        }
    }
}

/// The transactions of one call still awaited, by step label (a plain call: its name).
struct Steps {
    /// Label, and the transaction once submitted.
    pending: Vec<(String, Option<TxHash>)>,
    errors: Vec<String>,
    sequence: bool,
}

impl Steps {
    fn new(call: &Call) -> Self {
        let pending = call.steps().into_iter().map(|step| (step.label, None)).collect();
        Steps { pending, errors: Vec::new(), sequence: call.is_sequence() }
    }

    fn observe(&mut self, event: &ChainEvent) {
        match event {
            ChainEvent::TxSubmitted { tx, label, .. } => {
                if let Some(slot) =
                    self.pending.iter_mut().find(|(l, sent)| l == label && sent.is_none())
                {
                    slot.1 = Some(*tx);
                }
            }
            ChainEvent::TxDone { tx, error } => {
                let Some(at) = self.pending.iter().position(|(_, sent)| *sent == Some(*tx)) else {
                    return;
                };
                let (label, _) = self.pending.remove(at);
                if let Some(error) = error {
                    self.errors.push(self.name(&label, error));
                }
            }
            _ => {}
        }
    }

    /// A step (or the call) that the engine could not send.
    fn failed(&mut self, label: &str, error: String) {
        let before = self.pending.len();
        self.pending.retain(|(l, sent)| !(l == label && sent.is_none()));
        if self.pending.len() < before {
            self.errors.push(self.name(label, &error));
        }
    }

    fn name(&self, label: &str, error: &str) -> String {
        if self.sequence {
            format!("{label}: {error}")
        } else {
            error.to_owned()
        }
    }
}
