//! The real `nearviz` binary live on the embedded runtime, in an 80×24 tmux terminal: send
//! `multiple_contracts`, select xcc's receipt, `b` shows where its gas went under the DAG
//! (which stays on screen), `u` its figures in gas units, NEAR and Tgas again, `B` every single
//! cost, `m` the session's gas report; quit cleanly.

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
    assert!(burnt(&screen).is_some_and(|b| b.ends_with(" Tgas")), "{screen}");
    // u: the chart's figures follow the gas unit, as the rest of the screen does.
    tmux.keys(&["u"]);
    let gas = tmux.wait_for("gas units", |s| burnt(s).is_some_and(|b| b.ends_with(" gas")));
    let raw = burnt(&gas).and_then(|b| b.trim_end_matches(" gas").parse::<u64>().ok());
    assert!(raw.is_some_and(|g| g > 1_000_000_000_000), "raw gas burnt:\n{gas}");
    assert!(!chart(&gas).contains("Tgas") && chart(&gas).contains(" gas "), "{gas}");
    tmux.keys(&["u"]);
    let near = tmux.wait_for("NEAR", |s| burnt(s).is_some_and(|b| b.ends_with(" NEAR")));
    assert!(burnt(&near).is_some_and(|b| b.starts_with('≈')), "{near}");
    assert!(!chart(&near).contains("Tgas") && !chart(&near).contains(" gas "), "{near}");
    tmux.keys(&["u"]);
    tmux.wait_for("Tgas again", |s| burnt(s).is_some_and(|b| b.ends_with(" Tgas")));
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

/// The chart's head figure: `2.741 Tgas` of `burnt 2.741 Tgas · 7 groups, largest first`.
fn burnt(screen: &str) -> Option<&str> {
    let line = screen.lines().find(|l| l.contains("largest first"))?;
    let (_, after) = line.split_once("burnt ")?;
    Some(after.split_once(" · ")?.0)
}

/// The chart's rows (those ending in a share, `… 0.888 Tgas  32%│`), one per line.
fn chart(screen: &str) -> String {
    let rows = screen.lines().skip_while(|l| !l.contains("Where the gas went"));
    let ends_in_share = |l: &&str| l.trim_end_matches('│').trim_end().ends_with('%');
    let rows: Vec<&str> = rows.filter(ends_in_share).collect();
    assert!(!rows.is_empty(), "no chart rows:\n{screen}");
    rows.join("\n")
}
