//! A real `nearviz serve` process for the serve tests, and a raw HTTP/1.1 client (std sockets)
//! that can also send what no proper client would.

#![allow(dead_code)] // shared with benches/serve.rs (`#[path]`): each uses a part

pub mod bounded;
pub mod npm;

use bounded::output_within;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub url: String,
    pub addr: String,
    pub dir: tempfile::TempDir,
    pub key_file: PathBuf,
    pub record: PathBuf,
    /// stdout lines after the ready line.
    pub lines: mpsc::Receiver<String>,
    /// Process start to the first answered `status`.
    pub status_after: Duration,
}

/// Compiled contracts are cached here across tests (the first boot compiles them).
fn cache_home() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-cache")
}

impl Server {
    /// `nearviz serve --headless --port 0 EXTRA...`, waiting until it answers `status`.
    pub fn start(extra: &[&str]) -> Server {
        Server::start_with_env(extra, &[])
    }

    /// `start` with these environment variables set.
    pub fn start_with_env(extra: &[&str], env: &[(&str, &Path)]) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let key_file = dir.path().join("validator_key.json");
        let record = dir.path().join("recording.json");
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_nearviz"))
            .args(["serve", "--headless", "--port", "0", "--key-file"])
            .arg(&key_file)
            .arg("--record")
            .arg(&record)
            .args(extra)
            .env("XDG_CACHE_HOME", cache_home())
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nearviz serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines.recv_timeout(Duration::from_secs(60)).expect("the URL line");
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {first:?}"))
            .to_owned();
        let addr = url.trim_start_matches("http://").to_owned();
        let deadline = Instant::now() + Duration::from_secs(120);
        let status_after = loop {
            if let Ok((200, body)) = post_json(&addr, &rpc_body("status", Value::Null)) {
                if body.get("result").is_some() {
                    break started.elapsed();
                }
            }
            assert!(Instant::now() < deadline, "nearviz serve did not answer status");
            std::thread::sleep(Duration::from_millis(5));
        };
        let ready = lines.recv_timeout(Duration::from_secs(60)).expect("the ready line");
        assert!(ready.contains("ready"), "{ready}");
        Server { child, url, addr, dir, key_file, record, lines, status_after }
    }

    pub fn rpc(&self, method: &str, params: Value) -> Value {
        let (status, body) = post_json(&self.addr, &rpc_body(method, params)).expect("rpc");
        assert!(status == 200 || body.get("error").is_some(), "HTTP {status}: {body}");
        body
    }

    /// SIGTERM, then the exit status.
    pub fn terminate(&mut self) -> ExitStatus {
        stop(&mut self.child, "TERM")
    }

    /// `SIG<signal>`, then the exit status.
    pub fn signal(&mut self, signal: &str) -> ExitStatus {
        stop(&mut self.child, signal)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `SIG<signal>` to `child` and waits (30 s at most) for its exit status.
pub fn stop(child: &mut Child, signal: &str) -> ExitStatus {
    let pid = child.id().to_string();
    let killed = Command::new("kill").args([&format!("-{signal}"), &pid]).status().expect("kill");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "nearviz did not stop on SIG{signal}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `nearviz watch --headless` with its stdout and stderr lines.
pub struct Watcher {
    pub child: Child,
    pub out: mpsc::Receiver<String>,
    pub err: mpsc::Receiver<String>,
    _dir: tempfile::TempDir,
}

impl Watcher {
    pub fn start(url: &str, extra: &[&str]) -> Watcher {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_nearviz"))
            .args(["watch", "--headless", "--rpc", url])
            .args(extra)
            .env("XDG_DATA_HOME", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nearviz watch");
        let lines = |stream: Box<dyn std::io::Read + Send>| {
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
            rx
        };
        let out = lines(Box::new(child.stdout.take().expect("stdout")));
        let err = lines(Box::new(child.stderr.take().expect("stderr")));
        let ready = out.recv_timeout(Duration::from_secs(30)).expect("watch ready");
        assert!(ready.contains("following"), "{ready}");
        Watcher { child, out, err, _dir: dir }
    }

    /// The stdout line naming `hash`, within 30 s.
    pub fn line_for(&self, hash: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(line) = self.out.recv_timeout(Duration::from_millis(200)) {
                if line.contains(hash) {
                    return line;
                }
                seen.push(line);
            }
        }
        let errors: Vec<String> = self.err.try_iter().collect();
        panic!("watch never showed {hash}: {seen:#?}\nstderr: {errors:#?}");
    }

    /// SIGTERM; it must exit 0. Its stderr lines.
    pub fn stop(mut self) -> Vec<String> {
        let exit = self.signal("TERM");
        assert!(exit.success(), "{exit:?}");
        self.err.try_iter().collect()
    }

    /// `SIG<signal>`, then the exit status.
    pub fn signal(&mut self, signal: &str) -> ExitStatus {
        stop(&mut self.child, signal)
    }
}

impl Drop for Watcher {
    /// A failed test must not leave the watch running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn rpc_body(method: &str, params: Value) -> Vec<u8> {
    serde_json::to_vec(
        &serde_json::json!({"jsonrpc": "2.0", "id": "t", "method": method, "params": params}),
    )
    .expect("json")
}

/// POSTs `body` and returns the HTTP status and the JSON answer.
pub fn post_json(addr: &str, body: &[u8]) -> std::io::Result<(u16, Value)> {
    let (status, bytes) = post_raw(addr, body)?;
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Ok((status, value))
}

/// POSTs raw bytes as the body; returns the HTTP status and the body.
pub fn post_raw(addr: &str, body: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    send_raw(addr, &request)
}

/// Sends raw bytes and reads the answer until the server closes.
pub fn send_raw(addr: &str, request: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    // A server may answer (413) and close before it read everything: keep what it said.
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no HTTP status in {text:?}")))?;
    let body = match answer.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(at) => answer[at + 4..].to_vec(),
        None => Vec::new(),
    };
    Ok((status, body))
}

/// A function call signed with the embedded runtime's key of `signer` (the scenario's accounts
/// have keys derived from their names), with the nonce and block hash `server` gives: the
/// base64 `signed_tx_base64` and the transaction hash.
pub fn sign_call(
    server: &Server,
    signer: &str,
    receiver: &str,
    method: &str,
    args: Value,
    deposit: u128,
) -> (String, near_primitives::hash::CryptoHash) {
    use near_primitives::action::{Action, FunctionCallAction};
    use near_primitives::types::{Balance, Gas};
    let key = nearviz_runtime::signer_for(&signer.parse().expect("signer id"));
    let call = Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: method.into(),
        args: serde_json::to_vec(&args).expect("args"),
        gas: Gas::from_gas(300_000_000_000_000),
        deposit: Balance::from_yoctonear(deposit),
    }));
    sign_actions(server, &key, receiver, vec![call])
}

/// `actions` to `receiver` signed by `signer` (its account and key), with the key's next nonce
/// and the final block's hash from `server`: the base64 `signed_tx_base64` and the hash.
pub fn sign_actions(
    server: &Server,
    signer: &near_crypto::Signer,
    receiver: &str,
    actions: Vec<near_primitives::action::Action>,
) -> (String, near_primitives::hash::CryptoHash) {
    sign_actions_at(&server.addr, signer, receiver, actions)
}

/// [`sign_actions`] for any node answering JSON-RPC at `addr` (`HOST:PORT`).
pub fn sign_actions_at(
    addr: &str,
    signer: &near_crypto::Signer,
    receiver: &str,
    actions: Vec<near_primitives::action::Action>,
) -> (String, near_primitives::hash::CryptoHash) {
    use base64::Engine as _;
    use near_primitives::transaction::{SignedTransaction, Transaction, TransactionV0};
    let rpc =
        |method: &str, params: Value| post_json(addr, &rpc_body(method, params)).expect("rpc").1;
    let key = signer.public_key();
    let access = rpc(
        "query",
        serde_json::json!({"request_type": "view_access_key", "finality": "optimistic",
                           "account_id": signer.get_account_id(), "public_key": key}),
    );
    let nonce = access["result"]["nonce"].as_u64().expect("nonce") + 1;
    let head = rpc("block", serde_json::json!({"finality": "final"}));
    let block_hash =
        head["result"]["header"]["hash"].as_str().expect("hash").parse().expect("hash");
    let tx = Transaction::V0(TransactionV0 {
        signer_id: signer.get_account_id(),
        public_key: key,
        nonce,
        receiver_id: receiver.parse().expect("receiver id"),
        block_hash,
        actions,
    });
    let signature = signer.sign(tx.get_hash_and_size().0.as_ref());
    let signed = SignedTransaction::new(signature, tx);
    let bytes = near_primitives::borsh::to_vec(&signed).expect("borsh");
    (base64::engine::general_purpose::STANDARD.encode(bytes), signed.get_hash())
}

/// How long a client program (a node script, a near-cli-rs command) may run before its test
/// fails showing what it printed: minutes more than any of them takes.
pub const CLIENT_LIMIT: Duration = Duration::from_secs(300);

/// `tests/node` with its packages installed from the committed lockfile (`npm::installed`).
pub fn node_project() -> PathBuf {
    npm::installed(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/node"))
}

/// Runs the near-api-js script `tests/node/<script>` against `server` (its URL, key file and the
/// contracts' directory as arguments).
pub fn node_script(server: &Server, script: &str) -> std::process::Output {
    let project = node_project();
    let res = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contract/res");
    let mut node = Command::new("node");
    node.arg(project.join(script)).arg(&server.url).arg(&server.key_file).arg(&res);
    output_within(node.current_dir(&project), CLIENT_LIMIT, script)
}

/// Runs `tests/node/flow.mjs` against `server`; returns its JSON lines.
pub fn run_flow(server: &Server) -> Vec<Value> {
    let output = node_script(server, "flow.mjs");
    assert!(
        output.status.success(),
        "flow.mjs failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}
