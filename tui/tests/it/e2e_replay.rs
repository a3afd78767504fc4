//! The real `nearviz` binary in a real terminal (tmux): replay a reference capture, read the
//! screen, drive it with keys, quit, and check the terminal came back.

use crate::model_common::capture as reference_capture;
use crate::tmux::{nearviz_binary, Tmux};
use std::process::Command;

#[test]
fn replay_plays_a_capture_and_quits_cleanly() {
    let bin = nearviz_binary();
    let capture = reference_capture("multiple_contracts");
    let log = tempfile::NamedTempFile::new().expect("log file");
    let command = format!(
        "{} replay {} --log {}; echo \"nearviz exited with $?\"; sleep 60",
        bin.display(),
        capture.display(),
        log.path().display()
    );
    let tmux = Tmux::start("replay", 130, 36, &command);
    // It plays by itself: the whole DAG appears, with the failed third callee.
    let screen =
        tmux.wait_for("the callback", |s| s.contains("multiple_callba") && s.contains("■ end"));
    assert!(screen.contains("nearviz · replay ·"), "{screen}");
    assert!(screen.contains("in flight · multiple_contracts.json"), "{screen}");
    assert!(
        screen.contains("get_greeting") && screen.contains("increment") && screen.contains("fail")
    );
    assert!(screen.contains('✘'), "the failing callee is marked");
    // Keys: last receipt (the callback) -> its details list the three inputs.
    tmux.keys(&["G"]);
    tmux.wait_for("callback details", |s| s.contains("#2 ✘ Failed"));
    // Refunds on, back one block, help.
    tmux.keys(&["r"]);
    tmux.wait_for("refunds", |s| s.contains("refund →"));
    tmux.keys(&["p"]);
    tmux.wait_for("one block back", |s| s.contains("❚❚ paused") && s.contains("step 5/6"));
    tmux.keys(&["?"]);
    tmux.wait_for("help", |s| s.contains("step one block back"));
    tmux.keys(&["Escape"]);
    // `q` only once Escape was read: an ESC followed at once by `q` reads as alt+q.
    tmux.wait_for("help closed", |s| !s.contains("step one block back"));
    tmux.keys(&["q"]);
    let after = tmux.wait_for("exit", |s| s.contains("nearviz exited with"));
    assert!(after.contains("nearviz exited with 0"), "{after}");
    assert!(!after.contains("┌ Replay"), "the alternate screen is gone:\n{after}");
    // Nothing of the TUI leaked into the log as terminal output, and the log was written.
    let logged = std::fs::read_to_string(log.path()).expect("log readable");
    assert!(logged.contains("replay"), "log: {logged}");
}

#[test]
fn a_tiny_terminal_is_told_its_minimum_size() {
    let bin = nearviz_binary();
    let capture = reference_capture("query_greeting");
    let command = format!("{} replay {} --log /dev/null", bin.display(), capture.display());
    let tmux = Tmux::start("tiny", 50, 12, &command);
    let screen = tmux.wait_for("the size message", |s| s.contains("at least 70×18"));
    assert!(screen.contains("now 50×12"), "{screen}");
    // Growing the window brings the TUI back.
    tmux.resize(120, 32);
    tmux.wait_for("the TUI after resizing", |s| s.contains("nearviz · replay"));
    tmux.keys(&["q"]);
}

#[test]
fn a_bad_file_is_refused_with_a_clear_message() {
    let bin = nearviz_binary();
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "{ not json").expect("write");
    let out = Command::new(&bin).arg("replay").arg(&bad).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.json") && err.contains("JSON"), "{err}");
    let missing =
        Command::new(&bin).args(["replay", "/nonexistent/x.json"]).output().expect("runs");
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/x.json"));
}
