//! `NEARVIZ_RECORD_DIR`: the journal (`fixture::journal`) an engine appends its events to as it
//! produces them, before anyone hears of them (`nearviz serve`'s follower does).

use crate::exit::Failure;
use crate::fixture::journal::{JournalInfo, RECORD_DIR_ENV};
use crate::fixture::Meta;

pub use crate::fixture::journal::Journal;

/// A journal in `$NEARVIZ_RECORD_DIR` (created if missing) when it is set, else `None`, for
/// the engine named `engine` serving JSON-RPC at `rpc`; `rfc3339` formats nanoseconds since
/// the Unix epoch (the start time in its name). An unusable directory is bad input (exit code
/// 2), one line naming it.
pub fn from_env(
    engine: &str,
    rpc: &str,
    protocol_version: u32,
    rfc3339: fn(u64) -> String,
) -> anyhow::Result<Option<Journal>> {
    let Some(dir) = std::env::var_os(RECORD_DIR_ENV).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    let dir = std::path::PathBuf::from(dir);
    let pid = std::process::id();
    let mut meta = Meta::now(engine);
    meta.protocol_version = Some(protocol_version);
    meta.note = Some(format!("nearviz {engine} on {rpc}, pid {pid}"));
    let started = rfc3339(meta.created_at_ms.unwrap_or(0).saturating_mul(1_000_000));
    let info = JournalInfo { pid, rpc: Some(rpc.to_owned()) };
    Journal::create(&dir, &info, &meta, &started)
        .map(Some)
        .map_err(|err| Failure::bad_input(format!("{RECORD_DIR_ENV}: {err}")))
}
