//! `nearviz replay DIR`: the recordings `NEARVIZ_RECORD_DIR` left in DIR, one per serving
//! instance (a test run's sandboxes), oldest first and numbered. On a terminal it then asks which
//! one to open in the TUI; otherwise (scripts, CI logs) it only lists them.
//! `nearviz replay DIR/FILE` opens one directly.

use crate::chain::ChainEvent;
use crate::exit::Failure;
use crate::fixture::journal::{self, JournalInfo, EXTENSION, RECORD_DIR_ENV};
use crate::fixture::{self, Meta};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// One recording in the directory.
#[derive(Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub info: JournalInfo,
    pub meta: Meta,
    /// Transactions it holds (sent, finished or not).
    pub transactions: usize,
    /// What reading it said: a skipped half-written line, or why it cannot be opened.
    pub note: Option<String>,
}

/// Lists the recordings in `dir`; on a terminal, the one the user picked (`None`: none).
pub fn choose(dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    let entries = list(dir)?;
    let mut stdout = std::io::stdout();
    write_list(dir, &entries, &mut stdout)?;
    if !(std::io::stdin().is_terminal() && stdout.is_terminal()) {
        writeln!(stdout, "open one: nearviz replay {}", dir.join("FILE").display())?;
        return Ok(None);
    }
    Ok(ask(&entries, &mut stdout)?.map(|entry| entry.path.clone()))
}

/// The journals in `dir`, oldest first. No journal in it is bad input.
pub fn list(dir: &Path) -> anyhow::Result<Vec<Entry>> {
    let bad = |why: String| Failure::bad_input(format!("{}: {why}", dir.display()));
    let read = std::fs::read_dir(dir).map_err(|e| bad(format!("cannot read it ({e})")))?;
    let mut entries: Vec<Entry> = read
        .filter_map(|item| item.ok().map(|item| item.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == EXTENSION))
        .filter_map(|path| journal::header(&path).map(|(info, meta)| entry(path, info, meta)))
        .collect();
    if entries.is_empty() {
        return Err(bad(format!("no recordings in it (the files {RECORD_DIR_ENV} writes)")));
    }
    entries.sort_by(|a, b| (a.meta.created_at_ms, &a.path).cmp(&(b.meta.created_at_ms, &b.path)));
    Ok(entries)
}

fn entry(path: PathBuf, info: JournalInfo, meta: Meta) -> Entry {
    let (transactions, note) = match fixture::load(&path) {
        Ok(recording) => {
            let sent = recording
                .events
                .iter()
                .filter(|e| matches!(e.event, ChainEvent::TxSubmitted { .. }))
                .count();
            (sent, recording.warnings.first().cloned())
        }
        // A header alone: the instance has not sent anything (yet).
        Err(fixture::FixtureError::Invalid { what, .. }) if what.starts_with("no transaction") => {
            (0, None)
        }
        Err(err) => (0, Some(format!("cannot be opened: {err}"))),
    };
    Entry { path, info, meta, transactions, note }
}

/// The numbered table.
pub fn write_list(dir: &Path, entries: &[Entry], out: &mut impl Write) -> std::io::Result<()> {
    let count = entries.len();
    let plural = if count == 1 { "" } else { "s" };
    writeln!(out, "{count} recording{plural} in {}, oldest first:", dir.display())?;
    writeln!(out, "  #  started (UTC)        pid       txs  file")?;
    for (i, e) in entries.iter().enumerate() {
        let started = e.meta.created_at_ms.map_or_else(
            || "?".repeat(19),
            |ms| {
                let full = crate::serve::time::rfc3339(ms.saturating_mul(1_000_000));
                full.chars().take(19).collect::<String>().replace('T', " ")
            },
        );
        let file = e.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let note = e.note.as_ref().map(|n| format!("  ({n})")).unwrap_or_default();
        let (n, pid, txs) = (i + 1, e.info.pid, e.transactions);
        writeln!(out, "{n:>3}  {started}  {pid:<8}{txs:>5}  {file}{note}")?;
    }
    Ok(())
}

/// Asks for a number until one names a recording; `None` on an empty answer or end of input.
fn ask<'a>(entries: &'a [Entry], out: &mut impl Write) -> std::io::Result<Option<&'a Entry>> {
    let stdin = std::io::stdin();
    loop {
        write!(out, "open # (1-{}, enter quits): ", entries.len())?;
        out.flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 || line.trim().is_empty() {
            return Ok(None);
        }
        match line.trim().parse::<usize>() {
            Ok(n) if (1..=entries.len()).contains(&n) => return Ok(entries.get(n - 1)),
            _ => writeln!(out, "no recording #{}", line.trim())?,
        }
    }
}
