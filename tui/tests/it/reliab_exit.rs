//! The exit-code contract and `--record`, with the real binary:
//! 0 ok, 1 a call or transaction failed or was not final, 2 bad input, 3 engine or network
//! failure; `--record` is checked before any work and saved on SIGHUP (the full disk is in
//! `reliab_record.rs`). Headless `serve` and `watch` stop on a signal with exit 0 and exit 3
//! when their engine dies; one SIGINT right after a transaction always stops them.

use crate::serve_common::{sign_call, Server, Watcher};
use crate::support::cli::{interrupted_run_saves_the_recording, text, Home};
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

/// A [`Home`] with this file's helpers.
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

    fn run(&self, args: &[&str]) -> Output {
        self.nearviz().args(args).output().expect("run nearviz")
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    /// A scenario with one account deploying `wasm` and one call.
    fn scenario(&self, wasm: &str) -> PathBuf {
        let text = format!(
            "title = \"mine\"\n\n[[account]]\nname = \"c\"\nwasm = \"{wasm}\"\n\n\
             [[call]]\nname = \"a\"\nsigner = \"c\"\nreceiver = \"c\"\nmethod = \"m\"\n\
             explain = \"e\"\n"
        );
        self.write("mine.toml", text.as_bytes())
    }
}

/// The `nearviz: ` lines of stderr (errors), which must be exactly one.
fn one_error(out: &Output) -> String {
    let stderr = text(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("nearviz: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    errors[0].to_owned()
}

#[test]
fn a_missing_and_a_non_wasm_contract_are_both_bad_input() {
    let env = Env::new();
    let scenario = env.scenario("missing.wasm");
    let missing = env.run(&["run", scenario.to_str().expect("utf-8"), "--all"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing.stderr));
    assert!(one_error(&missing).contains("wasm file not found"));

    env.write("missing.wasm", b"this is a text file, not wasm\n");
    let not_wasm = env.run(&["run", scenario.to_str().expect("utf-8"), "--all"]);
    assert_eq!(not_wasm.status.code(), Some(2), "{}", text(&not_wasm.stderr));
    assert!(one_error(&not_wasm).contains("is not a wasm module"), "{}", text(&not_wasm.stderr));
    assert!(not_wasm.stdout.is_empty());

    env.write("missing.wasm", b"\0as");
    let short = env.run(&["run", scenario.to_str().expect("utf-8"), "--all"]);
    assert_eq!(short.status.code(), Some(2), "{}", text(&short.stderr));
}

#[test]
fn arguments_and_unreadable_files_are_bad_input() {
    let env = Env::new();
    assert_eq!(env.run(&["run", "--call", "nope", "--engine", "embedded"]).status.code(), Some(2));
    assert_eq!(env.run(&["--no-such-flag"]).status.code(), Some(2));
    let inspect = env.run(&["inspect", "nothing-here.json"]);
    assert_eq!(inspect.status.code(), Some(2));
    assert!(one_error(&inspect).contains("nothing-here.json"));
    env.write("broken.toml", b"title = \n");
    assert_eq!(env.run(&["run", "broken.toml", "--all"]).status.code(), Some(2));
}

#[test]
fn a_failed_transaction_exits_1_and_a_good_one_0() {
    let env = Env::new();
    let ok = env.run(&["run", "--call", "query_greeting", "--engine", "embedded"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    // The callback panics, so the transaction fails (NEAR-FACTS 9): the built-in scenario
    // expects it, a scenario that does not declare it expects success.
    let expected = env.run(&["run", "--call", "callback_panics", "--engine", "embedded"]);
    assert_eq!(expected.status.code(), Some(0), "{}", text(&expected.stderr));
    let undeclared = nearviz::scenario::BUILTIN_TOML
        .replace("expect_error = \"xcc: callback panics on purpose\"\n", "");
    let scenario = env.write("undeclared.toml", undeclared.as_bytes());
    let scenario = scenario.to_str().expect("utf-8");
    let failed = env.run(&["run", scenario, "--call", "callback_panics", "--engine", "embedded"]);
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed.stderr));
    let line = one_error(&failed);
    let start = "nearviz: call `callback_panics`: expected success, but the transaction failed:";
    assert!(line.starts_with(start), "{line}");
    assert!(!failed.stdout.is_empty(), "the DAG is still printed");
}

#[test]
fn engine_failures_exit_3_in_one_line() {
    let env = Env::new();
    let out = env
        .nearviz()
        .args(["run", "--all", "--engine", "sandbox"])
        .env("NEAR_SANDBOX_BIN_PATH", "/nonexistent/neard")
        .env("NEARVIZ_NEARD_NOFILE", "0")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(one_error(&out).contains("/nonexistent/neard"));
}

#[test]
fn record_path_is_checked_before_any_work_and_named_once() {
    let env = Env::new();
    let target = env.path("no/such/dir/session.json");
    let started = Instant::now();
    let out = env.run(&[
        "run",
        "--all",
        "--engine",
        "embedded",
        "--record",
        target.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(started.elapsed() < Duration::from_secs(5), "work started: {:?}", started.elapsed());
    let line = one_error(&out);
    assert_eq!(line.matches(target.to_str().expect("utf-8")).count(), 1, "{line}");
    assert!(line.ends_with("its directory does not exist"), "{line}");
    assert!(out.stdout.is_empty());
    assert!(!text(&out.stderr).contains("engine"), "the engine was started: {}", text(&out.stderr));

    // A read-only directory (root may write anyway: then the probe succeeds, as the save will).
    let locked = env.path("locked");
    std::fs::create_dir(&locked).expect("mkdir");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).expect("chmod");
    let probe = tempfile::tempfile_in(&locked).is_ok();
    let out = env.run(&["inspect", "x.json", "--record", "locked/out.json"]);
    if !probe {
        assert_eq!(out.status.code(), Some(2));
        assert!(one_error(&out).contains("cannot create files"), "{}", text(&out.stderr));
    }
    // Any command: the check is in main.
    let out = env.run(&["replay", "x.json", "--record", "no/out.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(one_error(&out).contains("--record no/out.json"), "{}", text(&out.stderr));
}

#[test]
fn sighup_saves_the_recording() {
    let env = Env::new();
    let record = env.path("hup.json");
    interrupted_run_saves_the_recording(env.nearviz(), &record, "HUP");
}

/// Compiled contracts are shared with the serve tests (the first boot compiles them).
fn serve_cache() -> PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-cache")
}

/// `serve --headless` whose engine dies while it boots (its key file cannot be written: a file
/// stands where the key file's directory should be) is an engine failure: exit 3, in one line.
#[test]
fn headless_serve_exits_3_when_its_engine_dies() {
    let env = Env::new();
    env.write("blocker", b"a file where a directory should be\n");
    let out = env
        .nearviz()
        .args(["serve", "--headless", "--port", "0", "--key-file", "blocker/key.json"])
        .env("XDG_CACHE_HOME", serve_cache())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(one_error(&out).contains("blocker"), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("ready"), "{}", text(&out.stdout));
}

/// `watch --headless` on a node that does not answer: its engine goes down at once, exit 3.
#[test]
fn headless_watch_exits_3_when_its_engine_dies() {
    let env = Env::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let record = env.path("watch.json");
    let out = env
        .nearviz()
        .args(["watch", "--headless", "--rpc", &url, "--record"])
        .arg(&record)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(one_error(&out).contains(&url), "{}", text(&out.stderr));
    // Saved on the way out (with no events: nothing was seen).
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&record).expect("the recording is saved"))
            .expect("JSON");
    assert_eq!(saved["events"], json!([]), "{saved}");
}

/// A hang-up stops headless `serve` and `watch` like SIGTERM does (a signal is how a headless
/// server stops: exit 0), and both save their recording with the transaction they saw.
#[test]
fn sighup_saves_headless_serve_and_watch_recordings() {
    let mut server = Server::start(&["--block-ms", "50"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("watch.json");
    let record_arg = record.to_str().expect("utf-8");
    let mut watch = Watcher::start(&server.url, &["--record", record_arg]);
    let (b64, hash) =
        sign_call(&server, "alice.test.near", "xcc.test.near", "multiple_contracts", json!({}), 0);
    let sent = server.rpc("broadcast_tx_commit", json!([b64]));
    assert!(sent.get("result").is_some(), "{sent}");
    let hash = hash.to_string();
    assert!(watch.line_for(&hash).ends_with(" ok"));

    let watched = watch.signal("HUP");
    assert_eq!(watched.code(), Some(0), "watch on SIGHUP: {watched:?}");
    let served = server.signal("HUP");
    assert_eq!(served.code(), Some(0), "serve on SIGHUP: {served:?}");
    for path in [&record, &server.record] {
        let recording = nearviz::fixture::load(path).expect("the recording is saved");
        let dag = nearviz::model::Trace::from_events(recording.chain_events()).dag();
        let found = dag.transactions.iter().any(|t| t.hash.to_string() == hash);
        assert!(found, "{} has the transaction", path.display());
    }
}

/// One SIGINT right after a transaction stops headless `serve` and `watch` (exit 0), every time:
/// they share the signal listener whose gap between event-loop turns once lost a signal
/// (`neard_cli.rs` has the launcher's case). Work is in flight when the signal lands: serve's
/// next blocks, watch's next poll.
#[test]
fn one_sigint_right_after_a_transaction_stops_headless_serve_and_watch() {
    let call = |server: &Server| {
        let (alice, xcc) = ("alice.test.near", "xcc.test.near");
        let (b64, hash) = sign_call(server, alice, xcc, "multiple_contracts", json!({}), 0);
        let sent = server.rpc("broadcast_tx_commit", json!([b64]));
        assert!(sent.get("result").is_some(), "{sent}");
        hash.to_string()
    };
    for attempt in 0..20 {
        let mut server = Server::start(&["--block-ms", "20"]);
        call(&server);
        let served = server.signal("INT");
        assert_eq!(served.code(), Some(0), "attempt {attempt}: serve on SIGINT: {served:?}");
    }
    let server = Server::start(&["--block-ms", "20"]);
    for attempt in 0..20 {
        let mut watch = Watcher::start(&server.url, &[]);
        let hash = call(&server);
        let _ = watch.line_for(&hash);
        let watched = watch.signal("INT");
        assert_eq!(watched.code(), Some(0), "attempt {attempt}: watch on SIGINT: {watched:?}");
    }
}
