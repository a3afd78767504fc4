//! `NEARVIZ_RECORD_DIR`: every real `nearviz serve` appends each transaction to its own recording
//! as it finishes, a SIGKILL loses none that had finished, a half-written last line is skipped,
//! and `nearviz replay DIR` lists the recordings of several instances. The same holds for the
//! `near-sandbox` binary started as near-workspaces starts it (`init`, then `run`).

use crate::model_common::capture;
use crate::neard_cli::{self, Running};
use crate::serve_common::{sign_actions_at, sign_call, Server};
use crate::support::cli::{diff, nearviz, text};
use crate::tmux;
use near_crypto::{InMemorySigner, KeyFile, Signer};
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeployContractAction, FunctionCallAction,
    TransferAction,
};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{Balance, Gas};
use nearviz::chain::{ChainEvent, TxHash};
use nearviz::fixture::journal::{Journal, JournalInfo};
use nearviz::fixture::{self, Recording};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// A server recording into `dir`.
fn serving(dir: &Path) -> Server {
    Server::start_with_env(&["--instant"], &[("NEARVIZ_RECORD_DIR", dir)])
}

/// `signer` calls `receiver.method(args)` and waits until FINAL; its hash.
fn call(server: &Server, signer: &str, receiver: &str, method: &str, args: Value) -> CryptoHash {
    let (b64, hash) = sign_call(server, signer, receiver, method, args, 0);
    let sent = server.rpc("send_tx", json!({"signed_tx_base64": b64, "wait_until": "FINAL"}));
    assert!(sent["result"]["status"]["SuccessValue"].is_string(), "{method} failed: {sent}");
    hash
}

/// The one recording in `dir`.
fn only_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("dir").map(|e| e.expect("entry").path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().expect("a file")
}

/// The transactions that reached FINAL in a recording.
fn finished(recording: &Recording) -> Vec<CryptoHash> {
    recording
        .chain_events()
        .filter_map(|e| match e {
            ChainEvent::TxDone { tx: TxHash(tx), error: None } => Some(tx),
            _ => None,
        })
        .collect()
}

fn now_s() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs()
}

/// `20261205T034512Z` from a file name, as seconds since the epoch (within the day's range).
fn started_s(name: &str) -> u64 {
    let stamp = &name[..16];
    let (h, m, s): (u64, u64, u64) = (
        stamp[9..11].parse().expect("hour"),
        stamp[11..13].parse().expect("minute"),
        stamp[13..15].parse().expect("second"),
    );
    assert!(stamp.as_bytes()[8] == b'T' && stamp.ends_with('Z'), "{stamp}");
    h * 3600 + m * 60 + s
}

#[test]
fn each_finished_transaction_is_on_disk_and_a_sigkill_loses_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let before = now_s() % 86_400;
    let mut server = serving(dir.path());
    let pid = server.child.id();
    let mut sent = Vec::new();
    for (i, greeting) in ["one", "two", "three"].iter().enumerate() {
        let args = json!({"greeting": greeting});
        sent.push(call(&server, "alice.test.near", "hello.test.near", "set_greeting", args));
        // Finished means recorded: the file holds it before the client hears of it.
        let recording = fixture::load(&only_file(dir.path())).expect("the recording loads");
        assert_eq!(finished(&recording), sent, "after call #{i}");
    }
    // One more in flight, then SIGKILL: nothing that finished is lost.
    let (b64, _) =
        sign_call(&server, "bob.test.near", "counter.test.near", "increment", json!({}), 0);
    server.rpc("broadcast_tx_async", json!([b64]));
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("wait");
    let file = only_file(dir.path());
    let recording = fixture::load(&file).expect("the recording loads after a SIGKILL");
    let done = finished(&recording);
    assert!(done.starts_with(&sent), "{done:?} should start with {sent:?}");
    assert_eq!(recording.meta.engine.as_deref(), Some("serve"));
    // Named after its start, its pid, and the accounts and contracts it saw.
    let name = file.file_name().expect("name").to_string_lossy().into_owned();
    let started = started_s(&name);
    let after = now_s() % 86_400;
    assert!(started >= before && started <= after || before > after, "{name}: {before}..{after}");
    assert!(name.starts_with(&format!("{}-{pid}-alice", &name[..16])), "{name}");
    assert!(name.contains("@hello"), "{name}");
    assert!(name.ends_with(".jsonl"), "{name}");
    // It opens like any recording: inspect, diff, and the TUI's replay.
    let path = file.to_str().expect("utf8 path");
    let inspected = nearviz(&["inspect", path, "--format", "json"], dir.path());
    assert!(inspected.status.success(), "{}", text(&inspected.stderr));
    let trace: Value = serde_json::from_slice(&inspected.stdout).expect("json");
    let out = trace.to_string();
    assert!(sent.iter().all(|tx| out.contains(&tx.to_string())), "every call in {path}");
    let same = diff(&file, &file, &[], dir.path());
    assert_eq!(text(&same.stdout).trim(), "equal", "{}", text(&same.stderr));
    let mut app = nearviz::commands::replay::replay_app(&file, recording).paused();
    crate::support::screen::key(&mut app, crossterm::event::KeyCode::End);
    let screen = crate::support::screen::draw(&mut app, 120, 40);
    assert!(screen.contains("set_greeting"), "{screen}");
}

#[test]
fn a_half_written_last_line_is_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = serving(dir.path());
    let first = call(
        &server,
        "alice.test.near",
        "hello.test.near",
        "set_greeting",
        json!({"greeting": "a"}),
    );
    let second = call(&server, "alice.test.near", "counter.test.near", "increment", json!({}));
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("wait");
    let file = only_file(dir.path());
    let whole = std::fs::read(&file).expect("read");
    assert_eq!(finished(&fixture::load(&file).expect("loads")), [first, second]);
    // The process died in the middle of writing its last line: that line goes, nothing else.
    let last = whole[..whole.len() - 1].iter().rposition(|b| *b == b'\n').expect("lines") + 1;
    let cut = dir.path().join("cut.jsonl");
    std::fs::write(&cut, &whole[..last + (whole.len() - last) / 2]).expect("write");
    let recording = fixture::load(&cut).expect("a cut journal loads");
    assert!(
        recording.warnings.iter().any(|w| w.contains("half-written last line")),
        "{:?}",
        recording.warnings
    );
    let kept = std::fs::read(&cut).expect("read");
    let lines_kept = kept.iter().filter(|b| **b == b'\n').count();
    assert_eq!(lines_kept, whole.iter().filter(|b| **b == b'\n').count() - 1);
    // `inspect` says so on stderr and still prints the DAGs.
    let out = nearviz(&["inspect", cut.to_str().expect("utf8")], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("half-written last line"), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("set_greeting"), "{}", text(&out.stdout));
}

#[test]
fn replay_dir_lists_the_recordings_of_two_instances() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = nearviz(&["replay", dir.path().to_str().expect("utf8")], dir.path());
    assert_eq!(empty.status.code(), Some(2));
    assert!(text(&empty.stderr).contains("no recordings"), "{}", text(&empty.stderr));
    let mut pids = Vec::new();
    for (signer, receiver, method) in [
        ("alice.test.near", "hello.test.near", "get_greeting"),
        ("bob.test.near", "counter.test.near", "increment"),
    ] {
        let mut server = serving(dir.path());
        pids.push(server.child.id());
        call(&server, signer, receiver, method, json!({}));
        let status = server.terminate();
        assert!(status.success(), "{status}");
    }
    let out = nearviz(&["replay", dir.path().to_str().expect("utf8")], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    assert!(listing.starts_with("2 recordings in "), "{listing}");
    let rows: Vec<&str> =
        listing.lines().filter(|l| l.starts_with("  1  ") || l.starts_with("  2  ")).collect();
    assert_eq!(rows.len(), 2, "{listing}");
    for ((row, pid), names) in
        rows.iter().zip(&pids).zip(["-alice@hello.jsonl", "-bob@counter.jsonl"])
    {
        assert!(row.contains(&format!("-{pid}{names}")), "{row}");
        let columns: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(columns[3], pid.to_string(), "{row}");
        assert_eq!(columns[4], "1", "one transaction: {row}");
    }
    assert!(listing.contains("open one: nearviz replay "), "{listing}");
}

#[test]
fn the_near_api_js_flow_is_journaled_as_record_saves_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = serving(dir.path());
    crate::serve_common::run_flow(&server);
    let status = server.terminate();
    assert!(status.success(), "{status}");
    let file = only_file(dir.path());
    let name = file.file_name().expect("name").to_string_lossy().into_owned();
    assert!(name.contains('@'), "the flow's contracts name it: {name}");
    // The same transactions, receipts, gas and state changes as the `--record` fixture.
    let same = diff(&server.record, &file, &[], dir.path());
    assert_eq!(text(&same.stdout).trim(), "equal", "{}{}", text(&same.stdout), text(&same.stderr));
    let journal = fixture::load(&file).expect("journal");
    let record = fixture::load(&server.record).expect("record");
    assert_eq!(finished(&journal), finished(&record));
    assert!(finished(&journal).len() >= 8, "accounts, deploys, init and calls");
}

#[test]
fn replay_dir_on_a_terminal_asks_which_one_and_opens_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, name) in ["query_greeting", "multiple_contracts"].into_iter().enumerate() {
        let events: Vec<ChainEvent> =
            fixture::load(&capture(name)).expect("capture").chain_events().collect();
        let meta = fixture::Meta {
            created_at_ms: Some(1_764_906_312_000 + 1000 * i as u64),
            ..fixture::Meta::now("serve")
        };
        let info = JournalInfo { pid: 4242, rpc: None };
        let started = format!("2025-12-05T03:45:1{}.000Z", 2 + i);
        Journal::create(dir.path(), &info, &meta, &started).expect("journal").append(&events);
    }
    let log = dir.path().join("log");
    let command = format!(
        "{} replay {} --log {}; echo \"nearviz exited with $?\"; sleep 60",
        env!("CARGO_BIN_EXE_nearviz"),
        dir.path().display(),
        log.display()
    );
    let tmux = tmux::Tmux::start("replay-dir", 130, 36, &command);
    let listing = tmux.wait_for("the prompt", |s| s.contains("open # (1-2, enter quits)"));
    assert!(listing.contains("2 recordings in"), "{listing}");
    tmux.keys(&["7", "Enter"]);
    tmux.wait_for("a second try", |s| s.contains("no recording #7"));
    tmux.keys(&["2", "Enter"]);
    tmux.wait_for("the TUI", |s| !s.contains("open #") && s.contains("replay"));
    tmux.keys(&["End"]);
    // The second recording's transaction, not the first's (query_greeting).
    let screen = tmux.wait_for("its DAG", |s| s.contains("multiple_contracts"));
    assert!(!screen.contains("query_greeting"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("a clean exit", |s| s.contains("nearviz exited with 0"));
}

#[test]
fn a_record_dir_that_cannot_be_written_stops_serve_at_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nearviz"))
        .args(["serve", "--headless", "--port", "0", "--key-file"])
        .arg(dir.path().join("key.json"))
        .env("NEARVIZ_RECORD_DIR", &file)
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .output()
        .expect("run nearviz serve");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("nearviz: NEARVIZ_RECORD_DIR: "), "{stderr}");
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
}

/// `actions` from `signer` to `receiver` on a `near-sandbox`, waited until FINAL; its hash.
fn send(node: &Running, signer: &Signer, receiver: &str, actions: Vec<Action>) -> CryptoHash {
    let (b64, hash) = sign_actions_at(&node.addr, signer, receiver, actions);
    let sent = node.rpc("send_tx", json!({"signed_tx_base64": b64, "wait_until": "FINAL"}));
    assert!(sent["result"]["status"]["SuccessValue"].is_string(), "{sent}");
    hash
}

fn set_greeting(greeting: &str) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: "set_greeting".into(),
        args: serde_json::to_vec(&json!({"greeting": greeting})).expect("args"),
        gas: Gas::from_gas(30_000_000_000_000),
        deposit: Balance::from_yoctonear(0),
    }))
}

#[test]
fn the_near_sandbox_binary_records_what_it_ran_and_a_sigkill_loses_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (home, records) = (dir.path().join("home"), dir.path().join("records"));
    neard_cli::init(&home);
    let records_var = records.to_str().expect("utf8 path");
    let mut node = Running::start_with(&home, &[("NEARVIZ_RECORD_DIR", records_var)]);
    let pid = node.child.id();
    // The root account's key from the home, as near-workspaces signs with it.
    let key = KeyFile::from_file(&home.join("validator_key.json")).expect("root key");
    let root = InMemorySigner::from_secret_key(key.account_id, key.secret_key.clone());
    let alice =
        InMemorySigner::from_secret_key("alice.test.near".parse().expect("id"), key.secret_key);
    let hello = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../contract/res/hello.wasm"))
        .expect("hello.wasm");
    let steps: [(&Signer, Vec<Action>); 3] = [
        (
            &root,
            vec![
                Action::CreateAccount(CreateAccountAction {}),
                Action::Transfer(TransferAction { deposit: Balance::from_near(10) }),
                Action::AddKey(Box::new(AddKeyAction {
                    public_key: root.public_key(),
                    access_key: near_primitives::account::AccessKey::full_access(),
                })),
            ],
        ),
        (&alice, vec![Action::DeployContract(DeployContractAction { code: hello })]),
        (&root, vec![set_greeting("recorded")]),
    ];
    let mut sent = Vec::new();
    for (i, (signer, actions)) in steps.into_iter().enumerate() {
        sent.push(send(&node, signer, "alice.test.near", actions));
        let recording = fixture::load(&only_file(&records)).expect("the recording loads");
        assert_eq!(finished(&recording), sent, "after transaction #{i}");
    }
    // One more in flight, then SIGKILL, as near-workspaces drops a worker.
    let (b64, _) = sign_actions_at(&node.addr, &root, "alice.test.near", vec![set_greeting("x")]);
    node.rpc("broadcast_tx_async", json!([b64]));
    node.child.kill().expect("SIGKILL");
    node.child.wait().expect("wait");
    let file = only_file(&records);
    let recording = fixture::load(&file).expect("the recording loads after a SIGKILL");
    let done = finished(&recording);
    assert!(done.starts_with(&sent), "{done:?} should start with {sent:?}");
    assert_eq!(recording.meta.engine.as_deref(), Some("serve"));
    let name = file.file_name().expect("name").to_string_lossy().into_owned();
    assert!(name.ends_with(&format!("-{pid}@alice.jsonl")), "{name}");
    // `nearviz replay DIR` lists it with every transaction it was sent.
    let out = nearviz(&["replay", records_var], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    assert!(listing.starts_with("1 recording in "), "{listing}");
    let row = listing.lines().find(|l| l.starts_with("  1  ")).expect("a row");
    let columns: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(columns[3], pid.to_string(), "{row}");
    let txs: usize = columns[4].parse().expect("a count");
    assert!(txs == sent.len() || txs == sent.len() + 1, "the three, maybe the fourth: {row}");
    assert_eq!(columns[5], name, "{row}");
}
