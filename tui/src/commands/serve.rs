//! `nearviz serve`: the embedded chain as a NEAR JSON-RPC endpoint, with the live TUI or
//! `--headless` (one line per transaction on stdout, `--record` saved on SIGTERM, exit 0).

use crate::chain::{ChainEvent, TxHash, TxStatusReply};
use crate::cli::LiveArgs;
use crate::engine::{EngineCommand, EngineEvent};
use crate::fixture::{Meta, Recorder, TimedEvent};
use crate::scenario::Scenario;
use crate::serve::{self, BlockPacing, Limits, ServeOptions};
use crate::terminal::event_loop::{self, Wiring};
use crate::terminal::init_logging;
use anyhow::Context;
use near_primitives::views::FinalExecutionStatus;
use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Options of `nearviz serve`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port; the URL is printed).
    #[arg(long, default_value_t = serve::DEFAULT_PORT)]
    pub port: u16,
    /// Address to listen on (keep it on loopback: the root key is well known).
    #[arg(long, default_value = "127.0.0.1")]
    pub addr: IpAddr,
    /// Serve without the TUI: one line per transaction on stdout (for CI and scripts).
    #[arg(long)]
    pub headless: bool,
    /// Where to write the root account's key (neard's validator_key.json shape).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// Milliseconds between blocks.
    #[arg(long, default_value_t = 125, conflicts_with = "instant")]
    pub block_ms: u64,
    /// Produce a block as soon as work is pending (auto-mining) instead of on a timer.
    #[arg(long)]
    pub instant: bool,
}

/// `<data dir>/nearviz/serve/validator_key.json`, else `./validator_key.json`.
pub fn default_key_file() -> PathBuf {
    directories::ProjectDirs::from("", "", "nearviz").map_or_else(
        || PathBuf::from("validator_key.json"),
        |dirs| dirs.data_dir().join("serve").join("validator_key.json"),
    )
}

pub async fn run(args: &ServeArgs, live: &LiveArgs) -> anyhow::Result<ExitCode> {
    let scenario = match Scenario::load_or_builtin(live.scenario.as_deref()) {
        Ok(scenario) => scenario,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "nearviz: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let pacing = if args.instant {
        BlockPacing::Instant
    } else {
        BlockPacing::Timer(Duration::from_millis(args.block_ms.max(1)))
    };
    let opts = ServeOptions {
        addr: SocketAddr::new(args.addr, args.port),
        pacing,
        key_file: args.key_file.clone().unwrap_or_else(default_key_file),
        protocol_version: live.protocol_version,
        cache_dir: None,
        limits: Limits::default(),
    };
    let mut serving = serve::start(scenario.clone(), opts).await?;
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "nearviz serve: JSON-RPC on {}", serving.url());
    let _ = stdout.flush();
    if args.headless {
        let ready = format!(
            "nearviz serve: ready; root account {} key in {}",
            crate::scenario::ROOT_ACCOUNT,
            serving.key_file.display()
        );
        let code = headless(&mut serving.engine, live.record.as_deref(), &ready).await;
        serving.server.abort();
        return code;
    }
    let log = init_logging(live.log.as_deref())?;
    let (url, key_file) = (serving.url(), serving.key_file.clone());
    let app = crate::commands::live::live_app(&scenario, live)
        .with_scenario(Some(format!("{} · serving {url}", scenario.title)), scenario.calls.clone());
    let wiring = Wiring {
        engine: Some(serving.engine),
        restart: None,
        recorder: Some(Recorder::new(meta(&scenario))),
        record_path: live.record.clone(),
    };
    let code = event_loop::run(app, wiring).await;
    serving.server.abort();
    let _ = writeln!(stdout, "nearviz serve: stopped (root key was in {})", key_file.display());
    tracing::info!(log = %log.path.display(), "serve session ended");
    code
}

fn meta(scenario: &Scenario) -> Meta {
    let mut meta = Meta::now(serve::ENGINE_NAME);
    meta.note = Some(format!("nearviz serve: {}", scenario.title));
    meta
}

/// Runs an engine without the TUI: progress on stderr, `ready` and one line per transaction on
/// stdout, until SIGTERM/Ctrl-C (exit 0) or the engine goes down (exit 1); saves `record`.
pub async fn headless(
    engine: &mut crate::engine::EngineHandle,
    record: Option<&std::path::Path>,
    ready: &str,
) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    let mut recorder = Recorder::new(Meta::now(serve::ENGINE_NAME));
    let mut lines = TxLines::default();
    let failure = loop {
        let event = tokio::select! {
            event = engine.events.recv() => event,
            signal = interrupted() => {
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
        Some(error) => {
            let _ = writeln!(stderr, "nearviz: {error}");
            Ok(ExitCode::FAILURE)
        }
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

/// Ctrl-C, or SIGTERM on Unix.
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
