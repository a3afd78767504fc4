//! The real `nearviz` binary live on the embedded runtime, in tmux: send example calls with
//! keys, watch their DAGs complete, pause the chain and step blocks by hand, quit cleanly.

use crate::tmux::{nearviz_binary, Tmux};
use std::time::Duration;

#[test]
fn live_on_the_embedded_runtime() {
    let bin = nearviz_binary();
    let log = tempfile::NamedTempFile::new().expect("log file");
    let command = format!(
        "{} --engine embedded --log {}; echo \"nearviz exited with $?\"; sleep 60",
        bin.display(),
        log.path().display()
    );
    let tmux = Tmux::start("live", 150, 40, &command);
    tmux.wait_for("the engine", |s| s.contains("press 1-9 to send a call"));
    // 4 = multiple_contracts: three parallel callees joined in one callback.
    tmux.keys(&["4"]);
    let screen = tmux.wait_for("multiple_contracts to finish", |s| {
        s.contains("multiple_contracts · tx") && s.contains("✔ FINAL")
    });
    assert!(screen.contains("nearviz · embedded · protocol"), "{screen}");
    assert!(screen.contains("in flight · --engine embedded"), "{screen}");
    assert!(screen.contains("Workshop · multiple_contracts"), "{screen}");
    // Pause the chain: a new call stays pending until blocks are produced by hand.
    tmux.keys(&["Space"]);
    tmux.wait_for("manual blocks", |s| s.contains("manual blocks"));
    tmux.keys(&["5"]);
    tmux.wait_for("the call included", |s| s.contains("call_failing_with_rollback · tx"));
    for _ in 0..8 {
        tmux.keys(&["n"]);
        std::thread::sleep(Duration::from_millis(300));
    }
    let screen = tmux.wait_for("the failing callee", |s| s.contains(".fail") && s.contains('✘'));
    assert!(screen.contains("History (2)"), "{screen}");
    tmux.keys(&["q"]);
    let after = tmux.wait_for("exit", |s| s.contains("nearviz exited with"));
    assert!(after.contains("nearviz exited with 0"), "{after}");
    assert!(!after.contains("┌ Calls"), "terminal restored:\n{after}");
}
