//! `nearviz tx` without `--format`: the real binary opens the TUI (in tmux) on the read-only RPC
//! engine, fed by a loopback JSON-RPC server, shows the DAG and quits cleanly.

use crate::support::captures::{capture_node, Capture};
use crate::support::loopback::LoopbackRpc;
use crate::tmux::{self, Tmux};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tui_shows_an_rpc_transaction_and_quits() {
    tmux::require_tmux();
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
    let tmux = Tmux::start("rpc-tx", 130, 36, &command);
    // Followed live from UNKNOWN to FINAL: the three parallel callees and the callback appear.
    // The loopback server runs on this runtime's other worker while this one waits.
    let screen = tokio::task::block_in_place(|| {
        tmux.wait_for("the final DAG", |s| {
            s.contains("FINAL") && s.contains("get_greeting") && s.contains("multiple_callba")
        })
    });
    assert!(screen.contains("read-only") && screen.contains(&node.url), "{screen}");
    assert!(screen.contains(&capture.tx_hash[..12]), "{screen}");
    assert_eq!(node.count("EXPERIMENTAL_tx_status"), capture.polls.len(), "stopped at FINAL");
    tmux.keys(&["q"]);
    tokio::task::block_in_place(|| {
        tmux.wait_for("a clean exit", |s| s.contains("nearviz exited with 0"))
    });
}
