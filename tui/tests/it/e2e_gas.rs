//! The real `nearviz` binary live on the embedded runtime, in an 80×24 tmux terminal: send
//! `multiple_contracts`, select xcc's receipt, `b` shows where its gas went under the DAG
//! (which stays on screen), `B` every single cost, `m` the session's gas report; quit cleanly.

use crate::tmux::Tmux;

#[test]
fn the_gas_keys_on_the_real_binary() {
    let tmux = Tmux::live_embedded("gas", 80, 24);
    tmux.keys(&["4"]);
    tmux.wait_for("multiple_contracts", |s| {
        s.contains("multiple_contracts · tx") && s.contains("✔ FINAL")
    });
    // The transaction is selected; → selects xcc's multiple_contracts receipt.
    tmux.keys(&["Right", "b"]);
    let screen = tmux.wait_for("the chart", |s| s.contains("Where the gas went · receipt"));
    assert!(screen.contains("by group (B: every cost)"), "{screen}");
    assert!(screen.contains("own exec fees (unprofiled)"), "{screen}");
    assert!(screen.contains("action FUNCTION_CALL"), "{screen}");
    assert!(screen.contains('█') && screen.contains(" Tgas "), "bars and figures:\n{screen}");
    assert!(screen.contains("tx #"), "the DAG stays on screen:\n{screen}");
    tmux.keys(&["B"]);
    let costs = tmux.wait_for("every cost", |s| s.contains("every cost (B: by group)"));
    assert!(costs.contains("FUNCTION_CALL_BASE"), "{costs}");
    // The session's gas report, in place of the DAG.
    tmux.keys(&["m"]);
    let report = tmux.wait_for("the gas report", |s| s.contains("Gas report ·"));
    assert!(report.contains("multiple_contracts"), "{report}");
    assert!(report.contains("median"), "{report}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("the DAG again", |s| !s.contains("Gas report ·") && s.contains("tx #"));
    tmux.keys(&["q"]);
    let after = tmux.wait_for("exit", |s| s.contains("nearviz exited with"));
    assert!(after.contains("nearviz exited with 0"), "{after}");
}
