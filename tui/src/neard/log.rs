//! The sandbox's log: `nearviz.log` in the home, filtered by `NEAR_SANDBOX_LOG`, else
//! `RUST_LOG` (what near-sandbox launchers pass on), else `info`. Lines are written as they come
//! (no buffer to flush): a SIGKILL loses none.

use anyhow::Context;
use std::path::Path;
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;

pub fn init(path: &Path) -> anyhow::Result<()> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open the log file {}", path.display()))?;
    let filter = EnvFilter::try_from_env("NEAR_SANDBOX_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info"));
    // A second init in one process (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .try_init();
    Ok(())
}
