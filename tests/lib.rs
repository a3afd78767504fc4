//! Shared helpers of the end-to-end tests (`tests/it/`): the real `nearviz` binary, driven in a
//! real terminal (tmux).

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `nearviz` binary next to this test's directory (`target/<profile>/nearviz`), built first
/// so the test never runs a stale one.
pub fn binary() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(build_binary).clone()
}

pub fn build_binary() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let exe = std::env::current_exe().expect("test exe path");
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>");
    let release = profile_dir.file_name().is_some_and(|n| n == "release");
    let mut build = Command::new(cargo);
    build.current_dir(workspace()).args(["build", "-q", "-p", "nearviz", "--bin", "nearviz"]);
    if release {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building nearviz failed");
    let bin = profile_dir.join("nearviz");
    assert!(bin.exists(), "{} missing", bin.display());
    bin
}

mod tmux;

pub use tmux::{require_tmux, Tmux};
