//! The real `nearviz` binary live on the embedded runtime, in tmux: send two calls, press `t`
//! for the session timeline, move to a row, open its DAG with enter, quit cleanly.

use crate::tmux::Tmux;

#[test]
fn the_timeline_key_on_the_real_binary() {
    let tmux = Tmux::live_embedded("timeline", 150, 40);
    // 1 = query_greeting, then 4 = multiple_contracts (a callback: a shaded window).
    tmux.keys(&["1"]);
    tmux.wait_for("query_greeting", |s| s.contains("query_greeting · tx") && s.contains("✔ FINAL"));
    tmux.keys(&["4"]);
    tmux.wait_for("multiple_contracts", |s| {
        s.contains("multiple_contracts · tx") && s.contains("✔ FINAL")
    });
    tmux.keys(&["t"]);
    let screen = tmux.wait_for("the timeline", |s| s.contains("Timeline · 2 transactions"));
    assert!(screen.contains("▸✔ multiple_contra"), "opens on the open transaction:\n{screen}");
    assert!(screen.contains('░'), "multiple_contracts' callback window is shaded:\n{screen}");
    assert!(screen.contains("1 callback window: no other call ran"), "{screen}");
    assert!(screen.contains("xcc.test.near"), "the receivers' legend:\n{screen}");
    // Up to query_greeting, enter: its DAG.
    tmux.keys(&["k"]);
    tmux.wait_for("the first row", |s| s.contains("▸✔ query_greeting"));
    assert!(screen.contains(" ✔ query_greeting"), "both rows show:\n{screen}");
    tmux.keys(&["Enter"]);
    let screen = tmux
        .wait_for("its DAG", |s| !s.contains("Timeline ·") && s.contains("query_greeting · tx"));
    assert!(screen.contains("History (2)"), "{screen}");
    tmux.keys(&["q"]);
    let after = tmux.wait_for("exit", |s| s.contains("nearviz exited with"));
    assert!(after.contains("nearviz exited with 0"), "{after}");
}
