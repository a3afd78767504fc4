//! `nearviz watch --headless` following a `nearviz serve` while near-api-js sends a burst of
//! ten transactions: it must see every one, to FINAL, with none missed.

use crate::serve_common::{run_flow, Server, Watcher};
use crate::support::child::Guarded;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn watch_sees_every_transaction_of_a_burst() {
    let mut server = Server::start(&["--block-ms", "50"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("watch.json");
    let mut watch = Guarded::spawn(
        Command::new(env!("CARGO_BIN_EXE_nearviz"))
            .args(["watch", "--headless", "--rpc", &server.url, "--record"])
            .arg(&record)
            .env("XDG_DATA_HOME", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
        "nearviz watch",
    );
    let stdout = watch.stdout.take().expect("stdout");
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let ready = lines.recv_timeout(Duration::from_secs(30)).expect("watch ready");
    assert!(ready.contains("following"), "{ready}");

    run_flow(&server);
    let mut served = Vec::new();
    while served.len() < 10 {
        let line = server.lines.recv_timeout(Duration::from_secs(30)).expect("served tx line");
        served.push(line);
    }

    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while seen.len() < served.len() && Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
            seen.push(line);
        }
    }
    let _ = Command::new("kill").args(["-TERM", &watch.id().to_string()]).status();
    assert!(server.terminate().success());
    let exit = watch.wait().expect("watch exit");
    assert!(exit.success(), "{exit:?}");
    for line in &served {
        let hash = line.split_whitespace().nth(1).expect("hash");
        let found = seen.iter().find(|l| l.contains(hash));
        let found = found.unwrap_or_else(|| panic!("watch missed {hash}: {seen:#?}"));
        assert!(found.ends_with(" ok"), "{found}");
    }
    let recording = nearviz::fixture::load(&record).expect("the watch recording");
    assert!(!recording.events.is_empty());
}

/// A watch that starts after the transaction was included (it never sees it in a chunk) attaches
/// it from its receipts; so does a watch of `--account hello.test.near` for alice → xcc, whose
/// only contact with hello is a receipt xcc sends there. A watch that may not look back reports
/// the receipts as orphans instead.
#[test]
fn watch_attaches_transactions_it_only_meets_through_receipts() {
    // Slow blocks: the late watch must start (a debug build, a busy machine) within the blocks
    // between the transaction's inclusion and its callback.
    let server = Server::start(&["--block-ms", "700"]);
    let by_account = Watcher::start(&server.url, &["--account", "hello.test.near"]);
    let (b64, hash) = crate::serve_common::sign_call(
        &server,
        "alice.test.near",
        "xcc.test.near",
        "multiple_contracts",
        serde_json::json!({}),
        0,
    );
    let sent = server.rpc("broadcast_tx_async", serde_json::json!([b64]));
    assert_eq!(sent["result"], serde_json::json!(hash), "{sent}");
    // Wait until a block included it, then join mid-flight.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = server.rpc(
            "tx",
            serde_json::json!({"tx_hash": hash, "sender_account_id": "alice.test.near",
                               "wait_until": "NONE"}),
        );
        // Included (its outcome so far, status Started): join mid-flight.
        if status["result"]["final_execution_status"] == "INCLUDED" {
            break;
        }
        assert!(Instant::now() < deadline, "not included: {status}");
        std::thread::sleep(Duration::from_millis(20));
    }
    // In process, with no blocks to look back in: the same receipts are orphans, and said so.
    let tokio = tokio::runtime::Runtime::new().expect("tokio");
    let client = nearviz::engine::rpc::RpcClient::new(&server.url).expect("client");
    let opts = nearviz::engine::watch::WatchOptions {
        lookback: 0,
        ..nearviz::engine::watch::WatchOptions::default()
    };
    let mut blind = {
        let _inside = tokio.enter();
        nearviz::engine::watch::spawn(client, opts)
    };
    let joined = Instant::now();
    let late = Watcher::start(&server.url, &[]);
    eprintln!("the late watch was ready {:?} after the inclusion", joined.elapsed());

    let hash = hash.to_string();
    for (name, watcher) in [("joined mid-flight", &late), ("--account hello", &by_account)] {
        let line = watcher.line_for(&hash);
        assert!(line.contains("attached from a receipt"), "{name}: {line}");
        assert!(line.contains("alice.test.near → xcc.test.near"), "{name}: {line}");
        assert!(line.ends_with(" ok"), "{name}: followed to the end: {line}");
    }
    let orphan = tokio.block_on(async {
        let wait = async {
            loop {
                match blind.events.recv().await {
                    Some(nearviz::engine::EngineEvent::Progress(line))
                        if line.contains("orphan") =>
                    {
                        return line;
                    }
                    Some(nearviz::engine::EngineEvent::Chain(
                        nearviz::chain::ChainEvent::TxSubmitted { label, .. },
                    )) => panic!("nothing to attach without lookback: {label}"),
                    Some(_) => {}
                    None => panic!("the watch engine stopped"),
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(30), wait).await.expect("an orphan line")
    });
    assert!(orphan.contains("signed by alice.test.near"), "{orphan}");
    for watcher in [late, by_account] {
        let errors = watcher.stop();
        assert!(!errors.iter().any(|l| l.contains("orphan")), "{errors:#?}");
    }
}
