//! Forking with bad input: each is one `nearviz: ` line on stderr and the exit code of the
//! README's table (2 bad input, 3 engine or network failure).

use crate::fork_serve::head_height;
use crate::serve_common::Server;
use crate::support::cli::{text, Home};
use serde_json::json;

const SCENARIO: &str = r#"
title = "forked"

[[account]]
name = "nobody.test.near"
fork = true

[[call]]
name = "greet"
signer = "nobody.test.near"
receiver = "nobody.test.near"
method = "get_greeting"
explain = "An account the source does not have."
"#;

/// `nearviz run` of a scenario with `--fork` arguments; the exit code and the stderr lines.
fn run(scenario: &str, fork: &[&str]) -> (Option<i32>, Vec<String>) {
    let home = Home::new();
    let path = home.path("fork.toml");
    std::fs::write(&path, scenario).expect("write scenario");
    let out = home
        .nearviz()
        .args(["run", path.to_str().expect("path"), "--all"])
        .args(fork)
        .output()
        .expect("run nearviz");
    let lines = text(&out.stderr).lines().map(str::to_owned).collect();
    (out.status.code(), lines)
}

fn assert_one_line(lines: &[String], needles: &[&str]) {
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].starts_with("nearviz: "), "{lines:#?}");
    for needle in needles {
        assert!(lines[0].contains(needle), "{needle:?} not in {lines:#?}");
    }
}

#[test]
fn an_unreachable_rpc_is_a_network_failure() {
    // A port nothing listens on: bound, then released.
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
    let url = format!("http://{port}");
    let (code, lines) = run(SCENARIO, &["--fork", &url, "--fork-block", "5"]);
    assert_eq!(code, Some(3), "{lines:#?}");
    assert_one_line(&lines, &["cannot fork", &url]);
}

#[test]
fn blocks_the_node_does_not_have_and_missing_accounts_are_bad_input() {
    let source = Server::start(&["--instant"]);
    let url = source.url.clone();
    let (code, lines) = run(SCENARIO, &["--fork", &url, "--fork-block", "99999999"]);
    assert_eq!(code, Some(2), "{lines:#?}");
    assert_one_line(&lines, &["does not have block #99999999", "archival"]);

    let height = head_height(&source).to_string();
    let (code, lines) = run(SCENARIO, &["--fork", &url, "--fork-block", &height]);
    assert_eq!(code, Some(2), "{lines:#?}");
    assert_one_line(&lines, &["account nobody.test.near does not exist", &url]);

    // Past the blocks whose state the node keeps (as after a node's garbage collection).
    let early = head_height(&source);
    let jumped = source.rpc("sandbox_fast_forward", json!({"delta_height": 200}));
    assert!(jumped.get("error").is_none(), "{jumped}");
    let early = early.to_string();
    let (code, lines) = run(SCENARIO, &["--fork", &url, "--fork-block", &early]);
    assert_eq!(code, Some(2), "{lines:#?}");
    assert_one_line(&lines, &["no longer keeps the state of block", "archival"]);

    let (code, lines) = run(SCENARIO, &["--fork", &url, "--fork-block", "soon"]);
    assert_eq!(code, Some(2), "{lines:#?}");
    assert_one_line(&lines, &["--fork-block `soon`"]);
}
