//! The real `nearviz` binary as users call it: its output, and a run stopped by a signal.

use crate::support::child::Guarded;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `program` run in `dir`, with its home and data directory (`data/`) there and no neard.
fn command_in(program: &str, dir: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env_remove("NEAR_SANDBOX_BIN_PATH");
    command
}

/// `nearviz ARGS` in `dir`, with its home and data directory there and no neard.
pub fn nearviz(args: &[&str], dir: &Path) -> Output {
    command_in(env!("CARGO_BIN_EXE_nearviz"), dir).args(args).output().expect("run nearviz")
}

/// A temporary directory the real binary runs in, as its current directory, `HOME` and data
/// directory, with no neard unless a command sets `NEAR_SANDBOX_BIN_PATH`.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Home { dir: tempfile::tempdir().expect("tempdir") }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `program` (nearviz, or a shell wrapping it) run in this home.
    pub fn command(&self, program: &str) -> Command {
        command_in(program, self.dir.path())
    }

    /// `nearviz` run in this home.
    pub fn nearviz(&self) -> Command {
        self.command(env!("CARGO_BIN_EXE_nearviz"))
    }
}

/// `nearviz diff A B EXTRA...` in `dir`.
pub fn diff(a: &Path, b: &Path, extra: &[&str], dir: &Path) -> Output {
    let (a, b) = (a.to_str().expect("utf8 path"), b.to_str().expect("utf8 path"));
    let mut args = vec!["diff", a, b];
    args.extend_from_slice(extra);
    nearviz(&args, dir)
}

/// The arguments of `nearviz tx TX --sender SENDER --rpc URL MORE...`.
pub fn tx_args(tx: &str, sender: &str, rpc: &str, more: &[&str]) -> Vec<String> {
    let mut args = vec!["tx", tx, "--sender", sender, "--rpc", rpc];
    args.extend_from_slice(more);
    args.into_iter().map(String::from).collect()
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Starts `command` (a `run --all` with stderr piped), waits until the second built-in call
/// starts (the first is then recorded), sends `SIG<signal>`, and checks it exits 1. Returns
/// stderr before and after the signal.
pub fn interrupt_at_the_second_call(command: &mut Command, signal: &str) -> (String, String) {
    let mut child = Guarded::spawn(command.stderr(Stdio::piped()), "nearviz run");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut seen = String::new();
    while !seen.contains("→ change_greeting") {
        let mut line = String::new();
        if stderr.read_line(&mut line).expect("read stderr") == 0 {
            panic!("nearviz ended early: {seen}");
        }
        seen.push_str(&line);
    }
    let sent = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status();
    assert!(sent.expect("kill").success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).expect("read stderr");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(1), "{seen}{rest}");
    (seen, rest)
}

/// `nearviz` (`command`, its environment set) runs every built-in call on the embedded runtime
/// with `--record RECORD`; once the second call starts, the first is in the recording, and it
/// gets `SIG<signal>`. It must exit 1, say it was interrupted, and leave a recording that loads
/// with the first call in it.
pub fn interrupted_run_saves_the_recording(mut command: Command, record: &Path, signal: &str) {
    command
        .args(["run", "--all", "--engine", "embedded", "--record"])
        .arg(record)
        .stdout(Stdio::piped());
    let (_, rest) = interrupt_at_the_second_call(&mut command, signal);
    assert!(rest.contains(&format!("interrupted by SIG{signal}")), "{rest}");
    let recording = nearviz::fixture::load(record).expect("the recording loads");
    let dag = nearviz::model::Trace::from_events(recording.chain_events()).dag();
    assert_eq!(dag.transactions[0].label.as_deref(), Some("query_greeting"));
}
