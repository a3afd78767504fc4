//! `nearviz tx` without `--format`: the real binary opens the TUI (in tmux) on the read-only RPC
//! engine, fed by a loopback JSON-RPC server, shows the DAG and quits cleanly.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};
use support::captures::{capture_node, Capture};
use support::loopback::LoopbackRpc;

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(command: &str) -> Tmux {
        let session = format!("nearviz-rpc-tx-{}", std::process::id());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &session, "-x", "130", "-y", "36", command])
            .env("TERM", "xterm-256color")
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Tmux { session }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    async fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; screen:\n{screen}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.session]).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tui_shows_an_rpc_transaction_and_quits() {
    if !Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let capture = Capture::load("multiple_contracts");
    let node = LoopbackRpc::start(capture_node(vec![capture.clone()], 1)).await;
    let log = tempfile::NamedTempFile::new().expect("log file");
    let command = format!(
        "{} tx {} --sender {} --rpc {} --log {}; echo \"nearviz exited with $?\"; sleep 60",
        env!("CARGO_BIN_EXE_nearviz"),
        capture.tx_hash,
        capture.sender,
        node.url,
        log.path().display()
    );
    let tmux = Tmux::start(&command);
    // Followed live from UNKNOWN to FINAL: the three parallel callees and the callback appear.
    let screen = tmux
        .wait_for("the final DAG", |s| {
            s.contains("FINAL") && s.contains("get_greeting") && s.contains("multiple_callba")
        })
        .await;
    assert!(screen.contains("read-only") && screen.contains(&node.url), "{screen}");
    assert!(screen.contains(&capture.tx_hash[..12]), "{screen}");
    assert_eq!(node.count("EXPERIMENTAL_tx_status"), capture.polls.len(), "stopped at FINAL");
    let status = Command::new("tmux").args(["send-keys", "-t", &tmux.session, "q"]).status();
    assert!(status.is_ok_and(|s| s.success()));
    tmux.wait_for("a clean exit", |s| s.contains("nearviz exited with 0")).await;
}
