//! The real `near-sandbox` binary started the way near-workspaces starts neard: `init` writes a
//! neard-shaped home, a launcher edits it, `run` boots the chain from it and answers JSON-RPC;
//! bad homes are one line on stderr with exit code 2.

use crate::serve_common::{post_json, rpc_body};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_near-sandbox");

fn sandbox(home: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.arg("--home").arg(home).args(args).env_remove("NEARVIZ_BLOCK_MS");
    command
}

pub(crate) fn init(home: &Path) {
    let out = sandbox(home, &["init", "--fast"]).output().expect("init");
    assert!(out.status.success(), "init: {}", String::from_utf8_lossy(&out.stderr));
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

fn write(path: &Path, value: &Value) {
    std::fs::write(path, value.to_string()).expect("write");
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A running `near-sandbox run`, killed (SIGKILL, as launchers do) when dropped.
pub(crate) struct Running {
    pub(crate) child: Child,
    pub(crate) addr: String,
}

impl Running {
    fn start(home: &Path) -> Running {
        Running::start_with(home, &[])
    }

    pub(crate) fn start_with(home: &Path, env: &[(&str, &str)]) -> Running {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let child = sandbox(home, &["run", "--rpc-addr", &format!("0.0.0.0:{port}")])
            .args(["--network-addr", &format!("0.0.0.0:{}", free_port())])
            .envs(env.iter().copied())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run");
        let running = Running { child, addr };
        let deadline = Instant::now() + Duration::from_secs(20);
        while post_json(&running.addr, &rpc_body("status", Value::Null)).is_err() {
            assert!(Instant::now() < deadline, "near-sandbox did not answer within 20 s");
            std::thread::sleep(Duration::from_millis(10));
        }
        running
    }

    pub(crate) fn rpc(&self, method: &str, params: Value) -> Value {
        post_json(&self.addr, &rpc_body(method, params)).expect("rpc").1
    }

    fn height(&self) -> u64 {
        let status = self.rpc("status", Value::Null);
        status["result"]["sync_info"]["latest_block_height"].as_u64().expect("height")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn init_writes_a_neard_home() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path());
    let key = read(&dir.path().join("validator_key.json"));
    assert_eq!(key["account_id"], "test.near");
    assert!(key["secret_key"].as_str().is_some_and(|k| k.starts_with("ed25519:")), "{key}");
    assert!(read(&dir.path().join("node_key.json"))["public_key"].is_string());
    let config = read(&dir.path().join("config.json"));
    assert!(config["rpc"]["limits_config"]["json_payload_max_size"].is_u64(), "{config}");
    let genesis = read(&dir.path().join("genesis.json"));
    assert_eq!(genesis["protocol_version"], 86);
    assert_eq!(genesis["epoch_length"], 60);
    assert!(genesis["chain_id"].as_str().is_some_and(|id| id.starts_with("test-chain-")));
    let root_key = &genesis["records"][1]["AccessKey"];
    assert_eq!(root_key["account_id"], "test.near");
    assert_eq!(root_key["public_key"], key["public_key"]);
    // A second init of the same home is refused.
    let again = sandbox(dir.path(), &["init"]).output().expect("init again");
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn run_boots_from_the_genesis_a_launcher_edited() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path());
    // What near-sandbox's config.rs does: merge settings, add an account and its key.
    let config_path = dir.path().join("config.json");
    let mut config = read(&config_path);
    config["rpc"]["limits_config"]["json_payload_max_size"] = json!(1_073_741_824u64);
    config["store"]["max_open_files"] = json!(3000);
    write(&config_path, &config);
    let genesis_path = dir.path().join("genesis.json");
    let mut genesis = read(&genesis_path);
    genesis["chain_id"] = json!("nearviz-facade");
    let key = "ed25519:5BGSaf6YjVm7565VzWQHNxoyEjwr3jUpRJSGjREvU9dB";
    let records = genesis["records"].as_array_mut().expect("records");
    records.push(json!({"Account": {"account_id": "registrar", "account": {
        "amount": "10000000000000000000000000000", "locked": "0",
        "code_hash": "11111111111111111111111111111111", "storage_usage": 182}}}));
    records.push(json!({"AccessKey": {"account_id": "registrar", "public_key": key,
        "access_key": {"nonce": 0, "permission": "FullAccess"}}}));
    write(&genesis_path, &genesis);

    let node = Running::start(dir.path());
    let status = node.rpc("status", Value::Null);
    assert_eq!(status["result"]["chain_id"], "nearviz-facade", "{status}");
    assert_eq!(status["result"]["protocol_version"], 86);
    let account = node.rpc(
        "query",
        json!({"request_type": "view_account", "finality": "final", "account_id": "registrar"}),
    );
    assert_eq!(account["result"]["amount"], "10000000000000000000000000000", "{account}");
    let access = node.rpc(
        "query",
        json!({"request_type": "view_access_key", "finality": "final",
               "account_id": "registrar", "public_key": key}),
    );
    assert_eq!(access["result"]["permission"], "FullAccess", "{access}");
    let root = node.rpc(
        "query",
        json!({"request_type": "view_account", "finality": "final", "account_id": "test.near"}),
    );
    assert_eq!(root["result"]["locked"], "50000000000000000000000000000000", "{root}");
    let log = std::fs::read_to_string(dir.path().join("nearviz.log")).expect("the log");
    assert!(log.contains("near-sandbox serving"), "{log}");
}

/// Exit code 2 and one stderr line containing each of `needles`.
fn assert_bad_input(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} in {stderr}");
    }
}

fn run_to_end(home: &Path) -> Output {
    let port = free_port().to_string();
    sandbox(home, &["run", "--rpc-addr", &format!("127.0.0.1:{port}")]).output().expect("run")
}

#[test]
fn bad_homes_are_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_bad_input(&run_to_end(&dir.path().join("empty")), &["not initialised", "init"]);

    init(dir.path());
    let genesis_path = dir.path().join("genesis.json");
    let genesis = std::fs::read(&genesis_path).expect("genesis");
    std::fs::write(&genesis_path, b"{ not json").expect("write");
    assert_bad_input(&run_to_end(dir.path()), &["genesis.json", "not valid JSON"]);

    let mut unknown: Value = serde_json::from_slice(&genesis).expect("json");
    unknown["records"].as_array_mut().expect("records").push(json!({"Shares": {"n": 1}}));
    write(&genesis_path, &unknown);
    assert_bad_input(&run_to_end(dir.path()), &["genesis.json", "unknown record kind `Shares`"]);
    std::fs::write(&genesis_path, &genesis).expect("restore");

    let config_path = dir.path().join("config.json");
    std::fs::write(&config_path, b"[1,").expect("write");
    assert_bad_input(&run_to_end(dir.path()), &["config.json", "not valid JSON"]);
}

#[test]
fn a_port_in_use_is_bad_input_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path());
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let out = sandbox(dir.path(), &["run", "--rpc-addr", &addr]).output().expect("run");
    assert_bad_input(&out, &["--rpc-addr", &addr, "already in use"]);
}

#[test]
fn blocks_come_on_demand_unless_nearviz_block_ms_sets_a_pace() {
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path());
    let idle = Running::start(dir.path());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(idle.height(), 0, "no work, no blocks");
    drop(idle);
    let paced = Running::start_with(dir.path(), &[("NEARVIZ_BLOCK_MS", "20")]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while paced.height() < 5 {
        assert!(Instant::now() < deadline, "blocks every 20 ms");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(paced);
    let bad = sandbox(dir.path(), &["run"]).env("NEARVIZ_BLOCK_MS", "soon").output().expect("run");
    assert_bad_input(&bad, &["NEARVIZ_BLOCK_MS=soon"]);
}

/// Launchers stop the sandbox with one SIGINT (npm near-workspaces' `tearDown`, right after the
/// test's last transaction) and wait for it to exit. The node is still finishing that
/// transaction when the signal lands, so its event loop is turning: a signal landing between
/// two turns was lost, and the launcher waited forever (about one `tearDown` in fifteen).
#[test]
fn one_sigint_right_after_a_transaction_stops_the_node() {
    use near_crypto::{InMemorySigner, KeyFile};
    use near_primitives::action::{Action, TransferAction};
    use near_primitives::types::Balance;
    let dir = tempfile::tempdir().expect("tempdir");
    init(dir.path());
    let key = KeyFile::from_file(&dir.path().join("validator_key.json")).expect("root key");
    let root = InMemorySigner::from_secret_key(key.account_id, key.secret_key);
    for attempt in 0..60 {
        let mut node = Running::start(dir.path());
        let transfer = Action::Transfer(TransferAction { deposit: Balance::from_yoctonear(1) });
        let (tx, _) =
            crate::serve_common::sign_actions_at(&node.addr, &root, "near", vec![transfer]);
        let sent = node.rpc("broadcast_tx_commit", json!([tx]));
        assert!(sent["result"]["status"]["SuccessValue"].is_string(), "{sent}");
        let pid = node.child.id().to_string();
        let kill = Command::new("kill").args(["-INT", &pid]).status().expect("kill");
        assert!(kill.success(), "kill -INT {pid}");
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = node.child.try_wait().expect("wait") {
                break status;
            }
            assert!(Instant::now() < deadline, "attempt {attempt}: one SIGINT did not stop it");
            std::thread::sleep(Duration::from_millis(5));
        };
        assert!(status.success(), "attempt {attempt}: SIGINT is a clean stop: {status}");
    }
}
