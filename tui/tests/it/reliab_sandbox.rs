//! The sandbox process with real child processes standing in for neard (shell scripts): a neard
//! orphaned by `kill -9` of nearviz is reaped at the next start; the open-files limit is checked
//! before neard is spawned, and `--engine auto` falls back to embedded with that reason.

use crate::support::child::Guarded;
use crate::support::cli::{text, Home};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A [`Home`] with stand-ins for neard.
struct Env(Home);

impl std::ops::Deref for Env {
    type Target = Home;
    fn deref(&self) -> &Home {
        &self.0
    }
}

impl Env {
    fn new() -> Self {
        Env(Home::new())
    }

    /// `<XDG_DATA_HOME>/nearviz/sandbox`: where nearviz records the nodes it runs.
    fn state_dir(&self) -> PathBuf {
        self.path("data/nearviz/sandbox")
    }

    /// `program` in this home, with `neard` as the sandbox's binary.
    fn with_neard(&self, program: &str, neard: &Path) -> Command {
        let mut command = self.command(program);
        command.env("NEAR_SANDBOX_BIN_PATH", neard);
        command
    }

    fn nearviz_with(&self, neard: &Path) -> Command {
        self.with_neard(env!("CARGO_BIN_EXE_nearviz"), neard)
    }

    /// `nearviz run --call query_greeting` on the sandbox engine with `neard`, left running
    /// (killed when the test ends).
    fn start_with(&self, neard: &Path) -> Guarded {
        Guarded::spawn(
            self.nearviz_with(neard)
                .args(["run", "--call", "query_greeting", "--engine", "sandbox"])
                .env("NEARVIZ_NEARD_NOFILE", "0")
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            "nearviz",
        )
    }

    fn script(&self, name: &str, body: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    }

    /// `init` writes a config; `run` never answers its RPC and never exits (no `exec`: the
    /// process keeps `--home HOME` on its command line, as neard does).
    fn hanging_neard(&self) -> PathBuf {
        self.script(
            "neard-hangs",
            "case \"$3\" in\n init) echo '{\"store\":{}}' > \"$2/config.json\"; exit 0;;\n \
             run) echo \"neard running in $2\"; while :; do sleep 1; done;;\nesac",
        )
    }

    /// Fails at `init` at once, leaving a mark that it ran.
    fn failing_neard(&self) -> PathBuf {
        let mark = self.path("failing-neard-ran");
        self.script(
            "neard-fails",
            &format!("touch '{}'\necho 'error: broken on purpose' >&2\nexit 7", mark.display()),
        )
    }
}

/// Alive and not a zombie.
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rfind(')').map(|end| stat[end + 1..].trim_start().to_owned()))
        .is_some_and(|rest| !rest.starts_with('Z'))
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_neard_orphaned_by_kill_9_is_reaped_at_the_next_start() {
    let env = Env::new();
    let neard = env.hanging_neard();
    let mut first = env.start_with(&neard);

    // nearviz records the node as soon as it spawns `neard run`.
    let state_dir = env.state_dir();
    let mut state_file = None;
    wait_for("the node's state file", Duration::from_secs(20), || {
        state_file = std::fs::read_dir(&state_dir)
            .ok()
            .and_then(|mut entries| entries.next())
            .and_then(|entry| entry.ok())
            .map(|entry| entry.path());
        state_file.is_some()
    });
    let state_file = state_file.expect("state file");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state_file).expect("read")).expect("json");
    let pid = u32::try_from(record["neard_pid"].as_u64().expect("pid")).expect("pid");
    let home = PathBuf::from(record["home"].as_str().expect("home"));
    assert!(running(pid) && home.is_dir(), "{record}");

    // kill -9: nothing in nearviz runs, the node is left behind.
    let killed = Command::new("kill").args(["-KILL", &first.id().to_string()]).status();
    assert!(killed.expect("kill").success());
    let _ = first.wait();
    std::thread::sleep(Duration::from_millis(300));
    assert!(running(pid), "the stand-in neard should outlive a kill -9 of nearviz");
    assert!(state_file.exists());

    // The next start (whose own neard fails at once) reaps it and says so.
    let second = env
        .nearviz_with(&env.failing_neard())
        .args(["run", "--call", "query_greeting", "--engine", "sandbox"])
        .env("NEARVIZ_NEARD_NOFILE", "0")
        .output()
        .expect("run nearviz");
    let stderr = text(&second.stderr);
    assert!(
        stderr.contains(&format!("stopped a neard left running by a killed nearviz (pid {pid})")),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("removed its home {}", home.display())), "{stderr}");
    wait_for("the orphan to stop", Duration::from_secs(5), || !running(pid));
    assert!(!home.exists(), "its home is still there");
    assert!(!state_file.exists(), "its state file is still there");

    // The second run's own failure: one line, with neard's exit code and its last log lines.
    assert_eq!(second.status.code(), Some(3), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("nearviz: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].contains("neard init failed (exit status: 7): error: broken on purpose"),
        "{stderr}"
    );
    assert!(std::fs::read_dir(&state_dir).expect("dir").next().is_none(), "state files remain");
}

#[test]
fn a_running_nearviz_keeps_its_node() {
    let env = Env::new();
    let neard = env.hanging_neard();
    let mut first = env.start_with(&neard);
    let state_dir = env.state_dir();
    wait_for("the node's state file", Duration::from_secs(20), || {
        std::fs::read_dir(&state_dir).is_ok_and(|mut entries| entries.next().is_some())
    });
    let second = env
        .nearviz_with(&env.failing_neard())
        .args(["run", "--call", "query_greeting", "--engine", "sandbox"])
        .env("NEARVIZ_NEARD_NOFILE", "0")
        .output()
        .expect("run nearviz");
    assert!(!text(&second.stderr).contains("left running"), "{}", text(&second.stderr));
    assert!(std::fs::read_dir(&state_dir).expect("dir").next().is_some());
    // SIGTERM: nearviz stops its own node (SIGKILL would orphan it).
    let stopped = Command::new("kill").args(["-TERM", &first.id().to_string()]).status();
    assert!(stopped.expect("kill").success());
    let _ = first.wait();
    wait_for("the state file to go", Duration::from_secs(10), || {
        std::fs::read_dir(&state_dir).is_ok_and(|mut entries| entries.next().is_none())
    });
}

/// `sh -c 'ulimit -n 4096; ulimit -Hn 4096; exec nearviz ARGS'`: a hard limit below neard's.
fn low_nofile(env: &Env, neard: &Path, args: &str) -> Output {
    let script = format!(
        "ulimit -n 4096 && ulimit -Hn 4096 && exec '{}' {args}",
        env!("CARGO_BIN_EXE_nearviz")
    );
    env.with_neard("sh", neard)
        .args(["-c", &script])
        .env_remove("NEARVIZ_NEARD_NOFILE")
        .output()
        .expect("run sh")
}

#[test]
fn the_open_files_limit_is_checked_before_spawning_neard() {
    let env = Env::new();
    let neard = env.failing_neard();
    let out = low_nofile(&env, &neard, "run --call query_greeting --engine sandbox");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("nearviz: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("the hard limit is 4096"), "{stderr}");
    assert!(errors[0].contains("ulimit -n 65535") && errors[0].contains("--engine embedded"));
    assert!(!env.path("failing-neard-ran").exists(), "neard was spawned");

    // auto: the embedded runtime runs the call, and says why.
    let out = low_nofile(&env, &neard, "run --call query_greeting --engine auto");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("engine embedded ready: auto: the sandbox failed"), "{stderr}");
    assert!(stderr.contains("the hard limit is 4096"), "{stderr}");
    assert!(!env.path("failing-neard-ran").exists(), "neard was spawned");
}
