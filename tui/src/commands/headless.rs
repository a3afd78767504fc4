//! The headless loop `serve --headless` and `watch --headless` share: an engine without the
//! TUI, progress on stderr, one line per transaction on stdout, the recording saved on every way
//! out.

use crate::chain::{ChainEvent, TxHash, TxStatusReply};
use crate::engine::{EngineCommand, EngineEvent, EngineHandle};
use crate::exit::{Failure, Interrupts};
use crate::fixture::{Meta, Recorder, TimedEvent};
use crate::serve;
use anyhow::Context;
use near_primitives::views::FinalExecutionStatus;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// Runs an engine without the TUI: progress on stderr, `ready` and one line per transaction on
/// stdout, until Ctrl-C, SIGTERM or SIGHUP (exit 0: a server's way to stop) or the engine goes
/// down (an engine failure, for `main` to report: exit 3); saves `record` either way.
pub async fn run(
    engine: &mut EngineHandle,
    record: Option<&Path>,
    ready: &str,
) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    let mut recorder = Recorder::new(Meta::now(serve::ENGINE_NAME));
    let mut lines = TxLines::default();
    let mut interrupts = Interrupts::listen();
    let failure = loop {
        let event = tokio::select! {
            event = engine.events.recv() => event,
            signal = interrupts.next() => {
                let _ = writeln!(stderr, "nearviz: {signal}, stopping");
                break None;
            }
        };
        match event {
            Some(EngineEvent::Progress(line)) => {
                let _ = writeln!(stderr, "{line}");
            }
            Some(EngineEvent::Ready(info)) => {
                let mut meta = recorder.recording().meta.clone();
                meta.protocol_version = info.protocol_version;
                let earlier = std::mem::replace(&mut recorder, Recorder::new(meta));
                for event in earlier.events() {
                    recorder.push(TimedEvent { at_ms: 0, event: event.event.clone() });
                }
                let _ = writeln!(stdout, "{ready}");
                let _ = stdout.flush();
            }
            Some(EngineEvent::Chain(event)) => {
                if let Some(line) = lines.observe(&event) {
                    let _ = writeln!(stdout, "{line}");
                    let _ = stdout.flush();
                }
                recorder.record(event);
            }
            Some(EngineEvent::CallFailed { call, error }) => {
                let _ = writeln!(stderr, "{call}: {error}");
            }
            Some(EngineEvent::Down(error)) => break Some(error),
            None => break Some("the node stopped".to_owned()),
        }
    };
    let _ = engine.commands.send(EngineCommand::Shutdown).await;
    if tokio::time::timeout(Duration::from_secs(10), &mut engine.task).await.is_err() {
        engine.task.abort();
    }
    while let Ok(event) = engine.events.try_recv() {
        if let EngineEvent::Chain(event) = event {
            recorder.record(event);
        }
    }
    if let Some(path) = record {
        recorder
            .save(path)
            .with_context(|| format!("cannot save the recording to {}", path.display()))?;
        let _ =
            writeln!(stderr, "recorded {} events to {}", recorder.events().len(), path.display());
    }
    match failure {
        None => Ok(ExitCode::SUCCESS),
        Some(error) => Err(Failure::engine(error)),
    }
}

/// One stdout line per transaction, when it is done.
#[derive(Default)]
struct TxLines {
    labels: HashMap<TxHash, (String, String)>,
    last: HashMap<TxHash, (String, usize)>,
}

impl TxLines {
    fn observe(&mut self, event: &ChainEvent) -> Option<String> {
        match event {
            ChainEvent::TxSubmitted { tx, sender, label, .. } => {
                self.labels.insert(*tx, (sender.to_string(), label.clone()));
                None
            }
            ChainEvent::TxPoll(poll) => {
                let status = match &poll.reply {
                    TxStatusReply::Known { outcome: Some(outcome), .. } => {
                        let receipts = outcome.final_outcome.receipts_outcome.len();
                        let status = match &outcome.final_outcome.status {
                            FinalExecutionStatus::SuccessValue(_) => "ok".to_owned(),
                            FinalExecutionStatus::Failure(err) => format!("failed: {err}"),
                            other => format!("{other:?}"),
                        };
                        (status, receipts)
                    }
                    TxStatusReply::Error { message, .. } => (format!("rejected: {message}"), 0),
                    _ => return None,
                };
                self.last.insert(poll.tx, status);
                None
            }
            ChainEvent::TxDone { tx, error } => {
                let (sender, label) = self.labels.remove(tx).unwrap_or_default();
                let (status, receipts) =
                    self.last.remove(tx).unwrap_or_else(|| ("unknown".to_owned(), 0));
                let status = match error {
                    Some(error) if !status.starts_with("rejected") => format!("gave up: {error}"),
                    _ => status,
                };
                Some(format!("tx {tx} {sender}: {label} [{receipts} receipts] {status}"))
            }
            _ => None,
        }
    }
}
