//! The terminal while the TUI runs: raw mode, alternate screen, mouse capture, restored on
//! drop, on error and on panic; the event loop that connects the terminal, the engine, the
//! app and the ui. Logging goes to a file, never to the screen.

pub mod event_loop;

pub use event_loop::{run, Restart, Wiring};

use anyhow::Context;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use ratatui::DefaultTerminal;
use std::path::{Path, PathBuf};

/// Owns the terminal; dropping it restores the terminal as it was.
pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
}

impl TerminalGuard {
    pub fn new() -> anyhow::Result<Self> {
        // ratatui installs a panic hook that restores raw mode and the main screen; wrap it so
        // mouse capture is switched off first.
        let terminal =
            ratatui::try_init().context("cannot set up the terminal (is this a TTY?)")?;
        let ratatui_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(std::io::stdout(), DisableMouseCapture);
            ratatui_hook(info);
        }));
        if let Err(err) = execute!(std::io::stdout(), EnableMouseCapture) {
            tracing::warn!("no mouse capture: {err}");
        }
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}

/// Keeps the log writer alive; logs stop when dropped.
pub struct LogGuard {
    _worker: Option<tracing_appender::non_blocking::WorkerGuard>,
    pub path: PathBuf,
}

/// The default log file: `<data dir>/nearviz.log`.
pub fn default_log_path() -> PathBuf {
    directories::ProjectDirs::from("", "", "nearviz")
        .map(|dirs| dirs.data_dir().join("nearviz.log"))
        .unwrap_or_else(|| std::env::temp_dir().join("nearviz.log"))
}

/// Send `tracing` output to `path` (or the default). Filter with `NEARVIZ_LOG` (default `info`).
pub fn init_logging(path: Option<&Path>) -> anyhow::Result<LogGuard> {
    let path = path.map_or_else(default_log_path, Path::to_path_buf);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the log directory {}", dir.display()))?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("cannot open the log file {}", path.display()))?;
    let (writer, worker) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("NEARVIZ_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .is_ok();
    Ok(LogGuard { _worker: installed.then_some(worker), path })
}
