//! `nearviz run` as users call it: the real binary, the embedded runtime (offline), engine
//! selection and its reasons, exit codes, `--record`, and neard failures kept off the terminal.

use crate::support::cli::{interrupted_run_saves_the_recording, text};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Env { dir: tempfile::tempdir().expect("tempdir") }
    }

    /// `nearviz ARGS` with its data directory (neard logs, remembered downloads) in the temp dir
    /// and no `NEAR_SANDBOX_BIN_PATH` unless given.
    fn run(&self, args: &[&str], neard: Option<&Path>) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_nearviz"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            // The stand-ins below are spawned whatever this machine's open-files limit.
            .env("NEARVIZ_NEARD_NOFILE", "0")
            .env_remove("NEAR_SANDBOX_BIN_PATH");
        if let Some(neard) = neard {
            command.env("NEAR_SANDBOX_BIN_PATH", neard);
        }
        command.output().expect("run nearviz")
    }

    /// A stand-in that fails the way neard does when it cannot raise its open-files limit
    /// (message from nearcore's `neard/src/main.rs`), after printing to stdout.
    fn fd_limited_neard(&self) -> PathBuf {
        let path = self.dir.path().join("neard");
        let script = "#!/bin/sh\necho 'neard starting on stdout'\n\
                      echo \"Error: couldn't set the file descriptor limit to 65535, hard limit = 4096\" >&2\n\
                      exit 1\n";
        std::fs::write(&path, script).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    }
}

#[test]
fn embedded_run_prints_json_and_records_a_fixture() {
    let env = Env::new();
    let record = env.dir.path().join("session.json");
    let args = [
        "run",
        "--call",
        "query_greeting",
        "--call",
        "forward_deposit",
        "--engine",
        "embedded",
        "--format",
        "json",
        "--record",
        record.to_str().expect("utf-8 path"),
    ];
    let out = env.run(&args, None);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let labels: Vec<&str> = json["transactions"]
        .as_array()
        .expect("transactions")
        .iter()
        .filter_map(|t| t["label"].as_str())
        .collect();
    assert_eq!(labels, ["query_greeting", "forward_deposit"]);
    let recording = nearviz::fixture::load(&record).expect("the recording loads");
    assert_eq!(recording.meta.engine.as_deref(), Some("embedded"));
    let dag = nearviz::model::Trace::from_events(recording.chain_events()).dag();
    assert_eq!(dag.transactions.len(), 2);
    assert!(text(&out.stderr).contains("recorded"), "{}", text(&out.stderr));
}

#[test]
fn bad_input_exits_2_with_the_reason() {
    let env = Env::new();
    let out = env.run(&["run", "--engine", "embedded"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--call NAME or --all (calls: query_greeting,"));

    let out = env.run(&["run", "--call", "nope", "--engine", "embedded"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no call named `nope`"));

    let scenario = env.dir.path().join("mine.toml");
    std::fs::write(&scenario, "title = \"x\"\n[[call]]\nname = \"a\"\nsigner = \"zed\"\nreceiver = \"zed\"\nmethod = \"m\"\nexplain = \"\"\n")
        .expect("write");
    let out = env.run(&["run", scenario.to_str().expect("utf-8"), "--all"], None);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("mine.toml:4: call `a`: unknown signer `zed`"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn auto_without_neard_uses_the_embedded_runtime_and_says_why() {
    let env = Env::new();
    let out = env.run(&["run", "--call", "query_greeting"], None);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "engine embedded ready: auto: no neard binary (NEAR_SANDBOX_BIN_PATH is unset)"
        ),
        "{stderr}"
    );
    assert!(text(&out.stdout).contains("query_greeting"));
}

#[test]
fn neard_open_files_limit_is_one_clear_error() {
    let env = Env::new();
    let neard = env.fd_limited_neard();
    let out = env.run(&["run", "--all", "--engine", "sandbox"], Some(&neard));
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("nearviz: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].starts_with(
            "nearviz: neard: couldn't set the file descriptor limit to 65535, hard limit = 4096"
        ),
        "{stderr}"
    );
    assert!(errors[0].contains("ulimit -n 65535") && errors[0].contains("--engine embedded"));
    // neard's own output went to its log file, not to the terminal.
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(!stderr.contains("neard starting on stdout"), "{stderr}");
    let log = env.dir.path().join("data/nearviz/logs/neard.log");
    assert!(std::fs::read_to_string(&log).expect("neard log").contains("neard starting on stdout"));
}

#[test]
fn auto_falls_back_to_embedded_when_neard_cannot_start() {
    let env = Env::new();
    let neard = env.fd_limited_neard();
    let out = env.run(&["run", "--call", "chain"], Some(&neard));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "engine embedded ready: auto: the sandbox failed (neard: couldn't set the file \
             descriptor limit to 65535, hard limit = 4096); embedded runtime instead"
        ),
        "{stderr}"
    );
}

#[test]
fn missing_neard_path_is_not_downloaded_over() {
    let env = Env::new();
    let out =
        env.run(&["run", "--all", "--engine", "sandbox"], Some(Path::new("/nonexistent/neard")));
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no neard binary: NEAR_SANDBOX_BIN_PATH=/nonexistent/neard is not a file; set NEAR_SANDBOX_BIN_PATH"),
        "{stderr}"
    );
    assert!(!stderr.contains("downloading"), "{stderr}");
}

#[test]
fn sigterm_saves_the_recording_and_stops_cleanly() {
    let env = Env::new();
    let record = env.dir.path().join("partial.json");
    let mut command = Command::new(env!("CARGO_BIN_EXE_nearviz"));
    command.env("XDG_DATA_HOME", env.dir.path().join("data")).env_remove("NEAR_SANDBOX_BIN_PATH");
    interrupted_run_saves_the_recording(command, &record, "TERM");
}
