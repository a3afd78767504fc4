//! Start-up failures, with real processes: a binary that is not neard, and a script that
//! fails the way neard does when it cannot raise its open-files limit (nearcore's message).

use super::*;
use std::os::unix::fs::PermissionsExt;

fn script(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("fake-neard");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

#[tokio::test]
async fn fd_limit_failure_is_explained_and_logged_not_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let binary = script(
        dir.path(),
        "echo starting\necho 'Error: couldn'\"'\"'t set the file descriptor limit to 65535, hard limit = 4096' >&2\nexit 1",
    );
    let log = dir.path().join("logs/neard.log");
    let err = Node::start(&binary, &log, None).await.err().expect("must fail");
    let message = err.to_string();
    assert!(matches!(err, SandboxError::FdLimit { .. }), "{message}");
    assert!(
        message.starts_with(
            "neard: couldn't set the file descriptor limit to 65535, hard limit = 4096 (this shell allows"
        ),
        "{message}"
    );
    assert!(message.contains("ulimit -n 65535"), "{message}");
    assert!(message.contains("--engine embedded"), "{message}");
    let logged = std::fs::read_to_string(&log).expect("log");
    assert!(logged.contains("starting") && logged.contains("hard limit = 4096"), "{logged}");
}

#[tokio::test]
async fn init_failure_names_the_step_and_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let binary = script(dir.path(), "echo 'error: unexpected argument' >&2\nexit 2");
    let log = dir.path().join("neard.log");
    let err = Node::start(&binary, &log, None).await.err().expect("must fail");
    let message = err.to_string();
    assert!(message.starts_with("neard init failed (exit status: 2): error: unexpected argument"));
    assert!(message.contains(&log.display().to_string()), "{message}");
}

#[tokio::test]
async fn run_exiting_early_is_reported_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    // `init` succeeds and writes a config; `run` dies: the error must come fast, not after the
    // start timeout.
    let binary = script(
        dir.path(),
        "case \"$3\" in\n init) echo '{\"store\":{}}' > \"$2/config.json\"; exit 0;;\n run) echo 'thread main panicked: boom' >&2; exit 101;;\nesac",
    );
    let log = dir.path().join("neard.log");
    let started = std::time::Instant::now();
    let err = Node::start(&binary, &log, None).await.err().expect("must fail");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    let message = err.to_string();
    assert!(message.starts_with("neard run failed (exit status: 101): thread main panicked: boom"));
}

#[test]
fn config_gets_near_sandbox_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("config.json"), r#"{"store":{"path":"data"},"rpc":{}}"#)
        .expect("write");
    configure(dir.path()).expect("configure");
    let text = std::fs::read_to_string(dir.path().join("config.json")).expect("read");
    let config: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(config["store"]["path"], "data");
    assert!(config["store"]["max_open_files"].as_u64().is_some_and(|n| n > 0));
}

#[test]
fn reads_open_files_limits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("limits");
    std::fs::write(
        &path,
        "Limit                     Soft Limit           Hard Limit           Units     \n\
         Max processes             95744                95744                processes \n\
         Max open files            1024                 4096                 files     \n",
    )
    .expect("write");
    assert_eq!(read_limits(&path).as_deref(), Some("soft 1024, hard 4096 open files"));
    if cfg!(target_os = "linux") {
        assert!(open_files_limits().starts_with("soft "), "{}", open_files_limits());
    }
}

#[test]
fn last_lines_skip_blanks_and_colours() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log");
    std::fs::write(&path, "first\n\u{1b}[31mERROR\u{1b}[0m bad thing\n\n  \n").expect("write");
    assert_eq!(last_lines(&path, 1), "ERROR bad thing");
    assert_eq!(last_lines(&path, 3), "first | ERROR bad thing");
    assert_eq!(last_lines(&dir.path().join("missing"), 3), "(no output)");
}

#[test]
fn free_ports_are_distinct() {
    let (rpc, net) = free_ports().expect("ports");
    assert_ne!(rpc, net);
    assert!(rpc > 0 && net > 0);
}

#[test]
fn hard_open_files_limit_below_neards_is_refused_before_spawning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("limits");
    let limits = |hard: &str| {
        format!("Limit  Soft Limit  Hard Limit  Units\nMax open files  1024  {hard}  files\n")
    };
    std::fs::write(&path, limits("20000")).expect("write");
    let err = check_hard_limit(&path, NEARD_NOFILE).expect_err("too low");
    let message = err.to_string();
    assert!(matches!(err, SandboxError::FdLimit { .. }), "{message}");
    assert!(message.contains("the hard limit is 20000"), "{message}");
    assert!(message.contains("ulimit -n 65535") && !message.contains('\n'), "{message}");
    assert!(check_hard_limit(&path, 0).is_ok(), "0 turns the check off");
    std::fs::write(&path, limits("unlimited")).expect("write");
    assert!(check_hard_limit(&path, NEARD_NOFILE).is_ok());
    std::fs::write(&path, limits("65535")).expect("write");
    assert!(check_hard_limit(&path, NEARD_NOFILE).is_ok());
    assert!(check_hard_limit(&dir.path().join("missing"), NEARD_NOFILE).is_ok());
}
