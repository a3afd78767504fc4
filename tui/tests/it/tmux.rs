//! The one tmux harness of the end-to-end tests: a detached session running a command, its
//! screen, keys, and waiting for the screen to show something, and the real `nearviz` binary
//! (cargo builds it before the tests run). Used by `e2e_*` and `rpc_tx_tui`.
//!
//! Tests that need tmux FAIL when it is missing (CI installs it): a skipped end-to-end test
//! would pass silently.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// The `nearviz` binary cargo built for these tests.
pub fn nearviz_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_nearviz"))
}

/// Panics with a clear message when tmux is not installed.
pub fn require_tmux() {
    let found = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    assert!(found, "tmux is required by the end-to-end tests: install it (apt-get install tmux)");
}

/// The shell command of a live session: `NO_COLOR=1 ENV nearviz ARGS --log /dev/null`, then
/// `nearviz exited with CODE` (the shell stays, so the screen can still be read). `env` is
/// shell assignments (`NEARVIZ_FORK_CACHE=/tmp/x`), or empty.
pub fn live_command(env: &str, args: &str) -> String {
    format!(
        "NO_COLOR=1 {env} {} {args} --log /dev/null; echo \"nearviz exited with $?\"; sleep 60",
        nearviz_binary().display()
    )
}

pub struct Tmux {
    pub session: String,
}

impl Tmux {
    /// The real binary live on the embedded runtime (`NO_COLOR`, no log) in a `width`×`height`
    /// terminal, ready for a call key; the shell then prints `nearviz exited with CODE`.
    pub fn live_embedded(name: &str, width: u16, height: u16) -> Tmux {
        Tmux::live(name, (width, height), "", "--engine embedded")
    }

    /// [`Tmux::live_embedded`] with these command line `args` and `env` ([`live_command`]).
    pub fn live(name: &str, (width, height): (u16, u16), env: &str, args: &str) -> Tmux {
        let tmux = Tmux::start(name, width, height, &live_command(env, args));
        tmux.wait_for("the engine", |s| s.contains("press 1-9 to send a call"));
        tmux
    }

    /// A detached `width`×`height` session running `command`; tmux must be installed.
    pub fn start(name: &str, width: u16, height: u16, command: &str) -> Tmux {
        require_tmux();
        let session = format!("nearviz-e2e-{name}-{}", std::process::id());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &session])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .arg(command)
            .env("TERM", "xterm-256color")
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Tmux { session }
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .expect("send-keys");
        assert!(status.success());
    }

    /// Resize the window (the program sees a resize event).
    pub fn resize(&self, width: u16, height: u16) {
        let _ = Command::new("tmux")
            .args(["resize-window", "-t", &self.session])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .status();
    }

    /// Wait until a settled screen satisfies `ok`, or fail showing the last screen. Settled: two
    /// captures 30 ms apart are the same, so a frame the terminal is still writing (half old,
    /// half new) is never returned. Blocks the thread (in a multi-threaded tokio test, wrap it in
    /// `block_in_place`).
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                std::thread::sleep(Duration::from_millis(30));
                if self.screen() == screen {
                    return screen;
                }
                continue;
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
