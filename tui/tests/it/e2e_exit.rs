//! Exit paths of the live TUI with the real binary in a real terminal (tmux): closing the
//! terminal (SIGHUP to the whole session) and SIGTERM still save `--record`, and the exit code
//! follows the contract (1: interrupted).

use crate::tmux::{nearviz_binary, require_tmux, Tmux};
use std::path::Path;
use std::time::{Duration, Instant};

/// nearviz live on the embedded runtime, recording to `record`, one call sent and FINAL.
fn live_with_one_call(name: &str, record: &Path, log: &Path) -> Tmux {
    require_tmux();
    let command = format!(
        "{} --engine embedded --record {} --log {}; echo \"nearviz exited with $?\"; sleep 60",
        nearviz_binary().display(),
        record.display(),
        log.display()
    );
    let tmux = Tmux::start(name, 150, 40, &command);
    tmux.wait_for("the engine", |s| s.contains("press 1-9 to send a call"));
    tmux.keys(&["1"]);
    tmux.wait_for("query_greeting to finish", |s| {
        s.contains("query_greeting · tx") && s.contains("✔ FINAL")
    });
    tmux
}

/// The pid of the shell's child (nearviz) in the session's only pane.
fn nearviz_pid(tmux: &Tmux) -> String {
    let out = std::process::Command::new("tmux")
        .args(["display-message", "-p", "-t", &tmux.session, "#{pane_pid}"])
        .output()
        .expect("tmux display");
    let shell = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
        .expect("children of the pane's shell");
    children.split_whitespace().next().expect("nearviz runs in the pane").to_owned()
}

fn wait_for_file(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !path.exists() {
        assert!(Instant::now() < deadline, "{} was not saved", path.display());
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn assert_recorded_query_greeting(record: &Path) {
    let recording = nearviz::fixture::load(record).expect("the recording loads");
    let dag = nearviz::model::Trace::from_events(recording.chain_events()).dag();
    assert_eq!(dag.transactions.len(), 1);
    assert_eq!(dag.transactions[0].label.as_deref(), Some("query_greeting"));
}

#[test]
fn closing_the_terminal_saves_the_recording() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (record, log) = (dir.path().join("hup.json"), dir.path().join("nearviz.log"));
    let tmux = live_with_one_call("hup", &record, &log);
    assert!(!record.exists(), "saved before quitting?");
    // What closing a terminal window does: SIGHUP to the session's processes.
    drop(tmux);
    wait_for_file(&record);
    assert_recorded_query_greeting(&record);
}

#[test]
fn sigterm_saves_the_recording_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (record, log) = (dir.path().join("term.json"), dir.path().join("nearviz.log"));
    let tmux = live_with_one_call("term", &record, &log);
    let pid = nearviz_pid(&tmux);
    let sent = std::process::Command::new("kill").args(["-TERM", &pid]).status();
    assert!(sent.expect("kill").success());
    let after = tmux.wait_for("exit", |s| s.contains("nearviz exited with"));
    assert!(after.contains("nearviz exited with 1"), "{after}");
    assert!(!after.contains("┌ Calls"), "terminal restored:\n{after}");
    assert_recorded_query_greeting(&record);
}
