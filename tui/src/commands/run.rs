//! `nearviz run [SCENARIO] [--call NAME | --all] --engine ... --format ...`: headless calls.
//!
//! Boots the engine, sends the chosen calls one after the other (each followed to FINAL before
//! the next, so results do not depend on timing; a sequence call's steps are sent at their block
//! offsets and all of them followed to FINAL), prints the DAG of all of them like `inspect`,
//! and with `--record FILE` saves everything observed as a fixture (also after Ctrl-C or an
//! engine crash, SIGTERM, SIGHUP or a panic). Exit codes are decided in `main` from the error
//! kinds (`crate::exit`): 0 every call reached FINAL, 1 one did not, 2 bad input, 3 engine failure.

use crate::chain::{ChainEvent, TxHash};
use crate::cli::{Format, LiveArgs};
use crate::engine::sandbox::SandboxOptions;
use crate::engine::{self, EngineCommand, EngineEvent, EngineHandle, EngineInfo, StartOptions};
use crate::exit::{interrupted, ExitKind, Failure};
use crate::fixture::{Meta, Recorder, TimedEvent};
use crate::model::Trace;
use crate::scenario::{Call, Scenario};
use anyhow::Context;
use futures::FutureExt;
use near_primitives::views::FinalExecutionStatus;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    // `nearviz run FILE` or `nearviz run --scenario FILE` (the global option).
    let scenario = Scenario::load_or_builtin(scenario_file.or(args.scenario.as_deref()))?;
    let selected = select_calls(&scenario, calls, all).map_err(Failure::bad_input)?;
    let opts = StartOptions {
        sandbox: SandboxOptions::default(),
        protocol_version: args.protocol_version,
        // Headless: no block pacing, blocks back to back while a call is in flight.
        embedded_pacing: crate::engine::embedded::Pacing::AsFastAsPossible,
    };
    let engine = engine::start(args.engine, scenario.clone(), opts);
    let mut session = HeadlessRun::new(&scenario, engine, args.record.is_some());
    // A panic while driving is caught so that the recording is still saved (then exit 3).
    let driving = AssertUnwindSafe(session.drive(&selected, &mut stderr)).catch_unwind();
    let outcome = tokio::select! {
        outcome = driving => outcome.unwrap_or_else(|panic| {
            Err(Failure::engine(format!("nearviz panicked: {}", panic_message(&*panic))))
        }),
        signal = interrupted() => Err(Failure::failed(format!("interrupted by {signal}"))),
    };
    session.shutdown().await;

    let saved = match &args.record {
        Some(path) => session.save(path, &mut stderr),
        None => Ok(()),
    };
    if session.info.is_some() {
        // Buffered: stdout alone flushes at every line (a pretty JSON of 1,000 calls has ~10^6).
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        crate::output::write(&session.trace.dag(), format, &mut stdout)
            .context("writing the output")?;
        stdout.flush().context("writing the output")?;
    }
    if let Err(save_error) = saved {
        // Both are said; the failed save decides the exit code (the recording was asked for).
        if let Err(err) = &outcome {
            let _ = writeln!(stderr, "nearviz: {err:#}");
        }
        return Err(save_error);
    }
    let outcome = outcome?;
    for (call, error) in &outcome.failed {
        let _ = writeln!(stderr, "nearviz: call `{call}` {error}");
    }
    let kind = if outcome.failed.is_empty() { ExitKind::Ok } else { ExitKind::Failed };
    Ok(kind.exit_code())
}

/// The message of a caught panic (`&str` or `String` payloads).
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
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
    /// Calls that were not sent, did not reach FINAL or whose transaction failed, with why.
    pub failed: Vec<(String, String)>,
}

/// One headless session: the engine, everything it reported, and the recording.
pub struct HeadlessRun {
    engine: EngineHandle,
    pub trace: Trace,
    /// Every event as it came, with `--record` only: without it the trace is all the output
    /// needs (a 1,000-call run kept ~100 MB of events nobody would read).
    pub recorder: Option<Recorder>,
    pub info: Option<EngineInfo>,
}

impl HeadlessRun {
    /// `record`: keep every event for [`HeadlessRun::save`].
    pub fn new(scenario: &Scenario, engine: EngineHandle, record: bool) -> Self {
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
        let recorder = record.then(|| Recorder::new(meta));
        HeadlessRun { engine, trace: Trace::new(), recorder, info: None }
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
                .map_err(|_| {
                    Failure::engine(format!(
                        "the engine did not get ready within {} s",
                        BOOT_TIMEOUT.as_secs()
                    ))
                })?;
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
                Some(EngineEvent::Down(error)) => return Err(Failure::engine(error)),
                Some(EngineEvent::Chain(event)) => self.observe(event),
                Some(EngineEvent::CallFailed { call, error }) => {
                    let _ = writeln!(progress, "{call}: {error}");
                }
                None => return Err(Failure::engine("the engine stopped before it was ready")),
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
            .map_err(|_| Failure::engine("the engine stopped"))?;
        while !steps.pending.is_empty() {
            let Some(event) = self.engine.events.recv().await else {
                return Err(Failure::engine(format!("the engine stopped during `{}`", call.name)));
            };
            match event {
                EngineEvent::Chain(event) => {
                    let finished = steps.observe(&event);
                    self.observe(event);
                    if let Some((label, tx)) = finished {
                        if let Err(error) = self.final_status(&tx) {
                            let named = steps.name(&label, &error);
                            steps.errors.push(named);
                        }
                    }
                }
                EngineEvent::CallFailed { call: label, error } => {
                    steps.failed(&label, format!("not sent: {error}"))
                }
                EngineEvent::Down(error) => {
                    return Err(Failure::engine(format!(
                        "engine down during `{}`: {error}",
                        call.name
                    )))
                }
                EngineEvent::Progress(line) => {
                    let _ = writeln!(progress, "{line}");
                }
                EngineEvent::Ready(_) => {}
            }
        }
        Ok(if steps.errors.is_empty() { Ok(()) } else { Err(steps.errors.join("; ")) })
    }

    /// `Err(why)` when the FINAL transaction `tx` failed (its status follows the promise chain
    /// it returned, NEAR-FACTS 9).
    fn final_status(&self, tx: &TxHash) -> Result<(), String> {
        let outcome = self.trace.transaction(tx).and_then(|t| t.outcome.as_ref());
        match outcome.map(|o| &o.final_outcome.status) {
            Some(FinalExecutionStatus::Failure(error)) => {
                let error = serde_json::to_string(error).unwrap_or_else(|_| format!("{error:?}"));
                Err(format!("the transaction failed: {error}"))
            }
            _ => Ok(()),
        }
    }

    /// The recording's clock starts when the engine is ready, and its meta names the engine.
    fn start_recording(&mut self, info: &EngineInfo) {
        let Some(recorder) = &mut self.recorder else { return };
        let mut meta = recorder.recording().meta.clone();
        meta.engine = Some(info.name().to_owned());
        meta.protocol_version = info.protocol_version;
        let earlier = std::mem::replace(recorder, Recorder::new(meta));
        for event in earlier.events() {
            recorder.push(TimedEvent { at_ms: 0, event: event.event.clone() });
        }
    }

    fn observe(&mut self, event: ChainEvent) {
        if let Some(recorder) = &mut self.recorder {
            recorder.record(event.clone());
        }
        self.trace.apply(event);
    }

    /// Saves the recording (atomically: a failed write leaves any earlier file as it was) and
    /// says so on `progress`; a failure is one line naming the path once (exit 3).
    /// Nothing to save without a recorder (the session was started without `--record`).
    pub fn save(&self, path: &Path, progress: &mut impl Write) -> anyhow::Result<()> {
        let Some(recorder) = &self.recorder else { return Ok(()) };
        recorder.save(path)?;
        let _ =
            writeln!(progress, "recorded {} events to {}", recorder.events().len(), path.display());
        Ok(())
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

    /// Follows the steps' transactions; a step that reached FINAL comes back with its label
    /// (its on-chain status is the caller's to judge).
    fn observe(&mut self, event: &ChainEvent) -> Option<(String, TxHash)> {
        match event {
            ChainEvent::TxSubmitted { tx, label, .. } => {
                if let Some(slot) =
                    self.pending.iter_mut().find(|(l, sent)| l == label && sent.is_none())
                {
                    slot.1 = Some(*tx);
                }
                None
            }
            ChainEvent::TxDone { tx, error } => {
                let at = self.pending.iter().position(|(_, sent)| *sent == Some(*tx))?;
                let (label, _) = self.pending.remove(at);
                match error {
                    Some(error) => {
                        let named = self.name(&label, &format!("did not reach FINAL: {error}"));
                        self.errors.push(named);
                        None
                    }
                    None => Some((label, *tx)),
                }
            }
            _ => None,
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
