//! The real `nearviz` binary live on a fork, in a 120×40 tmux terminal. A real `nearviz serve`
//! on loopback is the network, its greeting changed by a transaction; the TUI forks it at its
//! head (`--fork URL --fork-block H --engine embedded`), the header says so, and the built-in
//! `multiple_contracts` call, sent with its key on the forked xcc, draws its DAG, succeeds and
//! reads the source's greeting. A dead fork URL: one line and exit 3, and no screen drawn.

use crate::fork_serve::{head_height, send};
use crate::serve_common::Server;
use crate::tmux::{live_command, Tmux};
use serde_json::json;

/// The source's accounts the call drives (`fork = true`); hello, counter and guestbook, which
/// xcc calls, are read from the source as execution touches them.
const FORKED: &str = r#"
title = "forked examples"

[[account]]
name = "xcc.test.near"
fork = true

[[account]]
name = "alice.test.near"
fork = true

[[call]]
name = "multiple_contracts"
signer = "alice.test.near"
receiver = "xcc.test.near"
method = "multiple_contracts"
explain = "The built-in call, on the source's contracts and state."
"#;

/// The first block of the open transaction's DAG title, `… · blocks 48→52 · …`.
fn first_block(screen: &str) -> Option<u64> {
    let title = screen.lines().find(|l| l.contains("multiple_contracts · tx"))?;
    let (_, blocks) = title.split_once("blocks ")?;
    blocks.split('→').next()?.parse().ok()
}

#[test]
fn the_live_tui_on_a_fork_of_a_served_chain() {
    let source = Server::start(&["--instant"]);
    send(&source, "hello.test.near", "set_greeting", json!({"greeting": "forked!"}));
    let height = head_height(&source);
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = dir.path().join("fork.toml");
    std::fs::write(&scenario, FORKED).expect("write scenario");
    let env = format!("NEARVIZ_FORK_CACHE={}", dir.path().join("cache").display());
    let args = format!(
        "--scenario {} --fork {} --fork-block {height} --engine embedded",
        scenario.display(),
        source.url
    );
    let tmux = Tmux::live("fork", (120, 40), &env, &args);
    // The header: the mark beside the engine; the network at the end, where there is room.
    let header = |s: &str| s.lines().next().unwrap_or_default().to_owned();
    let mark = format!("nearviz · embedded · fork at #{height} · ");
    let ready = tmux.screen();
    assert!(header(&ready).contains(&mark), "{ready}");
    let fork = format!("fork of {} at #{height}", source.url);
    tmux.resize(200, 40);
    tmux.wait_for("the network in the header", |s| header(s).ends_with(&fork));
    tmux.resize(120, 40);
    tmux.wait_for("120 columns again", |s| s.lines().all(|l| l.chars().count() <= 120));
    tmux.keys(&["1"]);
    let screen = tmux.wait_for("multiple_contracts", |s| {
        s.contains("multiple_contracts · tx") && s.contains("✔ FINAL")
    });
    assert!(screen.contains("multiple_contracts · tx") && screen.contains(" · ✔ · "), "{screen}");
    assert!(screen.contains(".get_greeting") && screen.contains(".get_num"), "{screen}");
    assert!(screen.contains("\"forked!\""), "the source's greeting:\n{screen}");
    let first = first_block(&screen).expect("the DAG's blocks");
    assert!(first > height, "the chain goes on from the fork's block #{height}:\n{screen}");
    assert!(header(&screen).contains(&mark), "{screen}");
    tmux.keys(&["q"]);
    let after = tmux.wait_for("exit", |s| s.contains("nearviz exited with"));
    assert!(after.contains("nearviz exited with 0"), "{after}");
}

#[test]
fn a_dead_fork_url_is_one_line_and_exit_3() {
    // A port nothing listens on: bound, then released.
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
    let url = format!("http://{port}");
    let dir = tempfile::tempdir().expect("tempdir");
    let env = format!("NEARVIZ_FORK_CACHE={}", dir.path().display());
    let command = live_command(&env, &format!("--fork {url} --engine embedded"));
    let tmux = Tmux::start("fork-dead", 120, 40, &command);
    let screen = tmux.wait_for("exit", |s| s.contains("nearviz exited with"));
    let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 2, "one error line, then the exit code:\n{screen}");
    assert!(lines[0].starts_with("nearviz: cannot fork") && lines[0].contains(&url), "{screen}");
    assert_eq!(lines[1], "nearviz exited with 3", "{screen}");
    assert!(!screen.contains('┌') && !screen.contains("Calls"), "no screen drawn:\n{screen}");
}
