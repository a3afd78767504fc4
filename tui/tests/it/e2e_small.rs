//! The real `nearviz` binary live on the embedded runtime in an 80×24 terminal (the default of
//! most terminals, and of a projector with a large font): `multiple_contracts` shows its three
//! parallel callees, and the header keeps the block and the count in flight.

use crate::tmux::Tmux;

#[test]
fn multiple_contracts_fits_an_80x24_terminal() {
    let tmux = Tmux::live_embedded("small", 80, 24);
    tmux.keys(&["4"]);
    let screen = tmux.wait_for("multiple_contracts", |s| {
        s.contains("multiple_contracts · tx") && s.contains("✔ FINAL")
    });
    for callee in ["hello", ".get_greeting", "counter", ".get_num", "guestbook", ".get_messages"] {
        assert!(screen.contains(callee), "{callee} on screen:\n{screen}");
    }
    let header = screen.lines().next().unwrap_or_default();
    assert!(header.contains("embedded"), "the engine in the header: {header}");
    assert!(header.contains("block #"), "the block in the header: {header}");
    assert!(header.contains("0 in flight"), "the count in flight in the header: {header}");
    // The help pages instead of cutting its descriptions.
    tmux.keys(&["?"]);
    let help = tmux.wait_for("the help", |s| s.contains("Keys · page 1/"));
    assert!(help.contains("any other key closes this help"), "{help}");
    // A key closes it (not esc: esc then q could read as alt-q).
    tmux.keys(&["x"]);
    tmux.wait_for("the help closed", |s| !s.contains("Keys · page"));
    tmux.keys(&["q"]);
    let after = tmux.wait_for("exit", |s| s.contains("nearviz exited with"));
    assert!(after.contains("nearviz exited with 0"), "{after}");
}
