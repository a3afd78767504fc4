//! The npm clients the serve tests drive (near-api-js, from `tests/node/package-lock.json`),
//! installed on first use: a fresh clone needs nothing but `cargo test --workspace`.
//!
//! Tests run in parallel threads (cargo test) or processes (nextest), so the install holds an
//! exclusive file lock and the others wait for it; a marker written after a successful
//! `npm ci` names the lockfile it installed, so a changed lockfile installs again.

use super::bounded::output_within;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The marker `npm ci` leaves behind once it succeeded: the lockfile's contents it installed.
const MARKER: &str = "node_modules/.nearviz-installed";

/// Longer than any `npm ci` of these lockfiles on a cold cache.
pub const NPM_CI_LIMIT: Duration = Duration::from_secs(600);

/// `project` (a folder with `package.json` and `package-lock.json`) with its packages
/// installed. Fails, saying what to install, when `node` or `npm` is missing or `npm ci` fails.
pub fn installed(project: &Path) -> PathBuf {
    require("node", "the near-api-js tests need Node.js 20+ (`node`); install it");
    if up_to_date(project) {
        return project.to_owned();
    }
    let lock_path = project.join(".install.lock");
    let lock = File::create(&lock_path)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", lock_path.display()));
    lock.lock().unwrap_or_else(|e| panic!("cannot lock {}: {e}", lock_path.display()));
    if !up_to_date(project) {
        install(project);
    }
    drop(lock);
    project.to_owned()
}

fn lockfile(project: &Path) -> String {
    let path = project.join("package-lock.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn up_to_date(project: &Path) -> bool {
    std::fs::read_to_string(project.join(MARKER)).is_ok_and(|seen| seen == lockfile(project))
}

fn install(project: &Path) {
    require("npm", "the near-api-js tests install their clients with `npm`; install npm");
    let mut npm = Command::new("npm");
    npm.args(["ci", "--no-audit", "--no-fund", "--prefix"]).arg(project);
    let output = output_within(&mut npm, NPM_CI_LIMIT, "npm ci");
    assert!(
        output.status.success(),
        "`npm ci --prefix {}` failed ({}):\n{}\n{}",
        project.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let marker = project.join(MARKER);
    std::fs::write(&marker, lockfile(project))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", marker.display()));
}

/// Panics with `what` unless `tool --version` runs.
fn require(tool: &str, what: &str) {
    let ran = Command::new(tool).arg("--version").output();
    assert!(ran.is_ok_and(|o| o.status.success()), "{what}");
}
