//! `nearviz run [SCENARIO] [--call NAME | --all] --engine ... --format ...`: headless calls.
//!
//! Boots the engine, sends the chosen calls one after the other (each followed to FINAL before
//! the next, so results do not depend on timing; a sequence call's steps are sent at their block
//! offsets and all of them followed to FINAL), prints the DAG of all of them like `inspect`,
//! and with `--record FILE` saves everything observed as a fixture (also after Ctrl-C or an
//! engine crash, SIGTERM, SIGHUP or a panic). Each transaction's outcome is judged against its
//! call's expectation (`expect`, `expect_error`: docs/scenario.md). Exit codes are decided in
//! `main` from the error kinds (`crate::exit`): 0 every outcome was as expected, 1 one was not
//! (one line each on stderr: which call, and how), 2 bad input, 3 engine failure.

use crate::chain::{ChainEvent, TxHash};
use crate::cli::{Format, LiveArgs};
use crate::engine::sandbox::SandboxOptions;
use crate::engine::{self, EngineCommand, EngineEvent, EngineHandle, EngineInfo, StartOptions};
use crate::exit::{Failure, Interrupts};
use crate::fixture::{Meta, Recorder, TimedEvent};
use crate::model::Trace;
use crate::scenario::{Call, Expectation, Scenario};
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

/// What `run` prints: the DAGs in `format`, or the gas report (a table, JSON with
/// `--format json`).
#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub format: Format,
    pub gas_report: bool,
}

impl Output {
    /// Writes the session's DAGs or its gas report.
    pub fn write(self, dag: &crate::model::Dag, w: &mut impl Write) -> std::io::Result<()> {
        if !self.gas_report {
            return crate::output::write(dag, self.format, w);
        }
        let report = crate::model::GasReport::of(dag);
        match self.format {
            Format::Json => crate::output::gas_report::write_json(&report, w),
            _ => crate::output::gas_report::write_table(&report, w),
        }
    }
}

pub async fn run(
    scenario_file: Option<&Path>,
    calls: &[String],
    all: bool,
    output: Output,
    args: &LiveArgs,
) -> anyhow::Result<ExitCode> {
    let mut stderr = std::io::stderr();
    // `nearviz run FILE` or `nearviz run --scenario FILE` (the global option).
    let scenario = Scenario::load_or_builtin(scenario_file.or(args.scenario.as_deref()))?;
    let selected = select_calls(&scenario, calls, all).map_err(Failure::bad_input)?;
    let (fork, scenario) = crate::fork::for_args(args, scenario).await?;
    let opts = StartOptions {
        sandbox: SandboxOptions::default(),
        protocol_version: args.protocol_version,
        // Headless: no block pacing, blocks back to back while a call is in flight.
        embedded_pacing: crate::engine::embedded::Pacing::AsFastAsPossible,
        fork,
    };
    let engine = engine::start(args.engine, scenario.clone(), opts);
    let mut session = HeadlessRun::new(&scenario, engine, args.record.is_some());
    // A panic while driving is caught so that the recording is still saved (then exit 3).
    let driving = AssertUnwindSafe(session.drive(&selected, &mut stderr)).catch_unwind();
    let mut interrupts = Interrupts::listen();
    let outcome = tokio::select! {
        outcome = driving => outcome.unwrap_or_else(|panic| {
            Err(Failure::engine(format!("nearviz panicked: {}", panic_message(&*panic))))
        }),
        signal = interrupts.next() => Err(Failure::failed(format!("interrupted by {signal}"))),
    };
    session.shutdown().await;

    let saved = match &args.record {
        Some(path) => session.save(path, &mut stderr),
        None => Ok(()),
    };
    if session.info.is_some() {
        // Buffered: stdout alone flushes at every line (a pretty JSON of 1,000 calls has ~10^6).
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        // The DAG is all the output reads: built from the trace as it is freed (every outcome
        // and state change, the largest part of a long run's memory), so neither the DAG nor
        // the writer grows the peak.
        let dag = std::mem::take(&mut session.trace).into_dag();
        output.write(&dag, &mut stdout).context("writing the output")?;
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
    // One line per unexpected outcome: all but the last here, the last as the error `main`
    // prints (exit 1).
    if let Some((last, others)) = outcome.mismatches.split_last() {
        for line in others {
            let _ = writeln!(stderr, "nearviz: {line}");
        }
        return Err(Failure::failed(last.clone()));
    }
    Ok(ExitCode::SUCCESS)
}

/// The message of a caught panic (`&str` or `String` payloads).
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// The calls to run: `--all` (every listed call), or each `--call NAME` (in the order given).
/// A `step_only` call is sent by the sequences that name it, not on its own.
pub fn select_calls(scenario: &Scenario, names: &[String], all: bool) -> Result<Vec<Call>, String> {
    let listed = scenario.listed_calls();
    let available = || {
        let names: Vec<&str> = listed.iter().map(|c| c.name.as_str()).collect();
        names.join(", ")
    };
    if all {
        if listed.is_empty() {
            return Err(format!("{} has no [[call]] to run", scenario.source.describe()));
        }
        return Ok(listed.clone());
    }
    if names.is_empty() {
        return Err(format!(
            "say which calls to run: --call NAME or --all (calls: {})",
            available()
        ));
    }
    names
        .iter()
        .map(|name| match scenario.call(name) {
            Some(call) if call.step_only => Err(format!(
                "`{name}` is step_only: the sequences naming it send it (calls: {})",
                available()
            )),
            Some(call) => Ok(call.clone()),
            None => Err(format!("no call named `{name}` (calls: {})", available())),
        })
        .collect()
}

/// What happened to the calls.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Outcomes that differed from their expectation, one line each: ``call `x`: expected
    /// success, but the transaction failed: {..}`` (a step: ``call `race`, step race#2: ...``).
    /// A failed, unsent or not final transaction is a failure.
    pub mismatches: Vec<String>,
}

/// One headless session: the engine, everything it reported, and the recording.
pub struct HeadlessRun {
    engine: EngineHandle,
    pub trace: Trace,
    /// Every event as it came, with `--record` only: without it the trace is all the output
    /// needs (a 1,000-call run kept ~100 MB of events nobody would read).
    pub recorder: Option<Recorder>,
    pub info: Option<EngineInfo>,
    /// The call being followed, or the last one: its events not in the trace yet.
    ended: Option<Ended>,
}

/// A call's transactions followed, their events kept until [`HeadlessRun::take_in_ended`].
struct Ended {
    steps: Steps,
    /// Every chain event since the call was sent, in order.
    events: Vec<ChainEvent>,
    /// Its steps that reached FINAL, to judge once the events are in the trace.
    finished: Vec<(Pending, TxHash)>,
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
        HeadlessRun { engine, trace: Trace::new(), recorder, info: None, ended: None }
    }

    /// Waits for the engine, then runs each call to FINAL (or failure), in order, and judges
    /// each transaction against its expectation. A call's events are taken into the trace once
    /// the next call is sent ([`HeadlessRun::take_in_ended`]), so that work overlaps the
    /// engine's run of the next call instead of holding it up.
    pub async fn drive(
        &mut self,
        calls: &[Call],
        progress: &mut impl Write,
    ) -> anyhow::Result<Outcome> {
        self.wait_ready(progress).await?;
        let mut outcome = Outcome::default();
        for call in calls {
            let _ = writeln!(progress, "→ {}", call.name);
            let steps = Steps::new(call);
            if steps.pending.is_empty() {
                outcome.mismatches.push(format!("call `{}`: a sequence without steps", call.name));
                continue;
            }
            self.engine
                .commands
                .send(EngineCommand::Send(call.clone()))
                .await
                .map_err(|_| Failure::engine("the engine stopped"))?;
            outcome.mismatches.extend(self.take_in_ended());
            self.ended = Some(Ended { steps, events: Vec::new(), finished: Vec::new() });
            self.wait_call(&call.name, progress).await?;
        }
        outcome.mismatches.extend(self.take_in_ended());
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

    /// Follows every transaction the call just sent sends (one per step of a sequence) until
    /// each ended, keeping its events in [`HeadlessRun::ended`] (recorded as they come).
    /// Engine progress lines meanwhile (e.g. a sandbox step that landed late) go to `progress`.
    async fn wait_call(&mut self, call: &str, progress: &mut impl Write) -> anyhow::Result<()> {
        while self.ended.as_ref().is_some_and(|e| !e.steps.pending.is_empty()) {
            let Some(event) = self.engine.events.recv().await else {
                return Err(Failure::engine(format!("the engine stopped during `{call}`")));
            };
            let Some(ended) = &mut self.ended else { break };
            match event {
                EngineEvent::Chain(event) => {
                    if let Some(recorder) = &mut self.recorder {
                        recorder.record(event.clone());
                    }
                    ended.finished.extend(ended.steps.observe(&event));
                    ended.events.push(event);
                }
                EngineEvent::CallFailed { call: label, error } => ended.steps.failed(&label, error),
                EngineEvent::Down(error) => {
                    return Err(Failure::engine(format!("engine down during `{call}`: {error}")))
                }
                EngineEvent::Progress(line) => {
                    let _ = writeln!(progress, "{line}");
                }
                EngineEvent::Ready(_) => {}
            }
        }
        Ok(())
    }

    /// Takes the last call's events into the trace, judges its steps that reached FINAL (the
    /// outcomes that differ from their expectation, one line each) and settles its finished
    /// transactions into their nodes (`Trace::settle`: the views they replace are freed).
    fn take_in_ended(&mut self) -> Vec<String> {
        let Some(Ended { mut steps, events, finished }) = self.ended.take() else {
            return Vec::new();
        };
        let mut done = Vec::new();
        for event in events {
            if let ChainEvent::TxDone { tx, .. } = &event {
                done.push(*tx);
            }
            self.trace.apply(event);
        }
        for (step, tx) in finished {
            steps.judge(&step, self.final_status(&tx));
        }
        for tx in done {
            self.trace.settle(&tx);
        }
        steps.mismatches
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
        // A call cut short (Ctrl-C, an engine failure): what it observed is output too.
        self.take_in_ended();
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
    call: String,
    pending: Vec<Pending>,
    /// Outcomes that differed from their expectation, one line each.
    mismatches: Vec<String>,
    sequence: bool,
}

/// One awaited transaction.
struct Pending {
    label: String,
    expectation: Expectation,
    /// Once submitted.
    tx: Option<TxHash>,
}

impl Steps {
    fn new(call: &Call) -> Self {
        let pending = call
            .steps()
            .into_iter()
            .map(|step| Pending {
                label: step.label,
                expectation: step.call.expectation(),
                tx: None,
            })
            .collect();
        Steps {
            call: call.name.clone(),
            pending,
            mismatches: Vec::new(),
            sequence: call.is_sequence(),
        }
    }

    /// Follows the steps' transactions; a step that reached FINAL comes back (its on-chain
    /// status is the caller's to judge), one that did not is judged here.
    fn observe(&mut self, event: &ChainEvent) -> Option<(Pending, TxHash)> {
        match event {
            ChainEvent::TxSubmitted { tx, label, .. } => {
                if let Some(slot) =
                    self.pending.iter_mut().find(|p| p.label == *label && p.tx.is_none())
                {
                    slot.tx = Some(*tx);
                }
                None
            }
            ChainEvent::TxDone { tx, error } => {
                let at = self.pending.iter().position(|p| p.tx == Some(*tx))?;
                let step = self.pending.remove(at);
                match error {
                    Some(error) => {
                        self.judge(&step, Err(format!("it did not reach FINAL: {error}")));
                        None
                    }
                    None => Some((step, *tx)),
                }
            }
            _ => None,
        }
    }

    /// A step (or the call) that the engine could not send.
    fn failed(&mut self, label: &str, error: String) {
        if let Some(at) = self.pending.iter().position(|p| p.label == label && p.tx.is_none()) {
            let step = self.pending.remove(at);
            self.judge(&step, Err(format!("it was not sent: {error}")));
        }
    }

    /// Compares a step's outcome (`Err(why)`: it failed) with its expectation.
    fn judge(&mut self, step: &Pending, outcome: Result<(), String>) {
        if let Err(how) = step.expectation.check(&outcome) {
            let line = if self.sequence {
                format!("call `{}`, step {}: {how}", self.call, step.label)
            } else {
                format!("call `{}`: {how}", self.call)
            };
            self.mismatches.push(line);
        }
    }
}
