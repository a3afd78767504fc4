//! npm near-workspaces 5 (with npm near-sandbox 0.1.x), unchanged, starting nearviz's
//! `near-sandbox` binary: `tests/workspaces-js/flow.mjs`, the core flow of a contract's test.
//! Its packages are installed on first use (`npm ci`) with the launcher's variables set, so
//! nothing is ever downloaded but the packages themselves.

use crate::serve_common::bounded::output_within;
use crate::serve_common::npm::NPM_CI_LIMIT;
use crate::serve_common::CLIENT_LIMIT;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_near-sandbox");

/// The variables that make npm near-sandbox 0.1.x use `BIN`: it looks for
/// `$NEAR_SANDBOX_BINARY_PATH/near-sandbox`, and keeps that folder only while
/// `NEAR_SANDBOX_BIN_PATH` is set.
fn launcher_env(command: &mut Command) -> &mut Command {
    let folder = Path::new(BIN).parent().expect("the binary's folder");
    command.env("NEAR_SANDBOX_BIN_PATH", BIN).env("NEAR_SANDBOX_BINARY_PATH", folder)
}

/// `tests/workspaces-js` with its packages installed.
fn project() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/workspaces-js");
    let node = Command::new("node").arg("--version").output();
    assert!(node.is_ok_and(|o| o.status.success()), "`node` (20+) and npm are needed");
    if !dir.join("node_modules/near-workspaces/package.json").is_file() {
        let mut npm = Command::new("npm");
        launcher_env(npm.args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir));
        let out = output_within(&mut npm, NPM_CI_LIMIT, "npm ci");
        assert!(out.status.success(), "npm ci: {}", String::from_utf8_lossy(&out.stderr));
    }
    dir
}

#[test]
fn npm_near_workspaces_runs_its_flow_on_nearviz() {
    let dir = project();
    let res = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contract/res");
    // Its `tearDown` sends the sandbox one SIGINT, and node waits for the sandbox to exit.
    let mut node = Command::new("node");
    launcher_env(node.arg("flow.mjs").arg(&res).current_dir(&dir));
    let out = output_within(&mut node, CLIENT_LIMIT, "node flow.mjs (npm near-workspaces)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let checks: Vec<Value> =
        stdout.lines().filter_map(|line| serde_json::from_str(line).ok()).collect();
    let check = |name: &str| -> Value {
        checks
            .iter()
            .find(|c| c["check"] == name)
            .map(|c| c["value"].clone())
            .unwrap_or_else(|| panic!("no `{name}` in {stdout}"))
    };
    assert_eq!(check("root"), "test.near");
    assert_eq!(check("alice"), "alice.test.near");
    assert_eq!(check("set_logs"), serde_json::json!(["Saving greeting: hi"]));
    assert_eq!(check("greeting"), "hi");
    let changed = check("change_greeting");
    assert_eq!(changed["value"], true);
    assert_eq!(changed["logs"][0], "Saving greeting: howdy");
    assert_eq!(check("batch_actions"), "bye");
    let failed = check("fail");
    assert_eq!(failed["failed"], true);
    assert!(failed["messages"][0]
        .as_str()
        .is_some_and(|m| m.contains("hello: deliberate failure")));
    // The same gas a node burns for a transfer.
    assert_eq!(check("transfer")["gas_burnt"], "446365125000");
    assert_eq!(check("deleted"), serde_json::json!({"ok": true, "exists": false}));
}
