//! The real `nearviz` binary live on the embedded runtime, in tmux: send example calls with
//! keys, watch their DAGs complete, pause the chain and step blocks by hand, quit cleanly.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `nearviz` binary next to this test's directory (`target/<profile>/nearviz`), built first
/// so the test never runs a stale one.
fn binary() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(build_binary).clone()
}

fn build_binary() -> PathBuf {
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

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(name: &str, width: u16, height: u16, command: &str) -> Tmux {
        let session = format!("nearviz-e2e-{name}-{}", std::process::id());
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
            ])
            .arg(command)
            .env("TERM", "xterm-256color")
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Tmux { session }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .expect("send-keys");
        assert!(status.success());
    }

    /// Wait until the screen satisfies `ok`, or fail showing the last screen.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.session]).status();
    }
}

fn tmux_available() -> bool {
    Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success())
}

#[test]
fn live_on_the_embedded_runtime() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let bin = binary();
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
    assert!(screen.contains("nearviz · embedded (--engine embedded)"), "{screen}");
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
    let screen =
        tmux.wait_for("the failing callee", |s| s.contains("hello.fail") && s.contains('✘'));
    assert!(screen.contains("History (2)"), "{screen}");
    tmux.keys(&["q"]);
    let after = tmux.wait_for("exit", |s| s.contains("nearviz exited with"));
    assert!(after.contains("nearviz exited with 0"), "{after}");
    assert!(!after.contains("┌ Calls"), "terminal restored:\n{after}");
}
